"""The pages and journeys the browser harness checks.

Run: `python browser/checks.py [path/to/portevoix]` (scripts/test does it).
A feature adds its pages to PAGES and its journeys to JOURNEYS.
PORTEVOIX_BROWSER_ONLY=journey1,journey2 runs only those (see `selected`).
"""

from __future__ import annotations

import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import os
import re
import shutil
import subprocess
import tempfile
import time

from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from harness import SCREENSHOTS, Report, Server, audit_current, desktop, fetch, free_port, main, make_driver, phone

# Every public page; each is checked with axe, at 360 px, and for weight.
PAGES = [
    "/",
    "/charte",
    "/confidentialite",
    "/accessibilite",
    "/mentions-legales",
    "/aide",
    "/cette-page-n-existe-pas",
    "/connexion",
    "/activation",
    "/propositions",
    "/suivi",
    "/seances",
    "/scrutins",
    "/moderation/transparence",
    "/debat-denomination",
    "/plan-du-site",
    "/borne",
]

ADMIN = ("Hélène admin", "la clé du département est rouge")
MEMBER = ("Camille", "le chat dort sur la chaise")


def fill(driver, field_id: str, value: str) -> None:
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(value)


def submit(driver) -> None:
    """Clicks the main form's submit button (not the header's sign-out) and
    waits for the next page."""
    click_and_wait(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def page_ready(driver) -> None:
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")


def click_and_wait(driver, find) -> None:
    """Clicks what `find` returns (a link or button that loads a new page),
    and waits until the new page is there."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    page_ready(driver)
    for attempt in range(3):
        try:
            page = driver.find_element(By.TAG_NAME, "html")
            element = find() if callable(find) else find
            element.click()
            break
        except (StaleElementReferenceException, WebDriverException):
            # The page was still being replaced: find the element again.
            if attempt == 2 or not callable(find):
                raise
            page_ready(driver)
    WebDriverWait(driver, 15).until(lambda _: is_gone(page))
    page_ready(driver)


def is_gone(element) -> bool:
    """Whether an element belongs to a page that has been replaced. This
    Chromium answers an inspector error, not a stale reference, for it."""
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def wait_for_path(driver, server: Server, path: str) -> None:
    WebDriverWait(driver, 10).until(lambda d: d.current_url.split("?")[0] == server.url(path))


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
    click_and_wait(driver, link)
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
    if "DATABASE_URL" not in server.extra_env:
        report.check("data/portevoix.sqlite was created", (server.data / "portevoix.sqlite").exists(), str(server.data))
    log = server.log_path.read_text()
    report.check("the address is printed", server.base in log, log[-500:])
    # A quiet start: one line says how many migrations ran, none of the
    # migrator's own lines (they are at debug level).
    report.check("the migrations were applied, in one line",
                 re.search(r"\d+ migrations appliquées", log) is not None and "[Migrator]" not in log, log[-500:])


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


def installation_link_never_reaches_a_log_file(driver, server: Server, report: Report) -> None:
    """Without a terminal (systemd, Docker), the installation link is not printed: a log is read by others"""
    import os
    import subprocess
    import tempfile

    folder = tempfile.mkdtemp(prefix="portevoix-sans-terminal-")
    log_path = os.path.join(folder, "journal.log")
    env = dict(os.environ, PORT=str(free_port()), PORTEVOIX_DATA_DIR=os.path.join(folder, "donnees"),
               PORTEVOIX_KEYS_DIR=os.path.join(folder, "cles"))
    env.pop("DATABASE_URL", None)
    with open(log_path, "w") as log:
        process = subprocess.Popen([str(server.binary)], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and "create-admin" not in open(log_path).read():
                if process.poll() is not None:
                    break
                time.sleep(0.2)
        finally:
            process.terminate()
            process.wait(timeout=30)
    text = open(log_path).read()
    shutil.rmtree(folder, ignore_errors=True)
    report.check("the log says to run portevoix create-admin", "portevoix create-admin" in text, text[-400:])
    report.check("the log holds no installation link", "jeton=" not in text and "/installation" not in text, text[-400:])


def admin_prints_cards_and_a_member_activates_one(driver, server: Server, report: Report) -> None:
    """An admin installs, prints cards; a new member activates one on a phone, signs out and in"""
    log = server.log_path.read_text()
    match = re.search(r"(/installation\?jeton=[A-Za-z0-9_-]+)", log)
    report.check("the installation link is printed at start-up", match is not None, log[-400:])
    if not match:
        return
    desktop(driver)
    driver.get(server.url(match.group(1)))
    audit_current(report, driver, server, "installation", SCREENSHOTS)
    fill(driver, "champ-pseudonyme", ADMIN[0])
    fill(driver, "champ-motDePasse", ADMIN[1])
    fill(driver, "champ-confirmation", ADMIN[1])
    submit(driver)
    wait_for_path(driver, server, "/admin")
    report.check("the first administrator lands on the administration", "Administration" in driver.title, driver.title)
    audit_current(report, driver, server, "admin", SCREENSHOTS)

    for path in ["/admin/membres", "/admin/listes", "/admin/journal"]:
        driver.get(server.url(path))
        audit_current(report, driver, server, path, SCREENSHOTS)

    driver.get(server.url("/admin/cartes"))
    audit_current(report, driver, server, "/admin/cartes (adresse à indiquer)", SCREENSHOTS)
    # Before the first print, the administrator confirms the site's address.
    suggested = driver.find_element(By.ID, "champ-adresse").get_attribute("value")
    report.check("the cards page asks for the site's address, pre-filled with the one in use",
                 suggested == server.url("").rstrip("/"), suggested)
    submit(driver)
    report.check("once saved, the address no longer blocks printing",
                 "Avant la première impression" not in driver.page_source, driver.title)
    audit_current(report, driver, server, "/admin/cartes", SCREENSHOTS)
    fill(driver, "champ-nombre", "8")
    submit(driver)
    codes = [element.text for element in driver.find_elements(By.CLASS_NAME, "carte-code")]
    report.check("eight cards are shown to print", len(codes) == 8, str(codes))
    audit_current(report, driver, server, "cartes à imprimer", SCREENSHOTS)

    # On paper: the eight cards fill one A4 page, without the site's header.
    from selenium.webdriver.common.print_page_options import PrintOptions
    import base64

    options = PrintOptions()
    options.page_width = 21.0
    options.page_height = 29.7
    options.margin_top = options.margin_bottom = options.margin_left = options.margin_right = 0
    pdf = base64.b64decode(driver.print_page(options))
    (SCREENSHOTS / "cartes.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    report.check("eight cards print on one A4 page", pages == 1, f"{pages} pages")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    header_shown = driver.find_element(By.CLASS_NAME, "entete").is_displayed()
    card_width = driver.execute_script("return document.querySelector('.carte-acces').getBoundingClientRect().width")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    report.check("the printed page shows the cards only", not header_shown)
    report.check("a printed card is 105 mm wide", abs(card_width - 105 / 25.4 * 96) < 2, f"{card_width} px")

    # A new member, on a phone, types the first code in lower case.
    member = make_driver()
    try:
        phone(member)
        member.get(server.url("/"))
        click_and_wait(member, lambda: member.find_element(By.LINK_TEXT, "Activer ma carte"))
        wait_for_path(member, server, "/activation")
        fill(member, "champ-code", codes[0].lower())
        submit(member)
        wait_for_path(member, server, "/activation/compte")
        audit_current(report, member, server, "activation étape 2", SCREENSHOTS)
        # A mistake first: the passwords differ. The pseudonym stays.
        fill(member, "champ-pseudonyme", MEMBER[0])
        fill(member, "champ-motDePasse", MEMBER[1])
        fill(member, "champ-confirmation", MEMBER[1] + "s")
        submit(member)
        summary = WebDriverWait(member, 10).until(
            EC.presence_of_element_located((By.CLASS_NAME, "resume-erreurs"))
        ).text
        report.check("the mistake is explained at the top", "pas identiques" in summary, summary)
        kept = member.find_element(By.ID, "champ-pseudonyme").get_attribute("value")
        report.check("the pseudonym typed is kept", kept == MEMBER[0], kept)
        audit_current(report, member, server, "activation étape 2 avec erreur", SCREENSHOTS)
        fill(member, "champ-motDePasse", MEMBER[1])
        fill(member, "champ-confirmation", MEMBER[1])
        submit(member)
        wait_for_path(member, server, "/activation/charte")
        audit_current(report, member, server, "activation charte", SCREENSHOTS)
        member.find_element(By.ID, "champ-accepte").click()
        submit(member)
        wait_for_path(member, server, "/")
        welcome = member.find_element(By.CLASS_NAME, "message-succes").text
        report.check("the new member is welcomed by name", MEMBER[0] in welcome, welcome)
        audit_current(report, member, server, "accueil connecté", SCREENSHOTS)

        member.get(server.url("/mon-compte"))
        audit_current(report, member, server, "/mon-compte", SCREENSHOTS)

        click_and_wait(member, lambda: member.find_element(By.CSS_SELECTOR, "form.form-deconnexion button"))
        wait_for_path(member, server, "/")
        report.check("signed out", "Se connecter" in member.find_element(By.TAG_NAME, "nav").text)
        # Meanwhile the administrator types in a proposal the member wrote on paper.
        Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
        driver.get(server.url("/propositions/papier"))
        audit_current(report, driver, server, "/propositions/papier", SCREENSHOTS)
        fill(driver, "champ-pseudonyme", MEMBER[0])
        fill(driver, "champ-titre", "Un abri à l'arrêt du car")
        fill(driver, "champ-texte", "Écrit à la main : on attend sous la pluie le matin.")
        Select(driver.find_element(By.ID, "champ-theme")).select_by_index(1)
        click_and_wait(driver, lambda: driver.find_element(By.XPATH, "//main//button[normalize-space()='Enregistrer la proposition']"))
        report.check("the paper proposal waits for its writer", "reçue sur papier" in driver.page_source, driver.title)

        click_and_wait(member, lambda: member.find_element(By.LINK_TEXT, "Se connecter"))
        wait_for_path(member, server, "/connexion")
        fill(member, "champ-pseudonyme", MEMBER[0].upper())
        fill(member, "champ-motDePasse", MEMBER[1])
        submit(member)
        wait_for_path(member, server, "/propositions/papier/a-confirmer")
        report.check("signing in, the member is asked about the paper proposal",
                     "Un abri" in member.page_source, member.title)
        audit_current(report, member, server, "propositions papier à confirmer", SCREENSHOTS)
        click_and_wait(member, lambda: member.find_element(By.XPATH, "//main//button[normalize-space()=\"Oui, c'est moi qui l'ai écrite\"]"))
        wait_for_path(member, server, "/propositions/miennes")
        report.check("once confirmed, the proposal is the member's", "Un abri" in member.page_source, member.title)
        nav = member.find_element(By.TAG_NAME, "nav").text
        report.check("signed in again (pseudonym typed in capitals)", "Mon compte" in nav, nav)
    finally:
        member.quit()

    # The admin sees the new member.
    driver.get(server.url("/admin/membres"))
    report.check("the admin finds the new member", MEMBER[0] in driver.page_source)

    driver.get(server.url("/admin/reglages"))
    audit_current(report, driver, server, "/admin/reglages", SCREENSHOTS)


def sign_in(driver, server: Server, pseudonym: str, password: str) -> None:
    driver.get(server.url("/connexion"))
    fill(driver, "champ-pseudonyme", pseudonym)
    fill(driver, "champ-motDePasse", password)
    submit(driver)
    WebDriverWait(driver, 10).until(lambda d: "/connexion" not in d.current_url)


def activate(server: Server, code: str, pseudonym: str, password: str) -> None:
    """A new member activates a card in a browser of their own."""
    member = make_driver()
    try:
        member.get(server.url("/activation"))
        fill(member, "champ-code", code)
        submit(member)
        wait_for_path(member, server, "/activation/compte")
        fill(member, "champ-pseudonyme", pseudonym)
        fill(member, "champ-motDePasse", password)
        fill(member, "champ-confirmation", password)
        submit(member)
        wait_for_path(member, server, "/activation/charte")
        member.find_element(By.ID, "champ-accepte").click()
        submit(member)
        wait_for_path(member, server, "/")
    finally:
        member.quit()


def give_role(admin, server: Server, pseudonym: str, role: str) -> None:
    admin.get(server.url("/admin/membres?q=" + pseudonym.split()[0]))
    click_and_wait(admin, lambda: admin.find_element(By.LINK_TEXT, pseudonym))
    for checkbox in admin.find_elements(By.CSS_SELECTOR, "input[name='roles[]']"):
        if checkbox.is_selected() != (checkbox.get_attribute("value") == role):
            checkbox.click()
    click_and_wait(admin, lambda: admin.find_element(By.XPATH, "//button[text()='Enregistrer les rôles']"))
    WebDriverWait(admin, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "message-succes")))


def click_button(driver, label: str) -> None:
    click_and_wait(driver, lambda: driver.find_element(By.XPATH, f"//main//button[normalize-space()=\"{label}\"]"))


def proposal_from_idea_to_answer(driver, server: Server, report: Report) -> None:
    """A member proposes with a mistake; it is published, supported, commented, answered"""
    password = "une phrase de test assez longue"
    desktop(driver)
    driver.get(server.url("/admin/cartes"))
    fill(driver, "champ-nombre", "3")
    submit(driver)
    codes = [element.text for element in driver.find_elements(By.CLASS_NAME, "carte-code")]
    for code, pseudonym in zip(codes, ["Sam modère", "Agent Dupont", "Yanis"]):
        activate(server, code, pseudonym, password)
    give_role(driver, server, "Sam modère", "moderator")
    give_role(driver, server, "Agent Dupont", "staff")
    report.check("roles are given from the administration", "agent du Département" in driver.page_source)

    title = "Une navette pour les rendez-vous"
    author = make_driver()
    moderator = make_driver()
    supporter = make_driver()
    staff = make_driver()
    try:
        phone(author)
        sign_in(author, server, MEMBER[0], MEMBER[1])
        author.get(server.url("/propositions/nouvelle"))
        audit_current(report, author, server, "nouvelle proposition", SCREENSHOTS)
        fill(author, "champ-texte", "Le bus passe deux fois par jour.\n\nUne navette à la demande aiderait beaucoup.")
        Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
        Select(author.find_element(By.ID, "champ-theme")).select_by_visible_text("Transports et déplacements")
        click_button(author, "Envoyer ma proposition")
        summary = WebDriverWait(author, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "resume-erreurs"))).text
        report.check("a missing title is explained", "titre" in summary, summary)
        kept = author.find_element(By.ID, "champ-texte").get_attribute("value")
        report.check("the text typed is kept", "navette à la demande" in kept, kept)
        audit_current(report, author, server, "nouvelle proposition avec erreur", SCREENSHOTS)
        fill(author, "champ-titre", title)
        click_button(author, "Voir l'aperçu")
        preview = WebDriverWait(author, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "apercu"))).text
        report.check("the preview works without JavaScript", title in preview, preview)
        click_button(author, "Envoyer ma proposition")
        WebDriverWait(author, 10).until(lambda d: "/propositions/" in d.current_url and "nouvelle" not in d.current_url)
        proposal_url = author.current_url
        report.check("the author sees it waits for review", "en attente de relecture" in author.page_source)
        audit_current(report, author, server, "proposition soumise", SCREENSHOTS)

        sign_in(moderator, server, "Sam modère", password)
        moderator.get(server.url("/moderation"))
        audit_current(report, moderator, server, "/moderation", SCREENSHOTS)
        click_and_wait(moderator, lambda: moderator.find_element(By.LINK_TEXT, title))
        click_button(moderator, "Publier la proposition")
        WebDriverWait(moderator, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "message-succes")))

        phone(supporter)
        sign_in(supporter, server, "Yanis", password)
        supporter.get(server.url("/propositions"))
        audit_current(report, supporter, server, "/propositions", SCREENSHOTS)
        click_and_wait(supporter, lambda: supporter.find_element(By.LINK_TEXT, title))
        click_button(supporter, "Soutenir cette proposition")
        WebDriverWait(supporter, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "message-succes")))
        report.check("the support is counted", "1 soutien" in supporter.page_source)
        fill(supporter, "champ-commentaire", "Très bonne idée, je prends ce bus aussi.")
        click_button(supporter, "Envoyer mon commentaire")
        WebDriverWait(supporter, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "commentaire-en-attente")))
        audit_current(report, supporter, server, "proposition publiée", SCREENSHOTS)

        moderator.get(proposal_url)
        click_button(moderator, "Publier ce commentaire")
        WebDriverWait(moderator, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "message-succes")))

        sign_in(staff, server, "Agent Dupont", password)
        staff.get(proposal_url)
        audit_current(report, staff, server, "proposition côté Département", SCREENSHOTS)
        for label in ["Inscrire à une séance", "Le conseil l'a adoptée", "Transmettre au Département"]:
            click_button(staff, label)
            WebDriverWait(staff, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "message-succes")))
        fill(staff, "champ-answer-reponse", "Une navette à la demande sera testée dès le printemps.\n\nMerci au conseil.")
        click_button(staff, "Publier la réponse")
        WebDriverWait(staff, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "reponse")))

        author.get(server.url("/"))
        nav = author.find_element(By.TAG_NAME, "nav").text
        report.check("the author has unread notifications", "non lue" in nav, nav)
        click_and_wait(author, lambda: author.find_element(By.PARTIAL_LINK_TEXT, "Notifications"))
        inbox = author.find_element(By.TAG_NAME, "main").text
        report.check("the inbox says the département answered", "a répondu" in inbox, inbox)
        audit_current(report, author, server, "/mon-compte/notifications", SCREENSHOTS)
        click_and_wait(author, lambda: author.find_element(By.PARTIAL_LINK_TEXT, "a répondu"))
        answer = author.find_element(By.CLASS_NAME, "reponse").text
        report.check("the author reads the answer", "navette à la demande sera testée" in answer, answer)
        report.check("the comment is published", "je prends ce bus aussi" in author.page_source)
        audit_current(report, author, server, "proposition avec réponse", SCREENSHOTS)
        author.get(server.url("/suivi"))
        report.check("/suivi shows it", title in author.page_source)
        audit_current(report, author, server, "/suivi", SCREENSHOTS)
    finally:
        for browser in (author, moderator, supporter, staff):
            browser.quit()


def personal_data_warning_and_reports(driver, server: Server, report: Report) -> None:
    """A phone number is caught before sending, redacted and destroyed; three reports hide a comment until a moderator restores it"""
    password = "une phrase de test assez longue"
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    title = "Un arrêt de bus près du centre social"
    author, moderator, commenter, third = make_driver(), make_driver(), make_driver(), make_driver()
    try:
        phone(author)
        sign_in(author, server, MEMBER[0], MEMBER[1])
        author.get(server.url("/propositions/nouvelle"))
        fill(author, "champ-titre", title)
        fill(author, "champ-texte", "Le bus ne s'arrête pas devant le centre. Appelez-moi au 06 12 34 56 78 pour en parler.")
        Select(author.find_element(By.ID, "champ-theme")).select_by_visible_text("Transports et déplacements")
        click_button(author, "Envoyer ma proposition")
        warning = WebDriverWait(author, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "avertissement-donnees"))).text
        report.check("the author is warned about the phone number", "numéro de téléphone" in warning, warning)
        marked = [element.text for element in author.find_elements(By.TAG_NAME, "mark")]
        report.check("the number is highlighted", marked == ["06 12 34 56 78"], str(marked))
        audit_current(report, author, server, "proposition avec un numéro de téléphone", SCREENSHOTS)
        click_button(author, "Envoyer quand même")
        WebDriverWait(author, 10).until(lambda d: "/propositions/" in d.current_url and "nouvelle" not in d.current_url)
        proposal_url = author.current_url

        desktop(moderator)
        sign_in(moderator, server, "Sam modère", password)
        moderator.get(server.url("/moderation"))
        report.check("the moderators' badge counts what waits", "en attente)" in moderator.find_element(By.TAG_NAME, "nav").text)
        report.check("the queue flags the phone number", "À vérifier : un numéro de téléphone" in moderator.page_source)
        moderator.get(proposal_url)
        report.check("the moderator sees the passage", "06 12 34 56 78" in moderator.find_element(By.TAG_NAME, "mark").text)
        audit_current(report, moderator, server, "proposition à vérifier", SCREENSHOTS)
        # Redacted: the number goes, and with it every copy of the original.
        click_and_wait(moderator, lambda: moderator.find_element(By.LINK_TEXT, "Modifier le texte (modération)"))
        audit_current(report, moderator, server, "modifier une proposition (modération)", SCREENSHOTS)
        fill(moderator, "champ-texte", "Le bus ne s'arrête pas devant le centre. Parlons-en au conseil.")
        Select(moderator.find_element(By.ID, "champ-motif")).select_by_value("personal_data")
        click_button(moderator, "Enregistrer et détruire le texte d'origine")
        WebDriverWait(moderator, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "message-succes")))
        click_button(moderator, "Publier la proposition")
        WebDriverWait(moderator, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "message-succes")))
        visitor = make_driver()
        try:
            visitor.get(proposal_url)
            report.check("the public reads the redacted text with the marker",
                         "Texte modifié par l'équipe de modération" in visitor.page_source
                         and "06 12 34 56 78" not in visitor.page_source)
        finally:
            visitor.quit()
        # SQLite only: on PostgreSQL the Swift tests read the server's files.
        if "DATABASE_URL" not in server.extra_env:
            stored = b"".join((server.data / ("portevoix.sqlite" + suffix)).read_bytes()
                              for suffix in ("", "-wal", "-shm") if (server.data / ("portevoix.sqlite" + suffix)).exists())
            report.check("the number is in no byte of the database files and their journal",
                         b"06 12 34 56 78" not in stored and len(stored) > 0, f"{len(stored)} bytes read")

        phone(commenter)
        sign_in(commenter, server, "Yanis", password)
        commenter.get(proposal_url)
        fill(commenter, "champ-commentaire", "Rien à voir, mais qui vend un vélo ?")
        click_button(commenter, "Envoyer mon commentaire")
        WebDriverWait(commenter, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "commentaire-en-attente")))
        moderator.get(proposal_url)
        click_button(moderator, "Publier ce commentaire")
        WebDriverWait(moderator, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "message-succes")))

        sign_in(third, server, "Agent Dupont", password)
        for reporter in (author, third, moderator):
            reporter.get(proposal_url)
            item = reporter.find_element(By.XPATH, "//li[contains(@id, 'commentaire-')][.//*[contains(text(), 'qui vend un vélo')]]")
            item.find_element(By.TAG_NAME, "summary").click()
            Select(item.find_element(By.NAME, "raison")).select_by_value("off_topic")
            click_and_wait(reporter, lambda: item.find_element(By.XPATH, ".//button[normalize-space()='Envoyer le signalement']"))
            WebDriverWait(reporter, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "message-succes")))
        audit_current(report, author, server, "commentaire masqué après signalements", SCREENSHOTS)
        visitor = make_driver()
        try:
            visitor.get(proposal_url)
            report.check("three reports hide the comment", "qui vend un vélo" not in visitor.page_source
                         and "plusieurs membres l'ont signalé" in visitor.page_source)
        finally:
            visitor.quit()

        moderator.get(server.url("/moderation"))
        audit_current(report, moderator, server, "/moderation avec signalements", SCREENSHOTS)
        click_and_wait(moderator, lambda: moderator.find_element(
            By.XPATH, "//main//button[starts-with(normalize-space(), 'Rétablir')]"))
        WebDriverWait(moderator, 10).until(EC.presence_of_element_located((By.CLASS_NAME, "message-succes")))
        author.get(proposal_url)
        report.check("the moderator restores it", "qui vend un vélo" in author.page_source)

        moderator.get(server.url("/moderation/journal"))
        audit_current(report, moderator, server, "/moderation/journal", SCREENSHOTS)
        report.check("the moderators' journal shows the redaction", "modifiée par l'équipe de modération" in moderator.page_source)
        visitor = make_driver()
        try:
            visitor.get(server.url("/moderation/transparence"))
            audit_current(report, visitor, server, "/moderation/transparence après des décisions", SCREENSHOTS)
            report.check("the transparency page counts the redaction", "Modifiés par la modération" in visitor.page_source
                         and "Tête du journal" in visitor.page_source)
        finally:
            visitor.quit()
    finally:
        for browser in (author, moderator, commenter, third):
            browser.quit()


def set_value(driver, field_id: str, value: str) -> None:
    """Date and time pickers take their value the way the browser stores it."""
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, field_id), value)


def session_from_agenda_to_minutes(driver, server: Server, report: Report) -> None:
    """A facilitator runs a session: agenda, attendance, projector, minutes; a member reads them"""
    password = "une phrase de test assez longue"
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    member = make_driver()
    moderator = make_driver()
    projector = make_driver()
    try:
        # A published proposal to put on the agenda.
        phone(member)
        sign_in(member, server, MEMBER[0], MEMBER[1])
        member.get(server.url("/propositions/nouvelle"))
        fill(member, "champ-titre", "Des bus le dimanche")
        fill(member, "champ-texte", "Le dimanche, aucun bus ne passe. Deux passages suffiraient.")
        Select(member.find_element(By.ID, "champ-theme")).select_by_visible_text("Transports et déplacements")
        click_button(member, "Envoyer ma proposition")
        sign_in(moderator, server, "Sam modère", password)
        moderator.get(server.url("/moderation"))
        click_and_wait(moderator, lambda: moderator.find_element(By.LINK_TEXT, "Des bus le dimanche"))
        click_button(moderator, "Publier la proposition")

        # The facilitator (here the administrator) plans the session.
        desktop(driver)
        driver.get(server.url("/seances"))
        click_and_wait(driver, lambda: driver.find_element(By.LINK_TEXT, "Prévoir une séance"))
        audit_current(report, driver, server, "/seances/nouvelle", SCREENSHOTS)
        fill(driver, "champ-titre", "Séance de printemps")
        set_value(driver, "champ-jour", "2099-03-12")
        set_value(driver, "champ-debut", "14:00")
        set_value(driver, "champ-fin", "16:30")
        fill(driver, "champ-lieu", "Maison des services, 3 rue de la Gare")
        submit(driver)
        session_url = driver.current_url
        report.check("the session is created with its date in full",
                     "jeudi 12 mars 2099 de 14 h à 16 h 30" in driver.page_source, driver.current_url)
        for title in ["Accueil", "Les transports", "Questions diverses"]:
            fill(driver, "champ-nouveau-point-titre", title)
            click_button(driver, "Ajouter ce point")
        click_and_wait(driver, lambda: driver.find_element(
            By.XPATH, "//button[normalize-space()='Descendre le point « Accueil »']"))
        order = [element.text.split("\n")[0] for element in driver.find_elements(By.CSS_SELECTOR, ".ordre-du-jour > li > h3")]
        report.check("the agenda is reordered without JavaScript", order == ["Les transports", "Accueil", "Questions diverses"], str(order))
        Select(driver.find_element(By.CSS_SELECTOR, "select[name=point]")).select_by_visible_text("Les transports")
        Select(driver.find_element(By.CSS_SELECTOR, "select[name=proposition]")).select_by_visible_text("Des bus le dimanche")
        click_and_wait(driver, lambda: driver.find_element(By.XPATH, "//button[normalize-space()='Lier']"))
        report.check("a proposal is linked to the first point", "Proposition : Des bus le dimanche" in
                     driver.find_element(By.CLASS_NAME, "ordre-du-jour").text)
        audit_current(report, driver, server, "séance préparée", SCREENSHOTS)

        member.get(session_url)
        click_button(member, "Je viendrai")
        report.check("a member says they will come", "Vous avez dit que vous viendrez." in member.page_source)
        audit_current(report, member, server, "séance côté membre", SCREENSHOTS)

        driver.get(session_url)
        click_button(driver, "Ouvrir la séance")
        projector.get(session_url + "/projection")
        audit_current(report, projector, server, "projection", SCREENSHOTS)
        first = projector.find_element(By.TAG_NAME, "h1").text
        report.check("the projector shows the first point", first == "Les transports", first)

        driver.get(session_url + "/emargement")
        audit_current(report, driver, server, "émargement", SCREENSHOTS)
        driver.find_element(By.XPATH, f"//label[normalize-space()='{MEMBER[0]}']").click()
        fill(driver, "champ-autres", "2")
        click_button(driver, "Enregistrer les présences")
        report.check("attendance is saved", "1 membre noté présent." in driver.page_source)

        driver.get(session_url)
        click_and_wait(driver, lambda: driver.find_elements(By.XPATH, "//button[normalize-space()='Passer à ce point']")[0])
        # No script: the projector reloads itself within ten seconds.
        # The page reloads itself: a heading read during a reload is stale, read it again.
        from selenium.common.exceptions import StaleElementReferenceException
        WebDriverWait(projector, 15, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: d.find_element(By.TAG_NAME, "h1").text == "Accueil")
        report.check("the projector follows the room by itself",
                     WebDriverWait(projector, 15, ignored_exceptions=(StaleElementReferenceException,)).until(
                         lambda d: d.find_element(By.TAG_NAME, "h1").text) == "Accueil")

        click_button(driver, "Clore la séance")
        click_and_wait(driver, lambda: driver.find_element(By.LINK_TEXT, "Écrire le compte rendu"))
        audit_current(report, driver, server, "compte rendu", SCREENSHOTS)
        fill(driver, "champ-texte", "Nous avons parlé des bus du dimanche.\n\nDécisions :\n- demander deux passages le dimanche ;\n- en reparler à la prochaine séance.")
        click_button(driver, "Publier et prévenir les membres")
        report.check("the minutes are published", "Nous avons parlé des bus du dimanche." in driver.page_source)

        member.get(server.url("/mon-compte/notifications"))
        click_and_wait(member, lambda: member.find_element(By.PARTIAL_LINK_TEXT, "Le compte rendu de la séance"))
        text = member.find_element(By.ID, "compte-rendu").text
        report.check("the member reads the minutes", "demander deux passages le dimanche" in text, text)
        report.check("the member sees they were present", "Vous étiez présent·e." in member.page_source)
        audit_current(report, member, server, "compte rendu côté membre", SCREENSHOTS)
        click_and_wait(member, lambda: member.find_element(By.PARTIAL_LINK_TEXT, "Rapport de séance à imprimer"))
        audit_current(report, member, server, "rapport de séance à imprimer", SCREENSHOTS)
        report.check("the session report holds the agenda and the minutes",
                     "Ordre du jour et décisions" in member.page_source and "demander deux passages" in member.page_source)
    finally:
        for browser in (member, moderator, projector):
            browser.quit()


def vote_through(driver, server: Server, poll_url: str, pick) -> str:
    """Votes on the poll page with `pick(driver)` choosing, confirms, and
    returns the tracker code shown."""
    driver.get(poll_url)
    pick(driver)
    click_button(driver, "Vérifier mon vote")
    click_button(driver, "Confirmer mon vote")
    return driver.find_element(By.CLASS_NAME, "code-verification").text


def secret_ballot_from_opening_to_trackers(driver, server: Server, report: Report) -> None:
    """A majority-judgment vote: three members vote (keyboard, no JavaScript, phone), one twice; results and trackers"""
    from selenium.webdriver.common.keys import Keys

    password = "une phrase de test assez longue"
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    desktop(driver)
    driver.get(server.url("/admin/cartes"))
    fill(driver, "champ-nombre", "1")
    submit(driver)
    activate(server, driver.find_element(By.CLASS_NAME, "carte-code").text, "Lucie", password)

    # A session with a point to vote on.
    driver.get(server.url("/seances/nouvelle"))
    fill(driver, "champ-titre", "Séance d'été")
    set_value(driver, "champ-jour", "2099-06-18")
    set_value(driver, "champ-debut", "14:00")
    set_value(driver, "champ-fin", "16:00")
    fill(driver, "champ-lieu", "Hôtel du Département")
    submit(driver)
    fill(driver, "champ-nouveau-point-titre", "Choisir nos priorités")
    click_button(driver, "Ajouter ce point")

    # A small council: the administrator lowers the site's floor for publishing results to 3.
    driver.get(server.url("/admin/reglages"))
    fill(driver, "champ-minimum", "1")
    submit(driver)
    report.check("a floor below 2 is refused in French", "Indiquez un nombre entier entre 2" in driver.page_source)
    audit_current(report, driver, server, "réglages avec une erreur", SCREENSHOTS)
    fill(driver, "champ-minimum", "3")
    submit(driver)
    report.check("the floor is saved", "Les réglages sont enregistrés." in driver.page_source)

    driver.get(server.url("/scrutins/nouveau"))
    audit_current(report, driver, server, "/scrutins/nouveau", SCREENSHOTS)
    fill(driver, "champ-question", "Quelles priorités pour l'an prochain ?")
    Select(driver.find_element(By.ID, "champ-type")).select_by_value("majorityJudgment")
    fill(driver, "champ-choix", "Une navette à la demande\nDes permanences numériques\nUne crèche le samedi")
    Select(driver.find_element(By.ID, "champ-point")).select_by_visible_text("Séance d'été — Choisir nos priorités")
    fill(driver, "champ-minimum", "3")
    click_button(driver, "Préparer le vote")
    poll_url = driver.current_url.split("#")[0]
    click_button(driver, "Ouvrir le vote")
    report.check("the poll is open", "Scrutin ouvert" in driver.page_source)

    trackers = {}
    keyboard = make_driver()
    plain = make_driver(javascript=False)
    phone_voter = make_driver()
    try:
        # 1. With the keyboard only: Space picks the first grade of a group, arrows move within it, Enter sends.
        sign_in(keyboard, server, MEMBER[0], MEMBER[1])
        def by_keyboard(d):
            groups = d.find_elements(By.CSS_SELECTOR, "fieldset.appreciations")
            for index, group in enumerate(groups):
                first = group.find_element(By.CSS_SELECTOR, "input[type=radio]")
                first.send_keys(Keys.SPACE)
                for _ in range(index):
                    d.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
            checked = d.find_elements(By.CSS_SELECTOR, "fieldset.appreciations input:checked")
            report.check("every grade is chosen with the keyboard", len(checked) == len(groups), str(len(checked)))
        keyboard.get(poll_url)
        audit_current(report, keyboard, server, "bulletin jugement majoritaire", SCREENSHOTS)
        by_keyboard(keyboard)
        button = keyboard.find_element(By.XPATH, "//main//button[normalize-space()='Vérifier mon vote']")
        page = keyboard.find_element(By.TAG_NAME, "html")
        button.send_keys(Keys.ENTER)
        WebDriverWait(keyboard, 15).until(lambda _: is_gone(page))
        audit_current(report, keyboard, server, "confirmation du vote", SCREENSHOTS)
        report.check("the confirmation repeats the choice in words", "Une navette à la demande : Excellent" in keyboard.page_source)
        confirm = keyboard.find_element(By.XPATH, "//main//button[normalize-space()='Confirmer mon vote']")
        page = keyboard.find_element(By.TAG_NAME, "html")
        confirm.send_keys(Keys.ENTER)
        WebDriverWait(keyboard, 15).until(lambda _: is_gone(page))
        trackers[MEMBER[0]] = keyboard.find_element(By.CLASS_NAME, "code-verification").text
        audit_current(report, keyboard, server, "code de vérification", SCREENSHOTS)

        # 2. Without JavaScript.
        sign_in(plain, server, "Yanis", password)
        def by_clicks(d):
            for group in d.find_elements(By.CSS_SELECTOR, "fieldset.appreciations"):
                group.find_elements(By.CSS_SELECTOR, "label")[2].click()
        trackers["Yanis"] = vote_through(plain, server, poll_url, by_clicks)

        # 3. On a phone, twice: the form stays open in one tab while the vote goes through in another.
        phone(phone_voter)
        sign_in(phone_voter, server, "Lucie", password)
        phone_voter.get(poll_url)
        audit_current(report, phone_voter, server, "bulletin sur téléphone", SCREENSHOTS)
        by_clicks(phone_voter)
        click_button(phone_voter, "Vérifier mon vote")
        first_tab = phone_voter.current_window_handle
        phone_voter.switch_to.new_window("tab")
        phone(phone_voter)
        trackers["Lucie"] = vote_through(phone_voter, server, poll_url, by_clicks)
        phone_voter.switch_to.window(first_tab)
        click_button(phone_voter, "Confirmer mon vote")
        report.check("a second vote is refused kindly", "Vous avez déjà voté" in phone_voter.page_source)
        audit_current(report, phone_voter, server, "déjà voté", SCREENSHOTS)
        report.check("three ballots are counted", "3 personnes ont voté" in phone_voter.page_source)

        driver.get(poll_url)
        click_button(driver, "Clore le vote")
        # A standard box is counted at close, with no extra step.
        report.check("the results appear with their chart", len(driver.find_elements(By.CSS_SELECTOR, "svg.graphique")) == 1)
        report.check("the majority grades appear as text", "Mention majoritaire" in driver.page_source)
        audit_current(report, driver, server, "résultats", SCREENSHOTS)

        for name, browser in [(MEMBER[0], keyboard), ("Yanis", plain), ("Lucie", phone_voter)]:
            browser.get(poll_url + "/bulletins")
            fill(browser, "champ-code", trackers[name].lower())
            click_button(browser, "Vérifier")
            report.check(f"{name} finds their tracker", "Votre bulletin a bien été compté." in browser.page_source)
        audit_current(report, phone_voter, server, "liste des bulletins", SCREENSHOTS)
    finally:
        for browser in (keyboard, plain, phone_voter):
            browser.quit()


def print_cards(admin, server: Server, count: int) -> list[str]:
    """The administrator prints `count` cards; returns their codes."""
    admin.get(server.url("/admin/cartes"))
    fill(admin, "champ-nombre", str(count))
    submit(admin)
    return [element.text for element in admin.find_elements(By.CLASS_NAME, "carte-code")]


def sign_out(driver) -> None:
    click_and_wait(driver, lambda: driver.find_element(By.CSS_SELECTOR, "form.form-deconnexion button"))


def tick(driver, label: str) -> None:
    """Ticks the box or radio button of the main content whose label reads `label`."""
    driver.find_element(By.XPATH, f"//main//label[normalize-space()=\"{label}\"]").click()


def has_button(driver, label: str) -> bool:
    return bool(driver.find_elements(By.XPATH, f"//main//button[normalize-space()=\"{label}\"]"))


def backdate_activation(server: Server, pseudonyms: list[str], days: int = 30) -> int:
    """Makes accounts look activated `days` ago, as the Swift tests'
    `activatedAt: aMonthAgo` does: a key holder's account must be a week old,
    and a browser run cannot wait a week. The date of a first activation never
    changes (a trigger guards it), so the guard is set aside for this one
    update, inside the same transaction: the server never sees it missing.
    Returns the rows changed."""
    postgres = server.extra_env.get("DATABASE_URL")
    if postgres:
        import glob

        psql = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
        names = ", ".join("'" + name.replace("'", "''") + "'" for name in pseudonyms)
        result = subprocess.run(
            [psql, postgres, "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-1",
             "-c", "ALTER TABLE members DISABLE TRIGGER members_first_activation_guard",
             "-c", f"UPDATE members SET first_activated_at = first_activated_at - interval '{days} days', "
                   f"charter_accepted_at = charter_accepted_at - interval '{days} days' WHERE pseudonym IN ({names})",
             "-c", "ALTER TABLE members ENABLE ALWAYS TRIGGER members_first_activation_guard",
             "-c", f"SELECT count(*) FROM members WHERE pseudonym IN ({names}) "
                   f"AND first_activated_at < now() - interval '{days - 1} days'"],
            check=True, capture_output=True, text=True)
        return int(result.stdout.strip().splitlines()[-1] or 0)
    import sqlite3

    database = sqlite3.connect(str(server.data / "portevoix.sqlite"), timeout=30, isolation_level=None)
    try:
        (guard,) = database.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'members_first_activation_kept'").fetchone()
        database.execute("BEGIN IMMEDIATE")
        database.execute("DROP TRIGGER members_first_activation_kept")
        # Fluent stores a SQLite date as seconds since 1970.
        changed = database.execute(
            "UPDATE members SET first_activated_at = first_activated_at - ?, charter_accepted_at = charter_accepted_at - ? "
            f"WHERE pseudonym IN ({', '.join('?' for _ in pseudonyms)})", [days * 86400, days * 86400, *pseudonyms]).rowcount
        database.execute(guard)
        database.execute("COMMIT")
        return changed
    finally:
        database.close()


def mistype(code: str) -> str:
    """The share with one symbol changed in its middle (its checksum catches it)."""
    index = next(i for i in range(len(code) // 2, len(code)) if code[i].isalnum())
    return code[:index] + ("7" if code[index] != "7" else "8") + code[index + 1:]


def sealed_ballot_box_opened_by_two_key_holders(driver, server: Server, report: Report) -> None:
    """A sealed majority-judgment box: 3 key holders with accounts, 2 needed; each opens their share alone, once, and gives it from their own account"""
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    password = "une phrase de test assez longue"
    holders = ["Awa", "Bruno", "Célia"]
    desktop(driver)
    for code, pseudonym in zip(print_cards(driver, server, 3), holders):
        activate(server, code, pseudonym, password)
    # Fewer holders than the threshold may have a role: here one of three, for two needed.
    give_role(driver, server, "Célia", "facilitator")

    def prepare() -> None:
        driver.get(server.url("/scrutins/nouveau"))
        fill(driver, "champ-question", "Quel lieu pour l'assemblée plénière ?")
        Select(driver.find_element(By.ID, "champ-type")).select_by_value("majorityJudgment")
        fill(driver, "champ-choix", "La mairie\nLa médiathèque")
        Select(driver.find_element(By.ID, "champ-urne")).select_by_value("sealed")
        fill(driver, "champ-detenteurs", "\n".join(holders))
        fill(driver, "champ-seuil", "2")
        fill(driver, "champ-minimum", "3")
        click_button(driver, "Préparer le vote")

    # Accounts made for the occasion cannot hold a key.
    prepare()
    report.check("accounts opened today cannot hold a key", "depuis au moins 7 jours" in driver.page_source
                 and driver.current_url.split("?")[0] == server.url("/scrutins/nouveau"), driver.title)
    audit_current(report, driver, server, "urne scellée : détenteurs trop récents", SCREENSHOTS)
    # A month later, the same three members.
    changed = backdate_activation(server, holders)
    report.check("the holders' accounts are made a month old", changed == len(holders), str(changed))
    prepare()
    poll_url = driver.current_url.split("#")[0].split("?")[0]
    report.check("the sealed poll is prepared and each holder told",
                 "Chaque détenteur de clé a reçu un avis" in driver.page_source, driver.current_url)
    report.check("the creator is shown no share", not driver.find_elements(By.CLASS_NAME, "code-part"))
    report.check("the vote cannot open while shares wait on the server", not has_button(driver, "Ouvrir le vote"))
    report.check("the creator sees that no share is opened yet",
                 "Parts de clé ouvertes par leurs détenteurs : 0 sur 3." in driver.page_source)
    audit_current(report, driver, server, "urne scellée en préparation", SCREENSHOTS)
    creator_pages = [driver.page_source]
    # An administrator who holds no key has no share page.
    driver.get(poll_url + "/ma-part")
    report.check("a non-holder has no share page", "Cette page n'existe pas" in driver.page_source, driver.title)
    creator_pages.append(driver.page_source)

    browsers = {name: make_driver() for name in holders}
    shares: dict[str, str] = {}
    try:
        # Each holder alone, in their own browser, opens their share once.
        for index, name in enumerate(holders):
            holder = browsers[name]
            if index == 0:
                phone(holder)
            sign_in(holder, server, name, password)
            if index == 0:
                holder.get(server.url("/mon-compte/notifications"))
                click_and_wait(holder, lambda h=holder: h.find_element(By.PARTIAL_LINK_TEXT, "part de la clé"))
                report.check("a holder reaches their share from the notice",
                             holder.current_url.split("?")[0] == poll_url + "/ma-part", holder.current_url)
                audit_current(report, holder, server, "ma part de clé, avant de l'afficher", SCREENSHOTS)
            else:
                holder.get(poll_url + "/ma-part")
            click_button(holder, "Afficher ma part, une seule fois")
            codes = [element.text for element in holder.find_elements(By.CLASS_NAME, "code-part")]
            report.check(f"{name} is shown their share", len(codes) == 1 and len(codes[0]) > 20, str(codes))
            shares[name] = codes[0] if codes else ""
            if index == 0:
                audit_current(report, holder, server, "ma part de clé", SCREENSHOTS)
            holder.get(poll_url + "/ma-part")
            report.check(f"a second visit tells {name} the share was already opened, without it",
                         "Vous avez déjà ouvert votre part" in holder.page_source
                         and not holder.find_elements(By.CLASS_NAME, "code-part")
                         and not has_button(holder, "Afficher ma part, une seule fois"))
            if index == 0:
                audit_current(report, holder, server, "ma part de clé, déjà ouverte", SCREENSHOTS)
                driver.get(poll_url)
                report.check("the creator sees who opened their share, and the vote still cannot open",
                             "Parts de clé ouvertes par leurs détenteurs : 1 sur 3." in driver.page_source
                             and not has_button(driver, "Ouvrir le vote"))
                creator_pages.append(driver.page_source)
        report.check("three different shares", len(set(shares.values())) == 3 and all(shares.values()))
        report.check("no share ever reached the creator's pages",
                     not any(share and share in page for share in shares.values() for page in creator_pages))

        driver.get(poll_url)
        report.check("once every share is opened, the vote can open",
                     "Parts de clé ouvertes par leurs détenteurs : 3 sur 3." in driver.page_source
                     and has_button(driver, "Ouvrir le vote"))
        click_button(driver, "Ouvrir le vote")
        report.check("the sealed poll is open", "Scrutin ouvert" in driver.page_source)

        def all_excellent(d):
            for group in d.find_elements(By.CSS_SELECTOR, "fieldset.appreciations"):
                group.find_elements(By.CSS_SELECTOR, "label")[0].click()

        for index, (pseudonym, secret) in enumerate([(MEMBER[0], MEMBER[1]), ("Yanis", password), ("Lucie", password)]):
            voter = make_driver()
            try:
                sign_in(voter, server, pseudonym, secret)
                if index == 0:
                    # Nothing chosen in advance; a ballot with an ungraded option is refused, the grade given kept.
                    voter.get(poll_url)
                    checked = voter.find_elements(By.CSS_SELECTOR, "main input:checked")
                    report.check("no grade is chosen in advance", not checked, str(len(checked)))
                    groups = voter.find_elements(By.CSS_SELECTOR, "fieldset.appreciations")
                    report.check("one group of grades per option", len(groups) == 2, str(len(groups)))
                    groups[0].find_elements(By.CSS_SELECTOR, "label")[0].click()
                    click_button(voter, "Vérifier mon vote")
                    report.check("a ballot with an ungraded option is refused",
                                 "Donnez une appréciation à chaque choix" in voter.page_source, voter.title)
                    kept = voter.find_elements(By.CSS_SELECTOR, "fieldset.appreciations input:checked")
                    report.check("the grade already given is kept", len(kept) == 1, str(len(kept)))
                    audit_current(report, voter, server, "bulletin incomplet refusé", SCREENSHOTS)
                tracker = vote_through(voter, server, poll_url, all_excellent)
                report.check(f"{pseudonym} votes in the sealed box", len(tracker) > 0, tracker)
            finally:
                voter.quit()

        driver.get(poll_url)
        report.check("before closing, the organiser is told the key holders will be needed",
                     "2 détenteurs de clés devront donner leur part" in driver.page_source)
        click_button(driver, "Clore le vote")
        report.check("a closed sealed box waits for its key holders",
                     "clos, en attente des détenteurs de clés" in driver.page_source)
        driver.get(server.url("/"))
        report.check("the home page says so too", "clos, en attente des détenteurs de clés" in driver.page_source)

        # The organiser follows the count, but has no share to type.
        driver.get(poll_url + "/depouillement")
        report.check("the organiser follows the count but types no share",
                     "Seuls les détenteurs de clés peuvent taper une part" in driver.page_source
                     and not driver.find_elements(By.ID, "champ-part"))
        audit_current(report, driver, server, "dépouillement (organisateur)", SCREENSHOTS)

        # A holder types another holder's share: refused, the owner named.
        celia = browsers["Célia"]
        celia.get(poll_url + "/depouillement")
        fill(celia, "champ-part", shares["Awa"])
        click_button(celia, "Donner ma part")
        report.check("another holder's share is refused, its holder named",
                     "Cette part est celle du détenteur n° 1 (Awa)" in celia.page_source, celia.title)
        audit_current(report, celia, server, "dépouillement : la part d'un autre détenteur", SCREENSHOTS)

        # Two members, each signed in on their own browser, give their own share.
        awa = browsers["Awa"]
        awa.get(poll_url + "/depouillement")
        audit_current(report, awa, server, "dépouillement (détenteur)", SCREENSHOTS)
        fill(awa, "champ-part", shares["Awa"])
        click_button(awa, "Donner ma part")
        report.check("one share does not open the box",
                     "Votre part est enregistrée (1 sur 2 nécessaires)" in awa.page_source
                     and "Vous avez donné votre part (n° 1)" in awa.page_source, awa.title)

        bruno = browsers["Bruno"]
        bruno.get(poll_url + "/depouillement")
        fill(bruno, "champ-part", mistype(shares["Bruno"]))
        click_button(bruno, "Donner ma part")
        report.check("a mistyped share is refused", "Cette part est mal tapée" in bruno.page_source, bruno.title)
        fill(bruno, "champ-part", shares["Bruno"].lower())
        click_button(bruno, "Donner ma part")
        report.check("two holders open the box", "L'urne est dépouillée" in bruno.page_source, bruno.title)
        report.check("the results match what was cast",
                     "3 bulletins." in bruno.page_source and "Mention majoritaire" in bruno.page_source
                     and bruno.page_source.count("<td>Excellent</td>") == 2, bruno.page_source[-3000:])
        audit_current(report, bruno, server, "résultats d'une urne scellée", SCREENSHOTS)
    finally:
        for browser in browsers.values():
            browser.quit()


# The council of ten: names used by no other journey.
COUNCIL = ["Aline", "Basile", "Capucine", "Désiré", "Eliott", "Fatou", "Gérald", "Hortense", "Ilyes", "Jeanne"]


def a_council_of_ten_votes_on_paper_then_online(driver, server: Server, report: Report) -> None:
    """A council of ten, marked present, votes on paper then online from their phones; each poll takes one channel only"""
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    password = "une phrase de test assez longue"
    desktop(driver)  # the administrator, who runs the room like a facilitator
    for code, pseudonym in zip(print_cards(driver, server, len(COUNCIL)), COUNCIL):
        activate(server, code, pseudonym, password)

    driver.get(server.url("/seances/nouvelle"))
    fill(driver, "champ-titre", "Conseil des dix")
    set_value(driver, "champ-jour", "2099-09-24")
    set_value(driver, "champ-debut", "14:00")
    set_value(driver, "champ-fin", "17:00")
    fill(driver, "champ-lieu", "Salle du conseil, Hôtel du Département")
    submit(driver)
    session_url = driver.current_url.split("#")[0].split("?")[0]
    fill(driver, "champ-nouveau-point-titre", "La carte de transport à un euro")
    click_button(driver, "Ajouter ce point")
    click_button(driver, "Ouvrir la séance")

    # The attendance: the ten are ticked present, and each is told.
    driver.get(session_url + "/emargement")
    for name in COUNCIL:
        tick(driver, name)
    click_button(driver, "Enregistrer les présences")
    report.check("the ten are marked present", "10 membres notés présents." in driver.page_source
                 and "Chaque personne ajoutée" in driver.page_source, driver.title)
    audit_current(report, driver, server, "émargement du conseil des dix", SCREENSHOTS)
    click_and_wait(driver, lambda: driver.find_element(By.LINK_TEXT, "Feuille de présence à imprimer ou à lire dans la salle"))
    sheet = driver.find_element(By.TAG_NAME, "main").text
    report.check("the printable sheet names the ten", all(name in sheet for name in COUNCIL)
                 and "10 membres notés présents" in sheet, sheet)
    audit_current(report, driver, server, "feuille de présence", SCREENSHOTS)

    def prepare(question: str, channel: str) -> str:
        driver.get(server.url("/scrutins/nouveau"))
        fill(driver, "champ-question", question)
        Select(driver.find_element(By.ID, "champ-type")).select_by_value("yesNo")
        Select(driver.find_element(By.ID, "champ-eligibilite")).select_by_value("present")
        Select(driver.find_element(By.ID, "champ-point")).select_by_visible_text(
            "Conseil des dix — La carte de transport à un euro")
        fill(driver, "champ-minimum", "5")
        Select(driver.find_element(By.ID, "champ-canal")).select_by_value(channel)
        click_button(driver, "Préparer le vote")
        return driver.current_url.split("#")[0].split("?")[0]

    def public_page(url: str) -> str:
        return fetch(server, url[len(server.base):])[1].decode("utf-8", "replace")

    member = make_driver()
    try:
        # 1. On paper.
        paper_url = prepare("Demander la carte de transport à un euro (vote sur papier) ?", "paper")
        report.check("the paper poll says how it will be voted, and the minimum",
                     "Sur papier : notez d'abord les votants présents" in driver.page_source
                     and "Il faudra au moins 5 bulletins pour publier le résultat" in driver.page_source, driver.title)
        click_button(driver, "Ouvrir le vote")

        phone(member)
        sign_in(member, server, COUNCIL[0], password)
        member.get(paper_url)
        report.check("a member present is told the vote is on paper, with no ballot form",
                     "Ce vote se fait sur papier" in member.page_source and not has_button(member, "Vérifier mon vote")
                     and not member.find_elements(By.CSS_SELECTOR, "main input[type=radio]"), member.title)
        audit_current(report, member, server, "scrutin sur papier côté membre", SCREENSHOTS)

        driver.get(paper_url)
        click_and_wait(driver, lambda: driver.find_element(By.LINK_TEXT, "Saisir les votes sur papier"))
        report.check("the paper page lists the ten present",
                     all(driver.find_elements(By.XPATH, f"//main//label[normalize-space()=\"{name}\"]") for name in COUNCIL))
        audit_current(report, driver, server, "votes sur papier : les votants", SCREENSHOTS)
        for name in COUNCIL:
            tick(driver, name)
        click_button(driver, "Noter qu'ils ont voté sur papier")
        report.check("the ten are registered as paper voters", "Les votants sur papier sont notés." in driver.page_source
                     and "10 votants sur papier, 0 bulletin saisi." in driver.page_source, driver.title)
        audit_current(report, driver, server, "votes sur papier : les bulletins", SCREENSHOTS)
        for index in range(len(COUNCIL)):
            driver.find_element(By.CSS_SELECTOR, "label[for='champ-choix-" + ("P" if index < 7 else "C") + "']").click()
            click_button(driver, "Enregistrer ce bulletin")
        report.check("ten paper ballots are typed", "10 votants sur papier, 10 bulletins saisis." in driver.page_source
                     and "Il y a autant de bulletins saisis que de votants sur papier." in driver.page_source, driver.title)

        member.get(paper_url)
        report.check("the member's page says they voted on paper", "Vous avez voté sur papier" in member.page_source, member.title)
        member.get(server.url("/mon-compte/notifications"))
        inbox = member.find_element(By.TAG_NAME, "main").text
        report.check("the member was told of their attendance and of their paper vote",
                     "noté·e présent·e" in inbox and "voté sur papier" in inbox, inbox)

        driver.get(paper_url)
        report.check("before closing, the facilitator is told the result will be published",
                     "10 bulletins : si vous fermez maintenant, le résultat sera publié." in driver.page_source, driver.title)
        audit_current(report, driver, server, "scrutin sur papier avant la clôture", SCREENSHOTS)
        click_button(driver, "Clore le vote")
        result = public_page(paper_url)
        report.check("the paper result is public: 7 for, 3 against", "Pour : 7" in result and "Contre : 3" in result,
                     result[-2000:])

        # 2. Online, on the same point: each of the ten from a phone.
        online_url = prepare("Demander la carte de transport à un euro (vote en ligne) ?", "online")
        click_button(driver, "Ouvrir le vote")
        report.check("an online poll offers no paper ballots",
                     not driver.find_elements(By.LINK_TEXT, "Saisir les votes sur papier"))
        driver.get(online_url + "/papier")
        report.check("its paper page says the vote is online", "Ce vote se fait en ligne" in driver.page_source, driver.title)

        sign_out(member)
        for index, name in enumerate(COUNCIL):
            sign_in(member, server, name, password)
            if index == 0:
                member.get(online_url)
                checked = member.find_elements(By.CSS_SELECTOR, "main input:checked")
                report.check("nothing is chosen in advance on the online ballot", not checked, str(len(checked)))
                audit_current(report, member, server, "bulletin en ligne sur téléphone", SCREENSHOTS)
            choice = "P" if index < 4 else "C"
            tracker = vote_through(member, server, online_url,
                                   lambda d, c=choice: d.find_element(By.CSS_SELECTOR, f"label[for='champ-choix-{c}']").click())
            report.check(f"{name} votes online", len(tracker) > 0, tracker)
            sign_out(member)

        driver.get(online_url)
        report.check("ten online ballots before closing",
                     "10 bulletins : si vous fermez maintenant, le résultat sera publié." in driver.page_source, driver.title)
        click_button(driver, "Clore le vote")
        result = public_page(online_url)
        report.check("the online result is public: 4 for, 6 against", "Pour : 4" in result and "Contre : 6" in result,
                     result[-2000:])
    finally:
        member.quit()


def naming_debate_from_feeling_to_answer(driver, server: Server, report: Report) -> None:
    """The naming debate: the feeling question, a name and an opinion, moderation, the vote, the département's answer"""
    import datetime

    password = "une phrase de test assez longue"
    desktop(driver)  # the administrator, who organises like a facilitator

    def open_folded(browser, summary: str) -> None:
        browser.find_element(By.XPATH, f"//summary[normalize-space()=\"{summary}\"]").click()

    def quotes_the_term_only(html: str) -> bool:
        return "bénéficiaire" not in html.lower().replace("« bénéficiaire du rsa »", "")

    # The feeling question, asked from today.
    driver.get(server.url("/debat-denomination"))
    audit_current(report, driver, server, "/debat-denomination (organisateur)", SCREENSHOTS)
    open_folded(driver, "Poser la question pour une nouvelle période")
    today = datetime.date.today()
    set_value(driver, "champ-debutJour", today.isoformat())
    set_value(driver, "champ-debutHeure", "00:00")
    set_value(driver, "champ-finJour", (today + datetime.timedelta(days=3)).isoformat())
    click_button(driver, "Préparer la période")
    report.check("the feeling question is prepared", "La question est prête" in driver.page_source)

    member, moderator, staff = make_driver(), make_driver(), make_driver()
    try:
        phone(member)
        sign_in(member, server, MEMBER[0], MEMBER[1])
        member.get(server.url("/debat-denomination"))
        audit_current(report, member, server, "/debat-denomination (membre)", SCREENSHOTS)
        report.check("the debate page quotes the term and nothing else names it", quotes_the_term_only(member.page_source))
        click_and_wait(member, lambda: member.find_element(By.LINK_TEXT, "Répondre à la question"))
        tracker = vote_through(member, server, member.current_url.split("#")[0],
                               lambda d: d.find_element(By.CSS_SELECTOR, "label[for='champ-choix-02']").click())
        report.check("the feeling answer is a secret ballot with a tracker", len(tracker) > 0, tracker)

        member.get(server.url("/debat-denomination"))
        open_folded(member, "Proposer un nom")
        fill(member, "champ-nom", "personne concernée")
        fill(member, "champ-explication", "Nous sommes concernés par le RSA, ça ne dit rien de plus.")
        click_button(member, "Envoyer ce nom")
        report.check("the name is sent for review", "va le relire" in member.page_source)
        click_and_wait(member, lambda: member.find_element(By.PARTIAL_LINK_TEXT, "(le nom actuel)"))
        audit_current(report, member, server, "un nom et ses avis", SCREENSHOTS)
        member.find_element(By.CSS_SELECTOR, "label[for='champ-position-contre']").click()
        fill(member, "champ-texte", "Ce mot me fait honte au guichet.")
        click_button(member, "Enregistrer mon avis")
        report.check("the opinion waits for its text to be read", "quand son texte aura été relu" in member.page_source)

        desktop(moderator)
        sign_in(moderator, server, "Sam modère", password)
        for _ in range(2):
            moderator.get(server.url("/moderation"))
            click_and_wait(moderator, lambda: moderator.find_element(
                By.XPATH, "//section[@id='debat']//button[starts-with(normalize-space(), 'Publier')]"))
        member.get(server.url("/debat-denomination"))
        report.check("the published name is on the debate page", "personne concernée" in member.page_source)

        # The facilitator freezes the list and opens the vote; members vote; it closes.
        driver.get(server.url("/debat-denomination"))
        open_folded(driver, "Choisir les noms finalistes et préparer le vote")
        driver.find_element(By.XPATH, "//label[normalize-space()='personne concernée']").click()
        click_button(driver, "Préparer le vote")
        poll_url = driver.current_url.split("#")[0]
        click_button(driver, "Ouvrir le vote")
        def grades(d):
            for group in d.find_elements(By.CSS_SELECTOR, "fieldset.appreciations"):
                group.find_elements(By.CSS_SELECTOR, "label")[3].click()
        member.get(poll_url)
        report.check("the vote holds the current name, quoted", "« bénéficiaire du RSA »" in member.page_source
                     and "personne concernée" in member.page_source and quotes_the_term_only(member.page_source))
        vote_through(member, server, poll_url, grades)
        voter = make_driver()
        try:
            sign_in(voter, server, "Yanis", password)
            vote_through(voter, server, poll_url, grades)
        finally:
            voter.quit()
        driver.get(poll_url)
        click_button(driver, "Clore le vote")
        member.get(server.url("/debat-denomination"))
        report.check("the debate page says the vote is closed", "« clos »" in member.page_source)

        desktop(staff)
        sign_in(staff, server, "Agent Dupont", password)
        staff.get(server.url("/debat-denomination"))
        open_folded(staff, "Publier la réponse du Département")
        fill(staff, "champ-reponse", "Dès le mois prochain, nos courriers diront « personne concernée ».")
        click_button(staff, "Publier et prévenir les membres")
        staff.get(server.url("/debat-denomination/synthese"))
        audit_current(report, staff, server, "/debat-denomination/synthese", SCREENSHOTS)
        report.check("the synthesis holds the opinion and the answer", "Ce mot me fait honte au guichet." in staff.page_source
                     and "nos courriers diront" in staff.page_source)

        member.get(server.url("/mon-compte/notifications"))
        report.check("the member is told of the answer", "a répondu au débat sur le nom" in member.page_source)
        member.get(server.url("/debat-denomination"))
        report.check("the member reads the answer", "nos courriers diront « personne concernée »" in member.page_source)
    finally:
        for browser in (member, moderator, staff):
            browser.quit()


def staff_download_every_export(driver, server: Server, report: Report) -> None:
    """Staff download each dataset in each format; the files open in real CSV, JSON and ODS readers; a member is refused"""
    import csv
    import io
    import json
    import urllib.error
    import urllib.request

    from odf.opendocument import load
    from odf.table import Table, TableRow

    password = "une phrase de test assez longue"
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    staff, member = make_driver(), make_driver()
    try:
        desktop(staff)
        sign_in(staff, server, "Agent Dupont", password)
        staff.get(server.url("/exports"))
        audit_current(report, staff, server, "/exports", SCREENSHOTS)

        def fetch(browser, url: str) -> tuple[int, bytes, str]:
            cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
            request = urllib.request.Request(url, headers={"Cookie": cookies})
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, response.read(), response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as error:
                return error.code, error.read(), ""

        datasets = [o.get_attribute("value") for o in staff.find_elements(By.CSS_SELECTOR, "#champ-jeu option")]
        formats = [o.get_attribute("value") for o in staff.find_elements(By.CSS_SELECTOR, "#champ-format option")]
        report.check("staff are offered the public datasets, not the attendance",
                     "propositions" in datasets and "presences" not in datasets, str(datasets))
        for dataset in datasets:
            for file_format in formats:
                staff.get(server.url("/exports"))
                Select(staff.find_element(By.ID, "champ-jeu")).select_by_value(dataset)
                Select(staff.find_element(By.ID, "champ-format")).select_by_value(file_format)
                # The address the browser's own form builds when "Télécharger" is pressed.
                url = staff.execute_script(
                    "const f = document.querySelector('form[action=\"/exports/fichier\"]');"
                    "return new URL(f.action + '?' + new URLSearchParams(new FormData(f)).toString(), location.href).href;")
                status, body, content_type = fetch(staff, url)
                name = f"{dataset} en {file_format}"
                if status != 200:
                    report.check(f"{name} downloads", False, str(status))
                    continue
                try:
                    if file_format == "csv":
                        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
                        ok = len(rows) >= 1 and body.endswith(b"\r\n") and not body.startswith(b"\xef\xbb\xbf")
                    elif file_format == "csv-tableur":
                        text = body.decode("utf-8-sig")
                        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
                        ok = body.startswith(b"\xef\xbb\xbf") and len(rows) >= 1 and not any(
                            cell[:1] in ("=", "+", "-", "@") for row in rows[1:] for cell in row)
                    elif file_format == "json":
                        ok = isinstance(json.loads(body), list)
                    else:
                        document = load(io.BytesIO(body))
                        tables = document.spreadsheet.getElementsByType(Table)
                        ok = len(tables) == 1 and len(tables[0].getElementsByType(TableRow)) >= 1
                    report.check(f"{name} opens in a real reader", ok, content_type)
                except Exception as error:  # noqa: BLE001 - the report says which file failed
                    report.check(f"{name} opens in a real reader", False, repr(error))

        # The printable activity report, then a token for the API, from the browser.
        staff.get(server.url("/exports"))
        click_and_wait(staff, lambda: staff.find_element(By.LINK_TEXT, "Le rapport d'activité du conseil sur une période, à imprimer"))
        report.check("the activity report opens from /exports", "Rapport d'activité" in staff.title, staff.title)
        audit_current(report, staff, server, "/exports/rapport-activite", SCREENSHOTS)
        staff.get(server.url("/mon-compte"))
        click_and_wait(staff, lambda: staff.find_element(By.LINK_TEXT, "Gérer mes jetons"))
        fill(staff, "champ-nom", "Tableau de bord insertion")
        submit(staff)
        token = staff.find_element(By.ID, "champ-jeton").get_attribute("value")
        report.check("staff create an API token in Mon compte and see it once", token.startswith("pv_"), token[:3])
        audit_current(report, staff, server, "/mon-compte/jetons", SCREENSHOTS)
        request = urllib.request.Request(server.url("/api/v1/propositions"), headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request) as response:
            report.check("the token reads the API", response.status == 200 and "elements" in json.loads(response.read()))
        staff.get(server.url("/mon-compte/jetons"))
        report.check("the token is not shown again", token not in staff.page_source)

        phone(member)
        sign_in(member, server, MEMBER[0], MEMBER[1])
        member.get(server.url("/mon-compte/jetons"))
        report.check("a member cannot reach the API tokens", "ne vous est pas ouverte" in member.title, member.title)
        status, _, _ = fetch(member, server.url("/api/v1/propositions"))
        report.check("a member's session does not open the API", status == 401, str(status))
        member.get(server.url("/exports"))
        report.check("a member cannot reach the exports", "ne vous est pas ouverte" in member.title, member.title)
        status, _, _ = fetch(member, server.url("/exports/fichier?jeu=propositions&format=csv"))
        report.check("a member cannot download a file", status == 403, str(status))
    finally:
        for browser in (staff, member):
            browser.quit()


def server_commands(driver, server: Server, report: Report) -> None:
    """create-admin and demo work from the terminal"""
    folder = tempfile.mkdtemp(prefix="portevoix-commands-")
    env = dict(os.environ, PORTEVOIX_DATA_DIR=folder)
    env.pop("DATABASE_URL", None)
    created = subprocess.run(
        [str(server.binary), "create-admin", "--pseudonyme", "Admin terminal"],
        cwd=server.data, env=env, input="une phrase pour le terminal\n", capture_output=True, text=True, timeout=120,
    )
    report.check("create-admin creates an administrator", created.returncode == 0 and "est créé" in created.stdout,
                 created.stdout + created.stderr)
    refused = subprocess.run(
        [str(server.binary), "demo"], cwd=server.data, env=env, capture_output=True, text=True, timeout=300,
    )
    report.check("demo refuses a database that has members", refused.returncode != 0 and "déjà" in refused.stderr + refused.stdout,
                 refused.stdout + refused.stderr)
    empty = tempfile.mkdtemp(prefix="portevoix-demo-")
    demo = subprocess.run(
        [str(server.binary), "demo"], cwd=server.data, env=dict(env, PORTEVOIX_DATA_DIR=empty),
        capture_output=True, text=True, timeout=300,
    )
    report.check("demo fills an empty database and prints the passwords once",
                 demo.returncode == 0 and "Admin Démo" in demo.stdout, demo.stdout[-500:] + demo.stderr[-500:])


def a_full_disk_keeps_the_members_text(driver, server: Server, report: Report) -> None:
    """On a full disk a member's proposal comes back on the page, and goes through once there is room"""
    import sqlite3

    if "DATABASE_URL" in server.extra_env:
        return  # SQLite's own fault; PostgreSQL's is in bench/drill-faults
    folder = tempfile.mkdtemp(prefix="portevoix-disque-plein-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PORTEVOIX_DATA_DIR"] = folder
    demo = subprocess.run([str(server.binary), "demo"], cwd=server.data, env=env, capture_output=True, text=True, timeout=300)
    passwords = dict(re.findall(r"^  (.+?)\s{2,}(\S+)\s{2,}", demo.stdout, re.M))
    if not report.check("demo data for the full disk", demo.returncode == 0 and "Camille" in passwords, demo.stderr[-500:]):
        return
    database = sqlite3.connect(os.path.join(folder, "portevoix.sqlite"), isolation_level=None)
    page_size = database.execute("PRAGMA page_size").fetchone()[0]
    cap_mb = database.execute("PRAGMA page_count").fetchone()[0] * page_size // 1048576 + 3
    title = "Des abris aux arrêts de bus"
    # Long enough to need new pages in the file, as a real proposal often is.
    text = "Un abri couvert à chaque arrêt du canton, avec un banc.\n\n" + "On attend longtemps sous la pluie, debout. " * 50
    member = make_driver()
    try:
        with Server(server.binary, extra_env={"PORTEVOIX_DATA_DIR": folder, "PORTEVOIX_MAX_DATABASE_MB": str(cap_mb)}) as full:
            phone(member)
            sign_in(member, full, "Camille", passwords["Camille"])
            member.get(full.url("/propositions/nouvelle"))
            # Another program fills the disk (here: the database's size cap);
            # compacted first, so that no half-empty page is left to reuse.
            database.execute("VACUUM")
            database.execute("CREATE TABLE remplissage (donnees BLOB)")
            while database.execute("PRAGMA page_count").fetchone()[0] * page_size < (cap_mb + 1) * 1048576:
                database.execute("INSERT INTO remplissage VALUES (zeroblob(65536))")
            fill(member, "champ-titre", title)
            fill(member, "champ-texte", text)
            Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
            Select(member.find_element(By.ID, "champ-theme")).select_by_visible_text("Transports et déplacements")
            click_button(member, "Envoyer ma proposition")
            WebDriverWait(member, 10).until(EC.presence_of_element_located((By.ID, "enregistrement-impossible")))
            notice = member.find_element(By.ID, "enregistrement-impossible").text
            report.check("the page says the site cannot save now and the text is kept",
                         "ne peut pas enregistrer" in notice and "pas perdu" in notice, notice)
            kept = member.find_element(By.ID, "champ-texte").get_attribute("value")
            report.check("the proposal's text is back in its field", kept.replace("\r\n", "\n") == text, kept[:200])
            report.check("its title too", member.find_element(By.ID, "champ-titre").get_attribute("value") == title)
            audit_current(report, member, full, "proposition sur disque plein", SCREENSHOTS)
            # Room again: the same page sends it.
            database.execute("DROP TABLE remplissage")
            click_button(member, "Envoyer ma proposition")
            WebDriverWait(member, 10).until(lambda d: "/propositions/nouvelle" not in d.current_url)
            report.check("sent again once there is room, without a restart", title in member.page_source, member.current_url)
            saved = database.execute("SELECT COUNT(*) FROM proposals WHERE title = ?", (title,)).fetchone()[0]
            report.check("saved once", saved == 1, str(saved))
            report.check("the file is sound", database.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
            report.check("the log names the full disk", "disque plein" in full.log_path.read_text())
    finally:
        member.quit()
        database.close()
        shutil.rmtree(folder, ignore_errors=True)


JOURNEYS = [
    admin_prints_cards_and_a_member_activates_one,
    proposal_from_idea_to_answer,
    personal_data_warning_and_reports,
    session_from_agenda_to_minutes,
    secret_ballot_from_opening_to_trackers,
    sealed_ballot_box_opened_by_two_key_holders,
    a_council_of_ten_votes_on_paper_then_online,
    naming_debate_from_feeling_to_answer,
    staff_download_every_export,
    a_full_disk_keeps_the_members_text,
    server_commands,
    fresh_start_creates_the_database,
    wrong_setting_stops_start_up,
    installation_link_never_reaches_a_log_file,
    skip_link_reaches_the_content,
    wrong_address_shows_french_404,
    oversized_post_shows_413,
    pages_work_without_javascript,
]

from checks_room import ROOM_JOURNEYS  # noqa: E402 (they use the helpers above)

JOURNEYS += ROOM_JOURNEYS


def selected(pages, journeys):
    """PORTEVOIX_BROWSER_ONLY=name1,name2 runs only those journeys (their
    function names), after the installation journey that every other one
    needs; `pages` in the list checks the public pages too. A journey may use
    the accounts an earlier one made (Yanis, Lucie...): name that one as well.
    Unset or empty, everything runs."""
    wanted = [name.strip() for name in os.environ.get("PORTEVOIX_BROWSER_ONLY", "").split(",") if name.strip()]
    if not wanted:
        return pages, journeys
    known = {journey.__name__ for journey in journeys} | {"pages"}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise SystemExit(f"PORTEVOIX_BROWSER_ONLY: unknown {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return (pages if "pages" in wanted else [],
            [journey for index, journey in enumerate(journeys) if index == 0 or journey.__name__ in wanted])


if __name__ == "__main__":
    sys.exit(main(*selected(PAGES, JOURNEYS)))
