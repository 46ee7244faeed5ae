"""The pages and journeys the browser harness checks.

Run: `python browser/checks.py [path/to/portevoix]` (scripts/test does it).
A feature adds its pages to PAGES and its journeys to JOURNEYS.
"""

from __future__ import annotations

import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import Report, Server, fetch, main, phone

# Every public page; each is checked with axe, at 360 px, and for weight.
PAGES = [
    "/",
    "/charte",
    "/confidentialite",
    "/accessibilite",
    "/mentions-legales",
    "/aide",
    "/cette-page-n-existe-pas",
]


def skip_link_reaches_the_content(driver, server: Server, report: Report) -> None:
    """A keyboard user reaches the main content with the skip link"""
    driver.get(server.url("/"))
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    report.check("the first Tab lands on the skip link", focused.text == "Aller au contenu", repr(focused.text))
    top = driver.execute_script("return document.activeElement.getBoundingClientRect().top")
    report.check("the skip link is visible when focused", top >= 0, f"top = {top}")
    focused.send_keys(Keys.ENTER)
    active_id = driver.execute_script("return document.activeElement.id")
    report.check("Enter moves the focus to the main content", active_id == "contenu", repr(active_id))
    focused = driver.switch_to.active_element
    focused.send_keys(Keys.TAB)
    inside = driver.execute_script("return document.getElementById('contenu').contains(document.activeElement)")
    report.check("the next Tab stays in the main content", inside, driver.switch_to.active_element.text)


def wrong_address_shows_french_404(driver, server: Server, report: Report) -> None:
    """A wrong URL shows a helpful French 404"""
    status, body = fetch(server, "/propositions-introuvables")
    report.check("a wrong address answers 404", status == 404, str(status))
    phone(driver)
    driver.get(server.url("/propositions-introuvables"))
    heading = driver.find_element(By.TAG_NAME, "h1").text
    report.check("the 404 page says so in French", heading == "Cette page n'existe pas", heading)
    link = driver.find_element(By.LINK_TEXT, "Retour à l'accueil")
    link.click()
    report.check("its link leads home", driver.current_url.rstrip("/") == server.base, driver.current_url)


def oversized_post_shows_413(driver, server: Server, report: Report) -> None:
    """An oversized POST shows the 413 page"""
    status, body = fetch(server, "/", data=b"x" * (2 * 1024 * 1024), method="POST")
    text = body.decode("utf-8", "replace")
    report.check("a 2 MB form answers 413", status == 413, str(status))
    report.check("the 413 page explains in French", "trop long" in text, text[:200])


def pages_work_without_javascript(driver, server: Server, report: Report) -> None:
    """Every page works without JavaScript"""
    from harness import make_driver

    plain = make_driver(javascript=False)
    try:
        for path in PAGES:
            plain.get(server.url(path))
            headings = plain.find_elements(By.TAG_NAME, "h1")
            report.check(f"{path} shows its heading without JavaScript", len(headings) == 1, str(len(headings)))
    finally:
        plain.quit()


def fresh_start_creates_the_database(driver, server: Server, report: Report) -> None:
    """A fresh start creates the SQLite file and prints the address"""
    report.check("data/portevoix.sqlite was created", (server.data / "portevoix.sqlite").exists(), str(server.data))
    log = server.log_path.read_text()
    report.check("the address is printed", server.base in log, log[-500:])
    report.check("the migrations were applied", "CreateWebSessions" in log, log[-500:])


def wrong_setting_stops_start_up(driver, server: Server, report: Report) -> None:
    """A wrong setting stops start-up with a French message"""
    import os
    import subprocess

    env = dict(os.environ, PORT="huit-mille-quatre-vingts", PORTEVOIX_DATA_DIR=str(server.data / "autre"))
    result = subprocess.run([str(server.binary)], cwd=server.data, env=env, capture_output=True, text=True, timeout=60)
    report.check("start-up stops", result.returncode != 0, str(result.returncode))
    report.check(
        "the message names the variable and what it accepts",
        "PORT" in result.stderr and "entre 1 et 65535" in result.stderr,
        result.stderr[-300:],
    )


JOURNEYS = [
    fresh_start_creates_the_database,
    wrong_setting_stops_start_up,
    skip_link_reaches_the_content,
    wrong_address_shows_french_404,
    oversized_post_shows_413,
    pages_work_without_javascript,
]

if __name__ == "__main__":
    sys.exit(main(PAGES, JOURNEYS))
