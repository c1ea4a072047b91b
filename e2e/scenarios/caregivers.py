"""The caregiver record (anhörigregistret): a consultant's day from the worklist to a record made
from a contact request, and who may find a record. Scenarios 18 and 19 build on the record made here."""

from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from lib.axe import visit_and_check
from lib.checks import TestFailure, check
from lib.config import DEMO_PASSWORD, RUN_ID
from lib.demo import CONSULTANT, STAFF, STAFF_UNIT
from lib.driver import click_and_wait_for_new_page, http_status, open_page, path_of
from lib.forms import by_name, check_error_state, check_no_form_errors, fill, select_option, select_value
from lib.login import check_signed_in, login, logout
from lib.page import click_button, click_link, follow_link, h1_text, is_uuid_path, main_text
from lib.screenshots import full_page_screenshot
from scenarios.contact_requests import check_receipt, inbox_row, make_contact_request, worklist_contact_item


PIN_VALID = "19121212-1212"
PIN_WRONG_CHECK_DIGIT = "19121212-1213"


# Filled in by scenario 17 (the record made from a contact request) and 18 (the person cared for);
# later scenarios make their own record when run alone.
CAREGIVER = {}


def caregiver_worklist_items(driver):
    """The start page's caregiver follow-up items: {label: path?query it links to}."""
    return {a.text.strip(): urlparse(a.get_attribute("href")).path + "?" + urlparse(a.get_attribute("href")).query
            for a in driver.find_elements(By.CSS_SELECTOR, "main ul.worklist a")
            if "uppföljningar av anhöriga" in a.text or "uppföljning av en anhörig" in a.text}


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

    follow_link(driver, "Registrera som anhörig", "/caregivers/new", "Registrera anhörig")
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
    check("Avslutad" in row.text, f"the request turned into a record should be 'Avslutad' in the inbox: {row.text!r}")
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
    follow_link(driver, "Att göra", "/caregivers/worklist", "Att göra – anhöriga", css="nav.main-nav a")
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
    overdue_item = [label for label in items if "försenade" in label or "försenad " in label]
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
    follow_link(driver, "Anhöriga", "/caregivers", "Anhöriga", css="nav.main-nav a")
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
    check(PIN_VALID.replace("-", "") not in driver.current_url and PIN_VALID not in driver.current_url,
          "the caregiver search form sends the personnummer with GET, so it ends up in the address "
          f"({urlparse(driver.current_url).path}?{urlparse(driver.current_url).query}), the browser history and any "
          "proxy log")
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
    check(saved[0].get_attribute("role") == "status" and "notice--warning" not in (saved[0].get_attribute("class") or ""),
          f"20_settings_saved: the confirmation {saved[0].text!r} is shown as a warning (.notice--warning) "
          "without role=status")
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
    select_option(driver, "unitId", STAFF_UNIT)
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
