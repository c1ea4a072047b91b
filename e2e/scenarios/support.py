"""The support catalogue: a caregiver on a phone finds support on the public pages, and the
consultant who keeps the catalogue edits it, publishes an offering and adds an organisation."""

import time
from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD, RUN_ID, swedish_today
from lib.demo import MUNICIPALITY, MUNICIPALITY_PATH
from lib.driver import PHONE_WIDTH, new_driver, open_page, path_of, wait
from lib.forms import by_name, check_error_state, check_no_form_errors, fill, select_option, set_value, tick, untick
from lib.login import check_signed_in, login, logout
from lib.page import (check_reflow, click_button, click_link, focus_report, follow_link, h1_text, html_lang,
                      scroll_to_middle)
from lib.screenshots import full_page_screenshot, screenshot
from scenarios.contact_requests import (CONTACT, CONTACT_ERROR_FIELDS, CONTACT_LABELS, CONTACT_PATH,
                                        check_contact_focus_order, check_receipt, fill_contact_form, open_contact_form,
                                        send_contact_form)


CONTACT_CTA = "Vill du att någon hör av sig till dig?"


def card_names(driver):
    return [h.text.strip() for h in driver.find_elements(By.CSS_SELECTOR, "main li.support-card h3")]


def results_count(driver):
    """The number in the results heading ("3 stödformer" / "3 …")."""
    text = driver.find_element(By.ID, "results").text.strip()
    check(text.split()[0].isdigit(), f"the results heading does not start with a count: {text!r}")
    return int(text.split()[0])


def check_filter(driver, need, group, language):
    for field_id, value in (("need", need), ("group", group), ("language", language)):
        chosen = Select(driver.find_element(By.ID, field_id)).first_selected_option.get_attribute("value")
        check(chosen == value, f"#{field_id} should keep {value!r} after filtering, has {chosen!r}")
    shown = len(card_names(driver))
    check(results_count(driver) == shown, f"the results heading says {results_count(driver)}, {shown} cards shown")


