"""Administration: every admin page, a unit and a user created, and a staff user kept out."""

from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import RUN_ID
from lib.driver import click_and_wait_for_new_page, open_page, path_of, wait
from lib.forms import fill, submit_form_of
from lib.login import check_signed_in, login, login_as_admin, logout
from lib.page import h1_text, nav_hrefs


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
        ("/admin/jobs", "03_admin_jobs"),
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

    try:  # the month's sample leads to a documented log review, which the list then shows
        open_page(driver, "/admin/access-log")
        click_and_wait_for_new_page(driver, driver.find_element(By.CSS_SELECTOR, "main a[href*='reviews/new?']"))
        check(driver.find_element(By.ID, "periodFrom").get_attribute("value"), "the sample's period is not filled in")
        visit_and_check(driver, None, "03_admin_access_log_review_new")
        Select(driver.find_element(By.ID, "conclusion")).select_by_value("noRemarks")
        submit_form_of(driver, driver.find_element(By.ID, "scope"))
        check("Loggkontrollen är dokumenterad." in driver.page_source, "the saved review is not confirmed")
        visit_and_check(driver, None, "03_admin_access_log_reviewed")
    except Exception as error:
        failures.append(f"log review: {error}")

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
