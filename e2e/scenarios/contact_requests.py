"""Contact requests: the public form a caregiver sends, and the consultant's inbox that closes them."""

import time
from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD, RUN_ID
from lib.demo import MUNICIPALITY, MUNICIPALITY_PATH
from lib.driver import click_and_wait_for_new_page, http_status, open_page, path_of
from lib.forms import check_error_state, check_no_form_errors, fill, tick
from lib.login import check_signed_in, login, logout
from lib.page import click_button, focus_report, h1_text, main_text


CONTACT_PATH = MUNICIPALITY_PATH + "/kontakt"
# Filled in by scenario 14 once its request has been sent; scenario 15 opens that request.
CONTACT = {}
# The server ignores a contact form sent sooner than 3 s after it was shown (a robot's pace).
CONTACT_FILL_SECONDS = 4
CONTACT_ERROR_FIELDS = ["name", "reach", "about", "consent"]
CONTACT_LABELS = {"name": "Ditt namn", "reach": "Hur når vi dig?", "about": "Vad gäller det?",
                  "consent": "Jag samtycker"}


def check_contact_focus_order(driver, name):
    """Tab through the contact form from the name field: every stop visible, the honeypot never."""
    name_field = driver.find_element(By.ID, "name")
    driver.execute_script("arguments[0].focus();", name_field)
    stops, problems = [], []
    for _ in range(6):
        label, in_view, cover = focus_report(driver)
        stops.append(label)
        if not in_view:
            problems.append(f"#{label} is focused but wholly outside the viewport")
        if cover:
            problems.append(f"#{label} is focused under {cover}")
        if driver.switch_to.active_element.tag_name == "button":
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    check("website" not in stops, f"{name}: Tab reaches the honeypot #website: {stops}")
    expected = ["name", "reach", "about", "language", "consent"]
    check(stops[:5] == expected and driver.switch_to.active_element.tag_name == "button",
          f"{name}: Tab order through the contact form should be {expected} then the button, was {stops}")
    check(not problems, f"{name}: focus problems on the phone layout: " + "; ".join(problems))


def fill_contact_form(driver, name, reach, about, language):
    fill(driver, "name", name)
    fill(driver, "reach", reach)
    fill(driver, "about", about)
    Select(driver.find_element(By.ID, "language")).select_by_value(language)
    tick(driver, driver.find_element(By.ID, "consent"))


def send_contact_form(driver, shown_at):
    """Clicks "Skicka" once the form has been shown long enough for the server to accept it."""
    honeypot = driver.find_element(By.ID, "website")
    check(honeypot.get_attribute("value") == "", "the honeypot #website is not empty")
    time.sleep(max(0.0, CONTACT_FILL_SECONDS - (time.time() - shown_at)))
    click_button(driver, "Skicka")
    status = http_status(driver)
    check(status != 429, "the contact form answered 429: the server allows 10 contact requests per address and "
          "hour (every submission counts, also a refused one); restart it with fresh data or wait an hour")


def open_contact_form(driver):
    open_page(driver, CONTACT_PATH)
    shown_at = time.time()
    check(path_of(driver) == CONTACT_PATH, f"{CONTACT_PATH} led to {driver.current_url}")
    return shown_at


def check_receipt(driver, name):
    check(path_of(driver) == CONTACT_PATH, f"after 'Skicka' expected {CONTACT_PATH}, got {driver.current_url}")
    check_no_form_errors(driver, "sending the contact request")
    check(h1_text(driver) == "Tack – vi har fått din förfrågan", f"receipt h1: {h1_text(driver)!r}")
    check(MUNICIPALITY in main_text(driver), f"the receipt does not name {MUNICIPALITY}")
    visit_and_check(driver, None, name)


def make_contact_request(driver, tag):
    """Sends a contact request through the public form (anonymous) and remembers it in CONTACT."""
    request = {"name": f"E2E Anhörig {tag} {RUN_ID}", "reach": "070-123 45 67, helst förmiddag",
               "about": f"Jag tar hand om min mamma som har demens och behöver en paus ibland ({RUN_ID}).",
               "language": "fi", "language_name": "finska"}
    shown_at = open_contact_form(driver)
    fill_contact_form(driver, request["name"], request["reach"], request["about"], request["language"])
    send_contact_form(driver, shown_at)
    return request