def phone_part_of_scenario_14(phone):
    # The public start page: no sign-in, Swedish by its path.
    open_page(phone, "/stod")
    width = phone.execute_script("return window.innerWidth")
    check(width == PHONE_WIDTH, f"the phone viewport is {width} px wide, expected {PHONE_WIDTH} "
          "(is <meta name=viewport> missing?)")
    check(html_lang(phone) == "sv", f'/stod: expected <html lang="sv">, got {html_lang(phone)!r}')
    check(h1_text(phone) == "Stöd till dig som är anhörig", f"/stod h1: {h1_text(phone)!r}")
    check(not phone.find_elements(By.CSS_SELECTOR, "nav.main-nav, header form.inline-form"),
          "the public page shows staff navigation or a sign-out button")
    visit_and_check(phone, None, "14_phone_start")
    check_reflow(phone, "14_phone_start")

    # Exempelkommun, filtered: a break, dementia, Finnish.
    click_link(phone, MUNICIPALITY)
    check(path_of(phone) == MUNICIPALITY_PATH, f"'{MUNICIPALITY}' led to {phone.current_url}")
    check(h1_text(phone) == f"Stöd till anhöriga i {MUNICIPALITY}", f"municipality h1: {h1_text(phone)!r}")
    everything = results_count(phone)
    check(everything == len(card_names(phone)) and everything > 3,
          f"unfiltered: the heading says {everything}, {len(card_names(phone))} cards shown")
    for field_id, value, label in (("need", "aBreak", "Jag behöver en paus"),
                                   ("group", "dementia", "Anhöriga till personer med demenssjukdom"),
                                   ("language", "fi", "finska")):
        select = Select(scroll_to_middle(phone, phone.find_element(By.ID, field_id)))
        select.select_by_value(value)
        check(select.first_selected_option.text.strip() == label,
              f"#{field_id}={value} is labelled {select.first_selected_option.text!r}, expected {label!r}")
    click_button(phone, "Visa stöd")
    query = urlparse(phone.current_url).query
    check(path_of(phone) == MUNICIPALITY_PATH and all(p in query.split("&") for p in
                                                      ("need=aBreak", "group=dementia", "language=fi")),
          f"'Visa stöd' should GET {MUNICIPALITY_PATH}?need=aBreak&group=dementia&language=fi, got {phone.current_url}")
    check_filter(phone, "aBreak", "dementia", "fi")
    names = card_names(phone)
    check("Avlösning i hemmet" in names, f"the filtered cards should include 'Avlösning i hemmet': {names}")
    check(len(names) < everything, f"filtering did not narrow the list ({everything} → {len(names)})")
    for card in phone.find_elements(By.CSS_SELECTOR, "main li.support-card"):
        check("finska" in card.text, f"a card without Finnish passed the language filter: {card.text[:80]!r}")
    CONTACT["filtered_cards"] = names
    visit_and_check(phone, None, "14_phone_results")
    full_page_screenshot(phone, "14_phone_results")
    check_reflow(phone, "14_phone_results")

    # Ask to be contacted.
    click_link(phone, CONTACT_CTA)
    shown_at = time.time()
    check(path_of(phone) == CONTACT_PATH, f"'{CONTACT_CTA}' led to {phone.current_url}")
    check(h1_text(phone) == f"Bli kontaktad – {MUNICIPALITY}", f"contact form h1: {h1_text(phone)!r}")
    honeypot = phone.find_element(By.ID, "website")
    check(not honeypot.is_displayed() or honeypot.rect["x"] + honeypot.rect["width"] <= 0,
          "the honeypot #website is visible on the phone")
    for hidden in ("started", "stamp"):
        check(by_name(phone, "input", hidden).get_attribute("type") == "hidden", f"no hidden {hidden} field")
    check(Select(phone.find_element(By.ID, "language")).first_selected_option.get_attribute("value") == "sv",
          "the contact form's language should default to Swedish on /stod")
    visit_and_check(phone, None, "14_phone_contact")
    check_reflow(phone, "14_phone_contact")
    check_contact_focus_order(phone, "14_phone_contact")
    request = {"name": f"E2E Anhörig {RUN_ID}", "reach": "070-123 45 67, helst förmiddag",
               "about": f"Jag tar hand om min mamma som har demens och behöver en paus ibland ({RUN_ID}).",
               "language": "fi", "language_name": "finska"}
    fill_contact_form(phone, request["name"], request["reach"], request["about"], request["language"])
    screenshot(phone, "14_phone_contact_filled")
    send_contact_form(phone, shown_at)
    check_receipt(phone, "14_phone_receipt")
    check_reflow(phone, "14_phone_receipt")
    CONTACT.update(request)

    # The same form sent empty (a fresh one, after the same pause): 422 with every field named.
    shown_at = open_contact_form(phone)
    Select(phone.find_element(By.ID, "language")).select_by_value("fi")
    send_contact_form(phone, shown_at)
    check(path_of(phone) == CONTACT_PATH, f"the empty contact form led to {phone.current_url}")
    items = check_error_state(phone, "14_phone_contact_error", CONTACT_ERROR_FIELDS, CONTACT_LABELS)
    doubled = [text for text in items.values() if "?:" in text or ".:" in text]
    check(not doubled, "14_phone_contact_error: error summary items put ': ' after a label that already ends "
          f"in '?' or '.': {doubled}")
    full_page_screenshot(phone, "14_phone_contact_error")
    kept = Select(phone.find_element(By.ID, "language")).first_selected_option.get_attribute("value")
    check(kept == "fi", f"the refused form should keep the chosen language fi, has {kept!r}")
    check(phone.find_element(By.ID, "website").get_attribute("value") == "", "the refused form filled the honeypot")
    for hidden in ("started", "stamp"):
        check(by_name(phone, "input", hidden).get_attribute("value"), f"the refused form has no {hidden} value")
    focused = phone.switch_to.active_element
    check("error-summary" in (focused.get_attribute("class") or ""),
          f"14_phone_contact_error: focus should move to the error summary (it has autofocus), "
          f"but <{focused.tag_name}> {focused.get_attribute('id') or ''} is focused")
    # Following the summary's last link on the phone lands on the consent box, in view.
    link = [a for a in phone.find_elements(By.CSS_SELECTOR, ".error-summary a")
            if urlparse(a.get_attribute("href")).fragment == "consent"][0]
    link.click()
    wait(phone).until(lambda d: d.switch_to.active_element.get_attribute("id") == "consent")
    label, in_view, cover = focus_report(phone)
    check(in_view and not cover, f"14_phone_contact_error: after the error summary's link #consent "
          f"gets focus the box is {'covered by ' + str(cover) if cover else 'outside the viewport'}")
    screenshot(phone, "14_phone_contact_error_consent_focused")


