"""Journeys of issue « Take part with little reading and no device »: the
voting kiosk of a session, pages you can listen to, and a member who uses
the keyboard only. Imported by checks.py (its JOURNEYS)."""

from __future__ import annotations

import json
import re
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from harness import SCREENSHOTS, Report, Server, audit_current, desktop, fetch, make_driver, phone

PASSWORD = "une phrase de test assez longue"
ROOM = ["Anouk", "Benoît", "Céleste", "Dorian", "Elsa", "Firmin"]


def _checks():
    import checks  # the shared helpers (fill, submit, activate…), imported late: checks imports this module
    return checks


def kiosk_sign_in(kiosk, server: Server, pseudonym: str) -> None:
    c = _checks()
    kiosk.get(server.url("/borne"))
    c.fill(kiosk, "champ-pseudonyme", pseudonym)
    c.fill(kiosk, "champ-motDePasse", PASSWORD)
    c.submit(kiosk)
    WebDriverWait(kiosk, 10).until(lambda d: "Vos votes" in d.page_source)


def a_voting_kiosk_in_the_room(driver, server: Server, report: Report) -> None:
    """A facilitator makes the room's laptop the kiosk; six members vote there one after another and none reaches the one before"""
    c = _checks()
    desktop(driver)  # the administrator, who runs the room
    codes = c.print_cards(driver, server, len(ROOM))
    for code, name in zip(codes[:-1], ROOM[:-1]):
        c.activate(server, code, name, PASSWORD)
    report.check("five accounts are a month old", c.backdate_activation(server, ROOM[:-1]) == 5)

    driver.get(server.url("/seances/nouvelle"))
    c.fill(driver, "champ-titre", "Séance à la borne")
    c.set_value(driver, "champ-jour", "2099-10-08")
    c.set_value(driver, "champ-debut", "14:00")
    c.set_value(driver, "champ-fin", "17:00")
    c.fill(driver, "champ-lieu", "Salle polyvalente")
    c.submit(driver)
    session_url = driver.current_url.split("#")[0].split("?")[0]
    c.fill(driver, "champ-nouveau-point-titre", "Le jardin partagé")
    c.click_button(driver, "Ajouter ce point")
    c.click_button(driver, "Ouvrir la séance")
    report.check("the facilitator's page says no kiosk is open", "aucune borne ouverte" in driver.page_source)

    kiosk = make_driver()
    try:
        # The room's laptop: the facilitator signs in there, then hands it over.
        desktop(kiosk)
        c.sign_in(kiosk, server, *c.ADMIN)
        kiosk.get(session_url)
        c.click_button(kiosk, "Faire de cet appareil la borne de vote")
        c.wait_for_path(kiosk, server, "/borne")
        report.check("the kiosk shows its sign-in, with no menu",
                     "Borne de vote" in kiosk.page_source and "champ-motDePasse" in kiosk.page_source
                     and not kiosk.find_elements(By.CSS_SELECTOR, "nav[aria-label='Menu principal']"), kiosk.title)
        audit_current(report, kiosk, server, "borne : connexion", SCREENSHOTS)
        driver.get(session_url)
        report.check("the facilitator's page says a kiosk is open", "une borne ouverte" in driver.page_source)

        # The sixth member has no device: their card is activated at the kiosk.
        kiosk.get(server.url("/activation"))
        c.fill(kiosk, "champ-code", codes[-1])
        c.submit(kiosk)
        c.wait_for_path(kiosk, server, "/activation/compte")
        c.fill(kiosk, "champ-pseudonyme", ROOM[-1])
        c.fill(kiosk, "champ-motDePasse", PASSWORD)
        c.fill(kiosk, "champ-confirmation", PASSWORD)
        c.submit(kiosk)
        c.wait_for_path(kiosk, server, "/activation/charte")
        kiosk.find_element(By.ID, "champ-accepte").click()
        c.submit(kiosk)
        WebDriverWait(kiosk, 10).until(lambda d: "Vos votes" in d.page_source)
        report.check("after activating at the kiosk, the member is at the kiosk's menu", "Vos votes" in kiosk.page_source)
        cookies = {cookie["name"] for cookie in kiosk.get_cookies()}
        report.check("no known-device cookie on the kiosk", not any("appareil" in name for name in cookies), str(cookies))
        c.click_and_wait(kiosk, lambda: kiosk.find_element(By.XPATH, "//header//button[normalize-space()=\"J'ai fini\"]"))
        WebDriverWait(kiosk, 10).until(lambda d: "champ-motDePasse" in d.page_source)

        # The vote of the session, prepared and opened by the facilitator.
        Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
        driver.get(server.url("/scrutins/nouveau"))
        c.fill(driver, "champ-question", "Que planter au jardin partagé ?")
        Select(driver.find_element(By.ID, "champ-type")).select_by_value("majorityJudgment")
        c.fill(driver, "champ-choix", "Des tomates\nDes fleurs\nDes fraises")
        Select(driver.find_element(By.ID, "champ-point")).select_by_visible_text("Séance à la borne — Le jardin partagé")
        c.fill(driver, "champ-minimum", "5")
        c.click_button(driver, "Préparer le vote")
        poll_url = driver.current_url.split("#")[0].split("?")[0]
        c.click_button(driver, "Ouvrir le vote")

        trackers = []
        for index, name in enumerate(ROOM):
            kiosk_sign_in(kiosk, server, name)
            report.check(f"{name} sees their name at the kiosk", name in kiosk.page_source)
            c.click_and_wait(kiosk, lambda: kiosk.find_element(By.PARTIAL_LINK_TEXT, "Voter : Que planter"))
            groups = kiosk.find_elements(By.CSS_SELECTOR, "fieldset.appreciations")
            if index == 2:
                # A slow voter: one grade given, then « Encore du temps »; the grade is still there.
                groups[0].find_elements(By.CSS_SELECTOR, "label")[1].click()
                report.check("the time notice and the cover wait, hidden",
                             kiosk.execute_script("return getComputedStyle(document.querySelector('.borne-voile')).visibility") == "hidden")
                audit_current(report, kiosk, server, "borne : bulletin", SCREENSHOTS)
                c.click_button(kiosk, "Encore du temps")
                kept = kiosk.find_elements(By.CSS_SELECTOR, "fieldset.appreciations input:checked")
                report.check("after « Encore du temps » the half-filled ballot is kept", len(kept) == 1, str(len(kept)))
                groups = kiosk.find_elements(By.CSS_SELECTOR, "fieldset.appreciations")
            for number, group in enumerate(groups):
                if not group.find_elements(By.CSS_SELECTOR, "input:checked"):
                    group.find_elements(By.CSS_SELECTOR, "label")[(index + number) % 7].click()
            c.click_button(kiosk, "Vérifier mon vote")
            c.click_button(kiosk, "Confirmer mon vote")
            tracker = kiosk.find_element(By.CLASS_NAME, "code-verification").text
            trackers.append(tracker)
            if index == 0:
                audit_current(report, kiosk, server, "borne : code de vérification", SCREENSHOTS)
            header = kiosk.find_element(By.TAG_NAME, "header").text
            report.check(f"{name} is signed out at once, the tracker still shown",
                         "Revenir à l'accueil de la borne" in header and "J'ai fini" not in header and name not in header, header)
            # The next member: the back button, a guessed address, history.
            kiosk.back()
            time.sleep(0.3)
            report.check(f"the back button shows nothing of {name}'s tracker", tracker not in kiosk.page_source)
            poll_path = poll_url[len(server.base):]
            for guessed in ["/mon-compte", "/mon-compte/notifications", poll_path + "/bulletins", "/propositions"]:
                kiosk.get(server.url(guessed))
                report.check(f"after {name}, {guessed} leads back to the kiosk's sign-in",
                             kiosk.current_url.endswith("/borne") and "champ-motDePasse" in kiosk.page_source
                             and name not in kiosk.page_source, kiosk.current_url)
            kiosk.get(poll_url)
            report.check(f"after {name}, the poll's page shows no one's vote",
                         "Vous avez voté" not in kiosk.page_source and name not in kiosk.page_source)
        report.check("six different trackers", len(set(trackers)) == 6, str(trackers))

        # The result, then the end of the session ends the kiosk.
        driver.get(poll_url)
        report.check("six ballots before closing", "6 bulletins" in driver.page_source, driver.title)
        c.click_button(driver, "Clore le vote")
        result = fetch(server, poll_url[len(server.base):])[1].decode("utf-8", "replace")
        report.check("the result is published", "Résultats" in result and "Des tomates" in result and "6 bulletins" in result, result[-1500:])
        driver.get(session_url)
        c.click_button(driver, "Clore la séance")
        kiosk.get(server.url("/borne"))
        report.check("the kiosk ends with the session", "La borne de vote est fermée" in kiosk.page_source, kiosk.title)
        driver.get(server.url("/admin/journal"))
        journal = driver.find_element(By.TAG_NAME, "main").text
        report.check("the journal says the kiosk was opened and closed",
                     "Borne de vote ouverte" in journal and "Borne de vote fermée" in journal, journal[:800])
        kiosk_lines = [line for line in journal.splitlines() if "Borne de vote" in line]
        report.check("the journal's kiosk lines name none of its users",
                     not any(name in line for line in kiosk_lines for name in ROOM), "\n".join(kiosk_lines))
    finally:
        kiosk.quit()


