"""Crisis readiness: the consultant's crisis list with tel: links, the printable A4 list, an
export refused for a short passphrase, and the list read at phone width."""

from selenium.webdriver.common.by import By

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD
from lib.demo import CONSULTANT, STAFF
from lib.driver import http_status, new_driver, open_page
from lib.forms import check_error_state, fill, submit_form_of
from lib.login import check_signed_in, login
from lib.page import check_reflow, h1_text, main_text
from lib.screenshots import screenshot


def test_crisis_list(driver):
    login(driver, CONSULTANT, DEMO_PASSWORD)
    check_signed_in(driver, CONSULTANT)
    visit_and_check(driver, "/crisis", "40_crisis_list")
    check(h1_text(driver).startswith("Krislista"), f"crisis list h1: {h1_text(driver)!r}")
    check(driver.find_elements(By.CSS_SELECTOR, "main a[href^='tel:']"), "the list has no tel: links to call")
    check("Förstör" in main_text(driver) or "förstöras" in main_text(driver), "the page does not say when to destroy copies")

    visit_and_check(driver, "/crisis/print", "41_crisis_print")
    check("Förstör listan senast" in main_text(driver), "the printable list does not say when to destroy it")

    open_page(driver, "/crisis/export")
    visit_and_check(driver, None, "42_crisis_export")
    fill(driver, "passphrase", "kort")
    submit_form_of(driver, fill(driver, "confirmation", "kort"))
    check_error_state(driver, "43_crisis_export_error", ["passphrase"], labels={"passphrase": "Lösenfras"})
    check(not driver.find_element(By.ID, "passphrase").get_attribute("value"), "the passphrase was shown again")

    phone = new_driver(phone=True)
    try:
        login(phone, CONSULTANT, DEMO_PASSWORD)
        check_signed_in(phone, CONSULTANT)
        visit_and_check(phone, "/crisis", "44_crisis_list_phone")
        check_reflow(phone, "44_crisis_list_phone")
    except Exception:
        screenshot(phone, "FAILED_test_crisis_list_phone")
        raise
    finally:
        phone.quit()


def test_staff_cannot_open_crisis_list(driver):
    login(driver, STAFF, DEMO_PASSWORD)
    check_signed_in(driver, STAFF)
    open_page(driver, "/crisis")
    check(http_status(driver) == 403, f"staff should be refused the crisis list, got {http_status(driver)}")


def test_crisis_event_on_phone(driver):
    """A power cut: the consultant starts a crisis event on a phone, marks the first person
    reached and one as needing help, and reads the summary; axe and reflow on every page."""
    from lib.forms import select_value
    phone = new_driver(phone=True)
    try:
        login(phone, CONSULTANT, DEMO_PASSWORD)
        check_signed_in(phone, CONSULTANT)
        visit_and_check(phone, "/crisis/events", "45_crisis_events_phone")
        check_reflow(phone, "45_crisis_events_phone")
        select_value(phone, "kind", "powerCut")
        submit_form_of(phone, fill(phone, "title", "Strömavbrott e2e"))
        check(h1_text(phone).startswith("Krisläge: Strömavbrott e2e"), f"event h1: {h1_text(phone)!r}")
        visit_and_check(phone, None, "46_crisis_event_phone")
        check_reflow(phone, "46_crisis_event_phone")
        forms = phone.find_elements(By.CSS_SELECTOR, "form.crisis-check__form")
        check(len(forms) >= 2, f"expected a checklist, found {len(forms)} rows")
        first_id = forms[0].find_element(By.CSS_SELECTOR, "select").get_attribute("id")
        select_value(phone, first_id, "reached")
        submit_form_of(phone, fill(phone, first_id.replace("status-", "note-"), "Nådd, allt väl"))
        forms = phone.find_elements(By.CSS_SELECTOR, "form.crisis-check__form")
        second_id = forms[1].find_element(By.CSS_SELECTOR, "select").get_attribute("id")
        select_value(phone, second_id, "needsHelp")
        submit_form_of(phone, fill(phone, second_id.replace("status-", "note-"), "Behöver vatten"))
        notes = [phone.find_element(By.ID, i.replace("status-", "note-")).get_attribute("value") for i in (first_id, second_id)]
        check(notes == ["Nådd, allt väl", "Behöver vatten"], f"the saved notes are not shown: {notes}")
        text = main_text(phone)
        check("Behöver hjälp" in text and "Sparat" in text, "the summary does not list who needs help, or who saved")
        visit_and_check(phone, None, "47_crisis_event_saved_phone")
        check_reflow(phone, "47_crisis_event_saved_phone")
    except Exception:
        screenshot(phone, "FAILED_test_crisis_event_on_phone_phone")
        raise
    finally:
        phone.quit()
