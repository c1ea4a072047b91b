#!/usr/bin/env python3
"""Browser end-to-end tests for Synlig: headless Chromium via Selenium, every page
checked with axe-core (WCAG 2.0/2.1 A and AA) and screenshotted.

Environment:
  SYNLIG_BASE_URL       default http://127.0.0.1:8080
  SYNLIG_DEMO_PASSWORD  required: the password of the demo users (serve --demo)
  AXE_JS                path to axe.min.js; default: the copy inside axe_playwright_python
  CHROME_BIN            default /usr/bin/chromium
  CHROMEDRIVER          default /usr/bin/chromedriver

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
# Unique per run, so the suite can run again against the same server and data.
RUN_ID = time.strftime("%Y%m%d%H%M%S") + f"-{os.getpid()}"


class TestFailure(AssertionError):
    pass


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


TESTS = [
    ("1 login page (anonymous, Swedish)", test_login_page_anonymous),
    ("2 wrong password shows error", test_login_wrong_password),
    ("3 admin pages", test_admin_pages),
    ("4 admin creates unit + empty-name error", test_admin_creates_unit),
    ("5 admin creates user; staff user is denied admin", test_admin_creates_user_and_role_limits),
    ("6 language switch", test_language_switch),
    ("7 demo roles sign in", test_demo_roles),
    ("8 keyboard: skip link first", test_keyboard_skip_link),
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

    passed, failed = 0, []
    for title, test in TESTS:
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

    if failed:
        print("\nFailures:")
        for title, _reason in failed:
            print(f"  - {title}")
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