def test_caregiver_on_phone(driver):
    phone = new_driver(phone=True)
    try:
        phone_part_of_scenario_14(phone)
    except Exception:
        try:
            screenshot(phone, "FAILED_test_caregiver_on_phone_phone")
            print(f"  (phone at {phone.current_url})", flush=True)
        except Exception:
            pass
        raise
    finally:
        phone.quit()

    # The same pages at desktop width, and in English.
    filtered = MUNICIPALITY_PATH + "?need=aBreak&group=dementia&language=fi"
    open_page(driver, filtered)
    check_filter(driver, "aBreak", "dementia", "fi")
    check(card_names(driver) == CONTACT.get("filtered_cards", card_names(driver)),
          f"desktop shows other cards than the phone: {card_names(driver)}")
    visit_and_check(driver, None, "14_desktop_results")
    full_page_screenshot(driver, "14_desktop_results")
    click_link(driver, "English", css="header a")
    check(path_of(driver) == "/en/support/9999", f"'English' led to {driver.current_url}")
    check(set(urlparse(driver.current_url).query.split("&")) == {"need=aBreak", "group=dementia", "language=fi"},
          f"switching to English should keep the filter, got {driver.current_url}")
    check(html_lang(driver) == "en", f'expected <html lang="en">, got {html_lang(driver)!r}')
    check(h1_text(driver) == f"Support for family caregivers in {MUNICIPALITY}", f"English h1: {h1_text(driver)!r}")
    check_filter(driver, "aBreak", "dementia", "fi")
    check(card_names(driver) == CONTACT.get("filtered_cards", card_names(driver)),
          f"the English page shows other cards: {card_names(driver)}")
    visit_and_check(driver, None, "14_desktop_results_en")
    open_page(driver, "/en/support/9999")
    check(html_lang(driver) == "en", f'/en/support/9999: expected <html lang="en">, got {html_lang(driver)!r}')
    check(h1_text(driver) == f"Support for family caregivers in {MUNICIPALITY}", f"English h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "14_desktop_en")
    full_page_screenshot(driver, "14_desktop_en")
    open_page(driver, "/en/support")
    check(html_lang(driver) == "en", f'/en/support: expected <html lang="en">, got {html_lang(driver)!r}')
    check(driver.find_elements(By.LINK_TEXT, MUNICIPALITY), f"/en/support does not list {MUNICIPALITY}")
    visit_and_check(driver, None, "14_desktop_start_en")


def catalogue_rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")


def test_catalogue_keeper(driver):
    consultant = "konsulent@exempel.se"
    offering_name = f"E2E-anhöriggrupp {RUN_ID}"
    organisation_name = f"E2E-föreningen {RUN_ID}"
    login(driver, consultant, DEMO_PASSWORD)
    check_signed_in(driver, consultant)
    follow_link(driver, "Stödkatalog", "/support", "Stödkatalog", css="nav.main-nav a")
    rows = catalogue_rows(driver)
    check(len(rows) >= 18, f"the catalogue should list the 18 demo offerings, lists {len(rows)}")
    flagged = [r.find_element(By.TAG_NAME, "td").text for r in rows if "kontrollera" in r.text]
    check(flagged, "no catalogue entry is flagged 'kontrollera' (the demo has entries last checked 8 months ago)")
    warning = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice--warning"))
    noun = "stödform" if len(flagged) == 1 else "stödformer"
    check(warning.startswith(f"{len(flagged)} {noun} "),
          f"the stale warning should count the {len(flagged)} flagged entries: {warning!r}")
    visit_and_check(driver, None, "16_catalogue")
    full_page_screenshot(driver, "16_catalogue")

    # The public page as the keeper sees it before adding anything.
    click_link(driver, "Se de publika sidorna")
    check(path_of(driver) == MUNICIPALITY_PATH, f"'Se de publika sidorna' led to {driver.current_url}")
    check(offering_name not in card_names(driver), "the new offering is public before it exists")

    # Saving an entry unchanged.
    open_page(driver, "/support")
    click_link(driver, "Avlösning i hemmet", css="main table a")
    edit_path = path_of(driver)
    parts = edit_path.strip("/").split("/")
    check(len(parts) == 2 and parts[0] == "support" and len(parts[1]) == 36,
          f"'Avlösning i hemmet' should open /support/<uuid>, got {driver.current_url}")
    check(h1_text(driver) == "Ändra stödform", f"edit h1: {h1_text(driver)!r}")
    check(driver.find_element(By.ID, "name").get_attribute("value") == "Avlösning i hemmet", "the edit form lost the name")
    visit_and_check(driver, None, "16_offering_edit")
    full_page_screenshot(driver, "16_offering_edit")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "saving 'Avlösning i hemmet' unchanged")
    check(path_of(driver) == edit_path and urlparse(driver.current_url).query == "saved=1",
          f"after saving expected {edit_path}?saved=1, got {driver.current_url}")
    check(driver.find_element(By.ID, "name").get_attribute("value") == "Avlösning i hemmet",
          "saving unchanged changed the name")
    notices = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main [role=status], main .notice")]
    check(any(n.strip() for n in notices),
          "16_offering_saved: after saving, /support/<id>?saved=1 shows no confirmation (WCAG 4.1.3)")
    visit_and_check(driver, None, "16_offering_saved")

    # A new offering: empty first, then complete and published.
    open_page(driver, "/support")
    follow_link(driver, "Lägg till stödform", "/support/new", "Ny stödform")
    visit_and_check(driver, None, "16_offering_new")
    click_button(driver, "Spara")
    check(path_of(driver) == "/support", f"the empty offering form posted to {driver.current_url}")
    check_error_state(driver, "16_offering_error", ["name", "description"], {"name": "Namn", "description": "Beskrivning"})

    open_page(driver, "/support/new")
    fill(driver, "name", offering_name)
    select_option(driver, "kind", "Anhöriggrupp")
    fill(driver, "description", f"Träffas varannan torsdag kväll och delar erfarenheter ({RUN_ID}).")
    untick(driver, driver.find_element(By.ID, "group-all"))
    tick(driver, driver.find_element(By.ID, "group-dementia"))
    check(driver.find_element(By.ID, "language-sv").is_selected(), "Swedish is not ticked by default")
    set_value(driver, "lastChecked", swedish_today())
    tick(driver, driver.find_element(By.ID, "published"))
    click_button(driver, "Spara")
    check_no_form_errors(driver, "creating the offering")
    new_path = path_of(driver)
    parts = new_path.strip("/").split("/")
    check(len(parts) == 2 and parts[0] == "support" and len(parts[1]) == 36 and new_path != edit_path
          and urlparse(driver.current_url).query == "saved=1",
          f"after creating expected /support/<new uuid>?saved=1, got {driver.current_url}")
    check(driver.find_element(By.ID, "name").get_attribute("value") == offering_name, "the new offering lost its name")
    check(driver.find_element(By.ID, "group-dementia").is_selected() and
          not driver.find_element(By.ID, "group-all").is_selected(), "the new offering lost its target group")
    check(driver.find_element(By.ID, "published").is_selected(), "the new offering is not published")
    visit_and_check(driver, None, "16_offering_created")
    open_page(driver, "/support")
    row = [r for r in catalogue_rows(driver) if r.find_element(By.TAG_NAME, "td").text == offering_name]
    check(len(row) == 1, f"{offering_name!r} is not listed once in the catalogue")
    check("Publicerad" in row[0].text and "kontrollera" not in row[0].text,
          f"the new offering should be 'Publicerad' and not flagged: {row[0].text!r}")

    # The keeper looks at the public page again: the browser that cached it before must see the change
    # (public pages are revalidated against an ETag that changes with the catalogue).
    click_link(driver, "Se de publika sidorna")
    check(offering_name in card_names(driver), f"the published {offering_name!r} is not on {MUNICIPALITY_PATH}")
    open_page(driver, MUNICIPALITY_PATH + "?need=someoneToTalkTo&group=dementia&language=sv")
    check(offering_name in card_names(driver),
          f"a support group for dementia in Swedish is missing under 'Någon att prata med': {card_names(driver)}")
    open_page(driver, MUNICIPALITY_PATH + "?group=olderPeople")
    check(offering_name not in card_names(driver), "the dementia-only offering shows for 'Anhöriga till äldre'")

    # Civil-society organisations.
    open_page(driver, "/support")
    follow_link(driver, "Civilsamhällets organisationer", "/support/organisations", "Civilsamhällets organisationer")
    visit_and_check(driver, None, "16_organisations")
    click_button(driver, "Lägg till")
    check(path_of(driver) == "/support/organisations", f"the empty organisation form led to {driver.current_url}")
    check_error_state(driver, "16_organisation_error", ["csoName"], {"csoName": "Organisationens namn"})
    open_page(driver, "/support/organisations")
    fill(driver, "csoName", organisation_name)
    fill(driver, "csoDescription", "Anhörigcafé och promenadgrupp.")
    tick(driver, driver.find_element(By.ID, "csoStateGrant"))
    click_button(driver, "Lägg till")
    check_no_form_errors(driver, "adding the organisation")
    check(path_of(driver) == "/support/organisations", f"after adding expected /support/organisations, got {driver.current_url}")
    names = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr td:first-child")]
    check(organisation_name in names, f"{organisation_name!r} is not listed: {names}")
    visit_and_check(driver, None, "16_organisations_added")
    open_page(driver, "/support/new")
    offered = [o.text.strip() for o in Select(driver.find_element(By.ID, "civilSocietyId")).options]
    check(organisation_name in offered, f"#civilSocietyId on /support/new does not offer {organisation_name!r}")
    logout(driver)


