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
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
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


PHONE_WIDTH, PHONE_HEIGHT = 390, 844


def new_driver(phone=False):
    """A desktop browser (1280x900), or with phone=True a phone's (390x844 CSS pixels, touch,
    device pixel ratio 2) through Chromium's mobile emulation."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROME_BIN
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=sv-SE"):
        options.add_argument(arg)
    if not phone:
        options.add_argument("--window-size=1280,900")
    else:  # with a --window-size as well, the emulated phone ignores <meta name=viewport>
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {
            "width": PHONE_WIDTH, "height": PHONE_HEIGHT, "pixelRatio": 2.0, "touch": True, "mobile": True}})
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


def replaced(old_element):
    """Like EC.staleness_of, but also takes Chromium's "Node with given id does not belong to
    the document" (an unknown error, raised now and then mid-navigation) as gone."""
    def predicate(_driver):
        try:
            old_element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error) or "No node with given id" in str(error):
                return True
            raise
    return predicate


def click_and_wait_for_new_page(driver, element):
    """Clicks something that navigates, and waits until the new page has loaded."""
    old_html = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait(driver).until(replaced(old_html))
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


def form_errors(driver):
    """The texts of any error summary items and field errors on the page."""
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".error-summary li, .field-error") if e.text]


def check_no_form_errors(driver, what):
    errors = form_errors(driver)
    check(not errors, f"{what} failed at {driver.current_url}: " + " | ".join(errors))


def table_after_heading(driver, heading, tag="h2"):
    """The table that belongs to the section under <tag>heading</tag> in main, or None when the
    section has no table (an empty-state paragraph instead)."""
    headings = [h for h in driver.find_elements(By.CSS_SELECTOR, "main " + tag) if h.text.strip() == heading]
    check(headings, f"no <{tag}> {heading!r} on {driver.current_url}")
    return driver.execute_script(
        "var e = arguments[0].nextElementSibling, stop = arguments[0].tagName;"
        "while (e && e.tagName !== stop) {"
        "  if (e.tagName === 'TABLE') { return e; }"
        "  var inner = e.querySelector && e.querySelector('table'); if (inner) { return inner; }"
        "  e = e.nextElementSibling; }"
        "return null;", headings[0])


def body_rows(table):
    return table.find_elements(By.CSS_SELECTOR, "tbody tr")


def select_option(driver, field_id, label):
    select = Select(wait(driver).until(EC.presence_of_element_located((By.ID, field_id))))
    labels = [o.text.strip() for o in select.options]
    check(label in labels, f"#{field_id} has no option {label!r}; options: {labels}")
    select.select_by_visible_text(label)
    return select


def tick(driver, element):
    scroll_to_middle(driver, element)
    if not element.is_selected():
        element.click()
    check(element.is_selected(), f"checkbox/radio #{element.get_attribute('id')} could not be ticked")


def untick(driver, element):
    scroll_to_middle(driver, element)
    if element.is_selected():
        element.click()
    check(not element.is_selected(), f"checkbox #{element.get_attribute('id')} could not be unticked")


def textarea_values(driver):
    return driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('main textarea'),"
        " function (t) { return t.value; });")


def check_error_state(driver, name, fields, labels=None):
    """A form sent back with errors: status 422, "Fel:" in the title, an error summary that links
    to every field given (each target present), axe clean. Fields not marked aria-invalid and
    summary items that do not name their field (labels: field id -> label) are known app bugs."""
    summary = driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    check(summary, f"{name}: no error summary at {driver.current_url}")
    items = {}
    for link in summary[0].find_elements(By.TAG_NAME, "a"):
        items[urlparse(link.get_attribute("href")).fragment] = link.text.strip()
    for field in fields:
        check(field in items, f"{name}: the error summary should link to #{field}, links: {sorted(items)}")
        check(driver.find_elements(By.ID, field), f"{name}: the error summary links to #{field}, which does not exist")
    def marked_invalid(field):
        # A radio or checkbox group is a fieldset described by its error (GOV.UK's pattern): ARIA 1.2
        # does not support aria-invalid on role=group.
        element = driver.find_element(By.ID, field)
        if element.tag_name == "fieldset":
            return f"{field}-error" in (element.get_attribute("aria-describedby") or "").split()
        return element.get_attribute("aria-invalid") == "true"

    not_invalid = [f for f in fields if not marked_invalid(f)]
    warn(not not_invalid, f"app bug: {name}: fields with an error lack aria-invalid=\"true\" and an aria-describedby "
         f"to their .field-error (#{', #'.join(not_invalid)}), unlike /plan/goals/new and the admin forms "
         f"(POST {path_of(driver)})")
    unnamed = [f"#{f} {items[f]!r} (expected {labels[f]!r} first)" for f in (labels or {})
               if f in items and not items[f].startswith(labels[f])]
    warn(not unnamed, f"app bug: {name}: error summary items do not name their field as the other forms do: "
         + "; ".join(unnamed))
    check(driver.title.startswith("Fel:"), f"{name}: page title should start with 'Fel:', got {driver.title!r}")
    visit_and_check(driver, None, name, expect_status=422)
    return items


CREATE_BUTTONS = ("Starta en kartläggning", "Nytt mål", "Skapa mål", "Ny konsekvensanalys")


def test_development_plan(driver):
    goal_title = f"E2E-mål {RUN_ID}"
    action_title = f"E2E-åtgärd {RUN_ID}"
    note = f"Rutinen är framtagen och används ({RUN_ID})."

    # 1. The plan overview: goals, overdue actions and gaps that have no goal yet.
    login(driver, MAPPING_OWNER, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_OWNER)
    click_link(driver, "Handlingsplan", css="nav.main-nav a")
    check(path_of(driver) == "/plan", f"nav link 'Handlingsplan' led to {driver.current_url}")
    check(h1_text(driver) == "Målsättningar och handlingsplan", f"plan h1: {h1_text(driver)!r}")
    goals = table_after_heading(driver, "Mål")
    check(goals is not None and len(body_rows(goals)) >= 3,
          "the 'Mål' table should list the three demo goals")
    goal_titles = [a.text for a in goals.find_elements(By.CSS_SELECTOR, "tbody td:first-child a")]
    for demo_goal in ("Frivilligheten följs upp i hemtjänsten", "Anhöriga bjuds in till vårdplaneringar"):
        check(demo_goal in goal_titles, f"demo goal {demo_goal!r} not in the goals table: {goal_titles}")
    overdue = table_after_heading(driver, "Försenade åtgärder")
    check(overdue is not None and body_rows(overdue),
          "'Försenade åtgärder' should list the overdue demo action")
    gaps = table_after_heading(driver, "Utvecklingsområden utan mål")
    # From the 2026 demo mapping, or from a newer closed one (scenario 9 closes its own).
    check("Från den senaste avslutade kartläggningen:" in main_text(driver),
          "'Utvecklingsområden utan mål' should name the closed mapping the gaps come from")
    visit_and_check(driver, None, "10_plan")
    full_page_screenshot(driver, "10_plan")

    # 2. A goal from the first gap: the form comes pre-filled with the gap ticked.
    from_gap = gaps is not None and bool(body_rows(gaps))
    if from_gap:
        gap_count = len(body_rows(gaps))
        click_link(driver, "Skapa mål", starts_with=True, css="main table a")
    else:  # every gap already has a goal (the suite has run many times on this data)
        print("NOTE  no gaps without a goal left; creating the goal with 'Nytt mål'", flush=True)
        click_link(driver, "Nytt mål")
    check(path_of(driver) == "/plan/goals/new", f"'Skapa mål' led to {driver.current_url}")
    check(h1_text(driver) == "Nytt mål", f"new goal h1: {h1_text(driver)!r}")
    if from_gap:
        ticked = driver.find_elements(By.CSS_SELECTOR, "fieldset#links input[type=checkbox]:checked")
        check(ticked, "the goal form from a gap should have the gap's link ticked under fieldset#links")
        linked = [driver.find_element(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']").text
                  for box in ticked]
    visit_and_check(driver, None, "10_goal_new")
    fill(driver, "title", goal_title)
    click_button(driver, "Skapa målet")
    check_no_form_errors(driver, "creating the goal")
    goal_path = path_of(driver)
    parts = goal_path.strip("/").split("/")
    check(len(parts) == 3 and parts[:2] == ["plan", "goals"] and parts[2] not in ("", "new"),
          f"after 'Skapa målet' expected /plan/goals/<id>, got {driver.current_url}")
    check(h1_text(driver) == goal_title, f"goal page h1 should be the title, got {h1_text(driver)!r}")
    if from_gap:
        import re
        for label in linked:  # the form says "2 – <routine>" where the goal page says "<routine>"
            shown = re.sub(r"^\d+ – ", "", label)
            check(shown in main_text(driver), f"the goal page does not list its link {label!r}")
    visit_and_check(driver, None, "10_goal_created")
    if from_gap:
        open_page(driver, "/plan")
        gaps = table_after_heading(driver, "Utvecklingsområden utan mål")
        left = len(body_rows(gaps)) if gaps is not None else 0
        check(left < gap_count, f"the gap given a goal is still listed without one ({gap_count} → {left} rows)")
        open_page(driver, goal_path)

    # 3. An action: an empty one is refused; one already overdue shows on the plan until done.
    click_button(driver, "Lägg till åtgärden")
    check_error_state(driver, "10_action_error", ["actionTitle"], {"actionTitle": "Åtgärd"})
    open_page(driver, goal_path)
    fill(driver, "actionTitle", action_title)
    owner = Select(driver.find_element(By.ID, "actionOwner"))
    check(owner.options, "the action owner select is empty")
    owner_labels = [o.text.strip() for o in owner.options]
    owner.select_by_visible_text("Sara Strateg" if "Sara Strateg" in owner_labels else owner_labels[-1])
    set_value(driver, "dueDate", "2026-01-10")
    click_button(driver, "Lägg till åtgärden")
    check_no_form_errors(driver, "adding the action")
    check(path_of(driver) == goal_path, f"after adding the action expected {goal_path}, got {driver.current_url}")

    def action_row():
        table = table_after_heading(driver, "Åtgärder")
        check(table is not None, "the goal page has no actions table after adding an action")
        rows = [r for r in body_rows(table) if action_title in r.text]
        check(len(rows) == 1, f"expected one row for {action_title!r} in the actions table, found {len(rows)}")
        return rows[0]

    row = action_row()
    check("2026-01-10" in row.text, f"the action row does not show its due date: {row.text!r}")
    check("försenad" in row.text, f"an action due 2026-01-10 should be flagged 'försenad': {row.text!r}")
    visit_and_check(driver, None, "10_goal_action_added")

    def overdue_on_plan():
        open_page(driver, "/plan")
        table = table_after_heading(driver, "Försenade åtgärder")
        listed = [r.text for r in body_rows(table)] if table is not None else []
        open_page(driver, goal_path)
        return any(action_title in text for text in listed)

    check(overdue_on_plan(), f"'Försenade åtgärder' on /plan does not list {action_title!r}")
    row = action_row()
    Select(row.find_element(By.CSS_SELECTOR, "select[name=actionStatus]")).select_by_visible_text("Klar")
    click_and_wait_for_new_page(driver, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    check_no_form_errors(driver, "changing the action's status")
    row = action_row()
    status = Select(row.find_element(By.CSS_SELECTOR, "select[name=actionStatus]")).first_selected_option.text
    check(status == "Klar", f"the action status should now be 'Klar', is {status!r}")
    check("försenad" not in row.text, f"a finished action is still flagged 'försenad': {row.text!r}")
    check(not overdue_on_plan(), f"the finished action {action_title!r} is still under 'Försenade åtgärder'")

    # 4. A follow-up of the goal.
    set_value(driver, "followUpDate", time.strftime("%Y-%m-%d"))
    progress = Select(driver.find_element(By.ID, "progress"))
    progress.select_by_visible_text("Enligt plan")
    fill(driver, "note", note)
    click_button(driver, "Spara uppföljningen")
    check_no_form_errors(driver, "saving the follow-up")
    check(path_of(driver) == goal_path, f"after the follow-up expected {goal_path}, got {driver.current_url}")
    follow_ups = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "main ul.follow-ups li")]
    check(any(note in text and "Enligt plan" in text for text in follow_ups),
          f"the follow-up is not listed: {follow_ups}")
    visit_and_check(driver, None, "10_goal_followed_up")
    full_page_screenshot(driver, "10_goal_followed_up")

    # 5. The routine matrix: one column per unit; mark one routine by hand.
    open_page(driver, "/plan")
    click_link(driver, "Rutiner per verksamhet")
    check(path_of(driver) == "/plan/routines", f"'Rutiner per verksamhet' led to {driver.current_url}")
    matrix = driver.find_element(By.CSS_SELECTOR, "main table.routine-matrix")
    columns = [th.text.strip() for th in matrix.find_elements(By.CSS_SELECTOR, "thead th")][1:]
    unit_select = Select(driver.find_element(By.ID, "mark-unit"))
    units = [o.text.strip() for o in unit_select.options]
    check(len(columns) >= 2 and set(units) <= set(columns),
          f"the matrix columns should be the units: columns {columns}, units {units}")
    check(body_rows(matrix), "the routine matrix has no rows")
    visit_and_check(driver, None, "10_routines")
    full_page_screenshot(driver, "10_routines")

    unit = "Hemtjänst Norra" if "Hemtjänst Norra" in units else units[0]
    routine_select = Select(driver.find_element(By.ID, "mark-routine"))
    routine = routine_select.options[0].text.strip()
    column = columns.index(unit)

    def cell():
        rows = driver.find_elements(By.CSS_SELECTOR, "main table.routine-matrix tbody tr")
        texts = [r.find_element(By.TAG_NAME, "th").text.strip() for r in rows]
        match = [i for i, t in enumerate(texts) if t == routine or t.startswith(routine) or routine.startswith(t)]
        check(match, f"routine {routine!r} is not a row of the matrix: {texts}")
        return rows[match[0]].find_elements(By.TAG_NAME, "td")[column]

    before = cell().text
    state_select = Select(driver.find_element(By.ID, "mark-state"))
    states = [o.text.strip() for o in state_select.options]
    state = next((s for s in states if not before.startswith(s)), states[0])
    select_option(driver, "mark-unit", unit)
    routine_select.select_by_index(0)
    select_option(driver, "mark-state", state)
    click_button(driver, "Spara")
    check_no_form_errors(driver, "marking a routine")
    check(path_of(driver) == "/plan/routines", f"after marking expected /plan/routines, got {driver.current_url}")
    after = cell().text
    check(after.startswith(state) and "markerad för hand" in after,
          f"{routine!r} in {unit} should read {state!r} (markerad för hand), reads {after!r} (was {before!r})")
    visit_and_check(driver, None, "10_routines_marked")

    # 6. An existing demo goal with its actions.
    open_page(driver, "/plan")
    click_link(driver, "Frivilligheten följs upp i hemtjänsten")
    check(h1_text(driver) == "Frivilligheten följs upp i hemtjänsten", f"demo goal h1: {h1_text(driver)!r}")
    actions = table_after_heading(driver, "Åtgärder")
    check(actions is not None and body_rows(actions), "the demo goal should have actions")
    visit_and_check(driver, None, "10_goal_demo")
    full_page_screenshot(driver, "10_goal_demo")
    logout(driver)


