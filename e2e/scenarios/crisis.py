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
