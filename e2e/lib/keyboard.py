"""Using a page with the keyboard only (WCAG 2.1.1, 2.1.2, 2.4.3, 2.4.7): real key presses through
selenium's ActionChains — Tab, Shift+Tab, Enter, Space, the arrow keys and typed text — and checks
that every control can be reached with Tab, that Tab never gets stuck, and that focus is visible
(the focused control's outline or box-shadow differs from how it looks unfocused)."""

import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from lib.checks import TestFailure, check
from lib.driver import replaced, wait, wait_ready
from selenium.webdriver.common.by import By

# Marks each control that can take focus and records how it looks unfocused. Radio buttons of one
# group are one stop (the arrow keys move within it), so they share a key.
MARK_CONTROLS_JS = """
var sel = 'a[href], button, input, select, textarea, summary, [tabindex]';
var out = [], n = 0;
document.querySelectorAll(sel).forEach(function (e) {
  var s = getComputedStyle(e);
  if (e.disabled || e.tabIndex < 0 || e.type === 'hidden' || s.visibility === 'hidden' ||
      e.closest('[hidden], [inert], [aria-hidden=true]') || e.getClientRects().length === 0) { return; }
  var d = e.closest('details'); if (d && !d.open && e.tagName !== 'SUMMARY' && !e.closest('summary')) { return; }
  var key = e.type === 'radio' && e.name ? 'radio:' + (e.form ? Array.prototype.indexOf.call(document.forms, e.form) : '-') + ':' + e.name
                                          : 'c' + (n++);
  e.setAttribute('data-kb', key);
  e.setAttribute('data-kb-look', [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join('|'));
  if (out.indexOf(key) < 0) { out.push(key); }
});
return out;
"""

# The focused element: its key, a label for messages, and whether focus shows.
FOCUSED_JS = """
var e = document.activeElement;
if (!e || e === document.body || e === document.documentElement) { return null; }
var s = getComputedStyle(e);
var now = [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join('|');
var outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
var shadow = s.boxShadow && s.boxShadow !== 'none';
var label = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : '') +
            ' "' + (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 40) + '"';
return {key: e.getAttribute('data-kb'), label: label, type: e.type || '',
        visible: (outline || shadow) && now !== e.getAttribute('data-kb-look')};
"""


def press(driver, *keys):
    chain = ActionChains(driver)
    for key in keys:
        chain.send_keys(key)
    chain.perform()


def shift_tab(driver):
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()


def focused(driver):
    return driver.execute_script(FOCUSED_JS)


class Stats:
    """What the keyboard runs counted, for the figures."""
    pages = 0
    tab_stops = 0
    controls = 0


def audit_tab_order(driver, label):
    """From the top of the page, Tab through every stop until focus comes round again. Returns a
    list of problems: controls Tab never reached, stops without a visible focus, a trap. Shift+Tab
    must then step back to the stop before the last."""
    driver.execute_script("if (document.activeElement) { document.activeElement.blur(); } window.scrollTo(0, 0);")
    expected = driver.execute_script(MARK_CONTROLS_JS)
    problems, reached, order = [], set(), []
    stuck = nones = 0
    for _ in range(len(expected) * 2 + 10):
        press(driver, Keys.TAB)
        now = focused(driver)
        if now is None:  # past the last control focus leaves the page, then comes round to the first
            nones += 1
            if nones >= 3:
                break
            continue
        if order and now["key"] == order[0] and len(order) > 1:
            break  # round again
        if order and now["key"] == order[-1]:
            # A date or time field takes one Tab per part (year, month, day) before it lets go.
            stuck += 1
            if stuck >= (5 if now["type"] in ("date", "time", "datetime-local", "month", "week") else 2):
                problems.append(f"{label}: Tab does not leave {now['label']} (a keyboard trap)")
                break
            continue
        stuck = 0
        order.append(now["key"])
        reached.add(now["key"])
        if not now["visible"]:
            problems.append(f"{label}: focus is not visible on {now['label']}")
        if len(order) == 3:  # Shift+Tab steps back one stop, and Tab forward again
            shift_tab(driver)
            back = focused(driver)
            if back is None or back["key"] != order[1]:
                problems.append(f"{label}: Shift+Tab from {now['label']} did not go back to the stop before")
            press(driver, Keys.TAB)
    missing = [k for k in expected if k not in reached]
    if missing:
        names = driver.execute_script(
            "return arguments[0].map(function (k) { var e = document.querySelector('[data-kb=\"' + k + '\"]');"
            " return e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.innerText || e.name || '').trim().slice(0, 30) : k; });",
            missing)
        problems.append(f"{label}: Tab never reaches {', '.join(names)}")
    Stats.pages += 1
    Stats.tab_stops += len(order)
    Stats.controls += len(expected)
    return problems


def tab_to(driver, css=None, text=None, limit=250, backwards=False):
    """Tabs (or Shift+Tabs) until the focused element matches css and/or starts with text."""
    for _ in range(limit):
        shift_tab(driver) if backwards else press(driver, Keys.TAB)
        element = driver.switch_to.active_element
        if css and not driver.execute_script("return arguments[0].matches(arguments[1])", element, css):
            continue
        if text is not None:
            shown = (element.text or element.get_attribute("value") or "").strip()
            if not shown.startswith(text):
                continue
        return element
    raise TestFailure(f"Tab never reached {css or ''} {text or ''} on {driver.current_url}")


def tab_to_field(driver, field_id):
    return tab_to(driver, css=f"#{field_id}")


def type_into(driver, field_id, text):
    """Tabs to the field and types (select-all first, so a kept value is replaced)."""
    tab_to_field(driver, field_id)
    if text:
        ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(text).perform()


def choose_with_arrows(driver, field_id, value, limit=60):
    """A select chosen with the arrow keys (Chromium changes a closed select's value with them)."""
    element = tab_to_field(driver, field_id)
    for key in (Keys.ARROW_DOWN, Keys.ARROW_UP):
        for _ in range(limit):
            if element.get_attribute("value") == value:
                return
            before = element.get_attribute("value")
            press(driver, key)
            if element.get_attribute("value") == before:
                break
    check(element.get_attribute("value") == value, f"#{field_id}: the arrow keys never chose {value!r}")


def enter_and_wait(driver):
    """Enter on the focused link or button, and wait for the page it leads to."""
    old_html = driver.find_element(By.TAG_NAME, "html")
    press(driver, Keys.ENTER)
    wait(driver).until(replaced(old_html))
    wait_ready(driver)


def space(driver):
    press(driver, Keys.SPACE)
    time.sleep(0.05)
