"""Filling in forms, and the one way every form's error state is checked."""

from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from lib.axe import visit_and_check
from lib.checks import check
from lib.driver import click_and_wait_for_new_page, path_of, wait
from lib.page import scroll_to_middle


def fill(driver, field_id, value):
    element = wait(driver).until(EC.presence_of_element_located((By.ID, field_id)))
    element.clear()
    element.send_keys(value)
    return element


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


def submit_form_of(driver, element):
    """Clicks the submit button of the form that holds element."""
    form = element.find_element(By.XPATH, "ancestor::form")
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    click_and_wait_for_new_page(driver, button)


def select_option(driver, field_id, label):
    select = Select(wait(driver).until(EC.presence_of_element_located((By.ID, field_id))))
    labels = [o.text.strip() for o in select.options]
    check(label in labels, f"#{field_id} has no option {label!r}; options: {labels}")
    select.select_by_visible_text(label)
    return select


def select_value(driver, field_id, value):
    """Chooses the option with this value (vocabulary labels are worded by others and change);
    returns the option's label, to look for on the page afterwards."""
    select = Select(scroll_to_middle(driver, wait(driver).until(EC.presence_of_element_located((By.ID, field_id)))))
    values = [o.get_attribute("value") for o in select.options]
    check(value in values, f"#{field_id} has no option with value {value!r}; values: {values}")
    select.select_by_value(value)
    return select.first_selected_option.text.strip()


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


def form_errors(driver):
    """The texts of any error summary items and field errors on the page."""
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".error-summary li, .field-error") if e.text]


def check_no_form_errors(driver, what):
    errors = form_errors(driver)
    check(not errors, f"{what} failed at {driver.current_url}: " + " | ".join(errors))


def check_error_state(driver, name, fields, labels=None):
    """A form sent back with errors: status 422, "Fel:" in the title, an error summary that links
    to every field given (each target present) and names it first (labels: field id -> label), each
    such field marked invalid, axe clean."""
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
    check(not not_invalid, f"{name}: fields with an error lack aria-invalid=\"true\" and an aria-describedby "
          f"to their .field-error (#{', #'.join(not_invalid)}) (POST {path_of(driver)})")
    unnamed = [f"#{f} {items[f]!r} (expected {labels[f]!r} first)" for f in (labels or {})
               if f in items and not items[f].startswith(labels[f])]
    check(not unnamed, f"{name}: error summary items do not name their field: " + "; ".join(unnamed))
    check(driver.title.startswith("Fel:"), f"{name}: page title should start with 'Fel:', got {driver.title!r}")
    visit_and_check(driver, None, name, expect_status=422)
    return items
