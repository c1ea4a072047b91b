"""Hostile text typed into every kind of form in Chromium (issue 14, suite 3), a sample of the inputs
the Swift suite (HostileFormTests, HostileAPIBodyTests) sends to every field: markup that breaks
out of an attribute or a text area, in every text field of each form a role reaches by links.
Whether the server refuses or keeps it, the page that comes back (a form shown again with the
text in its fields, or the record it saved) must run nothing and grow no element; so must every
page the roles reach afterwards, now that the texts are stored. And valid Swedish text typed
into a page comes back byte for byte through the API, and the other way round."""

import json
import os
import time
import urllib.request
from collections import deque
from urllib.parse import urlparse

from lib.checks import check
from lib.config import BASE_URL, DEMO_PASSWORD, RUN_ID
from lib.demo import ADMIN_EMAIL, CONSULTANT, MUNICIPALITY_PATH
from lib.driver import open_page, path_of, wait, wait_ready, replaced
from lib.login import login
from lib.routes import RouteMatcher, get_routes
from selenium.common.exceptions import WebDriverException
from scenarios.hostile_input import ALERT_TRAP, check_nothing_ran

# Markup for an attribute (inputs are shown again as value="…") and for a text area's content.
BREAKER = f'"><img src=x onerror=alert(1)> Öberg {RUN_ID}'
AREA_BREAKER = f"</textarea><script>alert('{RUN_ID}')</script><img src=x onerror=alert(2)> Åsa"
SWEDISH = "Åsa Öberg-Ärlig d'Été"

# Forms the sweep does not submit: they sign out, end sessions or accounts, or switch language;
# submitted with any text they would take the role's session or data away from the rest.
SKIP_ACTIONS = ("logout", "language", "password", "second-factor", "deactivate", "sessions", "delete", "remove",
                "eid", "login", "setup", "step-up")
SKIP_LINKS = ("logout", "language", "export", "print", "download", "fhir", "eid", ".csv", ".pdf", ".json", ".svg")
PAGES_PER_ROLE = 80
# The whole sweep, crawl, submissions and re-reads, stops by itself after this; it must still have
# tried MIN_FORMS forms. What it proves that the Swift suite (which sees every form and every
# field) cannot: that nothing runs in a real browser.
SECONDS = 150
MIN_FORMS = 25

FORMS_JS = """
return Array.prototype.map.call(document.querySelectorAll('form'), function (f, i) {
  var fields = Array.prototype.filter.call(f.elements, function (e) {
    return e.name && e.name !== '_csrf' && !e.disabled && !e.readOnly &&
      (e.tagName === 'TEXTAREA' || (e.tagName === 'INPUT' && ['text', 'email', 'tel', 'search', 'url', ''].indexOf(e.type) >= 0));
  }).map(function (e) { return e.name; });
  return [i, new URL(f.action, location.href).pathname, (f.method || 'get').toUpperCase(), fields];
});
"""

FILL_JS = """
var form = document.querySelectorAll('form')[arguments[0]], line = arguments[1], area = arguments[2];
Array.prototype.forEach.call(form.elements, function (e) {
  if (!e.name || e.name === '_csrf' || e.disabled || e.readOnly) return;
  if (e.tagName === 'TEXTAREA') e.value = area;
  else if (e.tagName === 'INPUT' && ['text', 'email', 'tel', 'search', 'url', ''].indexOf(e.type) >= 0) e.value = line;
});
"""


def crawl(driver, matcher, starts, deadline):
    """One page per route pattern, by links: the pages seen and the forms on them."""
    queue, seen, shapes, pages, forms = deque(starts), set(starts), set(), [], []
    while queue and len(pages) < PAGES_PER_ROLE and time.time() < deadline:
        path = queue.popleft()
        open_page(driver, path)
        here = urlparse(driver.current_url)
        if here.netloc != urlparse(BASE_URL).netloc:
            continue
        pages.append(here.path + (("?" + here.query) if here.query else ""))
        for index, action, method, fields in driver.execute_script(FORMS_JS):
            if fields:
                forms.append((pages[-1], index, action, method, fields))
        for href in driver.execute_script("return Array.prototype.map.call(document.querySelectorAll('a[href]'), function (a) { return a.href; });"):
            link = urlparse(href)
            if link.netloc != here.netloc or any(s in link.path.lower() for s in SKIP_LINKS) or link.path.startswith("/api/"):
                continue
            shape = matcher.pattern_of(link.path)
            if shape is None or shape in shapes:
                continue
            shapes.add(shape)
            target = link.path + (("?" + link.query) if link.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return pages, forms


def submit_hostile(driver, page, index, where):
    open_page(driver, page)
    old = driver.find_element("tag name", "html")
    driver.execute_script(FILL_JS, index, BREAKER, AREA_BREAKER)
    # submit() skips the browser's own checks (type=email, maxlength): the server is what is tried.
    driver.execute_script("document.querySelectorAll('form')[arguments[0]].submit();", index)
    wait(driver).until(replaced(old))
    wait_ready(driver)
    check_nothing_ran(driver, where, [])


def open_checked(driver, page, where):
    """Opens a page and checks it; a navigation Chromium reports as failed is tried once more."""
    try:
        open_page(driver, page)
    except WebDriverException:
        time.sleep(0.5)
        open_page(driver, page)
    check_nothing_ran(driver, where, [])


def write_figures(figures):
    """The browser's part of $SYNLIG_ASSURANCE_OUT/hostile-input.json, beside the Swift suites' parts."""
    out = os.environ.get("SYNLIG_ASSURANCE_OUT")
    if not out:
        return
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "hostile-input.json")
    try:
        with open(path, encoding="utf-8") as handle:
            whole = json.load(handle)
    except (OSError, ValueError):
        whole = {"suite": "hostile-input"}
    for key in [k for k in whole if k.startswith("browser.")]:
        del whole[key]
    whole.update({"browser." + key: value for key, value in figures.items()})
    whole["failures"] = sum(v for k, v in whole.items() if k.endswith(".failures") and isinstance(v, int))
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(whole, handle, indent=1, sort_keys=True, ensure_ascii=False)
        handle.write("\n")


