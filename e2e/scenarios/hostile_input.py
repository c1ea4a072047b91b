"""Hostile-but-accepted text through the UI (issue 14, suite 3): a script tag and an attribute
breaker are valid names, so Synlig stores them as typed and must show them as text on every page
that lists them. In Chromium, nothing may run and no element may be injected."""

from urllib.parse import urlparse

from selenium.webdriver.common.by import By

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD, RUN_ID, swedish_today
from lib.demo import CONSULTANT, MUNICIPALITY_PATH
from lib.driver import open_page, path_of
from lib.forms import check_no_form_errors, fill, select_option, set_value, tick
from lib.login import check_signed_in, login
from lib.page import click_button, h1_text, main_text
from scenarios.caregivers import search_caregivers

SCRIPT = f"<script>alert('{RUN_ID}')</script> Åsa"
BREAKER = f'"><img src=x onerror=alert(1)> Öberg {RUN_ID}'

# Runs before any script of every page: an alert (or a handler calling one) leaves a trace.
ALERT_TRAP = ("window.__hostileAlerts = [];"
              "['alert', 'confirm', 'prompt'].forEach(function (n) {"
              "  window[n] = function (m) { window.__hostileAlerts.push(n + ':' + m); }; });")


def check_nothing_ran(driver, where, shown):
    """No alert was called, no element the text describes exists, and the text is shown as typed."""
    alerts = driver.execute_script("return window.__hostileAlerts || null;")
    check(alerts is not None, f"{where}: the alert trap was not installed")
    check(alerts == [], f"{where}: script ran: {alerts}")
    injected = driver.execute_script(
        "return document.querySelectorAll('img[src=\"x\"], [onerror], script:not([src])').length;")
    check(injected == 0, f"{where}: {injected} injected element(s) in the DOM")
    text = main_text(driver)
    for value in shown:
        check(value in text, f"{where}: {value!r} is not shown as text")


def register(driver, name):
    open_page(driver, "/caregivers/new")
    fill(driver, "name", name)
    click_button(driver, "Registrera")
    check_no_form_errors(driver, f"registering {name!r}")
    path = path_of(driver)
    check(path.startswith("/caregivers/") and len(path.split("/")[-1]) == 36, f"registering led to {driver.current_url}")
    return path


def test_hostile_text_shown_as_text(driver):
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ALERT_TRAP})
    login(driver, CONSULTANT, DEMO_PASSWORD)
    check_signed_in(driver, CONSULTANT)

    # Two caregivers whose names are markup: on their records, in the search result, in the list.
    paths = {name: register(driver, name) for name in (SCRIPT, BREAKER)}
    for name, path in paths.items():
        open_page(driver, path)
        check(h1_text(driver) == name, f"the record's heading is {h1_text(driver)!r}, not {name!r}")
        check_nothing_ran(driver, f"record {path}", [name])
    visit_and_check(driver, None, "40_record_with_markup_name")
    found = search_caregivers(driver, RUN_ID)
    for name, path in paths.items():
        check(found.get(name) == path, f"searching for the run's id should list {name!r} at {path}: {found}")
    check_nothing_ran(driver, "the search result", list(paths))
    visit_and_check(driver, None, "40_search_markup_names")

    # A published offering named with an attribute breaker and described with a script tag:
    # the staff catalogue and the public page list it.
    open_page(driver, "/support/new")
    fill(driver, "name", BREAKER)
    select_option(driver, "kind", "Anhöriggrupp")
    fill(driver, "description", SCRIPT)
    set_value(driver, "lastChecked", swedish_today())
    tick(driver, driver.find_element(By.ID, "published"))
    click_button(driver, "Spara")
    check_no_form_errors(driver, "saving the offering")
    check(urlparse(driver.current_url).query == "saved=1", f"saving the offering led to {driver.current_url}")
    check(driver.find_element(By.ID, "name").get_attribute("value") == BREAKER, "the offering's name changed on the way back")
    check_nothing_ran(driver, "the offering's form", [])
    open_page(driver, "/support")
    check_nothing_ran(driver, "the catalogue", [BREAKER])
    visit_and_check(driver, None, "40_catalogue_markup_name")
    open_page(driver, MUNICIPALITY_PATH)
    check_nothing_ran(driver, "the public support page", [BREAKER])
    visit_and_check(driver, None, "40_public_markup_name")
