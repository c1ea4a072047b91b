"""Mapping (kartläggning): a whole mapping clicked through, and the question banks it draws on."""

import os
from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD, RUN_ID, SCREENSHOT_DIR
from lib.demo import MAPPING_OWNER
from lib.driver import open_page, path_of
from lib.forms import (by_name, check_error_state, check_no_form_errors, choose, fill, select_option, set_value,
                       submit_form_of, textarea_values, tick, untick, write)
from lib.login import check_signed_in, login, logout
from lib.page import click_button, click_link, follow_link, h1_text, html_lang, main_text, obscured_by, scroll_to_middle
from lib.screenshots import full_page_screenshot, screenshot


MAPPING_RESPONDENT = "personal@exempel.se"
MAPPING_RESPONDENT_NAME = "Pia Personal"


def sheet_links(driver):
    return driver.find_elements(By.CSS_SELECTOR, "main table tbody tr td:first-child a")


def test_mapping_full_cycle(driver):
    title = f"E2E-kartläggning {RUN_ID}"
    follow_up = f"Anhörigperspektivet saknas i styrdokumenten ({RUN_ID})."
    reflection = f"Vi behöver en gemensam rutin för anhörigsamtal ({RUN_ID})."

    # 1. Create the mapping: two units that answer separately.
    login(driver, MAPPING_OWNER, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_OWNER)
    follow_link(driver, "Kartläggning", "/mappings", "Kartläggningar", css="nav.main-nav a")
    visit_and_check(driver, None, "09_mappings")

    click_link(driver, "Starta en kartläggning")
    check(path_of(driver) == "/mappings/new", f"'Starta en kartläggning' led to {driver.current_url}")
    visit_and_check(driver, None, "09_mapping_new")
    title_field = fill(driver, "title", title)
    set_value(driver, "periodStart", "2026-09-01")
    set_value(driver, "periodEnd", "2026-11-30")
    driver.find_element(By.ID, "scope-units").click()
    units = driver.find_elements(By.CSS_SELECTOR, "input[type=checkbox][id^='unit-']")
    check(len(units) >= 2, f"expected at least two unit checkboxes (id unit-…), found {len(units)}")
    for box in units[:2]:
        if not box.is_selected():
            box.click()
    click_button(driver, "Skapa kartläggningen")
    check(not driver.find_elements(By.CSS_SELECTOR, ".field-error, .error-summary"),
          "creating the mapping failed: " + " | ".join(
              e.text for e in driver.find_elements(By.CSS_SELECTOR, ".field-error, .error-summary li")))
    mapping_path = path_of(driver)
    parts = mapping_path.strip("/").split("/")
    check(len(parts) == 2 and parts[0] == "mappings" and len(parts[1]) == 36,
          f"after creating, expected /mappings/<uuid>, got {driver.current_url}")
    check(h1_text(driver) == title, f"mapping page h1 should be the title, got {h1_text(driver)!r}")
    visit_and_check(driver, None, "09_mapping_created")

    # 2. Open it, invite a respondent and create a sheet for a workshop.
    click_button(driver, "Öppna för svar")
    check(path_of(driver) == mapping_path, f"opening the mapping led to {driver.current_url}")
    check("Pågår" in main_text(driver), "mapping status should be 'Pågår' once opened")
    respondent = Select(driver.find_element(By.ID, "respondent"))
    respondent.select_by_visible_text(MAPPING_RESPONDENT_NAME)
    Select(driver.find_element(By.ID, "invite-unit")).select_by_index(0)
    submit_form_of(driver, driver.find_element(By.ID, "respondent"))
    check(len(sheet_links(driver)) == 1, f"after 'Bjud in' expected 1 answer sheet, found {len(sheet_links(driver))}")
    workshop_unit = Select(driver.find_element(By.ID, "workshop-unit"))
    check(len(workshop_unit.options) >= 2, "the workshop unit select should offer both units")
    workshop_unit.select_by_index(1)
    submit_form_of(driver, fill(driver, "participants", "Eva (sjuksköterska), Olle (läkare)"))
    sheets = driver.find_element(By.XPATH, "//main//h2[normalize-space()='Svarsblad']/following-sibling::table[1]")
    rows = sheets.find_elements(By.CSS_SELECTOR, "tbody tr")
    check(len(rows) == 2, f"the 'Svarsblad' table should have 2 rows, has {len(rows)}: {sheets.text!r}")
    check(MAPPING_RESPONDENT_NAME in rows[0].text + rows[1].text, f"{MAPPING_RESPONDENT_NAME} not in the sheets table")
    visit_and_check(driver, None, "09_mapping_sheets")

    # 3. The workshop answers on its sheet.
    click_link(driver, "Gemensamt samtal", starts_with=True)
    sheet_path = path_of(driver)
    check(sheet_path.startswith(mapping_path + "/"), f"workshop sheet link led to {driver.current_url}")
    # Follow-up textareas once shared their ids with the choice radios (item-q1-no): the
    # label then named the radio and the textarea had no name. axe 4.12 catches neither.
    follow_up_name = by_name(driver, "textarea", "text[q1.no]").accessible_name
    check(follow_up_name.strip() != "", "the follow-up textarea text[q1.no] has no accessible name; the radio "
          "choice[q1]=no is named " + repr(by_name(driver, "input", "choice[q1]", "no").accessible_name))
    visit_and_check(driver, None, "09_sheet_workshop")
    full_page_screenshot(driver, "09_sheet_workshop")
    choose(driver, "choice[q1]", "no")
    write(driver, "text[q1.no]", follow_up)
    choose(driver, "choice[q2]", "partly")
    # Keyboard: Tab from the last follow-up of q2 to its first routine, which sits near the
    # bottom edge of the window (as when tabbing down a long form). The focused radio should
    # not be hidden under the sticky button bar (WCAG 2.2, 2.4.11 Focus Not Obscured).
    scroll_to_middle(driver, by_name(driver, "textarea", "text[q2.no]")).click()
    driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "window.scrollBy(0, r.bottom - window.innerHeight + 30);",
        by_name(driver, "input", "choice[q2.r1]", "exists"))
    driver.switch_to.active_element.send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    check(focused.get_attribute("name") == "choice[q2.r1]",
          f"Tab after q2's follow-up should reach routine q2.r1, reached {focused.get_attribute('name')!r}")
    cover = obscured_by(driver, focused)
    if cover is not None:
        screenshot(driver, "09_sheet_focus_obscured")
    check(cover is None, f"on the answer sheet the radio focused by Tab ({focused.get_attribute('id')}) "
          f"is hidden under {cover} (sticky .form-actions; WCAG 2.2 2.4.11 Focus Not Obscured)")
    choose(driver, "choice[q2.r1]", "exists")
    choose(driver, "choice[q2.r5]", "missing")
    write(driver, "text[q7]", "Vi frågar anhöriga vid vårdplaneringen.")
    click_button(driver, "Skicka in svaren")
    check(path_of(driver) == sheet_path, f"after 'Skicka in svaren' expected {sheet_path}, got {driver.current_url}")
    notices = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main [role=status]")]
    check("Svaren är sparade." in notices, f"expected the status 'Svaren är sparade.', found {notices}")
    check(by_name(driver, "input", "choice[q1]", "no").is_selected(), "q1 = Nej was not kept")
    check(by_name(driver, "textarea", "text[q1.no]").get_attribute("value") == follow_up,
          "the q1 follow-up text was not kept")
    visit_and_check(driver, None, "09_sheet_workshop_saved")
    logout(driver)

    # 4. The invited respondent finds the sheet in the worklist and answers.
    login(driver, MAPPING_RESPONDENT, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_RESPONDENT)
    click_link(driver, f"Besvara kartläggningen: {title}", css="main ul.worklist a")
    check(path_of(driver).startswith(mapping_path + "/"), f"worklist link led to {driver.current_url}")
    visit_and_check(driver, None, "09_sheet_individual")
    choose(driver, "choice[q1]", "yes")
    click_button(driver, "Skicka in svaren")
    notices = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main [role=status]")]
    check("Svaren är sparade." in notices, f"respondent: expected 'Svaren är sparade.', found {notices}")
    visit_and_check(driver, None, "09_sheet_individual_saved")
    logout(driver)

    # 5. The strategist reflects and reads results, gaps and the report.
    login(driver, MAPPING_OWNER, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_OWNER)
    open_page(driver, mapping_path)
    for row in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr"):
        check("Inskickat" in row.text, f"every sheet should be submitted: {row.text!r}")
    reflection_field = fill(driver, "reflection-leadership", reflection)
    submit_form_of(driver, reflection_field)
    check(driver.find_element(By.ID, "reflection-leadership").get_attribute("value") == reflection,
          "the reflection was not saved")

    open_page(driver, mapping_path)
    click_link(driver, "Resultat")
    check(h1_text(driver) == f"Resultat: {title}", f"results h1: {h1_text(driver)!r}")
    check("2 inskickade svarsblad" in main_text(driver), "results should be based on 2 submitted sheets")
    bars = driver.find_elements(By.CSS_SELECTOR, "main svg.bar rect")
    check(bars, "results page has no SVG bars (svg.bar rect)")
    check(reflection in main_text(driver), "the reflection is not shown with the results")
    visit_and_check(driver, None, "09_mapping_results")
    full_page_screenshot(driver, "09_mapping_results")
    results_path = path_of(driver)

    open_page(driver, mapping_path)
    click_link(driver, "Utvecklingsområden")
    check(follow_up in main_text(driver), "the gap list does not show the q1 follow-up text")
    visit_and_check(driver, None, "09_mapping_gaps")

    open_page(driver, mapping_path)
    click_link(driver, "Rapport för utskrift")
    check(h1_text(driver) == title, f"report h1 should be the title, got {h1_text(driver)!r}")
    check(follow_up in main_text(driver) and reflection in main_text(driver),
          "the report should hold the gap text and the reflection")
    visit_and_check(driver, None, "09_mapping_report")
    full_page_screenshot(driver, "09_mapping_report")
    import base64
    pdf = base64.b64decode(driver.execute_cdp_cmd(
        "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True})["data"])
    with open(os.path.join(SCREENSHOT_DIR, "mapping_report.pdf"), "wb") as handle:
        handle.write(pdf)
    check(pdf.startswith(b"%PDF") and len(pdf) > 10 * 1024, f"report PDF is only {len(pdf)} bytes")

    # 6. Close the mapping: everything is locked.
    open_page(driver, mapping_path)
    click_button(driver, "Avsluta kartläggningen")
    check("Kartläggningen är avslutad" in main_text(driver), "the mapping page does not say it is closed")
    check(not driver.find_elements(By.ID, "respondent"), "a closed mapping still offers invitations")
    check(driver.find_element(By.ID, "reflection-leadership").get_attribute("readonly") is not None,
          "the reflection of a closed mapping is not read-only")
    visit_and_check(driver, None, "09_mapping_closed")
    open_page(driver, sheet_path)
    form = driver.find_element(By.CSS_SELECTOR, "main form")
    fields = form.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), textarea, select")
    check(fields, "the closed sheet shows no answers at all")
    editable = [f.get_attribute("name") for f in fields
                if f.is_enabled() and f.get_attribute("readonly") is None]
    check(not editable, f"closed sheet still has editable fields: {editable[:10]}")
    check(not form.find_elements(By.CSS_SELECTOR, "button, input[type=submit]"),
          "the closed sheet still has a submit button")
    check(by_name(driver, "input", "choice[q1]", "no").is_selected(), "closed sheet lost the q1 answer")
    visit_and_check(driver, None, "09_sheet_closed")

    # 7. The results in English, and back.
    open_page(driver, results_path)
    click_link(driver, "English", css="header a")
    check(html_lang(driver) == "en", f'expected <html lang="en">, got {html_lang(driver)!r}')
    check(h1_text(driver).startswith("Results"), f"English results h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "09_mapping_results_en")
    click_link(driver, "Svenska", css="header a")
    check(html_lang(driver) == "sv", "switching back should give Swedish")
    check(h1_text(driver).startswith("Resultat"), f"Swedish results h1 after switching back: {h1_text(driver)!r}")
    logout(driver)


def test_question_banks(driver):
    bank_title = f"E2E-frågebank {RUN_ID}"
    q1_text = f"Finns anhörigperspektivet i våra egna styrdokument? ({RUN_ID})"
    new_question = f"Hur fångar ni anhörigas synpunkter i vardagen? ({RUN_ID})"

    login(driver, MAPPING_OWNER, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_OWNER)
    open_page(driver, "/mappings")
    follow_link(driver, "Frågebanker", "/question-banks", "Frågebanker")
    visit_and_check(driver, None, "11_banks")
    banks_path = path_of(driver)

    # The official bank is read-only.
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    official = [r for r in rows if "Officiell" in r.text]
    check(official, f"no official bank in the list: {[r.text for r in rows]}")
    official_title = official[0].find_element(By.CSS_SELECTOR, "td:first-child a").text
    click_link(driver, official_title)
    check(h1_text(driver) == official_title, f"official bank h1: {h1_text(driver)!r}")
    check(not driver.find_elements(By.CSS_SELECTOR, "main textarea, main input[type=checkbox]"),
          "the official bank should not be editable")
    questions = driver.find_elements(By.CSS_SELECTOR, "main ol.bank-questions > li")
    check(len(questions) >= 7, f"the official bank lists only {len(questions)} questions")
    visit_and_check(driver, None, "11_bank_official")
    full_page_screenshot(driver, "11_bank_official")

    # Copy it into an own, editable version; without a name first.
    open_page(driver, banks_path)
    click_button(driver, "Kopiera")
    check(driver.find_elements(By.CSS_SELECTOR, ".error-summary"),
          "copying a question bank without a name (POST /question-banks) should give the list page with an error "
          f"summary linking to #title, gave {h1_text(driver)!r}: {main_text(driver).splitlines()[1:3]}")
    check_error_state(driver, "11_bank_copy_error", ["title"], {"title": "Namn"})
    open_page(driver, banks_path)
    select_option(driver, "source", official_title)
    fill(driver, "title", bank_title)
    click_button(driver, "Kopiera")
    check_no_form_errors(driver, "copying the bank")
    bank_path = path_of(driver)
    check(bank_path.startswith("/question-banks/") and bank_path != banks_path,
          f"after copying expected /question-banks/<id>, got {driver.current_url}")
    check(bank_title in h1_text(driver), f"own bank h1 should name {bank_title!r}, got {h1_text(driver)!r}")
    for field_id in ("include-q1", "sv-q1", "en-q1", "include-q6"):
        check(driver.find_elements(By.ID, field_id), f"the own version has no #{field_id}")
    visit_and_check(driver, None, "11_bank_own")
    full_page_screenshot(driver, "11_bank_own")

    untick(driver, driver.find_element(By.ID, "include-q6"))
    field = scroll_to_middle(driver, driver.find_element(By.ID, "sv-q1"))
    field.clear()
    field.send_keys(q1_text)
    click_button(driver, "Spara frågebanken")
    check_no_form_errors(driver, "saving the own bank")
    check(path_of(driver) == bank_path, f"after saving expected {bank_path}, got {driver.current_url}")
    check(driver.find_element(By.ID, "sv-q1").get_attribute("value") == q1_text, "the new q1 text was not saved")
    q6 = driver.find_elements(By.ID, "include-q6")
    check(not q6 or not q6[0].is_selected(), "question 6 is still included after unticking it")
    visit_and_check(driver, None, "11_bank_saved")

    # Unticking every question is refused: a bank needs at least one.
    for box in driver.find_elements(By.CSS_SELECTOR, "main input[type=checkbox][id^='include-']"):
        untick(driver, box)
    click_button(driver, "Spara frågebanken")
    summary = driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    check(summary and "minst en fråga" in summary[0].text,
          f"saving a bank without questions should say it needs at least one; at {driver.current_url}")
    targets = [urlparse(a.get_attribute("href")).fragment for a in summary[0].find_elements(By.TAG_NAME, "a")]
    missing = [t for t in targets if not driver.find_elements(By.ID, t)]
    check(not missing, f"11_bank_no_questions_error: the error summary links to #{', #'.join(missing)}, "
          f"which does not exist on {driver.current_url}")
    visit_and_check(driver, None, "11_bank_no_questions_error", expect_status=422)
    open_page(driver, bank_path)
    check(driver.find_element(By.ID, "sv-q1").get_attribute("value") == q1_text,
          "the refused save changed the bank")

    # Add an own open question; an empty one first.
    click_button(driver, "Lägg till frågan")
    check_error_state(driver, "11_bank_question_error", ["newSv"], {"newSv": "Text på svenska"})
    open_page(driver, bank_path)
    areas = Select(driver.find_element(By.ID, "newArea"))
    check(areas.options, "the new-question area select is empty")
    areas.select_by_index(len(areas.options) - 1)
    tick(driver, driver.find_element(By.ID, "newFormat-open"))
    fill(driver, "newSv", new_question)
    click_button(driver, "Lägg till frågan")
    check_no_form_errors(driver, "adding a question")
    check(path_of(driver) == bank_path, f"after adding a question expected {bank_path}, got {driver.current_url}")
    check(new_question in textarea_values(driver) or new_question in main_text(driver),
          "the bank page does not show the new question")
    check(driver.find_element(By.ID, "sv-q1").get_attribute("value") == q1_text,
          "adding a question lost the saved q1 text")
    visit_and_check(driver, None, "11_bank_question_added")
    full_page_screenshot(driver, "11_bank_question_added")

    # The new version can be chosen for a mapping.
    open_page(driver, "/mappings/new")
    offered = [o.text.strip() for o in Select(driver.find_element(By.ID, "bank")).options]
    check(any(bank_title in o for o in offered), f"#bank on /mappings/new does not offer {bank_title!r}: {offered}")
    logout(driver)