def _duration(driver, report: Report, name: str) -> float:
    """The length of the page's recording, loaded only now (preload=none)."""
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('/ecouter/')).length")
    report.check(f"{name}: nothing of the recording is loaded before asked", loaded == 0, str(loaded))
    driver.execute_script("const a = document.querySelector('.ecouter audio'); a.preload = 'metadata'; a.load();")
    WebDriverWait(driver, 60).until(lambda d: d.execute_script(
        "const a = document.querySelector('.ecouter audio'); return a.readyState >= 1 && isFinite(a.duration)"))
    return driver.execute_script("return document.querySelector('.ecouter audio').duration")


def listening_to_pages(driver, server: Server, report: Report) -> None:
    """« Écouter » plays French speech for the charter, a proposal with its answer, and a poll"""
    listener = make_driver()
    try:
        phone(listener)
        listener.get(server.url("/charte"))
        report.check("the charter has an « Écouter » player", bool(listener.find_elements(By.CSS_SELECTOR, ".ecouter audio[controls]")))
        audit_current(report, listener, server, "charte avec « Écouter »", SCREENSHOTS)
        charter = _duration(listener, report, "charte")
        report.check("the charter is read for more than a minute", charter > 60, f"{charter:.1f} s")
        # An answered proposal if an earlier journey made one, else any.
        links = []
        for listing in ["/suivi", "/propositions"]:
            listener.get(server.url(listing))
            links += [a.get_attribute("href") for a in listener.find_elements(By.CSS_SELECTOR, "main a[href*='/propositions/']")
                      if re.search(r"/propositions/[0-9A-F-]{36}$", a.get_attribute("href") or "")]
        report.check("a proposal is listed", bool(links), listener.title)
        if links:
            listener.get(links[0])
            answer = _duration(listener, report, "proposition et réponse")
            report.check("a proposal with its answer is read", 5 < answer < charter, f"{answer:.1f} s")
        listener.get(server.url("/scrutins"))
        polls = [a.get_attribute("href") for a in listener.find_elements(By.CSS_SELECTOR, "main a[href*='/scrutins/']")]
        if polls:
            listener.get(polls[0])
            poll = _duration(listener, report, "scrutin")
            report.check("a poll's question and options are read", poll > 2, f"{poll:.1f} s")
        status, body = fetch(server, "/ecouter/charte")
        report.check("the recording is an MP3", status == 200 and (body[:3] == b"ID3" or body[0] == 0xFF), str(body[:4]))
    finally:
        listener.quit()