def test_question_banks(driver):
    bank_title = f"E2E-frågebank {RUN_ID}"
    q1_text = f"Finns anhörigperspektivet i våra egna styrdokument? ({RUN_ID})"
    new_question = f"Hur fångar ni anhörigas synpunkter i vardagen? ({RUN_ID})"

    login(driver, MAPPING_OWNER, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_OWNER)
    open_page(driver, "/mappings")
    click_link(driver, "Frågebanker")
    check(path_of(driver) == "/question-banks", f"'Frågebanker' led to {driver.current_url}")
    check(h1_text(driver) == "Frågebanker", f"question banks h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "11_banks")
    banks_path = path_of(driver)

    # The official bank is read-only.
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    official = [r for r in rows if "Officiell" in r.text]
    check(official, f"no official bank in the list: {[r.text for r in rows]}")
    official_title = official[0].find_element(By.CSS_SELECTOR, "td:first-child a").text
    click_link(driver, official_title)
    check(h1_text(driver) == official_title, f"official bank h1: {h1_text(driver)!r}")
    check(not driver.find_elements(By.CSS_SELECTOR, "main textarea, main input[type=checkbox]"),
          "the official bank should not be editable")
    questions = driver.find_elements(By.CSS_SELECTOR, "main ol.bank-questions > li")
    check(len(questions) >= 7, f"the official bank lists only {len(questions)} questions")
    visit_and_check(driver, None, "11_bank_official")
    full_page_screenshot(driver, "11_bank_official")

    # Copy it into an own, editable version; without a name first.
    open_page(driver, banks_path)
    click_button(driver, "Kopiera")
    if driver.find_elements(By.CSS_SELECTOR, ".error-summary"):
        check_error_state(driver, "11_bank_copy_error", ["title"], {"title": "Namn"})
    else:
        warn(False, "app bug: copying a question bank without a name (POST /question-banks) shows the generic "
             f"error page {h1_text(driver)!r} with the raw field key ({main_text(driver).splitlines()[2:3]}) "
             "instead of the list page with an error summary linking to #title")
        visit_and_check(driver, None, "11_bank_copy_error", expect_status=422)
    open_page(driver, banks_path)
    select_option(driver, "source", official_title)
    fill(driver, "title", bank_title)
    click_button(driver, "Kopiera")
    check_no_form_errors(driver, "copying the bank")
    bank_path = path_of(driver)
    check(bank_path.startswith("/question-banks/") and bank_path != banks_path,
          f"after copying expected /question-banks/<id>, got {driver.current_url}")
    check(bank_title in h1_text(driver), f"own bank h1 should name {bank_title!r}, got {h1_text(driver)!r}")
    for field_id in ("include-q1", "sv-q1", "en-q1", "include-q6"):
        check(driver.find_elements(By.ID, field_id), f"the own version has no #{field_id}")
    visit_and_check(driver, None, "11_bank_own")
    full_page_screenshot(driver, "11_bank_own")

    untick(driver, driver.find_element(By.ID, "include-q6"))
    field = scroll_to_middle(driver, driver.find_element(By.ID, "sv-q1"))
    field.clear()
    field.send_keys(q1_text)
    click_button(driver, "Spara frågebanken")
    check_no_form_errors(driver, "saving the own bank")
    check(path_of(driver) == bank_path, f"after saving expected {bank_path}, got {driver.current_url}")
    check(driver.find_element(By.ID, "sv-q1").get_attribute("value") == q1_text, "the new q1 text was not saved")
    q6 = driver.find_elements(By.ID, "include-q6")
    check(not q6 or not q6[0].is_selected(), "question 6 is still included after unticking it")
    visit_and_check(driver, None, "11_bank_saved")

    # Unticking every question is refused: a bank needs at least one.
    for box in driver.find_elements(By.CSS_SELECTOR, "main input[type=checkbox][id^='include-']"):
        untick(driver, box)
    click_button(driver, "Spara frågebanken")
    summary = driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    check(summary and "minst en fråga" in summary[0].text,
          f"saving a bank without questions should say it needs at least one; at {driver.current_url}")
    targets = [urlparse(a.get_attribute("href")).fragment for a in summary[0].find_elements(By.TAG_NAME, "a")]
    missing = [t for t in targets if not driver.find_elements(By.ID, t)]
    warn(not missing, f"app bug: 11_bank_no_questions_error: the error summary links to #{', #'.join(missing)}, "
         f"which does not exist on {driver.current_url} (e.g. give the first question's fieldset that id)")
    visit_and_check(driver, None, "11_bank_no_questions_error", expect_status=422)
    open_page(driver, bank_path)
    check(driver.find_element(By.ID, "sv-q1").get_attribute("value") == q1_text,
          "the refused save changed the bank")

    # Add an own open question; an empty one first.
    click_button(driver, "Lägg till frågan")
    check_error_state(driver, "11_bank_question_error", ["newSv"], {"newSv": "Text på svenska"})
    open_page(driver, bank_path)
    areas = Select(driver.find_element(By.ID, "newArea"))
    check(areas.options, "the new-question area select is empty")
    areas.select_by_index(len(areas.options) - 1)
    tick(driver, driver.find_element(By.ID, "newFormat-open"))
    fill(driver, "newSv", new_question)
    click_button(driver, "Lägg till frågan")
    check_no_form_errors(driver, "adding a question")
    check(path_of(driver) == bank_path, f"after adding a question expected {bank_path}, got {driver.current_url}")
    check(new_question in textarea_values(driver) or new_question in main_text(driver),
          "the bank page does not show the new question")
    check(driver.find_element(By.ID, "sv-q1").get_attribute("value") == q1_text,
          "adding a question lost the saved q1 text")
    visit_and_check(driver, None, "11_bank_question_added")
    full_page_screenshot(driver, "11_bank_question_added")

    # The new version can be chosen for a mapping.
    open_page(driver, "/mappings/new")
    offered = [o.text.strip() for o in Select(driver.find_element(By.ID, "bank")).options]
    check(any(bank_title in o for o in offered), f"#bank on /mappings/new does not offer {bank_title!r}: {offered}")
    logout(driver)


def test_decisions(driver):
    analysis_title = f"E2E-beslut om dagverksamhet {RUN_ID}"
    requirement_title = f"E2E-krav {RUN_ID}"
    procurement_title = f"E2E-upphandling hemtjänst {RUN_ID}"

    login(driver, MAPPING_OWNER, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_OWNER)
    click_link(driver, "Beslut och upphandling", css="nav.main-nav a")
    check(path_of(driver) == "/decisions", f"nav link 'Beslut och upphandling' led to {driver.current_url}")
    check(h1_text(driver) == "Beslut och upphandling", f"decisions h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "12_decisions")

    # An empty analysis cannot be finalised.
    click_link(driver, "Ny konsekvensanalys")
    new_path = path_of(driver)
    check(new_path == "/decisions/analyses/new", f"'Ny konsekvensanalys' led to {driver.current_url}")
    visit_and_check(driver, None, "12_analysis_new")
    click_button(driver, "Fastställ analysen")
    check_error_state(driver, "12_analysis_error", ["title", "whatChanges", "affectedGroups", "effects"])

    # A complete one, finalised: read-only afterwards.
    fill(driver, "title", analysis_title)
    set_value(driver, "decisionDate", "2026-10-15")
    fill(driver, "whatChanges", "Dagverksamheten på Solgläntan flyttar och öppettiderna kortas.")
    fill(driver, "affectedGroups", "Förvärvsarbetande anhöriga till personer med demens.")
    fill(driver, "effects", "Svårare att kombinera arbete och omsorg; risk för ökad belastning.")
    tick(driver, driver.find_element(By.ID, "consultedCaregivers"))
    click_button(driver, "Fastställ analysen")
    check_no_form_errors(driver, "finalising the analysis")
    analysis_path = path_of(driver)
    check(analysis_path.startswith("/decisions/analyses/") and analysis_path != new_path,
          f"after finalising expected /decisions/analyses/<id>, got {driver.current_url}")
    notices = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main [role=status]")]
    check(any(n.startswith("Analysen är fastställd") for n in notices),
          f"expected the notice 'Analysen är fastställd …', found {notices}")
    check(not driver.find_elements(By.CSS_SELECTOR, "main form textarea, main form input[type=text]"),
          "a finalised analysis is still editable")
    check("Anhöriga" in main_text(driver), "the read-only analysis does not say anhöriga were consulted")
    visit_and_check(driver, None, "12_analysis_final")

    # A reusable requirement, then a procurement that used it.
    open_page(driver, "/decisions")
    analyses = table_after_heading(driver, "Konsekvensanalyser med anhörigperspektiv")
    rows = [r for r in body_rows(analyses) if analysis_title in r.text] if analyses is not None else []
    check(len(rows) == 1 and "Fastställd" in rows[0].text,
          f"the finalised analysis should be listed as 'Fastställd': {[r.text for r in rows]}")
    fill(driver, "requirementTitle", requirement_title)
    fill(driver, "requirementText", "Utföraren ska ha rutiner för att bjuda in anhöriga till genomförandeplaneringen.")
    click_button(driver, "Spara kravet")
    check_no_form_errors(driver, "saving the requirement")
    check(path_of(driver) == "/decisions", f"after saving the requirement expected /decisions, got {driver.current_url}")
    saved = [dt.text for dt in driver.find_elements(By.CSS_SELECTOR, "main dl.requirements dt")]
    check(requirement_title in saved, f"the requirement is not listed: {saved}")

    fill(driver, "procurementTitle", procurement_title)
    set_value(driver, "procurementDate", "2026-10-20")
    boxes = [b for b in driver.find_elements(By.CSS_SELECTOR, "fieldset#requirements input[type=checkbox]")
             if driver.find_element(By.CSS_SELECTOR, f"label[for='{b.get_attribute('id')}']").text == requirement_title]
    check(len(boxes) == 1, f"expected one checkbox for {requirement_title!r} under fieldset#requirements")
    tick(driver, boxes[0])
    click_button(driver, "Registrera")
    check_no_form_errors(driver, "recording the procurement")
    records = table_after_heading(driver, "Upphandlingar", tag="h3")
    rows = [r for r in body_rows(records) if procurement_title in r.text] if records is not None else []
    check(len(rows) == 1, f"the procurement {procurement_title!r} is not listed")
    check(requirement_title in rows[0].text, f"the procurement row does not name its requirement: {rows[0].text!r}")
    visit_and_check(driver, None, "12_decisions_recorded")
    full_page_screenshot(driver, "12_decisions_recorded")

    # The 2026 demo mapping's results (they may draw on decisions and procurements).
    open_page(driver, "/mappings")
    click_link(driver, "Kartläggning av anhörigperspektivet 2026")
    click_link(driver, "Resultat")
    check(h1_text(driver) == "Resultat: Kartläggning av anhörigperspektivet 2026", f"results h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "12_results_2026")
    full_page_screenshot(driver, "12_results_2026")
    logout(driver)


def test_viewer_cannot_manage(driver):
    viewer = "politiker@exempel.se"
    login(driver, viewer, DEMO_PASSWORD)
    check_signed_in(driver, viewer)
    failures = []
    for path, name in (("/mappings", "13_viewer_mappings"), ("/plan", "13_viewer_plan"),
                       ("/decisions", "13_viewer_decisions")):
        try:
            visit_and_check(driver, path, name)
            shown = [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, "main a, main button")]
            offered = [b for b in CREATE_BUTTONS if any(s.startswith(b) for s in shown)]
            check(not offered, f"{path}: a viewer is offered {offered}")
            check(not driver.find_elements(By.CSS_SELECTOR, "main form[method=post]"),
                  f"{path}: a viewer gets a form that changes data")
        except Exception as error:
            failures.append(f"{path}: {error}")
    # Reading a goal, the routine matrix and the question banks is allowed, without forms.
    for path, link, name in (("/plan", "Frivilligheten följs upp i hemtjänsten", "13_viewer_goal"),
                             ("/plan", "Rutiner per verksamhet", "13_viewer_routines"),
                             ("/mappings", "Frågebanker", "13_viewer_banks")):
        try:
            open_page(driver, path)
            click_link(driver, link)
            check(h1_text(driver) == link, f"{link!r} led to a page with h1 {h1_text(driver)!r}")
            visit_and_check(driver, None, name)
            check(not driver.find_elements(By.CSS_SELECTOR, "main form"), f"{link}: a viewer gets a form")
        except Exception as error:
            failures.append(f"{link}: {error}")
    for path, name in (("/plan/goals/new", "13_viewer_goal_new_forbidden"),
                       ("/decisions/analyses/new", "13_viewer_analysis_new_forbidden"),
                       ("/mappings/new", "13_viewer_mapping_new_forbidden")):
        try:
            open_page(driver, path)
            check(h1_text(driver) == "Åtkomst nekad", f"expected the 403 page ('Åtkomst nekad'), h1 {h1_text(driver)!r}")
            visit_and_check(driver, None, name, expect_status=403)
        except Exception as error:
            failures.append(f"{path}: {error}")
    check(not failures, "\n".join(failures))
    logout(driver)


# ---------------------------------------------------------------- support: public pages and catalogue

MUNICIPALITY = "Exempelkommun"
MUNICIPALITY_PATH = "/stod/9999"
CONTACT_PATH = MUNICIPALITY_PATH + "/kontakt"
CONTACT_CTA = "Vill du att någon hör av sig till dig?"
# Filled in by scenario 14 once its request has been sent; scenario 15 opens that request.
CONTACT = {}
# The server ignores a contact form sent sooner than 3 s after it was shown (a robot's pace).
CONTACT_FILL_SECONDS = 4
CONTACT_ERROR_FIELDS = ["name", "reach", "about", "consent"]
CONTACT_LABELS = {"name": "Ditt namn", "reach": "Hur når vi dig?", "about": "Vad gäller det?",
                  "consent": "Jag samtycker"}


def card_names(driver):
    return [h.text.strip() for h in driver.find_elements(By.CSS_SELECTOR, "main li.support-card h3")]


def results_count(driver):
    """The number in the results heading ("3 stödformer" / "3 …")."""
    text = driver.find_element(By.ID, "results").text.strip()
    check(text.split()[0].isdigit(), f"the results heading does not start with a count: {text!r}")
    return int(text.split()[0])


def check_filter(driver, need, group, language):
    for field_id, value in (("need", need), ("group", group), ("language", language)):
        chosen = Select(driver.find_element(By.ID, field_id)).first_selected_option.get_attribute("value")
        check(chosen == value, f"#{field_id} should keep {value!r} after filtering, has {chosen!r}")
    shown = len(card_names(driver))
    check(results_count(driver) == shown, f"the results heading says {results_count(driver)}, {shown} cards shown")


def check_reflow(driver, name):
    """On the phone nothing should need sideways scrolling (WCAG 1.4.10 Reflow)."""
    widths = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth];")
    wide = driver.execute_script(
        "var w = window.innerWidth, out = [];"
        "document.querySelectorAll('main *').forEach(function (e) {"
        "  var r = e.getBoundingClientRect(); if (r.width && r.right > w + 1 && out.length < 5) {"
        "    out.push('<' + e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +"
        "             (e.className ? '.' + String(e.className).split(' ').join('.') : '') + '>'); } });"
        "return out;")
    warn(widths[0] <= widths[1], f"app bug: {name}: the page is {widths[0]} px wide in a {widths[1]} px phone "
         f"viewport and scrolls sideways (WCAG 1.4.10 Reflow); too wide: {', '.join(wide)} ({driver.current_url})")


def focus_report(driver):
    """Where the focused element is: (id or tag, at least partly in the viewport, what covers its
    middle). Partly in view is enough (WCAG 2.2 2.4.11 Minimum; Chromium scrolls a focused field
    only when it is wholly out of view)."""
    element = driver.switch_to.active_element
    label = element.get_attribute("id") or element.get_attribute("name") or element.tag_name
    in_view = driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&"
        "  r.top < window.innerHeight && r.left < window.innerWidth;", element)
    return label, in_view, obscured_by(driver, element)


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
    warn(not problems, f"app bug: {name}: focus problems on the phone layout: " + "; ".join(problems))


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