def test_group_support_attendance(driver):
    """Group support: the consultant adds an occasion of a support group today, signs a caregiver
    up from the record, and marks the caregiver present on the occasion's page."""
    from scenarios.caregivers import CAREGIVER, ensure_caregiver, open_record
    ensure_caregiver(driver)
    time_of_day = time.strftime("%H:%M")

    open_page(driver, "/support")
    follow_link(driver, "Tillfällen och närvaro för gruppstöd", "/support/occasions", "Gruppstöd: tillfällen och närvaro")
    visit_and_check(driver, None, "29_occasions")
    follow_link(driver, "Lägg till ett tillfälle", "/support/occasions/new", "Lägg till ett tillfälle för gruppstöd")
    offered = [o.text.strip() for o in Select(driver.find_element(By.ID, "offeringId")).options]
    check("Avlösning i hemmet" not in offered and "Anhöriggrupp demens" in offered,
          f"the occasion form should offer group support only: {offered}")
    click_button(driver, "Spara")
    check(path_of(driver) == "/support/occasions/new", f"the empty occasion form led to {driver.current_url}")
    check_error_state(driver, "29_occasion_error", ["offeringId"])
    select_option(driver, "offeringId", "Anhöriggrupp demens")
    set_value(driver, "heldOn", swedish_today())
    fill(driver, "startsAt", time_of_day)
    click_button(driver, "Spara")
    check_no_form_errors(driver, "adding the occasion")
    occasion_path = path_of(driver)
    parts = occasion_path.strip("/").split("/")
    check(len(parts) == 3 and parts[:2] == ["support", "occasions"] and len(parts[2]) == 36,
          f"after adding expected /support/occasions/<uuid>, got {driver.current_url}")
    check("Ingen är anmäld ännu." in driver.find_element(By.TAG_NAME, "main").text, "the new occasion should have nobody signed up")
    visit_and_check(driver, None, "29_occasion_empty")

    # Signed up from the record.
    open_record(driver)
    click_link(driver, "Anmäl till gruppstöd")
    check(path_of(driver) == CAREGIVER["path"] + "/group-sign-ups", f"'Anmäl till gruppstöd' led to {driver.current_url}")
    visit_and_check(driver, None, "29_sign_up")
    occasion_id = parts[2]
    select = Select(driver.find_element(By.ID, "occasionId"))
    check(occasion_id in [o.get_attribute("value") for o in select.options], "the sign-up form does not offer the new occasion")
    select.select_by_value(occasion_id)
    click_button(driver, "Spara")
    check_no_form_errors(driver, "signing up")
    check(path_of(driver) == CAREGIVER["path"], f"after signing up expected the record, got {driver.current_url}")
    section = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=group-heading]").text
    check("Anhöriggrupp demens" in section and "Inte markerad" in section, f"the record's group support section: {section!r}")
    visit_and_check(driver, None, "29_record_signed_up")

    # Attendance on the occasion's page.
    open_page(driver, occasion_path)
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    mine = [r for r in rows if CAREGIVER["name"] in r.text]
    check(len(mine) == 1, f"{CAREGIVER['name']!r} is not listed once on the occasion")
    Select(mine[0].find_element(By.TAG_NAME, "select")).select_by_value("present")
    visit_and_check(driver, None, "29_attendance")
    click_button(driver, "Spara närvaron")
    check(path_of(driver) == occasion_path, f"after saving attendance expected {occasion_path}, got {driver.current_url}")
    row = [r for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr") if CAREGIVER["name"] in r.text][0]
    chosen = Select(row.find_element(By.TAG_NAME, "select")).first_selected_option.get_attribute("value")
    check(chosen == "present", f"the attendance should be kept as present, is {chosen!r}")
    full_page_screenshot(driver, "29_attendance_saved")
    logout(driver)
