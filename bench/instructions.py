"""Counts the instructions of N requests to a server running under callgrind
(bench/instructions). Prints: label, measure, requests, instructions per request."""
import glob
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request

label, port, pid, dataset_file, out_prefix = sys.argv[1:6]
dataset = json.load(open(dataset_file))
base = f"http://127.0.0.1:{port}"
member = "portevoix=" + dataset["memberCookie"]
N = 10


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


opener = urllib.request.build_opener(NoRedirect)


def get(path, cookie=None):
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    with opener.open(request, timeout=300) as reply:
        body = reply.read()
        assert reply.status == 200, (path, reply.status)
        return body


def vote(poll, voter):
    data = urllib.parse.urlencode({"_csrf": voter[1], "choix": "P"}).encode()
    request = urllib.request.Request(f"{base}/scrutins/{poll}/vote", data=data,
                                     headers={"Cookie": "portevoix=" + voter[0]})
    with opener.open(request, timeout=300) as reply:
        body = reply.read().decode()
        assert reply.status == 200 and "suivi" in body.lower(), (reply.status, body[:300])


def control(*args):
    subprocess.run(["callgrind_control", *args, pid], check=True, stdout=subprocess.DEVNULL)


def measured(name, count, action):
    control("-z")
    control("-i", "on")
    for index in range(count):
        action(index)
    control("-i", "off")
    before = set(glob.glob(out_prefix + ".*"))
    control("-d")
    dumps = sorted(set(glob.glob(out_prefix + ".*")) - before, key=os.path.getmtime)
    # "totals:" is the cost of everything since the counters were zeroed
    # (callgrind's "summary:" line can read 0 when counting was switched on late).
    total = 0
    for line in open(dumps[-1]):
        if line.startswith("totals:"):
            total = int(line.split()[1])
        elif line.startswith("summary:") and not total:
            total = int(line.split()[1])
    # What the operators' metrics cost (issue 27: under 3 %): the inclusive
    # instructions of the metrics middleware's recording, beside the total.
    inclusive = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", dumps[-1]],
                               capture_output=True, text=True).stdout
    metrics = 0
    for line in inclusive.splitlines():
        if "SiteMetrics" in line and "record" in line:
            try:
                metrics = max(metrics, int(line.split()[0].replace(",", "")))
            except ValueError:
                pass
    share = f"{100 * metrics / total:.2f} %" if total else "—"
    print(f"{label}\t{name}\t{count}\t{total // count}\t{share}", flush=True)
    # Where they go: the functions that spend the most (self cost), for bench/PROFILES.md.
    top = subprocess.run(["callgrind_annotate", "--threshold=90", dumps[-1]], capture_output=True, text=True).stdout
    # The function lines only ("   1,234 ( 0.56%)  file:function [object]"), the costliest first.
    lines = [line for line in top.splitlines() if "%)" in line and ":" in line and "PROGRAM TOTALS" not in line][:30]
    # And the site's own functions with everything they call (inclusive), demangled.
    own = [line for line in inclusive.splitlines() if "%)" in line and ("PorteVoix" in line or "Vapor" in line
                                                                       or "Fluent" in line or "SQLite" in line or "Plot" in line)][:40]
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(own), capture_output=True, text=True).stdout
    with open(os.environ.get("INSTRUCTIONS_PROFILE", "/dev/null"), "a") as profile:
        profile.write(f"\n## {label}: {name} ({count} requests, {total // count:,} instructions each)\n\n```\n")
        profile.write("\n".join(line[:200] for line in lines) + "\n```\n")
        profile.write("\nInclusive (the site's and its libraries' functions with what they call):\n\n```\n")
        profile.write("\n".join(line[:220] for line in demangled.splitlines()) + "\n```\n")


proposal, meeting, poll, theme = (dataset[key].lower() for key in ("proposal", "meeting", "majorityPoll", "theme"))
pages = [
    ("/propositions (anonyme)", "/propositions", None),
    ("/propositions (membre)", "/propositions", member),
    ("/ (membre)", "/", member),
    ("a proposal (anonyme)", f"/propositions/{proposal}", None),
    ("a proposal (membre)", f"/propositions/{proposal}", member),
    ("a session (membre)", f"/seances/{meeting}", member),
    ("a closed poll (membre)", f"/scrutins/{poll}", member),
]
for name, path, cookie in pages:
    for _ in range(3):
        get(path, cookie)
    measured(name, N, lambda _: get(path, cookie))

open_poll = dataset["openPolls"][0]
voters = dataset["voters"]
for index in range(2):
    vote(open_poll, voters[index])
measured("one ballot (membre)", 20, lambda index: vote(open_poll, voters[2 + index]))