def phone_part_of_scenario_14(phone):
    # The public start page: no sign-in, Swedish by its path.
    open_page(phone, "/stod")
    width = phone.execute_script("return window.innerWidth")
    check(width == PHONE_WIDTH, f"the phone viewport is {width} px wide, expected {PHONE_WIDTH} "
          "(is <meta name=viewport> missing?)")
    check(html_lang(phone) == "sv", f'/stod: expected <html lang="sv">, got {html_lang(phone)!r}')
    check(h1_text(phone) == "Stöd till dig som är anhörig", f"/stod h1: {h1_text(phone)!r}")
    check(not phone.find_elements(By.CSS_SELECTOR, "nav.main-nav, header form.inline-form"),
          "the public page shows staff navigation or a sign-out button")
    visit_and_check(phone, None, "14_phone_start")
    check_reflow(phone, "14_phone_start")

    # Exempelkommun, filtered: a break, dementia, Finnish.
    click_link(phone, MUNICIPALITY)
    check(path_of(phone) == MUNICIPALITY_PATH, f"'{MUNICIPALITY}' led to {phone.current_url}")
    check(h1_text(phone) == f"Stöd till anhöriga i {MUNICIPALITY}", f"municipality h1: {h1_text(phone)!r}")
    everything = results_count(phone)
    check(everything == len(card_names(phone)) and everything > 3,
          f"unfiltered: the heading says {everything}, {len(card_names(phone))} cards shown")
    for field_id, value, label in (("need", "aBreak", "Jag behöver en paus"),
                                   ("group", "dementia", "Anhöriga till personer med demens"),
                                   ("language", "fi", "finska")):
        select = Select(scroll_to_middle(phone, phone.find_element(By.ID, field_id)))
        select.select_by_value(value)
        check(select.first_selected_option.text.strip() == label,
              f"#{field_id}={value} is labelled {select.first_selected_option.text!r}, expected {label!r}")
    click_button(phone, "Visa stöd")
    query = urlparse(phone.current_url).query
    check(path_of(phone) == MUNICIPALITY_PATH and all(p in query.split("&") for p in
                                                      ("need=aBreak", "group=dementia", "language=fi")),
          f"'Visa stöd' should GET {MUNICIPALITY_PATH}?need=aBreak&group=dementia&language=fi, got {phone.current_url}")
    check_filter(phone, "aBreak", "dementia", "fi")
    names = card_names(phone)
    check("Avlösning i hemmet" in names, f"the filtered cards should include 'Avlösning i hemmet': {names}")
    check(len(names) < everything, f"filtering did not narrow the list ({everything} → {len(names)})")
    for card in phone.find_elements(By.CSS_SELECTOR, "main li.support-card"):
        check("finska" in card.text, f"a card without Finnish passed the language filter: {card.text[:80]!r}")
    CONTACT["filtered_cards"] = names
    visit_and_check(phone, None, "14_phone_results")
    full_page_screenshot(phone, "14_phone_results")
    check_reflow(phone, "14_phone_results")

    # Ask to be contacted.
    click_link(phone, CONTACT_CTA)
    shown_at = time.time()
    check(path_of(phone) == CONTACT_PATH, f"'{CONTACT_CTA}' led to {phone.current_url}")
    check(h1_text(phone) == f"Bli kontaktad – {MUNICIPALITY}", f"contact form h1: {h1_text(phone)!r}")
    honeypot = phone.find_element(By.ID, "website")
    check(not honeypot.is_displayed() or honeypot.rect["x"] + honeypot.rect["width"] <= 0,
          "the honeypot #website is visible on the phone")
    for hidden in ("started", "stamp"):
        check(by_name(phone, "input", hidden).get_attribute("type") == "hidden", f"no hidden {hidden} field")
    check(Select(phone.find_element(By.ID, "language")).first_selected_option.get_attribute("value") == "sv",
          "the contact form's language should default to Swedish on /stod")
    visit_and_check(phone, None, "14_phone_contact")
    check_reflow(phone, "14_phone_contact")
    check_contact_focus_order(phone, "14_phone_contact")
    request = {"name": f"E2E Anhörig {RUN_ID}", "reach": "070-123 45 67, helst förmiddag",
               "about": f"Jag tar hand om min mamma som har demens och behöver en paus ibland ({RUN_ID}).",
               "language": "fi", "language_name": "finska"}
    fill_contact_form(phone, request["name"], request["reach"], request["about"], request["language"])
    screenshot(phone, "14_phone_contact_filled")
    send_contact_form(phone, shown_at)
    check_receipt(phone, "14_phone_receipt")
    check_reflow(phone, "14_phone_receipt")
    CONTACT.update(request)

    # The same form sent empty (a fresh one, after the same pause): 422 with every field named.
    shown_at = open_contact_form(phone)
    Select(phone.find_element(By.ID, "language")).select_by_value("fi")
    send_contact_form(phone, shown_at)
    check(path_of(phone) == CONTACT_PATH, f"the empty contact form led to {phone.current_url}")
    items = check_error_state(phone, "14_phone_contact_error", CONTACT_ERROR_FIELDS, CONTACT_LABELS)
    doubled = [text for text in items.values() if "?:" in text or ".:" in text]
    warn(not doubled, "app bug: 14_phone_contact_error: error summary items put ': ' after a label that already ends "
         f"in '?' or '.': {doubled}")
    full_page_screenshot(phone, "14_phone_contact_error")
    kept = Select(phone.find_element(By.ID, "language")).first_selected_option.get_attribute("value")
    check(kept == "fi", f"the refused form should keep the chosen language fi, has {kept!r}")
    check(phone.find_element(By.ID, "website").get_attribute("value") == "", "the refused form filled the honeypot")
    for hidden in ("started", "stamp"):
        check(by_name(phone, "input", hidden).get_attribute("value"), f"the refused form has no {hidden} value")
    focused = phone.switch_to.active_element
    warn("error-summary" in (focused.get_attribute("class") or ""),
         f"app bug: 14_phone_contact_error: focus should move to the error summary (it has autofocus), "
         f"but <{focused.tag_name}> {focused.get_attribute('id') or ''} is focused")
    # Following the summary's last link on the phone lands on the consent box, in view.
    link = [a for a in phone.find_elements(By.CSS_SELECTOR, ".error-summary a")
            if urlparse(a.get_attribute("href")).fragment == "consent"][0]
    link.click()
    wait(phone).until(lambda d: d.switch_to.active_element.get_attribute("id") == "consent")
    label, in_view, cover = focus_report(phone)
    warn(in_view and not cover, f"app bug: 14_phone_contact_error: after the error summary's link #consent "
         f"gets focus the box is {'covered by ' + str(cover) if cover else 'outside the viewport'}")
    screenshot(phone, "14_phone_contact_error_consent_focused")