def api(method, path, token=None, body=None):
    request = urllib.request.Request(BASE_URL + "/api/v1" + path, method=method,
                                     data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        return response.status, json.loads(response.read() or b"null")


def test_hostile_text_in_every_form(driver):
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ALERT_TRAP})
    matcher = RouteMatcher(get_routes())
    started = time.time()
    deadline = started + SECONDS
    tried, reread = set(), 0
    figures = {"forms": 0, "pagesRead": 0, "failures": 1}
    write_figures(figures)  # a sweep that stops half-way is recorded as failed
    roles = (CONSULTANT, ADMIN_EMAIL)
    for number, role in enumerate(roles):
        # Each role has its share of the budget: crawling, then typing, then reading the pages
        # again once the texts are stored.
        share = SECONDS / len(roles)
        role_start = started + number * share
        # Signed out first: signed in, the login page sends a person on to the start page.
        driver.delete_all_cookies()
        login(driver, role, DEMO_PASSWORD)
        pages, forms = crawl(driver, matcher, ["/"], role_start + share * 0.35)
        for page, index, action, method, _fields in forms:
            key = (method, matcher.pattern_of(action) or action)
            if key in tried or any(s in action.lower() for s in SKIP_ACTIONS) or time.time() > role_start + share * 0.7:
                continue
            tried.add(key)
            try:
                submit_hostile(driver, page, index, f"{role}: {method} {action} from {page}")
            except WebDriverException:
                # Chromium now and then reports a navigation it completed as failed: once more.
                submit_hostile(driver, page, index, f"{role}: {method} {action} from {page}")
        for page in pages:
            if time.time() > role_start + share:
                break
            open_checked(driver, page, f"{role}: {page} after the sweep")
            reread += 1
    check(reread >= 20, f"only {reread} pages were read again after the sweep within {SECONDS} s")
    check(len(tried) >= MIN_FORMS, f"only {len(tried)} forms were tried in the browser within {SECONDS} s: {sorted(tried)}")
    driver.delete_all_cookies()
    for page in ("/", "/stod", MUNICIPALITY_PATH):
        open_checked(driver, page, f"visitor: {page} after the sweep")
    seconds = round(time.time() - started)
    write_figures({"forms": len(tried), "pagesRead": reread + 3, "seconds": seconds, "budgetSeconds": SECONDS, "failures": 0})
    print(f"  hostile sweep: {len(tried)} forms in Chromium, {reread} pages re-read, {seconds} s", flush=True)


def test_swedish_round_trips(driver):
    """Typed into the page, read through the API; sent through the API, read on the page."""
    login(driver, CONSULTANT, DEMO_PASSWORD)
    open_page(driver, "/caregivers/new")
    field = wait(driver).until(lambda d: d.find_element("id", "name"))
    field.clear()
    field.send_keys(SWEDISH)
    old = driver.find_element("tag name", "html")
    driver.execute_script("arguments[0].form.requestSubmit();", field)
    wait(driver).until(replaced(old))
    wait_ready(driver)
    path = path_of(driver)
    check(path.startswith("/caregivers/") and len(path.rsplit("/", 1)[-1]) == 36, f"registering led to {driver.current_url}")
    heading = driver.find_element("tag name", "h1").text
    check(heading == SWEDISH, f"the record's heading is {heading!r}")
    _, token = api("POST", "/auth/token", body={"email": CONSULTANT, "password": DEMO_PASSWORD})
    token = token["token"]
    status, record = api("GET", "/caregivers/" + path.rsplit("/", 1)[-1], token)
    check(status == 200 and record["name"].encode() == SWEDISH.encode(),
          f"the API gives the name typed on the page as {record.get('name')!r}")
    status, made = api("POST", "/caregivers", token, {"name": SWEDISH})
    check(status == 201, f"creating through the API answered {status}")
    open_page(driver, "/caregivers/" + made["id"])
    heading = driver.find_element("tag name", "h1").text
    check(heading == SWEDISH, f"a name sent through the API shows on the page as {heading!r}")
    open_page(driver, "/caregivers/" + made["id"] + "/edit")
    value = driver.find_element("id", "name").get_attribute("value")
    check(value == SWEDISH, f"the edit form holds {value!r}")
