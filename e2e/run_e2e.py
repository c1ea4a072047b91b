#!/usr/bin/env python3
"""Browser end-to-end tests for Synlig: headless Chromium via Selenium, every page
checked with axe-core (WCAG 2.0/2.1 A and AA) and screenshotted.

Environment:
  SYNLIG_BASE_URL       default http://127.0.0.1:8080
  SYNLIG_DEMO_PASSWORD  required: the password of the demo users (serve --demo)
  AXE_JS                path to axe.min.js; default: the copy inside axe_playwright_python
  CHROME_BIN            default /usr/bin/chromium
  CHROMEDRIVER          default /usr/bin/chromedriver

  E2E_STRICT            set to 1 to make known app bugs (printed as WARN) fail the run

Arguments, optional: scenario numbers to run (e.g. `run_e2e.py 9`); default all.
Prints one line "N passed, M failed" at the end and exits non-zero if anything failed.
"""

import os
import sys
import time
import traceback
from urllib.parse import urlparse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE_URL = os.environ.get("SYNLIG_BASE_URL", "http://127.0.0.1:8080").rstrip("/")
DEMO_PASSWORD = os.environ.get("SYNLIG_DEMO_PASSWORD", "")
CHROME_BIN = os.environ.get("CHROME_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
HERE = os.path.dirname(os.path.abspath(__file__))
SCREENSHOT_DIR = os.path.join(HERE, "screenshots")
WAIT_SECONDS = 15

ADMIN_EMAIL = "admin@exempel.se"
DEMO_ROLES = [
    "strateg@exempel.se",
    "konsulent@exempel.se",
    "handlaggare@exempel.se",
    "personal@exempel.se",
    "politiker@exempel.se",
]
MAPPING_OWNER = "strateg@exempel.se"
MAPPING_RESPONDENT = "personal@exempel.se"
MAPPING_RESPONDENT_NAME = "Pia Personal"
# Unique per run, so the suite can run again against the same server and data.
RUN_ID = time.strftime("%Y%m%d%H%M%S") + f"-{os.getpid()}"


class TestFailure(AssertionError):
    pass


STRICT = os.environ.get("E2E_STRICT", "") not in ("", "0")
WARNINGS = []


def warn(condition, message):
    """Like check, for known app bugs: recorded and printed, but only fatal with E2E_STRICT=1."""
    if condition:
        return
    if STRICT:
        raise TestFailure(message)
    WARNINGS.append(message)
    print("WARN  " + message.replace("\n", "\n      "), flush=True)


def check(condition, message):
    if not condition:
        raise TestFailure(message)


# ---------------------------------------------------------------- browser helpers

def find_axe_js():
    path = os.environ.get("AXE_JS")
    if path:
        return path
    import axe_playwright_python
    package_dir = os.path.dirname(axe_playwright_python.__file__)
    for root, _dirs, files in os.walk(package_dir):
        if "axe.min.js" in files:
            return os.path.join(root, "axe.min.js")
    raise RuntimeError("axe.min.js not found in " + package_dir + "; set AXE_JS")


AXE_SOURCE = None


def new_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROME_BIN
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--lang=sv-SE"):
        options.add_argument(arg)
    # Synlig falls back to Accept-Language; ask for Swedish like a Swedish visitor would.
    options.add_experimental_option("prefs", {"intl.accept_languages": "sv-SE,sv"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver


def wait(driver, seconds=WAIT_SECONDS):
    return WebDriverWait(driver, seconds)


def url(path):
    return BASE_URL + path


def path_of(driver):
    return urlparse(driver.current_url).path


def wait_ready(driver):
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def open_page(driver, path):
    driver.get(url(path))
    wait_ready(driver)


def click_and_wait_for_new_page(driver, element):
    """Clicks something that navigates, and waits until the new page has loaded."""
    old_html = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait(driver).until(EC.staleness_of(old_html))
    wait_ready(driver)


def http_status(driver):
    """The HTTP status of the current document (Navigation Timing Level 2)."""
    status = driver.execute_script(
        "var e = performance.getEntriesByType('navigation')[0];"
        "return e && e.responseStatus ? e.responseStatus : null;")
    if status is None:
        status = driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "fetch(location.href, {credentials: 'same-origin'})"
            ".then(function (r) { done(r.status); }, function () { done(null); });")
    return status


def h1_text(driver):
    return wait(driver).until(EC.presence_of_element_located((By.TAG_NAME, "h1"))).text


def html_lang(driver):
    return driver.find_element(By.TAG_NAME, "html").get_attribute("lang")


def nav_hrefs(driver):
    links = driver.find_elements(By.CSS_SELECTOR, "nav.main-nav a")
    return [urlparse(a.get_attribute("href")).path for a in links]


def screenshot(driver, name):
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    driver.save_screenshot(os.path.join(SCREENSHOT_DIR, name + ".png"))


def full_page_screenshot(driver, name):
    """The whole document, not just the viewport (Chromium DevTools), as <name>_full.png."""
    import base64
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    with open(os.path.join(SCREENSHOT_DIR, name + "_full.png"), "wb") as handle:
        handle.write(base64.b64decode(shot["data"]))


def duplicate_ids(driver):
    return driver.execute_script(
        "var seen = {}, dups = [];"
        "document.querySelectorAll('[id]').forEach(function (e) {"
        "  if (seen[e.id] === 1) { dups.push(e.id); } seen[e.id] = (seen[e.id] || 0) + 1; });"
        "return dups;")


def main_text(driver):
    return driver.find_element(By.TAG_NAME, "main").text


def element_with_text(driver, css, text, starts_with=False):
    """The first visible element matching css whose text is text (or starts with it)."""
    found = []
    for element in driver.find_elements(By.CSS_SELECTOR, css):
        shown = element.text.strip()
        found.append(shown)
        if shown == text or (starts_with and shown.startswith(text)):
            return element
    raise TestFailure(f"no {css} with text {text!r} on {driver.current_url}; found {found}")


def click_link(driver, text, starts_with=False, css="main a"):
    click_and_wait_for_new_page(driver, element_with_text(driver, css, text, starts_with))


def click_button(driver, text):
    """Clicks a submit button in main whose visible text starts with text (some carry a
    visually hidden suffix for screen readers)."""
    click_and_wait_for_new_page(driver, element_with_text(driver, "main button", text, starts_with=True))


def set_value(driver, field_id, value):
    """For inputs send_keys handles awkwardly (type=date in Chromium)."""
    element = wait(driver).until(EC.presence_of_element_located((By.ID, field_id)))
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element, value)
    check(element.get_attribute("value") == value, f"#{field_id} did not take the value {value!r}")
    return element


def by_name(driver, tag, name, value=None):
    css = f'{tag}[name="{name}"]' + (f'[value="{value}"]' if value is not None else "")
    return driver.find_element(By.CSS_SELECTOR, css)


def scroll_to_middle(driver, element):
    """Long forms have a sticky button bar at the bottom; keep elements clear of it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    return element


def obscured_by(driver, element):
    """What covers the middle of element in the viewport, or None if nothing does."""
    return driver.execute_script(
        "var e = arguments[0], r = e.getBoundingClientRect();"
        "var top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        "if (!top || top === e || e.contains(top)) { return null; }"
        "return top.closest('[class]') ? '<' + top.tagName.toLowerCase() + '> in .' +"
        "  top.closest('[class]').className : '<' + top.tagName.toLowerCase() + '>';", element)


def choose(driver, name, value):
    """Ticks the radio button name=value (by name: some ids on the answer sheet repeat)."""
    radio = scroll_to_middle(driver, by_name(driver, "input", name, value))
    if not radio.is_selected():
        radio.click()
    check(radio.is_selected(), f"radio {name}={value} could not be selected")


def write(driver, name, text):
    field = scroll_to_middle(driver, by_name(driver, "textarea", name))
    field.clear()
    field.send_keys(text)


AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(function (r) {
    done({violations: r.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
              nodes: v.nodes.map(function (n) {
                return {target: n.target, html: n.html, summary: n.failureSummary};
              })};
    })});
  })
  .catch(function (e) { done({error: String(e)}); });
"""


def axe_check(driver, label):
    """Runs axe-core on the current page; raises with every violation listed."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE_SOURCE)
    result = driver.execute_async_script(AXE_RUN)
    check("error" not in result, f"axe failed to run on {label}: {result.get('error')}")
    violations = result["violations"]
    if violations:
        lines = [f"axe: {len(violations)} violation(s) on {label} ({driver.current_url}):"]
        for v in violations:
            lines.append(f"  - {v['id']} [{v['impact']}]: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"]:
                lines.append(f"      target {node['target']}: {node['html'][:200]}")
                if node.get("summary"):
                    lines.append("        " + node["summary"].replace("\n", "\n        "))
        raise TestFailure("\n".join(lines))


def visit_and_check(driver, path_or_none, name, expect_status=200):
    """Screenshot + status + axe for the current page (after opening path, if given)."""
    if path_or_none is not None:
        open_page(driver, path_or_none)
    screenshot(driver, name)
    if expect_status is not None:
        status = http_status(driver)
        check(status == expect_status,
              f"{name}: expected HTTP {expect_status} at {driver.current_url}, got {status}")
    axe_check(driver, name)
    dups = duplicate_ids(driver)  # axe 4.12 no longer reports these under the WCAG tags
    check(not dups, f"{name}: duplicate ids at {driver.current_url}: {', '.join(dups)}")


def fill(driver, field_id, value):
    element = wait(driver).until(EC.presence_of_element_located((By.ID, field_id)))
    element.clear()
    element.send_keys(value)
    return element


def submit_form_of(driver, element):
    """Clicks the submit button of the form that holds element."""
    form = element.find_element(By.XPATH, "ancestor::form")
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    click_and_wait_for_new_page(driver, button)


def login(driver, email, password):
    open_page(driver, "/login")
    fill(driver, "email", email)
    password_field = fill(driver, "password", password)
    submit_form_of(driver, password_field)


def logout(driver):
    button = wait(driver).until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, "header form.inline-form button[type=submit]")))
    check(button.text.strip() in ("Logga ut", "Sign out"),
          f"header sign-out button has unexpected text {button.text!r}")
    click_and_wait_for_new_page(driver, button)
    check(path_of(driver) == "/login", f"after sign-out expected /login, got {driver.current_url}")


def check_signed_in(driver, email):
    if path_of(driver) != "/":
        shown = " | ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".field-error, .error-summary li"))
        raise TestFailure(f"{email}: sign-in should land on /, got {driver.current_url}"
                          + (f" showing {shown!r}" if shown else ""))


def login_as_admin(driver):
    login(driver, ADMIN_EMAIL, DEMO_PASSWORD)
    check_signed_in(driver, ADMIN_EMAIL)


# ---------------------------------------------------------------- scenarios

def test_login_page_anonymous(driver):
    open_page(driver, "/login")
    check(html_lang(driver) == "sv", f'expected <html lang="sv">, got {html_lang(driver)!r}')
    check(driver.find_element(By.ID, "email").is_displayed(), "email field not visible")
    check(driver.find_element(By.ID, "password").get_attribute("type") == "password",
          "password field is not type=password")
    buttons = driver.find_elements(By.CSS_SELECTOR, "main form button[type=submit]")
    check(len(buttons) == 1, f"expected one submit button in the login form, found {len(buttons)}")
    check("Logga in" in h1_text(driver), f"login h1 unexpected: {h1_text(driver)!r}")
    visit_and_check(driver, None, "01_login")


def test_login_wrong_password(driver):
    login(driver, ADMIN_EMAIL, DEMO_PASSWORD + "-fel")
    check(path_of(driver) == "/login", f"wrong password should stay on /login, got {driver.current_url}")
    body = driver.find_element(By.TAG_NAME, "body").text
    check("Fel e-postadress eller lösenord." in body, "Swedish error text not shown")
    summary = driver.find_element(By.CSS_SELECTOR, ".error-summary")
    links = [urlparse(a.get_attribute("href")).fragment
             for a in summary.find_elements(By.TAG_NAME, "a")]
    check("email" in links, f"error summary should link to #email, links: {links}")
    check(driver.find_element(By.ID, "email").get_attribute("aria-invalid") == "true",
          "email field not marked aria-invalid")
    visit_and_check(driver, None, "02_login_error", expect_status=None)


def test_admin_pages(driver):
    login_as_admin(driver)
    check("Välkommen" in h1_text(driver), f"home h1 should contain 'Välkommen', got {h1_text(driver)!r}")
    check(driver.find_elements(By.CSS_SELECTOR, ".demo-banner"), "demo banner (.demo-banner) missing")
    visit_and_check(driver, None, "03_admin_home")

    failures = []
    pages = [
        ("/admin/units", "03_admin_units"),
        ("/admin/units/new", "03_admin_units_new"),
        ("/admin/users", "03_admin_users"),
        ("/admin/users/new", "03_admin_users_new"),
        ("/admin/audit", "03_admin_audit"),
        ("/admin/access-log", "03_admin_access_log"),
        ("/account/password", "03_account_password"),
    ]
    for path, name in pages:
        try:
            visit_and_check(driver, path, name)
        except Exception as error:  # keep going: report every page
            failures.append(f"{path}: {error}")

    try:  # the audit trail's integrity check shows its verdict as a status message
        open_page(driver, "/admin/audit")
        click_and_wait_for_new_page(driver, driver.find_element(By.CSS_SELECTOR, "main a[href*='verify']"))
        verdict = driver.find_element(By.CSS_SELECTOR, "main [role=status]").text
        check("obruten" in verdict, f"audit verification verdict: {verdict!r}")
        visit_and_check(driver, None, "03_admin_audit_verify")
    except Exception as error:
        failures.append(f"audit verify: {error}")

    for list_path, name in (("/admin/units", "03_admin_unit_edit"), ("/admin/users", "03_admin_user_edit")):
        try:
            open_page(driver, list_path)
            first = driver.find_element(By.CSS_SELECTOR, "main table tbody tr a")
            click_and_wait_for_new_page(driver, first)
            check(path_of(driver) != list_path, f"edit link in {list_path} did not navigate")
            check(driver.find_elements(By.CSS_SELECTOR, "main form"), f"no form on {driver.current_url}")
            visit_and_check(driver, None, name)
        except Exception as error:
            failures.append(f"{name}: {error}")

    check(not failures, "\n".join(failures))


def test_admin_creates_unit(driver):
    login_as_admin(driver)
    open_page(driver, "/admin/units/new")
    unit_name = f"E2E-verksamhet {RUN_ID}"
    name_field = fill(driver, "name", unit_name)
    kind = Select(driver.find_element(By.ID, "kind"))
    check(len(kind.options) > 1, "kind select has too few options")
    kind.select_by_index(1)
    submit_form_of(driver, name_field)

    open_page(driver, "/admin/units")
    names = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr td:first-child a")]
    check(unit_name in names, f"new unit {unit_name!r} not in the list: {names}")
    visit_and_check(driver, None, "04_units_after_create")

    # Empty name: the form comes back with an error summary.
    open_page(driver, "/admin/units/new")
    name_field = fill(driver, "name", "")
    submit_form_of(driver, name_field)
    summary = wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".error-summary")))
    links = [urlparse(a.get_attribute("href")).fragment for a in summary.find_elements(By.TAG_NAME, "a")]
    check("name" in links, f"error summary should link to #name, links: {links}")
    check(driver.find_element(By.ID, "name").get_attribute("aria-invalid") == "true",
          "name field not marked aria-invalid")
    check(driver.title.startswith("Fel:"), f"page title should start with 'Fel:', got {driver.title!r}")
    visit_and_check(driver, None, "04_unit_form_error", expect_status=422)


def test_admin_creates_user_and_role_limits(driver):
    login_as_admin(driver)
    # An empty form first: every problem listed in the error summary, status 422.
    open_page(driver, "/admin/users/new")
    submit_form_of(driver, driver.find_element(By.ID, "displayName"))
    summary = wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".error-summary")))
    links = [urlparse(a.get_attribute("href")).fragment for a in summary.find_elements(By.TAG_NAME, "a")]
    for field in ("displayName", "email", "password"):
        check(field in links, f"user form error summary should link to #{field}, links: {links}")
    for target in links:
        check(driver.find_elements(By.ID, target), f"error summary links to #{target}, which does not exist")
    visit_and_check(driver, None, "05_user_form_error", expect_status=422)

    open_page(driver, "/admin/users/new")
    email = f"e2e-{RUN_ID}@exempel.se"
    display_name = f"E2E Testperson {RUN_ID}"
    password = "Blå kaffekopp på trappan 7"
    fill(driver, "displayName", display_name)
    fill(driver, "email", email)
    password_field = fill(driver, "password", password)
    role = driver.find_element(By.ID, "role-staff")
    if not role.is_selected():
        role.click()
    units = driver.find_elements(By.CSS_SELECTOR, "input[type=checkbox][id^='unit-']")
    check(units, "no unit checkboxes (id unit-…) on the new-user form")
    if not units[0].is_selected():
        units[0].click()
    submit_form_of(driver, password_field)
    check(not driver.find_elements(By.CSS_SELECTOR, ".error-summary"),
          "creating the user failed: " + " | ".join(
              e.text for e in driver.find_elements(By.CSS_SELECTOR, ".error-summary li")))

    open_page(driver, "/admin/users")
    rows = driver.find_element(By.CSS_SELECTOR, "main table tbody").text
    check(email in rows and display_name in rows, f"new user {email} not in the users list")
    visit_and_check(driver, None, "05_users_after_create")

    logout(driver)
    login(driver, email, password)
    check_signed_in(driver, email)
    check("Välkommen" in h1_text(driver), f"new user's h1: {h1_text(driver)!r}")
    hrefs = nav_hrefs(driver)
    check(hrefs, "new user has no navigation at all")
    check("/admin/users" not in hrefs, f"staff user's nav links to /admin/users: {hrefs}")
    check(not [h for h in hrefs if h.startswith("/admin/")], f"staff user's nav has admin links: {hrefs}")
    visit_and_check(driver, None, "05_staff_home")

    open_page(driver, "/admin/users")
    check(h1_text(driver) == "Åtkomst nekad", f"expected 403 page h1 'Åtkomst nekad', got {h1_text(driver)!r}")
    visit_and_check(driver, None, "05_staff_forbidden", expect_status=403)
    logout(driver)


def test_language_switch(driver):
    open_page(driver, "/login")
    check(html_lang(driver) == "sv", "login should start in Swedish")
    link = driver.find_element(By.LINK_TEXT, "English")
    check(link.get_attribute("lang") == "en", "the English link should carry lang=\"en\"")
    click_and_wait_for_new_page(driver, link)
    check(html_lang(driver) == "en", f'expected <html lang="en">, got {html_lang(driver)!r}')
    check("Sign in" in h1_text(driver), f"English login h1: {h1_text(driver)!r}")
    check(driver.find_elements(By.LINK_TEXT, "Svenska"), "no link back to Swedish")
    visit_and_check(driver, None, "06_login_en")

    login_as_admin(driver)
    check(html_lang(driver) == "en", "start page should stay in English")
    check("Welcome" in h1_text(driver), f"English start page h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "06_home_en")

    link = driver.find_element(By.LINK_TEXT, "Svenska")
    click_and_wait_for_new_page(driver, link)
    check(html_lang(driver) == "sv", "switching back should give Swedish")
    check("Välkommen" in h1_text(driver), f"Swedish start page h1 after switching back: {h1_text(driver)!r}")
    logout(driver)


def test_demo_roles(driver):
    failures = []
    for email in DEMO_ROLES:
        name = "07_home_" + email.split("@")[0]
        try:
            driver.delete_all_cookies()
            login(driver, email, DEMO_PASSWORD)
            check_signed_in(driver, email)
            heading = h1_text(driver)
            check("Välkommen" in heading or "Welcome" in heading, f"{email}: h1 is {heading!r}")
            visit_and_check(driver, None, name)
            admin_links = [h for h in nav_hrefs(driver) if h.startswith("/admin/")]
            check(not admin_links, f"{email}: nav has admin links {admin_links}")
            logout(driver)
        except Exception as error:
            failures.append(f"{email}: {error}")
    check(not failures, "\n".join(failures))


def test_keyboard_skip_link(driver):
    open_page(driver, "/login")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    check("skip-link" in (active.get_attribute("class") or ""),
          f"first Tab should focus the skip link, focused <{active.tag_name}> {active.text!r}")
    check(active.text.strip() == "Hoppa till innehållet", f"skip link text: {active.text!r}")
    check(urlparse(active.get_attribute("href")).fragment == "main", "skip link should point to #main")
    check(active.is_displayed(), "the focused skip link is not visible")
    screenshot(driver, "08_skip_link_focused")
    active.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: d.switch_to.active_element.get_attribute("id") == "main")
    axe_check(driver, "08_skip_link_focused")


def sheet_links(driver):
    return driver.find_elements(By.CSS_SELECTOR, "main table tbody tr td:first-child a")


def test_mapping_full_cycle(driver):
    title = f"E2E-kartläggning {RUN_ID}"
    follow_up = f"Anhörigperspektivet saknas i styrdokumenten ({RUN_ID})."
    reflection = f"Vi behöver en gemensam rutin för anhörigsamtal ({RUN_ID})."

    # 1. Create the mapping: two units that answer separately.
    login(driver, MAPPING_OWNER, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_OWNER)
    click_link(driver, "Kartläggning", css="nav.main-nav a")
    check(path_of(driver) == "/mappings", f"nav link 'Kartläggning' led to {driver.current_url}")
    check(h1_text(driver) == "Kartläggningar", f"mapping list h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "09_mappings")

    click_link(driver, "Starta en kartläggning")
    check(path_of(driver) == "/mappings/new", f"'Starta en kartläggning' led to {driver.current_url}")
    visit_and_check(driver, None, "09_mapping_new")
    title_field = fill(driver, "title", title)
    set_value(driver, "periodStart", "2026-09-01")
    set_value(driver, "periodEnd", "2026-11-30")
    driver.find_element(By.ID, "scope-units").click()
    units = driver.find_elements(By.CSS_SELECTOR, "input[type=checkbox][id^='unit-']")
    check(len(units) >= 2, f"expected at least two unit checkboxes (id unit-…), found {len(units)}")
    for box in units[:2]:
        if not box.is_selected():
            box.click()
    click_button(driver, "Skapa kartläggningen")
    check(not driver.find_elements(By.CSS_SELECTOR, ".field-error, .error-summary"),
          "creating the mapping failed: " + " | ".join(
              e.text for e in driver.find_elements(By.CSS_SELECTOR, ".field-error, .error-summary li")))
    mapping_path = path_of(driver)
    parts = mapping_path.strip("/").split("/")
    check(len(parts) == 2 and parts[0] == "mappings" and len(parts[1]) == 36,
          f"after creating, expected /mappings/<uuid>, got {driver.current_url}")
    check(h1_text(driver) == title, f"mapping page h1 should be the title, got {h1_text(driver)!r}")
    visit_and_check(driver, None, "09_mapping_created")

    # 2. Open it, invite a respondent and create a sheet for a workshop.
    click_button(driver, "Öppna för svar")
    check(path_of(driver) == mapping_path, f"opening the mapping led to {driver.current_url}")
    check("Pågår" in main_text(driver), "mapping status should be 'Pågår' once opened")
    respondent = Select(driver.find_element(By.ID, "respondent"))
    respondent.select_by_visible_text(MAPPING_RESPONDENT_NAME)
    Select(driver.find_element(By.ID, "invite-unit")).select_by_index(0)
    submit_form_of(driver, driver.find_element(By.ID, "respondent"))
    check(len(sheet_links(driver)) == 1, f"after 'Bjud in' expected 1 answer sheet, found {len(sheet_links(driver))}")
    workshop_unit = Select(driver.find_element(By.ID, "workshop-unit"))
    check(len(workshop_unit.options) >= 2, "the workshop unit select should offer both units")
    workshop_unit.select_by_index(1)
    submit_form_of(driver, fill(driver, "participants", "Eva (sjuksköterska), Olle (läkare)"))
    sheets = driver.find_element(By.XPATH, "//main//h2[normalize-space()='Svarsblad']/following-sibling::table[1]")
    rows = sheets.find_elements(By.CSS_SELECTOR, "tbody tr")
    check(len(rows) == 2, f"the 'Svarsblad' table should have 2 rows, has {len(rows)}: {sheets.text!r}")
    check(MAPPING_RESPONDENT_NAME in rows[0].text + rows[1].text, f"{MAPPING_RESPONDENT_NAME} not in the sheets table")
    visit_and_check(driver, None, "09_mapping_sheets")

    # 3. The workshop answers on its sheet.
    click_link(driver, "Gemensamt samtal", starts_with=True)
    sheet_path = path_of(driver)
    check(sheet_path.startswith(mapping_path + "/"), f"workshop sheet link led to {driver.current_url}")
    # Follow-up textareas once shared their ids with the choice radios (item-q1-no): the
    # label then named the radio and the textarea had no name. axe 4.12 catches neither.
    follow_up_name = by_name(driver, "textarea", "text[q1.no]").accessible_name
    check(follow_up_name.strip() != "", "the follow-up textarea text[q1.no] has no accessible name; the radio "
          "choice[q1]=no is named " + repr(by_name(driver, "input", "choice[q1]", "no").accessible_name))
    visit_and_check(driver, None, "09_sheet_workshop")
    full_page_screenshot(driver, "09_sheet_workshop")
    choose(driver, "choice[q1]", "no")
    write(driver, "text[q1.no]", follow_up)
    choose(driver, "choice[q2]", "partly")
    # Keyboard: Tab from the last follow-up of q2 to its first routine, which sits near the
    # bottom edge of the window (as when tabbing down a long form). The focused radio should
    # not be hidden under the sticky button bar (WCAG 2.2, 2.4.11 Focus Not Obscured).
    scroll_to_middle(driver, by_name(driver, "textarea", "text[q2.no]")).click()
    driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "window.scrollBy(0, r.bottom - window.innerHeight + 30);",
        by_name(driver, "input", "choice[q2.r1]", "exists"))
    driver.switch_to.active_element.send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    check(focused.get_attribute("name") == "choice[q2.r1]",
          f"Tab after q2's follow-up should reach routine q2.r1, reached {focused.get_attribute('name')!r}")
    cover = obscured_by(driver, focused)
    warn(cover is None, f"app bug: on the answer sheet the radio focused by Tab ({focused.get_attribute('id')}) "
         f"is hidden under {cover} (sticky .form-actions; WCAG 2.2 2.4.11 Focus Not Obscured)")
    if cover is not None:
        screenshot(driver, "09_sheet_focus_obscured")
    choose(driver, "choice[q2.r1]", "exists")
    choose(driver, "choice[q2.r5]", "missing")
    write(driver, "text[q7]", "Vi frågar anhöriga vid vårdplaneringen.")
    click_button(driver, "Skicka in svaren")
    check(path_of(driver) == sheet_path, f"after 'Skicka in svaren' expected {sheet_path}, got {driver.current_url}")
    notices = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main [role=status]")]
    check("Svaren är sparade." in notices, f"expected the status 'Svaren är sparade.', found {notices}")
    check(by_name(driver, "input", "choice[q1]", "no").is_selected(), "q1 = Nej was not kept")
    check(by_name(driver, "textarea", "text[q1.no]").get_attribute("value") == follow_up,
          "the q1 follow-up text was not kept")
    visit_and_check(driver, None, "09_sheet_workshop_saved")
    logout(driver)

    # 4. The invited respondent finds the sheet in the worklist and answers.
    login(driver, MAPPING_RESPONDENT, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_RESPONDENT)
    click_link(driver, f"Besvara kartläggningen: {title}", css="main ul.worklist a")
    check(path_of(driver).startswith(mapping_path + "/"), f"worklist link led to {driver.current_url}")
    visit_and_check(driver, None, "09_sheet_individual")
    choose(driver, "choice[q1]", "yes")
    click_button(driver, "Skicka in svaren")
    notices = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main [role=status]")]
    check("Svaren är sparade." in notices, f"respondent: expected 'Svaren är sparade.', found {notices}")
    visit_and_check(driver, None, "09_sheet_individual_saved")
    logout(driver)

    # 5. The strategist reflects and reads results, gaps and the report.
    login(driver, MAPPING_OWNER, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_OWNER)
    open_page(driver, mapping_path)
    for row in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr"):
        check("Inskickat" in row.text, f"every sheet should be submitted: {row.text!r}")
    reflection_field = fill(driver, "reflection-leadership", reflection)
    submit_form_of(driver, reflection_field)
    check(driver.find_element(By.ID, "reflection-leadership").get_attribute("value") == reflection,
          "the reflection was not saved")

    open_page(driver, mapping_path)
    click_link(driver, "Resultat")
    check(h1_text(driver) == f"Resultat: {title}", f"results h1: {h1_text(driver)!r}")
    check("2 inskickade svarsblad" in main_text(driver), "results should be based on 2 submitted sheets")
    bars = driver.find_elements(By.CSS_SELECTOR, "main svg.bar rect")
    check(bars, "results page has no SVG bars (svg.bar rect)")
    check(reflection in main_text(driver), "the reflection is not shown with the results")
    visit_and_check(driver, None, "09_mapping_results")
    full_page_screenshot(driver, "09_mapping_results")
    results_path = path_of(driver)

    open_page(driver, mapping_path)
    click_link(driver, "Utvecklingsområden")
    check(follow_up in main_text(driver), "the gap list does not show the q1 follow-up text")
    visit_and_check(driver, None, "09_mapping_gaps")

    open_page(driver, mapping_path)
    click_link(driver, "Rapport för utskrift")
    check(h1_text(driver) == title, f"report h1 should be the title, got {h1_text(driver)!r}")
    check(follow_up in main_text(driver) and reflection in main_text(driver),
          "the report should hold the gap text and the reflection")
    visit_and_check(driver, None, "09_mapping_report")
    full_page_screenshot(driver, "09_mapping_report")
    import base64
    pdf = base64.b64decode(driver.execute_cdp_cmd(
        "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True})["data"])
    with open(os.path.join(SCREENSHOT_DIR, "mapping_report.pdf"), "wb") as handle:
        handle.write(pdf)
    check(pdf.startswith(b"%PDF") and len(pdf) > 10 * 1024, f"report PDF is only {len(pdf)} bytes")

    # 6. Close the mapping: everything is locked.
    open_page(driver, mapping_path)
    click_button(driver, "Avsluta kartläggningen")
    check("Kartläggningen är avslutad" in main_text(driver), "the mapping page does not say it is closed")
    check(not driver.find_elements(By.ID, "respondent"), "a closed mapping still offers invitations")
    check(driver.find_element(By.ID, "reflection-leadership").get_attribute("readonly") is not None,
          "the reflection of a closed mapping is not read-only")
    visit_and_check(driver, None, "09_mapping_closed")
    open_page(driver, sheet_path)
    form = driver.find_element(By.CSS_SELECTOR, "main form")
    fields = form.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), textarea, select")
    check(fields, "the closed sheet shows no answers at all")
    editable = [f.get_attribute("name") for f in fields
                if f.is_enabled() and f.get_attribute("readonly") is None]
    check(not editable, f"closed sheet still has editable fields: {editable[:10]}")
    check(not form.find_elements(By.CSS_SELECTOR, "button, input[type=submit]"),
          "the closed sheet still has a submit button")
    check(by_name(driver, "input", "choice[q1]", "no").is_selected(), "closed sheet lost the q1 answer")
    visit_and_check(driver, None, "09_sheet_closed")

    # 7. The results in English, and back.
    open_page(driver, results_path)
    click_link(driver, "English", css="header a")
    check(html_lang(driver) == "en", f'expected <html lang="en">, got {html_lang(driver)!r}')
    check(h1_text(driver).startswith("Results"), f"English results h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "09_mapping_results_en")
    click_link(driver, "Svenska", css="header a")
    check(html_lang(driver) == "sv", "switching back should give Swedish")
    check(h1_text(driver).startswith("Resultat"), f"Swedish results h1 after switching back: {h1_text(driver)!r}")
    logout(driver)


TESTS = [
    ("1 login page (anonymous, Swedish)", test_login_page_anonymous),
    ("2 wrong password shows error", test_login_wrong_password),
    ("3 admin pages", test_admin_pages),
    ("4 admin creates unit + empty-name error", test_admin_creates_unit),
    ("5 admin creates user; staff user is denied admin", test_admin_creates_user_and_role_limits),
    ("6 language switch", test_language_switch),
    ("7 demo roles sign in", test_demo_roles),
    ("8 keyboard: skip link first", test_keyboard_skip_link),
    ("9 a full mapping clicked through", test_mapping_full_cycle),
]


# ---------------------------------------------------------------- runner

def wait_for_server(seconds=60):
    import urllib.request
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url("/health"), timeout=5) as response:
                if response.status == 200:
                    return True
        except Exception:
            time.sleep(1)
    return False


def main():
    global AXE_SOURCE
    if not DEMO_PASSWORD:
        print("SYNLIG_DEMO_PASSWORD must be set", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    with open(find_axe_js(), encoding="utf-8") as handle:
        AXE_SOURCE = handle.read()
    if not wait_for_server():
        print(f"server at {BASE_URL} did not answer /health", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1

    # Optional arguments pick scenarios by number, e.g. `run_e2e.py 9`; default: all.
    chosen = [t for t in TESTS if not sys.argv[1:] or t[0].split()[0] in sys.argv[1:]]
    passed, failed = 0, []
    for title, test in chosen:
        driver = None
        started = time.time()
        try:
            driver = new_driver()
            test(driver)
            passed += 1
            print(f"PASS  {title} ({time.time() - started:.1f}s)", flush=True)
        except Exception as error:
            reason = str(error) if isinstance(error, TestFailure) else traceback.format_exc()
            if driver is not None:
                try:
                    screenshot(driver, "FAILED_" + test.__name__)
                    reason += f"\n  (at {driver.current_url})"
                except Exception:
                    pass
            failed.append((title, reason))
            print(f"FAIL  {title} ({time.time() - started:.1f}s)\n  " + reason.replace("\n", "\n  "), flush=True)
        finally:
            if driver is not None:
                driver.quit()

    if WARNINGS:
        print(f"\nWarnings (known app bugs; E2E_STRICT=1 makes them failures): {len(WARNINGS)}")
    if failed:
        print("\nFailures:")
        for title, _reason in failed:
            print(f"  - {title}")
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