def test_caregiver_on_phone(driver):
    phone = new_driver(phone=True)
    try:
        phone_part_of_scenario_14(phone)
    except Exception:
        try:
            screenshot(phone, "FAILED_test_caregiver_on_phone_phone")
            print(f"  (phone at {phone.current_url})", flush=True)
        except Exception:
            pass
        raise
    finally:
        phone.quit()

    # The same pages at desktop width, and in English.
    filtered = MUNICIPALITY_PATH + "?need=aBreak&group=dementia&language=fi"
    open_page(driver, filtered)
    check_filter(driver, "aBreak", "dementia", "fi")
    check(card_names(driver) == CONTACT.get("filtered_cards", card_names(driver)),
          f"desktop shows other cards than the phone: {card_names(driver)}")
    visit_and_check(driver, None, "14_desktop_results")
    full_page_screenshot(driver, "14_desktop_results")
    click_link(driver, "English", css="header a")
    check(path_of(driver) == "/en/support/9999", f"'English' led to {driver.current_url}")
    check(set(urlparse(driver.current_url).query.split("&")) == {"need=aBreak", "group=dementia", "language=fi"},
          f"switching to English should keep the filter, got {driver.current_url}")
    check(html_lang(driver) == "en", f'expected <html lang="en">, got {html_lang(driver)!r}')
    check(h1_text(driver) == f"Support for caregivers in {MUNICIPALITY}", f"English h1: {h1_text(driver)!r}")
    check_filter(driver, "aBreak", "dementia", "fi")
    check(card_names(driver) == CONTACT.get("filtered_cards", card_names(driver)),
          f"the English page shows other cards: {card_names(driver)}")
    visit_and_check(driver, None, "14_desktop_results_en")
    open_page(driver, "/en/support/9999")
    check(html_lang(driver) == "en", f'/en/support/9999: expected <html lang="en">, got {html_lang(driver)!r}')
    check(h1_text(driver) == f"Support for caregivers in {MUNICIPALITY}", f"English h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "14_desktop_en")
    full_page_screenshot(driver, "14_desktop_en")
    open_page(driver, "/en/support")
    check(html_lang(driver) == "en", f'/en/support: expected <html lang="en">, got {html_lang(driver)!r}')
    check(driver.find_elements(By.LINK_TEXT, MUNICIPALITY), f"/en/support does not list {MUNICIPALITY}")
    visit_and_check(driver, None, "14_desktop_start_en")


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
    warn(open_before != 1 or not item.text.startswith("1 nya"),
         f"app bug: the worklist says {item.text!r} for a single request (Swedish: '1 ny kontaktförfrågan'; "
         "worklist.contact_requests has no singular)")
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
    check("Stängd" in row.text, f"the closed request's row should say 'Stängd': {row.text!r}")
    visit_and_check(driver, None, "15_inbox_closed")

    open_page(driver, request_path)
    check("Stängd: Ringt upp" in main_text(driver), "the closed request does not show 'Stängd: Ringt upp'")
    check(not driver.find_elements(By.ID, "reason"), "a closed request still offers the close form")
    visit_and_check(driver, None, "15_request_closed")

    open_page(driver, "/")
    item, open_after = worklist_contact_item(driver)
    check(open_after == open_before - 1,
          f"after closing one request the worklist should count {open_before - 1}, counts {open_after}")
    logout(driver)


def catalogue_rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")


def test_catalogue_keeper(driver):
    consultant = "konsulent@exempel.se"
    offering_name = f"E2E-anhöriggrupp {RUN_ID}"
    organisation_name = f"E2E-föreningen {RUN_ID}"
    login(driver, consultant, DEMO_PASSWORD)
    check_signed_in(driver, consultant)
    click_link(driver, "Stödkatalog", css="nav.main-nav a")
    check(path_of(driver) == "/support", f"nav link 'Stödkatalog' led to {driver.current_url}")
    check(h1_text(driver) == "Stödkatalog", f"catalogue h1: {h1_text(driver)!r}")
    rows = catalogue_rows(driver)
    check(len(rows) >= 18, f"the catalogue should list the 18 demo offerings, lists {len(rows)}")
    flagged = [r.find_element(By.TAG_NAME, "td").text for r in rows if "kontrollera" in r.text]
    check(flagged, "no catalogue entry is flagged 'kontrollera' (the demo has entries last checked 8 months ago)")
    warning = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice--warning"))
    check(warning.startswith(f"{len(flagged)} stödformer"),
          f"the stale warning should count the {len(flagged)} flagged entries: {warning!r}")
    visit_and_check(driver, None, "16_catalogue")
    full_page_screenshot(driver, "16_catalogue")

    # The public page as the keeper sees it before adding anything.
    click_link(driver, "Se de publika sidorna")
    check(path_of(driver) == MUNICIPALITY_PATH, f"'Se de publika sidorna' led to {driver.current_url}")
    check(offering_name not in card_names(driver), "the new offering is public before it exists")

    # Saving an entry unchanged.
    open_page(driver, "/support")
    click_link(driver, "Avlösning i hemmet", css="main table a")
    edit_path = path_of(driver)
    parts = edit_path.strip("/").split("/")
    check(len(parts) == 2 and parts[0] == "support" and len(parts[1]) == 36,
          f"'Avlösning i hemmet' should open /support/<uuid>, got {driver.current_url}")
    check(h1_text(driver) == "Ändra stödform", f"edit h1: {h1_text(driver)!r}")
    check(driver.find_element(By.ID, "name").get_attribute("value") == "Avlösning i hemmet", "the edit form lost the name")
    visit_and_check(driver, None, "16_offering_edit")
    full_page_screenshot(driver, "16_offering_edit")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "saving 'Avlösning i hemmet' unchanged")
    check(path_of(driver) == edit_path and urlparse(driver.current_url).query == "saved=1",
          f"after saving expected {edit_path}?saved=1, got {driver.current_url}")
    check(driver.find_element(By.ID, "name").get_attribute("value") == "Avlösning i hemmet",
          "saving unchanged changed the name")
    notices = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main [role=status], main .notice")]
    warn(any(n.strip() for n in notices),
         "app bug: 16_offering_saved: after saving, /support/<id>?saved=1 shows no confirmation "
         "(the edit handler ignores ?saved=1; other forms say e.g. 'Svaren är sparade.' in a role=status, WCAG 4.1.3)")
    visit_and_check(driver, None, "16_offering_saved")

    # A new offering: empty first, then complete and published.
    open_page(driver, "/support")
    click_link(driver, "Lägg till stödform")
    check(path_of(driver) == "/support/new", f"'Lägg till stödform' led to {driver.current_url}")
    check(h1_text(driver) == "Ny stödform", f"new offering h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "16_offering_new")
    click_button(driver, "Spara")
    check(path_of(driver) == "/support", f"the empty offering form posted to {driver.current_url}")
    check_error_state(driver, "16_offering_error", ["name", "description"], {"name": "Namn", "description": "Beskrivning"})

    open_page(driver, "/support/new")
    fill(driver, "name", offering_name)
    select_option(driver, "kind", "Anhöriggrupp")
    fill(driver, "description", f"Träffas varannan torsdag kväll och delar erfarenheter ({RUN_ID}).")
    untick(driver, driver.find_element(By.ID, "group-all"))
    tick(driver, driver.find_element(By.ID, "group-dementia"))
    check(driver.find_element(By.ID, "language-sv").is_selected(), "Swedish is not ticked by default")
    set_value(driver, "lastChecked", time.strftime("%Y-%m-%d"))
    tick(driver, driver.find_element(By.ID, "published"))
    click_button(driver, "Spara")
    check_no_form_errors(driver, "creating the offering")
    new_path = path_of(driver)
    parts = new_path.strip("/").split("/")
    check(len(parts) == 2 and parts[0] == "support" and len(parts[1]) == 36 and new_path != edit_path
          and urlparse(driver.current_url).query == "saved=1",
          f"after creating expected /support/<new uuid>?saved=1, got {driver.current_url}")
    check(driver.find_element(By.ID, "name").get_attribute("value") == offering_name, "the new offering lost its name")
    check(driver.find_element(By.ID, "group-dementia").is_selected() and
          not driver.find_element(By.ID, "group-all").is_selected(), "the new offering lost its target group")
    check(driver.find_element(By.ID, "published").is_selected(), "the new offering is not published")
    visit_and_check(driver, None, "16_offering_created")
    open_page(driver, "/support")
    row = [r for r in catalogue_rows(driver) if r.find_element(By.TAG_NAME, "td").text == offering_name]
    check(len(row) == 1, f"{offering_name!r} is not listed once in the catalogue")
    check("Publicerad" in row[0].text and "kontrollera" not in row[0].text,
          f"the new offering should be 'Publicerad' and not flagged: {row[0].text!r}")

    # The keeper looks at the public page again.
    click_link(driver, "Se de publika sidorna")
    if offering_name not in card_names(driver):
        cached = driver.execute_script("var e = performance.getEntriesByType('navigation')[0];"
                                       "return e ? e.transferSize === 0 : null;")
        warn(False, f"app bug: the keeper who looked at {MUNICIPALITY_PATH} before publishing does not see the new "
             "offering there afterwards: the page is sent with 'Cache-Control: public, max-age=300' and the browser "
             f"shows its cached copy for 5 minutes (served from cache: {cached})")
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        open_page(driver, MUNICIPALITY_PATH)
    check(offering_name in card_names(driver), f"the published {offering_name!r} is not on {MUNICIPALITY_PATH}")
    open_page(driver, MUNICIPALITY_PATH + "?need=someoneToTalkTo&group=dementia&language=sv")
    check(offering_name in card_names(driver),
          f"a support group for dementia in Swedish is missing under 'Någon att prata med': {card_names(driver)}")
    open_page(driver, MUNICIPALITY_PATH + "?group=olderPeople")
    check(offering_name not in card_names(driver), "the dementia-only offering shows for 'Anhöriga till äldre'")

    # Civil-society organisations.
    open_page(driver, "/support")
    click_link(driver, "Civilsamhällets organisationer")
    check(path_of(driver) == "/support/organisations", f"'Civilsamhällets organisationer' led to {driver.current_url}")
    check(h1_text(driver) == "Civilsamhällets organisationer", f"organisations h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "16_organisations")
    click_button(driver, "Lägg till")
    check(path_of(driver) == "/support/organisations", f"the empty organisation form led to {driver.current_url}")
    check_error_state(driver, "16_organisation_error", ["csoName"], {"csoName": "Organisationens namn"})
    open_page(driver, "/support/organisations")
    fill(driver, "csoName", organisation_name)
    fill(driver, "csoDescription", "Anhörigcafé och promenadgrupp.")
    tick(driver, driver.find_element(By.ID, "csoStateGrant"))
    click_button(driver, "Lägg till")
    check_no_form_errors(driver, "adding the organisation")
    check(path_of(driver) == "/support/organisations", f"after adding expected /support/organisations, got {driver.current_url}")
    names = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr td:first-child")]
    check(organisation_name in names, f"{organisation_name!r} is not listed: {names}")
    visit_and_check(driver, None, "16_organisations_added")
    open_page(driver, "/support/new")
    offered = [o.text.strip() for o in Select(driver.find_element(By.ID, "civilSociety")).options]
    check(organisation_name in offered, f"#civilSociety on /support/new does not offer {organisation_name!r}")
    logout(driver)


# ---------------------------------------------------------------- caregiver record: a consultant's day

CONSULTANT = "konsulent@exempel.se"
STAFF = "personal@exempel.se"
STAFF_UNIT = "Hemtjänst Norra"  # Pia Personal's only unit in the demo (DemoSeeder.logins)
PIN_VALID = "19121212-1212"
PIN_WRONG_CHECK_DIGIT = "19121212-1213"
# Filled in by scenario 17 (the record made from a contact request) and 18 (the person cared for);
# later scenarios make their own record when run alone.
CAREGIVER = {}


def is_uuid_path(path, *prefix):
    parts = path.strip("/").split("/")
    return parts[:len(prefix)] == list(prefix) and len(parts) == len(prefix) + 1 and len(parts[-1]) == 36


def select_value(driver, field_id, value):
    """Chooses the option with this value (vocabulary labels are worded by others and change);
    returns the option's label, to look for on the page afterwards."""
    select = Select(scroll_to_middle(driver, wait(driver).until(EC.presence_of_element_located((By.ID, field_id)))))
    values = [o.get_attribute("value") for o in select.options]
    check(value in values, f"#{field_id} has no option with value {value!r}; values: {values}")
    select.select_by_value(value)
    return select.first_selected_option.text.strip()


def caregiver_worklist_items(driver):
    """The start page's caregiver follow-up items: {label: path?query it links to}."""
    return {a.text.strip(): urlparse(a.get_attribute("href")).path + "?" + urlparse(a.get_attribute("href")).query
            for a in driver.find_elements(By.CSS_SELECTOR, "main ul.worklist a")
            if "uppföljningar av anhöriga" in a.text}


def record_tasks(driver):
    """The open tasks listed under "Att göra för den här anhörige" on a record page."""
    return [li.text for li in driver.find_elements(
        By.XPATH, "//main//h2[@id='tasks-heading']/following-sibling::ul[1]/li")]


def open_record(driver):
    open_page(driver, CAREGIVER["path"])
    check(h1_text(driver) == CAREGIVER["name"], f"the record's h1 should be {CAREGIVER['name']!r}, is {h1_text(driver)!r}")


def open_from_record(driver, link_text, expected_path, name):
    """Follows a link on the record page and checks the form page it opens."""
    open_record(driver)
    click_link(driver, link_text, starts_with=True)
    check(path_of(driver) == expected_path, f"'{link_text}' led to {driver.current_url}, expected {expected_path}")
    visit_and_check(driver, None, name)


def back_on_record(driver, what):
    check_no_form_errors(driver, what)
    check(path_of(driver) == CAREGIVER["path"], f"after {what} expected the record {CAREGIVER['path']}, got {driver.current_url}")


def open_contact_request_for_registration(driver):
    """A new contact request, sent through the public form (anonymous), or an open demo request
    when the form's rate limit is used up. Returns to the signed-out state."""
    try:
        request = make_contact_request(driver, "17")
    except TestFailure as error:
        if "429" not in str(error):
            raise
        print("NOTE  the contact form's rate limit is used up; using an open request from the inbox", flush=True)
        driver.delete_all_cookies()
        return None
    check_receipt(driver, "17_receipt")
    driver.delete_all_cookies()
    return request


def register_from_contact_request(driver, screenshots=True):
    """Scenario 17's second half: the inbox, a request, "Registrera som anhörig", the personnummer
    refused and corrected, the record. Fills CAREGIVER."""
    def shot(name, expect_status=200):
        if screenshots:
            visit_and_check(driver, None, name, expect_status=expect_status)

    sent = CAREGIVER.get("request_name")

    open_page(driver, "/")
    item, _count = worklist_contact_item(driver)
    if sent:
        check(item is not None, "the start page worklist has no contact-request item: "
              + repr([a.text for a in driver.find_elements(By.CSS_SELECTOR, "main ul.worklist a")]))
    if item is not None:
        click_and_wait_for_new_page(driver, item)
    else:  # no new requests: the inbox through the catalogue
        click_link(driver, "Stödkatalog", css="nav.main-nav a")
        click_and_wait_for_new_page(driver, driver.find_element(By.CSS_SELECTOR, "main a[href='/support/requests']"))
    check(path_of(driver) == "/support/requests", f"the way to the inbox led to {driver.current_url}")
    shot("17_inbox")
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    open_rows = [r for r in rows if "Ny" in r.text.split()]
    check(open_rows, f"the inbox has no open ('Ny') request (the demo's are used up, and the public form's rate limit "
          f"too: restart the server with fresh data): {[r.text for r in rows][:5]}")
    click_and_wait_for_new_page(driver, open_rows[0].find_element(By.TAG_NAME, "a"))
    request_path = path_of(driver)
    check(is_uuid_path(request_path, "support", "requests"), f"an inbox row opened {driver.current_url}")
    shown = main_text(driver)
    if sent:
        check(sent in shown, f"the newest open request should be the one just sent ({sent!r}): {shown[:200]!r}")
    name = sent or driver.find_element(By.XPATH, "//main//dt[normalize-space()='Ditt namn']/following-sibling::dd[1]").text.strip()
    shot("17_request")

    click_link(driver, "Registrera som anhörig")
    check(path_of(driver) == "/caregivers/new", f"'Registrera som anhörig' led to {driver.current_url}")
    check(h1_text(driver) == "Registrera anhörig", f"new caregiver h1: {h1_text(driver)!r}")
    prefilled = driver.find_element(By.ID, "name").get_attribute("value")
    check(prefilled == name, f"#name should be prefilled with the request's name {name!r}, has {prefilled!r}")
    if sent:
        phone = driver.find_element(By.ID, "phone").get_attribute("value")
        check(phone == "070-123 45 67, helst förmiddag", f"#phone should be prefilled with the request's reach, has {phone!r}")
        language = Select(driver.find_element(By.ID, "preferredLanguage")).first_selected_option.get_attribute("value")
        check(language == "fi", f"#preferredLanguage should be the request's fi, is {language!r}")
    notice = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice"))
    check("förfrågan" in notice, f"the prefilled form should say the data come from a contact request: {notice!r}")
    check(by_name(driver, "input", "fromRequest").get_attribute("value") == request_path.rsplit("/", 1)[1],
          "the form does not carry the request's id (hidden fromRequest)")
    shot("17_caregiver_new_prefilled")

    # A wrong check digit: refused, with the error inline and in the summary.
    fill(driver, "personalIdentityNumber", PIN_WRONG_CHECK_DIGIT)
    click_button(driver, "Registrera")
    check(path_of(driver) == "/caregivers/new", f"the wrong personnummer led to {driver.current_url}")
    items = check_error_state(driver, "17_caregiver_pin_error", ["personalIdentityNumber"],
                              {"personalIdentityNumber": "Personnummer eller samordningsnummer"})
    check("Kontrollsiffran" in items["personalIdentityNumber"],
          f"the summary should say the check digit is wrong: {items['personalIdentityNumber']!r}")
    inline = driver.find_element(By.ID, "personalIdentityNumber-error").text
    check("Kontrollsiffran stämmer inte" in inline, f"the inline error: {inline!r}")
    described = driver.find_element(By.ID, "personalIdentityNumber").get_attribute("aria-describedby") or ""
    check("personalIdentityNumber-error" in described.split(), f"the field is not described by its error: {described!r}")
    check(driver.find_element(By.ID, "name").get_attribute("value") == name, "the refused form lost the name")
    check(by_name(driver, "input", "fromRequest").get_attribute("value") == request_path.rsplit("/", 1)[1],
          "the refused form lost the request's id")

    # Corrected: the record.
    fill(driver, "personalIdentityNumber", PIN_VALID)
    click_button(driver, "Registrera")
    check_no_form_errors(driver, "registering the caregiver")
    record_path = path_of(driver)
    check(is_uuid_path(record_path, "caregivers"), f"after registering expected /caregivers/<uuid>, got {driver.current_url}")
    check(h1_text(driver) == name, f"the record's h1 should be {name!r}, is {h1_text(driver)!r}")
    text = main_text(driver)
    check(PIN_VALID not in text and "191212121212" not in text, "the record shows the whole personnummer")
    check("Utan samtycke kan du fortfarande göra mycket" in text,
          "a record without anyone cared for should list what can be done without consent")
    CAREGIVER.update({"path": record_path, "name": name, "request_path": request_path})
    shot("17_record_new")
    if screenshots:
        full_page_screenshot(driver, "17_record_new")

    # The request is closed in the inbox.
    open_page(driver, "/support/requests")
    row = inbox_row(driver, request_path)
    check("Stängd" in row.text, f"the request turned into a record should be 'Stängd' in the inbox: {row.text!r}")
    open_page(driver, request_path)
    check("Registrerad i anhörigregistret" in main_text(driver),
          "the closed request does not say it was registered as a caregiver")
    check(not driver.find_elements(By.LINK_TEXT, "Registrera som anhörig"), "a closed request still offers 'Registrera som anhörig'")
    shot("17_request_closed")


def ensure_caregiver(driver):
    """When a later scenario runs alone: a record of its own, made the way scenario 17 makes it."""
    if "path" in CAREGIVER:
        login(driver, CONSULTANT, DEMO_PASSWORD)
        check_signed_in(driver, CONSULTANT)
        return
    print("NOTE  scenario 17 did not make a record in this run; making one from a contact request", flush=True)
    request = open_contact_request_for_registration(driver)
    if request:
        CAREGIVER["request_name"] = request["name"]
    login(driver, CONSULTANT, DEMO_PASSWORD)
    check_signed_in(driver, CONSULTANT)
    register_from_contact_request(driver, screenshots=False)


def test_consultant_registers_caregiver(driver):
    request = open_contact_request_for_registration(driver)
    if request:
        CAREGIVER["request_name"] = request["name"]

    # 1. The start page and "Att göra", filtered to what is overdue.
    login(driver, CONSULTANT, DEMO_PASSWORD)
    check_signed_in(driver, CONSULTANT)
    items = caregiver_worklist_items(driver)
    if not items:
        print("NOTE  the start page has no caregiver follow-ups (no demo caregivers with tasks in this data)", flush=True)
    for label, href in items.items():
        check(href.startswith("/caregivers/worklist?due="), f"the worklist item {label!r} links to {href}")
    visit_and_check(driver, None, "17_home")
    click_link(driver, "Att göra", css="nav.main-nav a")
    check(path_of(driver) == "/caregivers/worklist", f"nav link 'Att göra' led to {driver.current_url}")
    check(h1_text(driver) == "Att göra – anhöriga", f"worklist h1: {h1_text(driver)!r}")
    current = driver.find_elements(By.CSS_SELECTOR, "nav.main-nav a[aria-current=page]")
    check([a.text for a in current] == ["Att göra"], f"the nav should mark 'Att göra' as current: {[a.text for a in current]}")
    visit_and_check(driver, None, "17_worklist")
    overdue_label = select_value(driver, "due", "overdue")
    click_button(driver, "Visa")
    check(path_of(driver) == "/caregivers/worklist" and "due=overdue" in urlparse(driver.current_url).query.split("&"),
          f"filtering on 'Försenad' should GET /caregivers/worklist?due=overdue…, got {driver.current_url}")
    kept = Select(driver.find_element(By.ID, "due")).first_selected_option.get_attribute("value")
    check(kept == "overdue", f"#due should keep 'overdue' after filtering, has {kept!r}")
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    status = driver.find_element(By.CSS_SELECTOR, "main [role=status]").text
    check(status.split()[0].isdigit() and int(status.split()[0]) >= len(rows),
          f"the count {status!r} does not match the {len(rows)} rows")
    late = [r.text for r in rows if overdue_label not in r.text]
    check(not late, f"rows that are not marked {overdue_label!r} under that filter: {late[:3]}")
    overdue_item = [label for label in items if "försenade" in label]
    if overdue_item:
        check(int(overdue_item[0].split()[0]) == int(status.split()[0]),
              f"the start page says {overdue_item[0]!r}, the filtered worklist {status!r}")
    visit_and_check(driver, None, "17_worklist_overdue")
    if rows:
        full_page_screenshot(driver, "17_worklist_overdue")

    # 2. The inbox: a contact request becomes a record.
    register_from_contact_request(driver)

    # The new record's first follow-up is on the start page and the worklist.
    open_page(driver, "/")
    soon = [label for label in caregiver_worklist_items(driver) if "inom två veckor" in label]
    check(soon, f"after registering, the start page should list follow-ups within two weeks: {caregiver_worklist_items(driver)}")
    open_page(driver, "/caregivers/worklist?due=soon")
    mine = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr") if CAREGIVER["name"] in r.text]
    check(any("Fråga om frivillighet" in text for text in mine),
          f"the worklist should ask about voluntariness for the new caregiver: {mine}")
    visit_and_check(driver, None, "17_worklist_soon")
    logout(driver)


def relationship_page_checks(driver):
    """What the relationship page of a pair without consent shows."""
    text = main_text(driver)
    check("Inget samtycke dokumenterat." in text, "the new relationship should say 'Inget samtycke dokumenterat.'")
    check("Utan samtycke kan du fortfarande göra mycket" in text and
          "medarbetare lyssnar och erbjuder stöd till anhöriga som själva tar kontakt" in text,
          "without consent the page should list what may still be done (the seed's list)")
    check(not driver.find_elements(By.LINK_TEXT, "Bjud in till möte"), "'Bjud in till möte' is offered without consent")
    blocked = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice--warning"))
    check("kan inte bjudas in utan samtycke" in blocked, f"the page should say why there is no invitation: {blocked!r}")


def test_relationship_consent_restriction(driver):
    ensure_caregiver(driver)
    recipient_name = f"E2E Närstående {RUN_ID}"
    contacts = ["Vårdcentralen Norra", "Minnesmottagningen", "Hemtjänst Norra"]

    # 3. A person cared for, new, with three coordinated care contacts.
    open_record(driver)
    click_link(driver, "Lägg till närstående")
    new_path = CAREGIVER["path"] + "/relationships/new"
    check(path_of(driver) == new_path, f"'Lägg till närstående' led to {driver.current_url}")
    visit_and_check(driver, None, "18_relationship_new")
    click_button(driver, "Spara")
    check(path_of(driver) == new_path, f"the empty relationship form led to {driver.current_url}")
    check_error_state(driver, "18_relationship_error", ["recipient"])
    fill(driver, "recipientName", recipient_name)
    select_value(driver, "relation", "partner")
    hours = select_value(driver, "hoursBand", "from20to34")
    tick(driver, driver.find_element(By.ID, "livesTogether"))
    for task in ("personalCare", "practicalHelp", "coordination"):
        tick(driver, driver.find_element(By.ID, "tasks-" + task))
    field = scroll_to_middle(driver, driver.find_element(By.ID, "coordinatedContacts"))
    field.clear()
    field.send_keys("\n".join(contacts))
    click_button(driver, "Spara")
    check_no_form_errors(driver, "adding the person cared for")
    relationship_path = path_of(driver)
    check(is_uuid_path(relationship_path, "caregivers", "relationships"),
          f"after adding expected /caregivers/relationships/<uuid>, got {driver.current_url}")
    check(h1_text(driver) == f"{CAREGIVER['name']} och {recipient_name}", f"relationship h1: {h1_text(driver)!r}")
    signal = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .signal"))
    check("Överväg SIP eller en fast vårdkontakt" in signal,
          f"three coordinated contacts should raise the coordination signal: {signal!r}")
    for contact in contacts:
        check(contact in main_text(driver), f"the relationship page does not list the contact {contact!r}")
    relationship_page_checks(driver)
    CAREGIVER.update({"relationship_path": relationship_path, "recipient_name": recipient_name})
    visit_and_check(driver, None, "18_relationship")
    full_page_screenshot(driver, "18_relationship")

    # On the record: the person, the signal, and a signal task.
    open_record(driver)
    panels = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "main .panel") if recipient_name in p.text]
    check(len(panels) == 1 and "Överväg SIP" in panels[0] and hours in panels[0],
          f"the record should show {recipient_name!r} with hours and the coordination signal: {panels}")
    check(any(t.startswith("Samordningssignal") for t in record_tasks(driver)),
          f"the coordination signal should be a task on the record: {record_tasks(driver)}")

    # "Bjud in" without consent: refused, and the page says why.
    open_page(driver, relationship_path + "/invitations")
    check(h1_text(driver) == "Bjud in till SIP eller vårdplanering", f"invitation form h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "18_invitation_form")
    set_value(driver, "meetingOn", time.strftime("%Y-%m-%d", time.localtime(time.time() + 14 * 86400)))
    click_button(driver, "Spara")
    check(path_of(driver) == relationship_path + "/invitations", f"the refused invitation led to {driver.current_url}")
    notice = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice"))
    check("kan inte bjudas in utan samtycke" in notice, f"the refused invitation should say consent is missing: {notice!r}")
    visit_and_check(driver, None, "18_invitation_refused", expect_status=409)

    # Partial consent, including planning and meetings.
    open_page(driver, relationship_path)
    click_link(driver, "Dokumentera samtycke", starts_with=True)
    check(path_of(driver) == relationship_path + "/consents", f"the consent link led to {driver.current_url}")
    visit_and_check(driver, None, "18_consent_form")
    check(driver.find_element(By.ID, "kind-consent").is_selected(), "the consent form should default to 'Samtycke'")
    click_button(driver, "Spara")
    check_error_state(driver, "18_consent_error", ["categories"])
    for category in ("careAndServices", "planningAndMeetings"):
        tick(driver, driver.find_element(By.ID, "categories-" + category))
    tick(driver, driver.find_element(By.ID, "form-oral"))
    fill(driver, "note", "Lämnat muntligt vid hembesök.")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "recording the consent")
    check(path_of(driver) == relationship_path, f"after the consent expected {relationship_path}, got {driver.current_url}")
    text = main_text(driver)
    check("Delvis samtycke: vård och insatser, planering och möten." in text,
          f"the page should say 'Delvis samtycke: vård och insatser, planering och möten.': {text[:400]!r}")
    check("Utan samtycke kan du fortfarande" not in text, "with consent the page still lists what can be done without it")

    # Invite to a SIP, then record that the caregiver took part.
    click_link(driver, "Bjud in till möte")
    tick(driver, driver.find_element(By.ID, "meetingKind-coordinatedPlan"))
    set_value(driver, "meetingOn", time.strftime("%Y-%m-%d", time.localtime(time.time() + 14 * 86400)))
    click_button(driver, "Spara")
    check_no_form_errors(driver, "inviting to a SIP")
    check(path_of(driver) == relationship_path, f"after inviting expected {relationship_path}, got {driver.current_url}")
    attendance = driver.find_elements(By.CSS_SELECTOR, "main select[name=attendance]")
    check(len(attendance) == 1, f"expected one invitation with an attendance select, found {len(attendance)}")
    label = driver.find_element(By.CSS_SELECTOR, f"label[for='{attendance[0].get_attribute('id')}']").text
    check(label.startswith("Deltagande: SIP"), f"the attendance select's label: {label!r}")
    visit_and_check(driver, None, "18_relationship_invited")
    took_part = select_value(driver, attendance[0].get_attribute("id"), "tookPart")
    click_button(driver, "Spara deltagande")
    check(path_of(driver) == relationship_path, f"after saving attendance expected {relationship_path}, got {driver.current_url}")
    chosen = Select(driver.find_element(By.CSS_SELECTOR, "main select[name=attendance]")).first_selected_option.text
    check(chosen == took_part, f"the attendance should now be {took_part!r}, is {chosen!r}")

    # A restriction: the red warning, no invitation link.
    click_link(driver, "Registrera begränsning")
    check(path_of(driver) == relationship_path + "/restrictions", f"'Registrera begränsning' led to {driver.current_url}")
    visit_and_check(driver, None, "18_restriction_form")
    tick(driver, driver.find_element(By.ID, "reason-threats"))
    fill(driver, "note", "Uppgift om hot mot den närstående.")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "recording the restriction")
    check(path_of(driver) == relationship_path, f"after the restriction expected {relationship_path}, got {driver.current_url}")
    alert = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .alert"))
    check("Olämpligt att involvera den anhörige (hot)" in alert, f"the red warning is missing: {alert!r}")
    colour = driver.execute_script("return getComputedStyle(document.querySelector('main .alert')).borderLeftColor;")
    check(colour.startswith("rgb(") and int(colour[4:].split(",")[0]) > 150, f"the warning's border is not red: {colour}")
    check(not driver.find_elements(By.LINK_TEXT, "Bjud in till möte"), "'Bjud in till möte' is offered despite the restriction")
    blocked = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice--warning"))
    check("begränsning" in blocked, f"the invitations section should name the restriction: {blocked!r}")
    check(driver.find_elements(By.ID, "liftReason"), "a consultant is not offered to lift the restriction")
    visit_and_check(driver, None, "18_relationship_restricted")
    full_page_screenshot(driver, "18_relationship_restricted")
    open_record(driver)
    panels = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "main .panel") if recipient_name in p.text]
    check(panels and "Begränsning:" in panels[0], f"the record should flag the restriction: {panels}")
    check(any(t.startswith("Ompröva begränsningen") for t in record_tasks(driver)),
          f"the restriction's review should be a task: {record_tasks(driver)}")
    open_page(driver, relationship_path + "/invitations")
    set_value(driver, "meetingOn", time.strftime("%Y-%m-%d", time.localtime(time.time() + 21 * 86400)))
    click_button(driver, "Spara")
    notice = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice"))
    check(http_status(driver) == 409 and "begränsning" in notice,
          f"an invitation during the restriction should be refused naming it: {notice!r}")

    # Lifted with a reason (a consultant may); an empty reason first.
    open_page(driver, relationship_path)
    click_button(driver, "Häv begränsningen")
    if driver.find_elements(By.ID, "liftReason"):
        check_error_state(driver, "18_lift_error", ["liftReason"])
    else:
        warn(False, f"app bug: lifting a restriction without a reason (POST /caregivers/restrictions/<id>/lift) shows "
             f"the error page {h1_text(driver)!r} (HTTP {http_status(driver)}: "
             f"{main_text(driver).splitlines()[1:2]}) instead of the relationship page with the error at #liftReason")
        visit_and_check(driver, None, "18_lift_error", expect_status=None)
    open_page(driver, relationship_path)
    check(driver.find_elements(By.CSS_SELECTOR, "main .alert"), "lifting without a reason removed the restriction")
    fill(driver, "liftReason", "Polisutredningen lades ned; den närstående vill att den anhörige deltar.")
    click_button(driver, "Häv begränsningen")
    check(path_of(driver) == relationship_path, f"after lifting expected {relationship_path}, got {driver.current_url}")
    check(not driver.find_elements(By.CSS_SELECTOR, "main .alert"), "the red warning is still shown after lifting")
    check("Hävd: Polisutredningen lades ned" in main_text(driver), "the history does not show the lift and its reason")
    check(driver.find_elements(By.LINK_TEXT, "Bjud in till möte"), "after lifting, 'Bjud in till möte' is not offered again")
    visit_and_check(driver, None, "18_relationship_lifted")

    # Edit the relationship; the recipient's page.
    click_link(driver, "Ändra anhörigskapet")
    check(path_of(driver) == relationship_path + "/edit", f"'Ändra anhörigskapet' led to {driver.current_url}")
    chosen = Select(driver.find_element(By.ID, "hoursBand")).first_selected_option.get_attribute("value")
    check(chosen == "from20to34", f"the edit form should show the saved hours (from20to34), shows {chosen!r}")
    check(driver.find_element(By.ID, "tasks-coordination").is_selected(), "the edit form lost the ticked tasks")
    visit_and_check(driver, None, "18_relationship_edit")
    hours = select_value(driver, "hoursBand", "from35to49")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "editing the relationship")
    check(path_of(driver) == relationship_path, f"after editing expected {relationship_path}, got {driver.current_url}")
    check(hours in main_text(driver), f"the relationship page does not show the new hours {hours!r}")
    click_link(driver, recipient_name)
    recipient_path = path_of(driver)
    check(is_uuid_path(recipient_path, "recipients"), f"the recipient link led to {driver.current_url}")
    check(h1_text(driver) == recipient_name, f"recipient h1: {h1_text(driver)!r}")
    check(CAREGIVER["name"] in main_text(driver), "the recipient page does not list the caregiver")
    CAREGIVER["recipient_path"] = recipient_path
    visit_and_check(driver, None, "18_recipient")
    full_page_screenshot(driver, "18_recipient")
    # A new fixed care contact: the caregiver, whose consent covers care and services, is to be told.
    fill(driver, "fixedCareContact", "Sjuksköterska Anna Berg, Vårdcentralen Norra")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "saving the fixed care contact")
    check(path_of(driver) == recipient_path, f"after saving the recipient expected {recipient_path}, got {driver.current_url}")
    check(driver.find_element(By.ID, "fixedCareContact").get_attribute("value").startswith("Sjuksköterska Anna Berg"),
          "the recipient page lost the fixed care contact")
    click_link(driver, CAREGIVER["name"], css="main table a")
    check(path_of(driver) == CAREGIVER["path"], f"the caregiver link on the recipient page led to {driver.current_url}")
    check(any(t.startswith("Informera om ny fast kontakt") for t in record_tasks(driver)),
          f"a new fixed care contact should add 'Informera om ny fast kontakt' to the record: {record_tasks(driver)}")
    open_page(driver, recipient_path)
    click_link(driver, "Till listan över närstående")
    check(path_of(driver) == "/recipients", f"'Till listan över närstående' led to {driver.current_url}")
    fill(driver, "q", recipient_name)
    click_button(driver, "Sök")
    names = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "main ul a")]
    check(recipient_name in names, f"searching /recipients for {recipient_name!r} gives {names}")
    visit_and_check(driver, None, "18_recipients")
    logout(driver)