def tab_to(driver, selector: str, limit: int = 200) -> None:
    """Presses Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if driver.execute_script(f"return document.activeElement && document.activeElement.matches({json.dumps(selector)})"):
            return
        ActionChains(driver).send_keys(Keys.TAB).perform()
    raise AssertionError(f"Tab never reached {selector}")


def keys(driver, *sequence) -> None:
    ActionChains(driver).send_keys(*sequence).perform()


def keyboard_only_proposes_and_votes(driver, server: Server, report: Report) -> None:
    """With the keyboard only (Tab, Space, arrows, Enter): a member signs in, sends a proposal and votes"""
    c = _checks()
    member = make_driver()
    try:
        desktop(member)
        member.get(server.url("/connexion"))
        tab_to(member, "#champ-pseudonyme")
        keys(member, ROOM[0])
        tab_to(member, "#champ-motDePasse")
        keys(member, PASSWORD, Keys.ENTER)
        WebDriverWait(member, 10).until(lambda d: "/connexion" not in d.current_url)
        report.check("signed in with the keyboard", "Se déconnecter" in member.page_source, member.current_url)

        member.get(server.url("/propositions/nouvelle"))
        tab_to(member, "#champ-titre")
        keys(member, "Un composteur au jardin")
        tab_to(member, "#champ-texte")
        keys(member, "Un composteur près du jardin partagé, pour les épluchures de chacun.")
        tab_to(member, "#champ-theme")
        keys(member, Keys.ARROW_DOWN)
        tab_to(member, "main form button[type=submit][value=envoyer]")
        keys(member, Keys.ENTER)
        try:
            WebDriverWait(member, 10).until(lambda d: "/propositions/nouvelle" not in d.current_url)
        except Exception:
            pass
        report.check("the proposal is sent with the keyboard", "/propositions/nouvelle" not in member.current_url,
                     member.current_url + " " + member.find_element(By.TAG_NAME, "main").text[:600])

        # A vote: the room's next poll, opened by the facilitator.
        Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
        desktop(driver)
        driver.get(server.url("/scrutins/nouveau"))
        c.fill(driver, "champ-question", "Ouvrir le jardin le dimanche ?")
        Select(driver.find_element(By.ID, "champ-type")).select_by_value("yesNo")
        c.click_button(driver, "Préparer le vote")
        poll_url = driver.current_url.split("#")[0].split("?")[0]
        c.click_button(driver, "Ouvrir le vote")
        member.get(poll_url)
        tab_to(member, "fieldset.choix input[type=radio]")
        keys(member, Keys.SPACE)
        checked = member.find_elements(By.CSS_SELECTOR, "fieldset.choix input:checked")
        report.check("a choice is made with Space", len(checked) == 1, str(len(checked)))
        tab_to(member, "main form.bulletin button[type=submit]")
        keys(member, Keys.ENTER)
        WebDriverWait(member, 10).until(lambda d: "Vérifiez votre vote" in d.page_source)
        tab_to(member, "main form[action$='/vote'] button[type=submit]")
        keys(member, Keys.ENTER)
        WebDriverWait(member, 10).until(lambda d: d.find_elements(By.CLASS_NAME, "code-verification"))
        report.check("the vote is cast with the keyboard", bool(member.find_elements(By.CLASS_NAME, "code-verification")))
    finally:
        member.quit()


ROOM_JOURNEYS = [a_voting_kiosk_in_the_room, listening_to_pages, keyboard_only_proposes_and_votes]
