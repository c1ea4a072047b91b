"""Reading and using a page: headings, links and buttons, tables, where focus and layout are."""

from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from lib.checks import TestFailure, check
from lib.driver import click_and_wait_for_new_page, path_of, wait


def h1_text(driver):
    return wait(driver).until(EC.presence_of_element_located((By.TAG_NAME, "h1"))).text


def html_lang(driver):
    return driver.find_element(By.TAG_NAME, "html").get_attribute("lang")


def nav_hrefs(driver):
    links = driver.find_elements(By.CSS_SELECTOR, "nav.main-nav a")
    return [urlparse(a.get_attribute("href")).path for a in links]


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


def follow_link(driver, text, path, heading, css="main a"):
    """Clicks a link and checks where it led: the path and the page's h1."""
    click_link(driver, text, css=css)
    check(path_of(driver) == path, f"link {text!r} led to {driver.current_url}, expected {path}")
    check(h1_text(driver) == heading, f"link {text!r} led to a page with h1 {h1_text(driver)!r}, expected {heading!r}")


def click_button(driver, text):
    """Clicks a submit button in main whose visible text starts with text (some carry a
    visually hidden suffix for screen readers)."""
    click_and_wait_for_new_page(driver, element_with_text(driver, "main button", text, starts_with=True))


def duplicate_ids(driver):
    return driver.execute_script(
        "var seen = {}, dups = [];"
        "document.querySelectorAll('[id]').forEach(function (e) {"
        "  if (seen[e.id] === 1) { dups.push(e.id); } seen[e.id] = (seen[e.id] || 0) + 1; });"
        "return dups;")


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
    check(widths[0] <= widths[1], f"{name}: the page is {widths[0]} px wide in a {widths[1]} px phone "
          f"viewport and scrolls sideways (WCAG 1.4.10 Reflow); too wide: {', '.join(wide)} ({driver.current_url})")


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


def is_uuid_path(path, *prefix):
    parts = path.strip("/").split("/")
    return parts[:len(prefix)] == list(prefix) and len(parts) == len(prefix) + 1 and len(parts[-1]) == 36
