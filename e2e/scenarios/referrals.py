"""A referral between organisations: a nurse in Region Exempel's primary care refers a family
caregiver to Exempelkommun, whose consultant registers her and sets the status the nurse then sees."""

from selenium.webdriver.common.by import By

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD, RUN_ID
from lib.demo import CONSULTANT, MUNICIPALITY, REGION, REGION_CAREGIVER, REGION_NURSE
from lib.driver import click_and_wait_for_new_page, open_page, path_of
from lib.forms import check_error_state, check_no_form_errors, choose, fill, select_option, select_value, submit_form_of, tick
from lib.login import check_signed_in, login, logout
from lib.page import click_button, click_link, h1_text, is_uuid_path, main_text
from lib.screenshots import full_page_screenshot


def referrals_section(driver):
    return driver.find_element(By.ID, "referrals").text


def test_referral_region_to_municipality(driver):
    reason = f"Lena är mycket trött och vill prata om avlösning ({RUN_ID})."

    # 1. The nurse finds the family caregiver she met at the health centre and opens the referral form.
    login(driver, REGION_NURSE, DEMO_PASSWORD)
    check_signed_in(driver, REGION_NURSE)
    visit_and_check(driver, None, "29_nurse_home")
    open_page(driver, "/caregivers")
    click_link(driver, REGION_CAREGIVER)
    check(is_uuid_path(path_of(driver), "caregivers"), f"the register's link led to {driver.current_url}")
    record_path = path_of(driver)
    check(h1_text(driver) == REGION_CAREGIVER, f"record h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "29_nurse_record")
    click_link(driver, "Skicka remiss")
    check(path_of(driver) == record_path + "/referrals/new", f"'Skicka remiss' led to {driver.current_url}")
    check(h1_text(driver).startswith("Remiss till en annan organisation"), f"form h1: {h1_text(driver)!r}")
    options = [o.text for o in driver.find_elements(By.CSS_SELECTOR, "#receivingOrganisationId option")]
    check(not any(o.startswith(REGION) for o in options), f"the nurse's own region is offered as receiver: {options}")
    visit_and_check(driver, None, "29_referral_form")

    # 2. Sent without consent or reason: refused, with every missing answer named.
    click_button(driver, "Skicka remissen")
    check_error_state(driver, "29_referral_form_errors", ["receivingOrganisationId", "consentCategories", "consentForm", "reason"])

    # 3. With what Lena agreed to: her contact details and her situation, given orally.
    select_option(driver, "receivingOrganisationId", f"{MUNICIPALITY} (Kommun)")
    tick(driver, driver.find_element(By.ID, "consentCategories-contactDetails"))
    tick(driver, driver.find_element(By.ID, "consentCategories-careSituation"))
    choose(driver, "consentForm", "oral")
    fill(driver, "reason", reason)
    click_button(driver, "Skicka remissen")
    check_no_form_errors(driver, "sending the referral")
    check(path_of(driver) == record_path, f"after sending expected the record {record_path}, got {driver.current_url}")
    section = referrals_section(driver)
    check(MUNICIPALITY in section and "Skickad" in section and reason in section,
          f"the record's referrals should show the sent referral: {section!r}")
    visit_and_check(driver, None, "29_nurse_record_sent")
    full_page_screenshot(driver, "29_nurse_record_sent")
    logout(driver)

    # 4. The municipality's consultant: the start page says a referral came; the inbox shows no name.
    login(driver, CONSULTANT, DEMO_PASSWORD)
    check_signed_in(driver, CONSULTANT)
    items = [a for a in driver.find_elements(By.CSS_SELECTOR, "main ul.worklist a") if "remiss" in a.text]
    check(items, "the consultant's start page has no worklist item for new referrals")
    visit_and_check(driver, None, "29_consultant_home")
    click_and_wait_for_new_page(driver, items[0])
    check(path_of(driver) == "/referrals", f"the worklist item led to {driver.current_url}")
    check(h1_text(driver) == "Mottagna remisser", f"inbox h1: {h1_text(driver)!r}")
    check(REGION_CAREGIVER not in main_text(driver), "the inbox shows a family caregiver's name (it should not)")
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    check(rows and REGION in rows[0].text and "Skickad" in rows[0].text, f"the newest referral row: {rows[0].text if rows else None!r}")
    visit_and_check(driver, None, "29_inbox")

    # 5. Opening it: what the consent covered, and nothing of the region's record beyond it.
    click_and_wait_for_new_page(driver, rows[0].find_element(By.TAG_NAME, "a"))
    referral_path = path_of(driver)
    check(is_uuid_path(referral_path, "referrals"), f"an inbox row should open /referrals/<uuid>, got {driver.current_url}")
    text = main_text(driver)
    for expected in (reason, REGION_CAREGIVER, "070-174 06 12", "make, maka, sambo eller partner", "Mottagen"):
        check(expected in text, f"the referral does not show {expected!r}: {text[:400]!r}")
    check("Gösta" not in text, "the name of the person cared for crossed to the municipality")
    check("sa inte ja till att lämna över: den anhöriges egen beskrivning av behov" in text,
          "the page does not say what was not passed on")
    visit_and_check(driver, None, "29_referral")
    full_page_screenshot(driver, "29_referral")

    # 6. One step to a record: the form is filled in from the referral.
    click_link(driver, "Registrera som anhörig")
    check(path_of(driver) == referral_path + "/caregiver", f"'Registrera som anhörig' led to {driver.current_url}")
    name = driver.find_element(By.ID, "name")
    check(name.get_attribute("value") == REGION_CAREGIVER, f"the name is not filled in: {name.get_attribute('value')!r}")
    visit_and_check(driver, None, "29_register_form")
    submit_form_of(driver, name)
    check_no_form_errors(driver, "registering from the referral")
    check(is_uuid_path(path_of(driver), "caregivers"), f"registering led to {driver.current_url}")
    check(f"Registrerad från en remiss från {REGION}" in main_text(driver), "the new record does not say where it came from")
    visit_and_check(driver, None, "29_new_record")
    full_page_screenshot(driver, "29_new_record")

    # 7. Status: contacted.
    click_link(driver, f"Registrerad från en remiss från {REGION}")
    check(path_of(driver) == referral_path, f"the record's link led to {driver.current_url}")
    check(not driver.find_elements(By.LINK_TEXT, "Registrera som anhörig"), "a registered referral still offers registration")
    select_value(driver, "status", "contacted")
    click_button(driver, "Spara status")
    check_no_form_errors(driver, "setting the status")
    check("Kontaktad" in main_text(driver), "the referral does not show 'Kontaktad'")
    visit_and_check(driver, None, "29_referral_contacted")
    full_page_screenshot(driver, "29_referral_contacted")
    logout(driver)

    # 8. The nurse sees the status, and nothing more, in her list and on the record.
    login(driver, REGION_NURSE, DEMO_PASSWORD)
    check_signed_in(driver, REGION_NURSE)
    open_page(driver, "/referrals/sent")
    check(h1_text(driver) == "Skickade remisser", f"sent list h1: {h1_text(driver)!r}")
    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr") if REGION_CAREGIVER in r.text]
    check(rows and "Kontaktad" in rows[0].text and MUNICIPALITY in rows[0].text, f"the sent referral's row: {[r.text for r in rows]}")
    visit_and_check(driver, None, "29_sent_list")
    open_page(driver, record_path)
    section = referrals_section(driver)
    check("Mottagen" in section and "Kontaktad" in section, f"the record does not show the returned status: {section!r}")
    visit_and_check(driver, None, "29_nurse_record_status")
    full_page_screenshot(driver, "29_nurse_record_status")
    logout(driver)
