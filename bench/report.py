"""Writes bench/results/latest.md from the figures bench/run collected."""
import datetime
import os
import re
import subprocess
import sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
seconds = sys.argv[2]
values = {row[0]: row[1:] for row in rows if row[0] in ("startup", "idle_kb")}
casts = [row[1:] for row in rows if row[0] == "cast"]
pages = [row[1:] for row in rows if row[0] == "page"]
voting = [row[1] for row in rows if row[0] == "voting"]
exports = [row[1] for row in rows if row[0] == "exports"]


def mark(ok):
    return "✅" if ok else "❌"


commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
print("# PorteVoix benchmark: latest figures")
print()
print(f"`bench/run`, {datetime.date.today().isoformat()}, commit `{commit or '?'}`, "
      f"{os.cpu_count()} cores, release build, SQLite (synchronous = FULL) and PostgreSQL (fsync on). "
      f"wrk -t1 -c32, {seconds} s per run; nginx serves the very same bytes as a static file in the same run.")
print()
print("## Pages")
print()
print("Targets (issue 27): as a member, ≥ 5 % of nginx and p99 ≤ 20 ms; as a visitor, with or without the "
      "visitor cookie, ≥ 20 % of nginx; every page ≤ 30 KB (HTML + CSS, uncompressed).")
print()
print("| database | page | who | status | HTML + CSS | PorteVoix req/s | p50 | p99 | nginx req/s | share of nginx | target | ≤ 30 KB |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for db, name, who, status, size, rps, p50, p99, errors, nrps, np50, np99, nerrors in pages:
    share = float(rps) / float(nrps) if float(nrps) else 0
    if who == "membre":
        target = mark(share >= 0.05 and float(p99) <= 20) + " (≥ 5 %, p99 ≤ 20 ms)"
    else:
        target = mark(share >= 0.20) + " (≥ 20 %)"
    note = f" ({errors} non-2xx)" if errors != "0" else ""
    print(f"| {db} | {name} | {who} | {status}{note} | {int(size) / 1024:.1f} KB | {float(rps):,.0f} | {p50} ms | {p99} ms | "
          f"{float(nrps):,.0f} | {share * 100:.2f} % | {target} | {mark(int(size) <= 30 * 1024)} |")
print()
print("## Ballots, counting, export, start-up")
print()
print("| measure | figure | target | |")
print("|---|---|---|---|")
for db, cast in casts:
    match = re.search(r"([\d.]+) ballots per second, (\d+) errors", cast)
    if match:
        goal = 1000 if db == "SQLite" else 800
        print(f"| ballots per second, {db}, 64 concurrent voters, durable commits | {float(match.group(1)):,.0f} ({match.group(2)} errors) | ≥ {goal:,} | "
              f"{mark(float(match.group(1)) >= goal and match.group(2) == '0')} |")
for line in voting:
    tally = re.search(r"tally ([\d.]+) ms", line)
    if tally:
        print(f"| majority-judgment tally, 100,000 ballots × 10 options | {tally.group(1)} ms | ≤ 1 s | {mark(float(tally.group(1)) <= 1000)} |")
    count = re.search(r"closing and counting them .* took ([\d.]+) ms", line)
    if count:
        print(f"| close, unseal and count 10,000 sealed ballots | {count.group(1)} ms | ≤ 2 s | {mark(float(count.group(1)) <= 2000)} |")
base = None
for line in exports:
    filled = re.search(r"after filling: (\d+) MB", line)
    if filled:
        base = int(filled.group(1))
    csv = re.search(r"^\s*csv\s+(\d+) lines, (\d+) MB in ([\d.]+) (ms|s), peak memory so far (\d+) MB", line)
    if csv:
        took = float(csv.group(3)) / (1000 if csv.group(4) == "ms" else 1)
        extra = int(csv.group(5)) - (base or 0)
        print(f"| CSV export, 100,000 proposals | {took:.1f} s, {extra} MB over the filled process | ≤ 3 s, ≤ 50 MB | "
              f"{mark(took <= 3 and extra <= 50)} |")
if "startup" in values:
    print(f"| start-up (process start to /healthz) | {values['startup'][0]} ms | — | |")
if "idle_kb" in values:
    print(f"| idle memory after start-up | {int(values['idle_kb'][0]) // 1024} MB | — | |")
print()
print("Raw lines:")
print()
print("```")
for line in [cast for _, cast in casts] + voting + exports:
    print(line.strip())
print("```")

# Instructions per request (bench/instructions), before and after: figures a noisy machine cannot blur.
counts = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "instructions.tsv")
if os.path.exists(counts):
    table = {}
    for line in open(counts, encoding="utf-8").read().splitlines()[1:]:
        binary, measure, requests, each, *rest = line.split("\t")
        table.setdefault(measure, {})[binary] = int(each)
        if binary == "after" and rest:
            table[measure]["metrics"] = rest[0]
    print()
    print("## Instructions per request (callgrind, `bench/instructions`)")
    print()
    print("Every instruction of the server process (all threads) during N requests, divided by N; "
          "`before` is the release build of the commit before issue 27 (2fc0c78). Target: signed-in `/propositions` "
          "and one ballot each at least 4 times fewer than before.")
    print()
    print("| measure | before | after | before ÷ after | of which /metrics's recording |")
    print("|---|---|---|---|---|")
    for measure, figures in table.items():
        before, after = figures.get("before"), figures.get("after")
        ratio = f"{before / after:.2f} ×" if before and after else "—"
        shown = lambda value: f"{value:,}" if value else "—"
        print(f"| {measure} | {shown(before)} | {shown(after)} | {ratio} | {figures.get('metrics', '—')} |")

# The targets this machine misses, with the profiles that explain them,
# written by hand after `perf record` on the release binary (bench/PROFILES.md).
notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "PROFILES.md")
if os.path.exists(notes):
    print()
    print(open(notes, encoding="utf-8").read().rstrip())
