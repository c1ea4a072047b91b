"""Sign-in with e-ID through a real OpenID Connect provider (oidc-provider-mock on loopback,
started by scripts/test): an administrator sets the provider up and records a consultant's
HSA-id; the consultant, signed in with a password only, is sent to step up before a record
opens, signs in through the provider and reaches it; an unknown identity is refused; signing
out goes through the provider's end-session page."""

import json
import os
import urllib.request

from selenium.webdriver.common.by import By

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD
from lib.demo import CONSULTANT
from lib.driver import click_and_wait_for_new_page, open_page, path_of, wait
from lib.forms import fill, select_value, submit_form_of, tick, untick
from lib.login import check_signed_in, login, login_as_admin, logout
from lib.page import click_link, element_with_text, h1_text, main_text

ISSUER = os.environ.get("SYNLIG_OIDC_ISSUER", "").rstrip("/")
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
CONSULTANT_HSA_ID = "SE2321000016-E2E1"
PROVIDER_NAME = "SITHS eID (test)"


def provider_user(sub, claims):
    """Tells the provider which claims its user `sub` gets (oidc-provider-mock's PUT /users)."""
    request = urllib.request.Request(f"{ISSUER}/users/{sub}", data=json.dumps(claims).encode(),
                                     headers={"Content-Type": "application/json"}, method="PUT")
    with urllib.request.urlopen(request, timeout=10) as answer:
        check(answer.status in (200, 204), f"the provider refused the test user {sub}: {answer.status}")


def authenticate_at_provider(driver, sub):
    """On the provider's own page: types the subject and authorizes, as its user would."""
    field = wait(driver).until(lambda d: d.find_element(By.NAME, "sub"))
    check(driver.current_url.startswith(ISSUER), f"expected the provider's page, got {driver.current_url}")
    field.send_keys(sub)
    click_and_wait_for_new_page(driver, field.find_element(By.XPATH, "./ancestor::form//button[@type='submit']"))


def set_up_provider(driver):
    """The administrator's part: the provider, the consultant's HSA-id, strong sign-in for records."""
    login_as_admin(driver)
    open_page(driver, "/admin/sign-in")
    visit_and_check(driver, None, "60_admin_sign_in")
    check("/login/eid/callback" in main_text(driver), "the settings page does not show the redirect URI to register")
    existing = [a for a in driver.find_elements(By.CSS_SELECTOR, "main table a") if a.text.strip() == PROVIDER_NAME]
    if existing:
        click_and_wait_for_new_page(driver, existing[0])
    else:
        click_link(driver, "Lägg till identitetsleverantör")
        visit_and_check(driver, None, "61_identity_provider_form")
    fill(driver, "name", PROVIDER_NAME)
    fill(driver, "issuer", ISSUER)
    fill(driver, "clientID", "synlig-e2e")
    select_value(driver, "clientAuthentication", "client_secret_basic")
    fill(driver, "clientSecret", "e2e-client-secret")
    fill(driver, "userClaim", "employeeHsaId")
    fill(driver, "requiredAssurance", LOA3)
    submit_form_of(driver, driver.find_element(By.ID, "requiredAssurance"))
    check(path_of(driver) == "/admin/sign-in", f"saving the provider led to {driver.current_url}: {main_text(driver)[:300]}")
    check(PROVIDER_NAME in main_text(driver), "the new provider is not listed")

    open_page(driver, "/admin/users")
    row = next((r for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr") if CONSULTANT in r.text), None)
    check(row is not None, f"the user list has no row for {CONSULTANT}")
    click_and_wait_for_new_page(driver, row.find_element(By.TAG_NAME, "a"))
    fill(driver, "signInIdentity", CONSULTANT_HSA_ID)
    submit_form_of(driver, driver.find_element(By.ID, "signInIdentity"))
    check(path_of(driver) == "/admin/users", f"saving the HSA-id led to {driver.current_url}")

    set_strong_sign_in(driver, True)
    logout(driver)


def set_strong_sign_in(driver, required):
    open_page(driver, "/admin/sign-in")
    box = driver.find_element(By.ID, "recordsNeedStrongSignIn")
    tick(driver, box) if required else untick(driver, box)
    submit_form_of(driver, box)
    check(path_of(driver) == "/admin/sign-in", f"saving the sign-in rules led to {driver.current_url}")


def test_eid_sign_in(driver):
    check(ISSUER, "SYNLIG_OIDC_ISSUER is not set: scripts/test starts oidc-provider-mock and sets it")
    provider_user(CONSULTANT_HSA_ID, {"employeeHsaId": CONSULTANT_HSA_ID, "acr": LOA3})
    provider_user("SE2321000016-NOBODY", {"employeeHsaId": "SE2321000016-NOBODY", "acr": LOA3})
    set_up_provider(driver)
    try:
        # The login page offers the provider.
        open_page(driver, "/login")
        visit_and_check(driver, None, "62_login_with_eid")
        element_with_text(driver, "main a.button", "Logga in med e-legitimation / SITHS", starts_with=True)

        # Signed in with a password only, the consultant is sent to step up before the register opens.
        login(driver, CONSULTANT, DEMO_PASSWORD)
        check_signed_in(driver, CONSULTANT)
        open_page(driver, "/caregivers")
        check(path_of(driver) == "/login/step-up", f"a password session reached {driver.current_url} without stepping up")
        visit_and_check(driver, None, "63_step_up")
        click_and_wait_for_new_page(driver, element_with_text(driver, "main a", "Logga in med e-legitimation / SITHS", starts_with=True))
        authenticate_at_provider(driver, CONSULTANT_HSA_ID)
        check(path_of(driver) == "/caregivers", f"after e-ID the consultant landed on {driver.current_url}")
        check(h1_text(driver).startswith("Anhöriga") or "anhörig" in h1_text(driver).lower(), f"the register's h1 is {h1_text(driver)!r}")
        visit_and_check(driver, None, "64_register_after_eid")

        # Signing out goes through the provider's end-session page and back to Synlig's login.
        button = driver.find_element(By.CSS_SELECTOR, "header form.inline-form button[type=submit]")
        click_and_wait_for_new_page(driver, button)
        wait(driver).until(lambda d: d.current_url.startswith(ISSUER))
        click_and_wait_for_new_page(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        check(path_of(driver) == "/login", f"after the provider's sign-out the browser is at {driver.current_url}")
        open_page(driver, "/caregivers")
        check(path_of(driver) == "/login", "after sign-out the register still opens")

        # An identity with no account is refused with a clear page.
        open_page(driver, "/login")
        click_and_wait_for_new_page(driver, element_with_text(driver, "main a.button", "Logga in med e-legitimation / SITHS", starts_with=True))
        authenticate_at_provider(driver, "SE2321000016-NOBODY")
        check("finns inget konto i Synlig" in main_text(driver), f"an unknown identity got: {main_text(driver)[:300]}")
        visit_and_check(driver, None, "65_unknown_identity", expect_status=403)
        open_page(driver, "/caregivers")
        check(path_of(driver) == "/login", "an unknown identity was signed in")
    finally:
        # Leave the demo as the other scenarios expect it: passwords read records again.
        driver.delete_all_cookies()
        login_as_admin(driver)
        set_strong_sign_in(driver, False)
