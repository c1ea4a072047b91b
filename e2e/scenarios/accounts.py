"""Accounts: signing in, the language switch, each demo role's start page, the skip link, and what
a read-only viewer may not do."""

from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from lib.axe import axe_check, visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD
from lib.demo import ADMIN_EMAIL, DEMO_ROLES
from lib.driver import click_and_wait_for_new_page, open_page, path_of, wait
from lib.forms import fill, submit_form_of
from lib.login import check_signed_in, login, login_as_admin, logout
from lib.page import click_link, h1_text, html_lang, nav_hrefs
from lib.screenshots import full_page_screenshot, screenshot
from lib.totp import totp_code


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


CREATE_BUTTONS = ("Starta en kartläggning", "Nytt mål", "Skapa mål", "Ny konsekvensanalys")


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


SECOND_FACTOR_USER = "politiker@exempel.se"  # read-only viewer: no other scenario depends on its sign-in after this one


def test_second_factor(driver):
    """A demo user turns on two-step verification with the QR page, signs out, signs in with a
    code from the app, and turns it off again with a reserve code, leaving the demo as it was."""
    # Before enrolment, the step-up page explains what to do.
    login(driver, SECOND_FACTOR_USER, DEMO_PASSWORD)
    check_signed_in(driver, SECOND_FACTOR_USER)
    visit_and_check(driver, "/login/step-up?return=/", "27_step_up_not_enrolled")
    check(driver.find_elements(By.CSS_SELECTOR, 'main a[href="/account/second-factor"]'),
          "step-up without an app should link to /account/second-factor")

    open_page(driver, "/account/password")
    click_and_wait_for_new_page(driver, driver.find_element(By.CSS_SELECTOR, 'main a[href="/account/second-factor"]'))
    check(h1_text(driver) == "Tvåstegsverifiering", f"enrolment h1: {h1_text(driver)!r}")
    svg = driver.find_element(By.CSS_SELECTOR, "main svg.qr-code")
    check(svg.get_attribute("role") == "img" and svg.get_attribute("aria-label"), "the QR code needs role=img and a label")
    check(svg.size["width"] >= 150, f"the QR code is drawn too small: {svg.size}")
    visit_and_check(driver, None, "27_second_factor_enrol")
    full_page_screenshot(driver, "27_second_factor_enrol")
    secret = driver.find_element(By.ID, "secret-key").text
    check(len(secret.replace(" ", "")) == 32, f"the key should be 32 base32 characters, shown {secret!r}")
    code = driver.find_element(By.ID, "code")
    check(code.get_attribute("autocomplete") == "one-time-code" and code.get_attribute("inputmode") == "numeric",
          "the code field should say autocomplete=one-time-code, inputmode=numeric")
    fill(driver, "code", totp_code(secret))
    submit_form_of(driver, code)
    reserve = [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, ".recovery-codes code")]
    check(len(reserve) == 10, f"expected 10 reserve codes, got {reserve}")
    visit_and_check(driver, None, "27_second_factor_codes", expect_status=None)
    logout(driver)

    # The password alone is not enough any more.
    login(driver, SECOND_FACTOR_USER, DEMO_PASSWORD)
    check(path_of(driver) == "/login/second-factor", f"sign-in should ask for the code, got {driver.current_url}")
    visit_and_check(driver, None, "27_second_factor_code")
    fill(driver, "code", "000000" if totp_code(secret, 1) != "000000" else "111111")
    submit_form_of(driver, driver.find_element(By.ID, "code"))
    check(driver.find_elements(By.CSS_SELECTOR, ".error-summary"), "a wrong code should show the error summary")
    visit_and_check(driver, None, "27_second_factor_code_error", expect_status=None)
    # The next step's code: the enrolment used this step's, and a code is accepted once.
    fill(driver, "code", totp_code(secret, 1))
    submit_form_of(driver, driver.find_element(By.ID, "code"))
    check_signed_in(driver, SECOND_FACTOR_USER)
    open_page(driver, "/login/step-up?return=/account/password")
    check(path_of(driver) == "/account/password", "a strong session is not asked to step up again")

    # Turn it off with a reserve code, so the demo is as before.
    open_page(driver, "/account/second-factor")
    driver.find_element(By.CSS_SELECTOR, "details.recovery summary").click()
    field = fill(driver, "recovery-code", reserve[0])
    submit_form_of(driver, field)
    check("Tvåstegsverifieringen är borttagen." in driver.find_element(By.TAG_NAME, "main").text,
          "removing with a reserve code should say it is removed")
    logout(driver)
    login(driver, SECOND_FACTOR_USER, DEMO_PASSWORD)
    check_signed_in(driver, SECOND_FACTOR_USER)