def worklist_contact_item(driver):
    """The start page's worklist item for new contact requests: (link, count), or (None, 0)."""
    for link in driver.find_elements(By.CSS_SELECTOR, "main ul.worklist a"):
        if "nya kontaktförfrågningar" in link.text or "ny kontaktförfrågan" in link.text:
            count = link.text.split()[0]
            check(count.isdigit(), f"the worklist item does not start with a count: {link.text!r}")
            return link, int(count)
    return None, 0


def inbox_row(driver, request_path):
    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
            if r.find_elements(By.CSS_SELECTOR, f"a[href$='{request_path}']")]
    check(len(rows) == 1, f"the inbox should have one row linking to {request_path}, found {len(rows)}")
    return rows[0]


def test_consultant_closes_request(driver):
    consultant = "konsulent@exempel.se"
    if "name" not in CONTACT:  # run without scenario 14: send a request first
        print("NOTE  scenario 14 did not send a request in this run; sending one through the public form",
              flush=True)
        request = make_contact_request(driver, "15")
        check_receipt(driver, "15_receipt")
        CONTACT.update(request)
        driver.delete_all_cookies()

    login(driver, consultant, DEMO_PASSWORD)
    check_signed_in(driver, consultant)
    item, open_before = worklist_contact_item(driver)
    shown = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "main ul.worklist a")]
    check(item is not None, f"the start page worklist has no contact-request item: {shown}")
    check(urlparse(item.get_attribute("href")).path == "/support/requests",
          f"the worklist item links to {item.get_attribute('href')}, expected /support/requests")
    check(open_before != 1 or not item.text.startswith("1 nya"),
          f"the worklist says {item.text!r} for a single request (Swedish: '1 ny kontaktförfrågan')")
    visit_and_check(driver, None, "15_home")
    click_and_wait_for_new_page(driver, item)
    check(path_of(driver) == "/support/requests", f"the worklist item led to {driver.current_url}")
    check(h1_text(driver) == "Kontaktförfrågningar", f"inbox h1: {h1_text(driver)!r}")
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    check(rows, "the inbox has no rows")
    check(CONTACT["name"] not in main_text(driver), "the inbox shows the caregiver's name (it should not)")
    newest = rows[0]
    check("Ny" in newest.text, f"the newest request should have status 'Ny': {newest.text!r}")
    visit_and_check(driver, None, "15_inbox")

    click_and_wait_for_new_page(driver, newest.find_element(By.TAG_NAME, "a"))
    request_path = path_of(driver)
    parts = request_path.strip("/").split("/")
    check(parts[:2] == ["support", "requests"] and len(parts) == 3 and len(parts[2]) == 36,
          f"an inbox row should open /support/requests/<uuid>, got {driver.current_url}")
    check(h1_text(driver) == "Kontaktförfrågan", f"request h1: {h1_text(driver)!r}")
    text = main_text(driver)
    for key in ("name", "reach", "about", "language_name"):
        check(CONTACT[key] in text, f"the newest request does not show its {key} {CONTACT[key]!r}: {text[:300]!r}")
    visit_and_check(driver, None, "15_request")

    click_button(driver, "Stäng")
    check(path_of(driver) == request_path, f"closing without a reason led to {driver.current_url}")
    check_error_state(driver, "15_close_error", ["reason"], {"reason": "Vad blev gjort?"})
    check(CONTACT["name"] in main_text(driver), "the refused close no longer shows the request")

    fill(driver, "reason", "Ringt upp")
    click_button(driver, "Stäng")
    check_no_form_errors(driver, "closing the request")
    check(path_of(driver) == "/support/requests", f"after 'Stäng' expected /support/requests, got {driver.current_url}")
    row = inbox_row(driver, request_path)
    check("Avslutad" in row.text, f"the closed request's row should say 'Avslutad': {row.text!r}")
    visit_and_check(driver, None, "15_inbox_closed")

    open_page(driver, request_path)
    check("Avslutad: Ringt upp" in main_text(driver), "the closed request does not show 'Avslutad: Ringt upp'")
    check(not driver.find_elements(By.ID, "reason"), "a closed request still offers the close form")
    visit_and_check(driver, None, "15_request_closed")

    open_page(driver, "/")
    item, open_after = worklist_contact_item(driver)
    check(open_after == open_before - 1,
          f"after closing one request the worklist should count {open_before - 1}, counts {open_after}")
    logout(driver)
