"""The read API, checked from outside against its own OpenAPI document.

Run: `python browser/api_checks.py path/to/portevoix` (scripts/test does it,
once on SQLite and once on PostgreSQL when PORTEVOIX_TEST_POSTGRES_URL names
a server). It fills a fresh database with `portevoix demo`, serves it, signs
the demo's staff member in and creates a personal token through
/mon-compte/jetons like a person would, then:
  1. validates /api/openapi.json with openapi-spec-validator;
  2. runs schemathesis against every endpoint with that token: no server
     error, and every status, content type and body as the document says;
  3. checks that no token, a member's session, and a revoked token get 401.
"""

from __future__ import annotations

import base64
import glob
import html
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from openapi_spec_validator import validate

from harness import Report, Server

HERE = Path(__file__).resolve().parent


def postgres_database(url: str, name: str) -> str:
    """A new, empty database on the test server; its URL."""
    psql = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
    subprocess.run([psql, url, "-q", "-c", f'DROP DATABASE IF EXISTS "{name}"', "-c", f'CREATE DATABASE "{name}"'],
                   check=True, capture_output=True)
    return url.rsplit("/", 1)[0] + "/" + name


def lowered(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


class Visitor:
    """A browser without a browser: cookies, and the form token of the last page."""

    def __init__(self, server: Server):
        self.server = server
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""

    def open(self, path: str, form: dict | None = None, headers: dict | None = None) -> tuple[int, str, dict]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.server.url(path), data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                status, body, got = response.status, response.read().decode(), lowered(response.headers)
        except urllib.error.HTTPError as error:
            status, body, got = error.code, error.read().decode(), lowered(error.headers)
        found = re.search(r'name="_csrf" value="([^"]+)"', body)
        if found:
            self.csrf = html.unescape(found.group(1))
        return status, body, got

    def sign_in(self, pseudonym: str, password: str) -> None:
        self.open("/connexion")
        status, body, _ = self.open("/connexion", {"_csrf": self.csrf, "pseudonyme": pseudonym, "motDePasse": password})
        if "Se déconnecter" not in body and "deconnexion" not in body:
            raise RuntimeError(f"sign-in failed for {pseudonym}: {status}")


def api(server: Server, path: str, token: str | None, cookies_of: Visitor | None = None) -> tuple[int, str, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if cookies_of:
        return cookies_of.open(path, headers=headers)
    request = urllib.request.Request(server.url(path), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), lowered(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), lowered(error.headers)


def run(binary: Path, report: Report, label: str, database_url: str | None) -> None:
    extra: dict[str, str] = {}
    if database_url:
        # Several instances share PostgreSQL, so the keys come from the environment there.
        extra = {"DATABASE_URL": database_url, "PORTEVOIX_BALLOT_KEY": base64.b64encode(os.urandom(32)).decode(),
                 "PORTEVOIX_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode()}
    data = tempfile.mkdtemp(prefix="portevoix-api-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"PORTEVOIX_DATA_DIR": data}, **extra)
    demo = subprocess.run([str(binary), "demo"], cwd=HERE.parent, env=env, capture_output=True, text=True, timeout=600)
    if not report.check(f"{label}: demo data", demo.returncode == 0, demo.stderr[-1000:]):
        return
    passwords = dict(re.findall(r"^  (.+?)\s{2,}(\S+)\s{2,}", demo.stdout, re.M))
    with Server(binary, extra_env={"PORTEVOIX_DATA_DIR": data, **extra}) as server:
        status, body, headers = api(server, "/api/openapi.json", None)
        document = json.loads(body)
        try:
            validate(document)
            valid, why = True, ""
        except Exception as error:  # the validator's own error types
            valid, why = False, str(error)[:2000]
        report.check(f"{label}: /api/openapi.json is a valid OpenAPI {document.get('openapi')} document",
                     status == 200 and document.get("openapi") == "3.1.0" and valid, why)

        staff = Visitor(server)
        staff.sign_in("Agent Département", passwords["Agent Département"])
        staff.open("/mon-compte/jetons")
        status, body, _ = staff.open("/mon-compte/jetons", {"_csrf": staff.csrf, "nom": "Schemathesis", "jours": "90"})
        found = re.search(r'value="(pv_[A-Za-z0-9_-]+)"', body)
        if not report.check(f"{label}: staff create a token in Mon compte, shown once", status == 200 and found is not None, body[-500:]):
            return
        token = found.group(1)
        _, again, _ = staff.open("/mon-compte/jetons")
        report.check(f"{label}: the token is not shown again", token not in again)

        out = subprocess.run(
            [str(Path(sys.executable).with_name("schemathesis")), "run", server.url("/api/openapi.json"),
             "--url", server.url("/api/v1"), "-H", f"Authorization: Bearer {token}",
             "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                         "response_schema_conformance,response_headers_conformance",
             "--max-examples", "40", "--seed", "1", "--no-color", "--wait-for-schema", "10"],
            capture_output=True, text=True, timeout=900, cwd=data,
            env=dict(os.environ, SCHEMATHESIS_HOOKS="", HYPOTHESIS_STORAGE_DIRECTORY=os.path.join(data, "hypothesis")),
        )
        summary = "\n".join(out.stdout.splitlines()[-40:]) + out.stderr[-2000:]
        report.check(f"{label}: schemathesis finds no server error and no response outside the document",
                     out.returncode == 0, summary)
        print(f"--- schemathesis ({label}), last lines:\n" + "\n".join(out.stdout.splitlines()[-8:]), flush=True)

        status, body, headers = api(server, "/api/v1/propositions", None)
        report.check(f"{label}: no token, 401 as problem+json",
                     status == 401 and headers.get("content-type", "").startswith("application/problem+json"), body)
        member = Visitor(server)
        member.sign_in("Camille", passwords["Camille"])
        status, _, _ = member.open("/api/v1/propositions")
        report.check(f"{label}: a member's session does not open the API", status == 401)
        status, _, _ = member.open("/mon-compte/jetons")
        report.check(f"{label}: a member cannot reach the tokens page", status == 403)
        status, _, _ = member.open("/exports")
        report.check(f"{label}: a member cannot reach /exports", status == 403)

        status, listing, _ = staff.open("/mon-compte/jetons")
        action = re.search(r'action="(/mon-compte/jetons/[^"]+/revocation)"', listing)
        if report.check(f"{label}: the token can be revoked from Mon compte", action is not None):
            staff.open(html.unescape(action.group(1)), {"_csrf": staff.csrf})
            status, _, _ = api(server, "/api/v1/propositions", token)
            report.check(f"{label}: a revoked token gets 401", status == 401)


def main() -> int:
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/portevoix").resolve()
    report = Report()
    run(binary, report, "SQLite", None)
    postgres = os.environ.get("PORTEVOIX_TEST_POSTGRES_URL")
    if postgres:
        run(binary, report, "PostgreSQL", postgres_database(postgres, "api_checks"))
    else:
        report.check("PostgreSQL: PORTEVOIX_TEST_POSTGRES_URL names a server (scripts/with-postgres)", False)
    print(f"\n{report.passed} checks passed, {len(report.failures)} failed", flush=True)
    for failure in report.failures:
        print("FAILED:", failure, flush=True)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
