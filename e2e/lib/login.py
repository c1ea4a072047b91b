"""Signing in and out through the login page, as a person does."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from lib.checks import TestFailure, check
from lib.config import DEMO_PASSWORD
from lib.demo import ADMIN_EMAIL
from lib.driver import click_and_wait_for_new_page, open_page, path_of, wait
from lib.forms import fill, submit_form_of


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


def sign_in(driver, email, totp_secret=None):
    """Signs in as a person does, with the second step where the account asks for one: the code
    from the authenticator app (computed from totp_secret). Ends on the start page."""
    from lib.totp import totp_code
    login(driver, email, DEMO_PASSWORD)
    if path_of(driver) == "/login/second-factor":
        check(totp_secret, f"{email} has two-step verification on; pass its secret to sign_in")
        code = fill(driver, "code", totp_code(totp_secret))
        submit_form_of(driver, code)
    check_signed_in(driver, email)
