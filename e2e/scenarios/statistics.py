"""Statistics: a politician reads who is reached, for the year, a quarter and one unit."""

import base64
import os

from selenium.webdriver.common.by import By

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD, SCREENSHOT_DIR
from lib.demo import ADMIN_EMAIL, STAFF, STAFF_UNIT
from lib.driver import path_of
from lib.forms import select_option, submit_form_of
from lib.login import check_signed_in, login, logout
from lib.page import click_button, follow_link, h1_text, main_text
from lib.screenshots import full_page_screenshot

VIEWER = "politiker@exempel.se"


def test_statistics(driver):
    login(driver, VIEWER, DEMO_PASSWORD)
    check_signed_in(driver, VIEWER)
    follow_link(driver, "Statistik", "/statistics", "Statistik: anhöriga som nås", css="nav.main-nav a")
    visit_and_check(driver, None, "21_statistics")
    full_page_screenshot(driver, "21_statistics")
    text = main_text(driver)
    for heading in ["Kön", "Ålder", "Utländsk bakgrund", "Tid i veckan", "Kön × tid i veckan (anhörigskap)", "Året efter att stödet började"]:
        check(heading in text, f"the statistics page has no table {heading!r}")
    check("Ej angivet" in text, "the statistics page does not show the share not stated")
    # Every chart has its numbers in a table beside it, and no person's name is anywhere.
    bars = driver.find_elements(By.CSS_SELECTOR, "main svg.bar")
    check(bars and all(b.get_attribute("aria-label") for b in bars), "a chart bar without its numbers as a label")
    check(not driver.find_elements(By.CSS_SELECTOR, "main a[href^='/caregivers/']"), "the statistics link to a person")

    # The page prints as an A4 report: each table whole with its heading, no filters.
    pdf = base64.b64decode(driver.execute_cdp_cmd(
        "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True})["data"])
    with open(os.path.join(SCREENSHOT_DIR, "statistics_report.pdf"), "wb") as handle:
        handle.write(pdf)
    check(pdf.startswith(b"%PDF") and len(pdf) > 10 * 1024, f"statistics PDF is only {len(pdf)} bytes")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    filters = driver.find_element(By.ID, "period")
    check(not filters.is_displayed(), "the statistics filters show on the printed report")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    # A quarter and one unit: the filter is kept, and a small unit withholds its counts.
    select_option(driver, "unit", STAFF_UNIT)
    period = driver.find_element(By.ID, "period")
    quarters = [o.text for o in period.find_elements(By.TAG_NAME, "option") if o.text.startswith("Kvartal")]
    check(quarters, "no quarter to choose")
    select_option(driver, "period", quarters[0])
    submit_form_of(driver, period)
    check(path_of(driver) == "/statistics", f"the filter led to {driver.current_url}")
    check(STAFF_UNIT in h1_text(driver) or STAFF_UNIT in main_text(driver), "the chosen unit is not named")
    visit_and_check(driver, None, "21_statistics_unit_quarter")

    # The comparison with other organisations: the demo organisation publishes, so it is there.
    follow_link(driver, "Jämför med andra kommuner och regioner", "/statistics/national", "Jämförelse mellan organisationer")
    visit_and_check(driver, None, "21_statistics_national")
    check("Exempelkommun" in main_text(driver), "the comparison does not list the viewer's own organisation")
    check("per 1 000 vuxna" in main_text(driver), "the comparison has no rate per 1,000 adults")
    logout(driver)

    # The administrator decides whether the indicators are open data; the demo publishes them.
    login(driver, ADMIN_EMAIL, DEMO_PASSWORD)
    visit_and_check(driver, "/statistics", "21_statistics_admin")
    check("Öppna data" in main_text(driver), "the administrator's statistics page has no open-data section")
    click_button(driver, "Sluta publicera")
    check("publiceras inte" in main_text(driver), "withdrawing the open data did not show on the page")
    click_button(driver, "Publicera som öppna data")
    check("publiceras som öppna data" in main_text(driver), "publishing again did not show on the page")
    follow = driver.find_element(By.XPATH, "//main//a[contains(., 'publicerade värdena')]")
    href = follow.get_attribute("href")
    driver.get(href)
    check('"kpi":"SYN001"' in driver.page_source.replace(" ", ""), f"the published values at {href} do not list SYN001")
    driver.back()
    logout(driver)

    # Staff who work with people do not read statistics here.
    login(driver, STAFF, DEMO_PASSWORD)
    visit_and_check(driver, "/statistics", "21_statistics_staff_forbidden", expect_status=403)
