"""The main flows with the keyboard only (issue 14, suite 8): a family caregiver asks to be
contacted, a consultant signs in, registers a family caregiver and records a conversation, and a
member of staff answers a mapping sheet. Only Tab, Shift+Tab, Enter, Space, the arrow keys and
typed text; on every page each control must be reachable with Tab and show its focus."""

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from lib.assurance import write_figures
from lib.checks import check
from lib.config import DEMO_PASSWORD, RUN_ID
from lib.demo import CONSULTANT, MUNICIPALITY_PATH, STAFF
from lib.driver import open_page, path_of
from lib.keyboard import Stats, audit_tab_order, choose_with_arrows, enter_and_wait, focused, press, space, tab_to, type_into
from lib.page import h1_text, main_text

CONTACT_FILL_SECONDS = 4  # the server ignores a contact form sent sooner than 3 s after it was shown


class Flows:
    problems = []
    done = []


def audit(driver, label):
    Flows.problems += audit_tab_order(driver, label)


def follow(driver, text, css="a"):
    """Tabs to the link or button that starts with text and presses Enter."""
    tab_to(driver, css=css, text=text)
    enter_and_wait(driver)


def contact_request(driver):
    open_page(driver, MUNICIPALITY_PATH)
    audit(driver, "public support page")
    follow(driver, "Vill du att någon hör av sig")
    check(path_of(driver) == MUNICIPALITY_PATH + "/kontakt", f"the contact link led to {driver.current_url}")
    shown_at = time.time()
    audit(driver, "contact form")
    type_into(driver, "name", f"Tangent Bordsson {RUN_ID}")
    type_into(driver, "reach", "070-123 45 67, helst på förmiddagen")
    type_into(driver, "about", "Jag tar hand om min pappa och vill prata om avlösning.")
    choose_with_arrows(driver, "language", "fi")
    tab_to(driver, css="#consent")
    space(driver)
    check(driver.find_element(By.ID, "consent").is_selected(), "Space did not tick the consent box")
    time.sleep(max(0.0, CONTACT_FILL_SECONDS - (time.time() - shown_at)))
    follow(driver, "Skicka", css="button")
    check(h1_text(driver) == "Tack – vi har fått din förfrågan", f"after sending, h1 is {h1_text(driver)!r}")
    audit(driver, "contact receipt")


def sign_in_with_keys(driver, email):
    open_page(driver, "/login")
    audit(driver, "login page")
    type_into(driver, "email", email)
    type_into(driver, "password", DEMO_PASSWORD)
    follow(driver, "Logga in", css="button")
    check(path_of(driver) == "/", f"{email}: signing in with the keyboard led to {driver.current_url}")


def register_and_record_conversation(driver):
    driver.delete_all_cookies()
    sign_in_with_keys(driver, CONSULTANT)
    audit(driver, "consultant's start page")
    follow(driver, "Anhöriga", css="nav a")
    check(path_of(driver) == "/caregivers", f"the nav link 'Anhöriga' led to {driver.current_url}")
    audit(driver, "family caregivers")
    follow(driver, "Registrera anhörig")
    audit(driver, "new family caregiver")
    name = f"Kim Tangentsson {RUN_ID}"
    type_into(driver, "name", name)
    follow(driver, "Registrera", css="button")
    record = path_of(driver)
    check(record.startswith("/caregivers/") and h1_text(driver).startswith(name.split()[0]),
          f"registering led to {driver.current_url} with h1 {h1_text(driver)!r}")
    Flows.done.append("register a family caregiver")

    audit(driver, "the record")
    follow(driver, "Dokumentera samtal")
    check(path_of(driver) == record + "/conversations/new", f"'Dokumentera samtal' led to {driver.current_url}")
    audit(driver, "conversation form")
    type_into(driver, "helpToCare", "Vill veta mer om demens.")
    type_into(driver, "agreedActions", "Anmäla till anhöriggruppen.")
    follow(driver, "Spara", css="button")
    check(path_of(driver) == record, f"saving the conversation led to {driver.current_url}")
    check("Anmäla till anhöriggruppen." in main_text(driver), "the conversation is not on the record")
    Flows.done.append("record a conversation")


def answer_mapping(driver):
    driver.delete_all_cookies()
    sign_in_with_keys(driver, STAFF)
    check(any(a.text.startswith("Besvara kartläggningen") for a in driver.find_elements(By.CSS_SELECTOR, "main a")),
          "Pia's start page lists no mapping sheet to answer: the demo's sheet was sent by an earlier run "
          "(restart the server with a fresh SYNLIG_DATA_DIR)")
    follow(driver, "Besvara kartläggningen", css="main a")
    audit(driver, "mapping answer sheet")
    tab_to(driver, css="input[type=radio][name='choice[q1]']")
    press(driver, Keys.ARROW_DOWN)  # the arrow keys move within the group and choose
    chosen = driver.execute_script("var r = document.querySelector(\"input[name='choice[q1]']:checked\"); return r && r.value;")
    check(chosen, "the arrow keys chose no answer for question 1")
    follow(driver, "Skicka in svaren", css="button")
    notices = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main [role=status]")]
    check("Svaren är sparade." in notices, f"after sending the answers: {notices}")
    Flows.done.append("answer a mapping sheet")


def test_keyboard_main_flows(driver):
    started = time.time()
    Flows.problems, Flows.done = [], []
    flows = [("ask to be contacted (public)", contact_request), ("register and record a conversation", register_and_record_conversation),
             ("answer a mapping sheet", answer_mapping)]
    failed = []
    for title, flow in flows:
        try:
            flow(driver)
            if flow is contact_request:
                Flows.done.append(title)
        except AssertionError as error:
            failed.append(f"{title}: {error} (at {driver.current_url}, focus on {focused(driver)})")
    write_figures("accessibility", {
        "keyboard_flows": len(Flows.done), "keyboard_flows_failed": len(failed), "keyboard_flow_names": Flows.done,
        "keyboard_pages": Stats.pages, "keyboard_tab_stops": Stats.tab_stops, "keyboard_controls": Stats.controls,
        "keyboard_problems": len(Flows.problems), "keyboard_seconds": round(time.time() - started, 1),
    })
    print(f"      keyboard: {len(Flows.done)} flow steps, {Stats.pages} pages, {Stats.tab_stops} tab stops, "
          f"{time.time() - started:.0f}s", flush=True)
    check(not failed and not Flows.problems, "keyboard-only use failed:\n  " + "\n  ".join(failed + Flows.problems))