def test_caregiver_follow_ups(driver):
    ensure_caregiver(driver)
    path = CAREGIVER["path"]

    # 4. Voluntariness "Delvis": a task to discuss relieving the caregiver.
    open_record(driver)
    tick(driver, driver.find_element(By.ID, "answer-partly"))
    partly = driver.find_element(By.CSS_SELECTOR, "label[for='answer-partly']").text.strip()
    fill(driver, "comment", "Orkar inte kvällarna längre.")
    click_button(driver, "Spara svaret")
    check(path_of(driver) == path and urlparse(driver.current_url).fragment == "voluntariness",
          f"after the voluntariness answer expected {path}#voluntariness, got {driver.current_url}")
    history = table_after_heading(driver, "Frivillighet")
    check(history is not None and partly in history.text, f"the voluntariness history does not show {partly!r}")
    check(any(t.startswith("Samtala om att avlasta") for t in record_tasks(driver)),
          f"{partly!r} should add the task 'Samtala om att avlasta den anhörige': {record_tasks(driver)}")
    visit_and_check(driver, None, "19_record_voluntariness")

    # A screening with high answers: a strain follow-up task.
    open_from_record(driver, "Gör en screening", path + "/screening", "19_screening_form")
    check("indikator" in " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice")),
          "the screening form should say it is an indicator, not a validated scale")
    full_page_screenshot(driver, "19_screening_form")
    groups = driver.find_elements(By.CSS_SELECTOR, "main fieldset[id^='item-']")
    check(len(groups) >= 8, f"expected the eight screening questions, found {len(groups)}")
    group_ids = [g.get_attribute("id") for g in groups]
    click_button(driver, "Spara")
    if driver.find_elements(By.CSS_SELECTOR, ".error-summary"):
        listed = check_error_state(driver, "19_screening_error", group_ids[:1])
        warn(len(listed) == len(group_ids), f"app bug: a screening sent with no answers lists only {sorted(listed)} in the "
             f"error summary, not all {len(group_ids)} unanswered questions (FollowUpService.screen reports the first "
             "missing answer only), so the form has to be sent once per question")
    else:
        warn(False, "app bug: a screening with no answers is saved (expected 'Besvara frågan.' for each question)")
        open_page(driver, path + "/screening")
    for group in driver.find_elements(By.CSS_SELECTOR, "main fieldset[id^='item-']"):
        tick(driver, group.find_elements(By.CSS_SELECTOR, "input[type=radio]")[-1])
    click_button(driver, "Spara")
    back_on_record(driver, "saving the screening")
    screenings = table_after_heading(driver, "Belastning och risk för ohälsa")
    check(screenings is not None and "Hög" in body_rows(screenings)[0].text,
          f"the screening should read 'Hög': {screenings.text if screenings is not None else None!r}")
    check(any(t.startswith("Följ upp hög eller stigande belastning") for t in record_tasks(driver)),
          f"a high screening should add a strain follow-up task: {record_tasks(driver)}")

    # A support plan.
    open_from_record(driver, "Skriv eller ändra stödplanen", path + "/plan", "19_plan_form")
    fill(driver, "outcomes", "Kunna sova en hel natt och träffa vänner en kväll i veckan.")
    fill(driver, "agreedSupport", "Avlösning i hemmet torsdagar 17–21.")
    fill(driver, "emergencyPlan", "Ring dottern Eva, 070-111 22 33. Hemtjänsten behöver komma morgon och kväll.")
    click_button(driver, "Spara")
    back_on_record(driver, "saving the support plan")
    plan = driver.find_element(By.CSS_SELECTOR, "main dl.facts--wide").text
    check("Kunna sova en hel natt" in plan and "Ring dottern Eva" in plan, f"the plan is not shown on the record: {plan!r}")
    check(any(t.startswith("Följ upp stödplanen") for t in record_tasks(driver)),
          f"the plan's review date should be a task: {record_tasks(driver)}")

    # A support need pointing at a catalogue offering; then edited.
    open_from_record(driver, "Registrera stödbehov", path + "/support/new", "19_support_form")
    kind = select_value(driver, "needKind", "respiteAtHome")
    select_option(driver, "offering", "Avlösning i hemmet")  # the demo catalogue's entry, by name
    offered = select_value(driver, "status", "offered")
    set_value(driver, "offeredOn", time.strftime("%Y-%m-%d"))
    click_button(driver, "Spara")
    back_on_record(driver, "saving the support need")
    support = table_after_heading(driver, "Stödbehov och stöd")
    check(support is not None and body_rows(support), "the support table is missing")
    row = body_rows(support)[0]
    check(kind in row.text and "Avlösning i hemmet" in row.text and offered in row.text, f"the support row: {row.text!r}")
    click_and_wait_for_new_page(driver, row.find_element(By.TAG_NAME, "a"))
    check(is_uuid_path(path_of(driver), "caregivers", "support"), f"the support link led to {driver.current_url}")
    check(Select(driver.find_element(By.ID, "offering")).first_selected_option.text == "Avlösning i hemmet",
          "the support edit form lost the catalogue offering")
    visit_and_check(driver, None, "19_support_edit")
    given = select_value(driver, "status", "given")
    set_value(driver, "startedOn", time.strftime("%Y-%m-%d"))
    click_button(driver, "Spara")
    back_on_record(driver, "editing the support need")
    check(given in body_rows(table_after_heading(driver, "Stödbehov och stöd"))[0].text, f"the support need is not {given!r}")

    # Feedback, then answered.
    open_from_record(driver, "Registrera synpunkt eller klagomål", path + "/feedback/new", "19_feedback_form")
    tick(driver, driver.find_element(By.ID, "feedbackKind-complaint"))
    complaint = driver.find_element(By.CSS_SELECTOR, "label[for='feedbackKind-complaint']").text.strip()
    received = Select(driver.find_element(By.ID, "feedbackStatus")).first_selected_option.text.strip()
    fill(driver, "summary", "Avlösaren kom en timme för sent två torsdagar i rad.")
    click_button(driver, "Spara")
    back_on_record(driver, "saving the feedback")
    links = [a for a in driver.find_elements(By.XPATH, "//main//h2[@id='feedback-heading']/following-sibling::ul[1]//a")]
    check(len(links) == 1 and complaint in links[0].text and received in links[0].text,
          f"the record should list the {complaint!r} as {received!r}: {[a.text for a in links]}")
    click_and_wait_for_new_page(driver, links[0])
    check(is_uuid_path(path_of(driver), "caregivers", "feedback"), f"the feedback link led to {driver.current_url}")
    visit_and_check(driver, None, "19_feedback_edit")
    answered = select_value(driver, "feedbackStatus", "answered")
    click_button(driver, "Spara")
    check_error_state(driver, "19_feedback_error", ["response"])
    fill(driver, "response", "Vi har talat med utföraren; tiden hålls från och med nu.")
    click_button(driver, "Spara")
    back_on_record(driver, "answering the complaint")
    check(answered in main_text(driver), f"the complaint is not {answered!r} on the record")

    # A memo note, in the red box.
    memo = f"Ring tillbaka efter läkarbesöket på tisdag ({RUN_ID})."
    fill(driver, "memo", memo)
    click_button(driver, "Spara anteckningen")
    check(path_of(driver) == path, f"after the memo expected {path}, got {driver.current_url}")
    boxes = [m for m in driver.find_elements(By.CSS_SELECTOR, "main .memo") if memo in m.text]
    check(len(boxes) == 1 and "Minnesanteckning – gallras" in boxes[0].text, f"the memo is not shown in a .memo box")
    border = driver.execute_script("return getComputedStyle(arguments[0]).borderTopColor;", boxes[0])
    check(int(border[4:].split(",")[0]) > 150 and int(border.split(",")[1]) < 100, f"the memo box is not red: {border}")

    # A conversation in four areas.
    open_from_record(driver, "Dokumentera samtal", path + "/conversations/new", "19_conversation_form")
    click_button(driver, "Spara")
    if driver.find_elements(By.CSS_SELECTOR, ".error-summary"):
        visit_and_check(driver, None, "19_conversation_error", expect_status=422)
    else:
        warn(False, "app bug: an empty conversation is saved (expected 'Skriv något om minst ett av områdena.')")
        open_page(driver, path + "/conversations/new")
    fill(driver, "helpToCare", "Vill lära sig mer om demens och hur man bemöter oro på kvällen.")
    fill(driver, "ownLife", "Har gått ner till halvtid; saknar sin kör.")
    fill(driver, "recipientLife", "Trivs hemma men blir orolig när hemtjänsten byter personal.")
    fill(driver, "serviceQuality", "Avlösningen fungerar nu; vill ha samma personal.")
    fill(driver, "agreedActions", "Anmäla till anhöriggruppen; följa upp om tre månader.")
    click_button(driver, "Spara")
    back_on_record(driver, "saving the conversation")
    conversations = table_after_heading(driver, "Anhörigsamtal")
    check(conversations is not None and "Anmäla till anhöriggruppen" in conversations.text,
          "the conversation's agreed actions are not on the record")
    visit_and_check(driver, None, "19_record_full")
    full_page_screenshot(driver, "19_record_full")

    # The same record in English: every text translated.
    click_link(driver, "English", css="header a")
    check(html_lang(driver) == "en" and path_of(driver) == path, f"'English' led to {driver.current_url} (lang {html_lang(driver)})")
    import re
    keys = sorted(set(re.findall(r"\b(?:caregiver|relationship|consent|restriction|invitation|voluntariness|screening|plan|"
                                 r"support_need|feedback|memo|conversation|task|worklist|recipient|followup)\.[a-z_.]+",
                                 main_text(driver))))
    check(not keys, f"the English record shows untranslated keys: {keys}")
    check("Caregiver" in main_text(driver) or "caregiver" in main_text(driver), "the English record does not read as English")
    visit_and_check(driver, None, "19_record_en")
    click_link(driver, "Svenska", css="header a")
    check(html_lang(driver) == "sv", "switching back should give Swedish")

    # The caregiver's details, edited.
    click_link(driver, "Ändra uppgifter")
    check(path_of(driver) == path + "/edit", f"'Ändra uppgifter' led to {driver.current_url}")
    check(driver.find_element(By.ID, "personalIdentityNumber").get_attribute("value") == "",
          "the edit form puts the personnummer back into the page")
    visit_and_check(driver, None, "19_caregiver_edit")
    works = select_value(driver, "occupation", "works")
    click_button(driver, "Spara")
    back_on_record(driver, "editing the caregiver")
    check(works in driver.find_element(By.CSS_SELECTOR, "main dl.facts").text, f"the record does not show {works!r}")
    check("1912XXXX-XXXX" in main_text(driver),
          "saving the edit form with an empty personnummer field lost the number (the record shows no masked number)")
    logout(driver)

    # The record at phone width.
    phone = new_driver(phone=True)
    try:
        login(phone, CONSULTANT, DEMO_PASSWORD)
        check_signed_in(phone, CONSULTANT)
        open_page(phone, path)
        check(h1_text(phone) == CAREGIVER["name"], f"phone: record h1 {h1_text(phone)!r}")
        visit_and_check(phone, None, "19_phone_record")
        full_page_screenshot(phone, "19_phone_record")
        check_reflow(phone, "19_phone_record")
        if "relationship_path" in CAREGIVER:
            open_page(phone, CAREGIVER["relationship_path"])
            visit_and_check(phone, None, "19_phone_relationship")
            check_reflow(phone, "19_phone_relationship")
    finally:
        phone.quit()


def search_caregivers(driver, query):
    open_page(driver, "/caregivers")
    fill(driver, "q", query)
    click_button(driver, "Sök")
    check(path_of(driver) == "/caregivers", f"searching led to {driver.current_url}")
    return {a.text: urlparse(a.get_attribute("href")).path for a in driver.find_elements(By.CSS_SELECTOR, "main table tbody a")}


def test_caregiver_access_and_search(driver):
    ensure_caregiver(driver)
    path, name = CAREGIVER["path"], CAREGIVER["name"]

    # 6. Search by name (part of it) and by exact personnummer.
    click_link(driver, "Anhöriga", css="nav.main-nav a")
    check(path_of(driver) == "/caregivers", f"nav link 'Anhöriga' led to {driver.current_url}")
    check(h1_text(driver) == "Anhöriga", f"caregivers h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "20_caregivers")
    click_link(driver, "Registrera anhörig")
    check(path_of(driver) == "/caregivers/new", f"'Registrera anhörig' led to {driver.current_url}")
    check(driver.find_element(By.ID, "name").get_attribute("value") == "", "the blank new-caregiver form has a name")
    visit_and_check(driver, None, "20_caregiver_new")
    click_button(driver, "Registrera")
    check_error_state(driver, "20_caregiver_new_error", ["name"], {"name": "Namn"})

    part = name.split()[-1] if RUN_ID in name else name
    found = search_caregivers(driver, part)
    check(found.get(name) == path, f"searching for {part!r} should find {name!r} at {path}: {found}")
    status = driver.find_element(By.CSS_SELECTOR, "main [role=status]").text
    check(status == f"{len(found)} träffar." or status.startswith(f"{len(found)} "),
          f"the search count {status!r} does not match {len(found)} rows")
    check(driver.find_element(By.ID, "q").get_attribute("value") == part, "the search field lost the query")
    visit_and_check(driver, None, "20_search_name")
    found = search_caregivers(driver, PIN_VALID)
    check(found.get(name) == path, f"searching for the personnummer should find {name!r}: {found}")
    check(PIN_VALID not in main_text(driver).replace(driver.find_element(By.ID, "q").get_attribute("value"), ""),
          "the result list shows the personnummer")
    warn(PIN_VALID.replace("-", "") not in driver.current_url and PIN_VALID not in driver.current_url,
         "app bug: the caregiver search form sends the personnummer with GET, so it ends up in the address "
         f"({urlparse(driver.current_url).path}?{urlparse(driver.current_url).query}), the browser history and any "
         "proxy log; the API avoids this with POST /api/v1/caregivers/search")
    visit_and_check(driver, None, "20_search_pin")
    found = search_caregivers(driver, PIN_WRONG_CHECK_DIGIT)
    check(name not in found, f"a personnummer with another check digit finds {name!r}")
    open_page(driver, "/recipients")
    visit_and_check(driver, None, "20_recipients")

    # The register's settings (consultants and administrators): saved unchanged.
    click_link(driver, "Inställningar anhörigregister", css="nav.main-nav a")
    check(path_of(driver) == "/caregivers/settings", f"nav link 'Inställningar anhörigregister' led to {driver.current_url}")
    months = driver.find_element(By.ID, "voluntarinessMonths").get_attribute("value")
    days = driver.find_element(By.ID, "memoRetentionDays").get_attribute("value")
    check(months.isdigit() and days.isdigit(), f"the settings form shows {months!r} months and {days!r} days")
    visit_and_check(driver, None, "20_settings")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "saving the settings unchanged")
    check(path_of(driver) == "/caregivers/settings", f"after saving the settings got {driver.current_url}")
    check(driver.find_element(By.ID, "memoRetentionDays").get_attribute("value") == days, "saving unchanged changed the memo days")
    saved = driver.find_elements(By.CSS_SELECTOR, "main .notice")
    check(saved, "saving the settings shows no confirmation")
    warn(saved[0].get_attribute("role") == "status" and "notice--warning" not in (saved[0].get_attribute("class") or ""),
         f"app bug: 20_settings_saved: the confirmation {saved[0].text!r} is shown as a warning (.notice--warning) without "
         "role=status: shared/form.leaf has one notice slot for warnings and confirmations alike")
    visit_and_check(driver, None, "20_settings_saved")
    logout(driver)

    # 5. Staff (Hemtjänst Norra) do not see a caregiver registered without their unit …
    login(driver, STAFF, DEMO_PASSWORD)
    check_signed_in(driver, STAFF)
    click_link(driver, "Anhöriga", css="nav.main-nav a")
    check(path_of(driver) == "/caregivers", f"staff: nav link 'Anhöriga' led to {driver.current_url}")
    visit_and_check(driver, None, "20_staff_caregivers")
    found = search_caregivers(driver, name)
    check(name not in found, f"staff outside the caregiver's units find {name!r} in the search")
    open_page(driver, path)
    check(h1_text(driver) == "Sidan finns inte", f"staff opening the record should get the 404 page, h1 {h1_text(driver)!r}")
    check(name not in driver.find_element(By.TAG_NAME, "body").text, "the 404 page names the caregiver")
    visit_and_check(driver, None, "20_staff_record_404", expect_status=404)
    if "relationship_path" in CAREGIVER:
        open_page(driver, CAREGIVER["relationship_path"])
        check(http_status(driver) == 404, f"staff opening the relationship should get 404, got {http_status(driver)}")
        open_page(driver, CAREGIVER["recipient_path"])
        check(http_status(driver) == 404, f"staff opening the person cared for should get 404, got {http_status(driver)}")
    logout(driver)

    # … until the consultant registers the caregiver at their unit.
    login(driver, CONSULTANT, DEMO_PASSWORD)
    check_signed_in(driver, CONSULTANT)
    open_page(driver, path + "/edit")
    select_option(driver, "unit", STAFF_UNIT)
    click_button(driver, "Spara")
    check_no_form_errors(driver, "registering the caregiver at a unit")
    logout(driver)
    login(driver, STAFF, DEMO_PASSWORD)
    check_signed_in(driver, STAFF)
    found = search_caregivers(driver, name)
    check(found.get(name) == path, f"staff at {STAFF_UNIT} should now find {name!r}: {found}")
    click_link(driver, name, css="main table a")
    check(path_of(driver) == path and h1_text(driver) == name, f"staff opening the record got {driver.current_url}")
    if "relationship_path" in CAREGIVER:
        open_page(driver, CAREGIVER["relationship_path"])
        check(not driver.find_elements(By.ID, "liftReason"), "staff are offered to lift a restriction")
    open_page(driver, path)
    visit_and_check(driver, None, "20_staff_record")
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
    ("10 development plan: goal, action, follow-up, routines", test_development_plan),
    ("11 question banks: official read-only, own version edited", test_question_banks),
    ("12 decisions: impact analysis, requirement, procurement", test_decisions),
    ("13 viewer reads, cannot manage", test_viewer_cannot_manage),
    ("14 caregiver on a phone finds a break in Finnish and asks to be contacted", test_caregiver_on_phone),
    ("15 consultant sees the request and closes it", test_consultant_closes_request),
    ("16 catalogue keeper: stale flags, edit, new offering published, organisation", test_catalogue_keeper),
    ("17 consultant's day: worklist, a contact request turned into a record", test_consultant_registers_caregiver),
    ("18 record: person cared for, consent, SIP invitation, restriction lifted", test_relationship_consent_restriction),
    ("19 record: voluntariness, screening, plan, support, feedback, memo, conversation", test_caregiver_follow_ups),
    ("20 unit-scoped staff; search by name and personnummer", test_caregiver_access_and_search),
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
