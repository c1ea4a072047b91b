"""The caregiver record over time: voluntariness, screening, support plan and needs, feedback,
memo notes and conversations, in English too and at phone width."""

import re
from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD, RUN_ID, swedish_today
from lib.demo import CONSULTANT
from lib.driver import click_and_wait_for_new_page, new_driver, open_page, path_of
from lib.forms import check_error_state, fill, select_option, select_value, set_value, tick
from lib.login import check_signed_in, login, logout
from lib.page import (body_rows, check_reflow, click_button, click_link, h1_text, html_lang, is_uuid_path, main_text,
                      table_after_heading)
from lib.screenshots import full_page_screenshot
from scenarios.caregivers import (CAREGIVER, back_on_record, ensure_caregiver, open_from_record, open_record,
                                  record_tasks)


def test_caregiver_follow_ups(driver):
    ensure_caregiver(driver)
    path = CAREGIVER["path"]

    # 4. Voluntariness, asked in its three dimensions: wants to go on, but only partly able to,
    #    and the evenings should not be theirs to carry — a task to discuss relieving the caregiver.
    #    The untouched questions start at "not stated".
    open_record(driver)
    for field in ("wantsToContinue", "ableToContinue", "shouldNotCarry"):
        first = Select(driver.find_element(By.ID, field)).first_selected_option.get_attribute("value")
        check(first == "notStated", f"#{field} should start at notStated, not {first!r}")
    select_value(driver, "wantsToContinue", "yes")
    partly = select_value(driver, "ableToContinue", "partly")
    select_value(driver, "shouldNotCarry", "some")
    fill(driver, "shouldNotCarryWhat", "Kvällarna.")
    fill(driver, "comment", "Orkar inte kvällarna längre.")
    click_button(driver, "Spara svaret")
    check(path_of(driver) == path and urlparse(driver.current_url).fragment == "voluntariness",
          f"after the voluntariness answer expected {path}#voluntariness, got {driver.current_url}")
    history = table_after_heading(driver, "Frivillighet")
    check(history is not None and partly in history.text, f"the voluntariness history does not show {partly!r}")
    check(any(t.startswith("Samtala om att avlasta") for t in record_tasks(driver)),
          f"{partly!r} should add the task 'Samtala om att avlasta den anhörige': {record_tasks(driver)}")
    visit_and_check(driver, None, "19_record_voluntariness")

    # A screening with high answers: a strain follow-up task.
    open_from_record(driver, "Gör en screening", path + "/screening", "19_screening_form")
    check("indikator" in " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice")),
          "the screening form should say it is an indicator, not a validated scale")
    full_page_screenshot(driver, "19_screening_form")
    groups = driver.find_elements(By.CSS_SELECTOR, "main fieldset[id^='item-']")
    check(len(groups) >= 8, f"expected the eight screening questions, found {len(groups)}")
    group_ids = [g.get_attribute("id") for g in groups]
    click_button(driver, "Spara")
    check(driver.find_elements(By.CSS_SELECTOR, ".error-summary"),
          "a screening with no answers is saved (expected 'Besvara frågan.' for each question)")
    listed = check_error_state(driver, "19_screening_error", group_ids)
    check(len(listed) == len(group_ids), f"a screening sent with no answers lists {sorted(listed)} in the error "
          f"summary, not the {len(group_ids)} unanswered questions")
    for group in driver.find_elements(By.CSS_SELECTOR, "main fieldset[id^='item-']"):
        tick(driver, group.find_elements(By.CSS_SELECTOR, "input[type=radio]")[-1])
    click_button(driver, "Spara")
    back_on_record(driver, "saving the screening")
    screenings = table_after_heading(driver, "Belastning och risk för ohälsa")
    check(screenings is not None and "Hög" in body_rows(screenings)[0].text,
          f"the screening should read 'Hög': {screenings.text if screenings is not None else None!r}")
    check(any(t.startswith("Följ upp hög eller stigande belastning") for t in record_tasks(driver)),
          f"a high screening should add a strain follow-up task: {record_tasks(driver)}")

    # A support plan.
    open_from_record(driver, "Skriv eller ändra stödplanen", path + "/plan", "19_plan_form")
    fill(driver, "outcomes", "Kunna sova en hel natt och träffa vänner en kväll i veckan.")
    fill(driver, "agreedSupport", "Avlösning i hemmet torsdagar 17–21.")
    fill(driver, "emergencyPlan", "Ring dottern Eva, 070-111 22 33. Hemtjänsten behöver komma morgon och kväll.")
    click_button(driver, "Spara")
    back_on_record(driver, "saving the support plan")
    plan = driver.find_element(By.CSS_SELECTOR, "main dl.facts--wide").text
    check("Kunna sova en hel natt" in plan and "Ring dottern Eva" in plan, f"the plan is not shown on the record: {plan!r}")
    check(any(t.startswith("Följ upp stödplanen") for t in record_tasks(driver)),
          f"the plan's review date should be a task: {record_tasks(driver)}")

    # A support need pointing at a catalogue offering; then edited.
    open_from_record(driver, "Registrera stödbehov", path + "/support/new", "19_support_form")
    kind = select_value(driver, "needKind", "respiteAtHome")
    select_option(driver, "offeringId", "Avlösning i hemmet")  # the demo catalogue's entry, by name
    offered = select_value(driver, "status", "offered")
    set_value(driver, "offeredOn", swedish_today())
    click_button(driver, "Spara")
    back_on_record(driver, "saving the support need")
    support = table_after_heading(driver, "Stödbehov och stöd")
    check(support is not None and body_rows(support), "the support table is missing")
    row = body_rows(support)[0]
    check(kind in row.text and "Avlösning i hemmet" in row.text and offered in row.text, f"the support row: {row.text!r}")
    click_and_wait_for_new_page(driver, row.find_element(By.TAG_NAME, "a"))
    check(is_uuid_path(path_of(driver), "caregivers", "support"), f"the support link led to {driver.current_url}")
    check(Select(driver.find_element(By.ID, "offeringId")).first_selected_option.text == "Avlösning i hemmet",
          "the support edit form lost the catalogue offering")
    visit_and_check(driver, None, "19_support_edit")
    given = select_value(driver, "status", "given")
    set_value(driver, "startedOn", swedish_today())
    click_button(driver, "Spara")
    back_on_record(driver, "editing the support need")
    check(given in body_rows(table_after_heading(driver, "Stödbehov och stöd"))[0].text, f"the support need is not {given!r}")

    # Feedback, then answered.
    open_from_record(driver, "Registrera synpunkt eller klagomål", path + "/feedback/new", "19_feedback_form")
    tick(driver, driver.find_element(By.ID, "feedbackKind-complaint"))
    complaint = driver.find_element(By.CSS_SELECTOR, "label[for='feedbackKind-complaint']").text.strip()
    received = Select(driver.find_element(By.ID, "feedbackStatus")).first_selected_option.text.strip()
    fill(driver, "summary", "Avlösaren kom en timme för sent två torsdagar i rad.")
    click_button(driver, "Spara")
    back_on_record(driver, "saving the feedback")
    links = [a for a in driver.find_elements(By.XPATH, "//main//h2[@id='feedback-heading']/following-sibling::ul[1]//a")]
    check(len(links) == 1 and complaint in links[0].text and received in links[0].text,
          f"the record should list the {complaint!r} as {received!r}: {[a.text for a in links]}")
    click_and_wait_for_new_page(driver, links[0])
    check(is_uuid_path(path_of(driver), "caregivers", "feedback"), f"the feedback link led to {driver.current_url}")
    visit_and_check(driver, None, "19_feedback_edit")
    answered = select_value(driver, "feedbackStatus", "answered")
    click_button(driver, "Spara")
    check_error_state(driver, "19_feedback_error", ["response"])
    fill(driver, "response", "Vi har talat med utföraren; tiden hålls från och med nu.")
    click_button(driver, "Spara")
    back_on_record(driver, "answering the complaint")
    check(answered in main_text(driver), f"the complaint is not {answered!r} on the record")

    # A memo note, in the red box.
    memo = f"Ring tillbaka efter läkarbesöket på tisdag ({RUN_ID})."
    fill(driver, "memo", memo)
    click_button(driver, "Spara anteckningen")
    check(path_of(driver) == path, f"after the memo expected {path}, got {driver.current_url}")
    boxes = [m for m in driver.find_elements(By.CSS_SELECTOR, "main .memo") if memo in m.text]
    check(len(boxes) == 1 and "Minnesanteckning – gallras" in boxes[0].text, f"the memo is not shown in a .memo box")
    border = driver.execute_script("return getComputedStyle(arguments[0]).borderTopColor;", boxes[0])
    check(int(border[4:].split(",")[0]) > 150 and int(border.split(",")[1]) < 100, f"the memo box is not red: {border}")

    # A conversation in four areas.
    open_from_record(driver, "Dokumentera samtal", path + "/conversations/new", "19_conversation_form")
    click_button(driver, "Spara")
    check(driver.find_elements(By.CSS_SELECTOR, ".error-summary"),
          "an empty conversation is saved (expected 'Skriv något om minst ett av områdena.')")
    visit_and_check(driver, None, "19_conversation_error", expect_status=422)
    fill(driver, "helpToCare", "Vill lära sig mer om demens och hur man bemöter oro på kvällen.")
    fill(driver, "ownLife", "Har gått ner till halvtid; saknar sin kör.")
    fill(driver, "recipientLife", "Trivs hemma men blir orolig när hemtjänsten byter personal.")
    fill(driver, "serviceQuality", "Avlösningen fungerar nu; vill ha samma personal.")
    fill(driver, "agreedActions", "Anmäla till anhöriggruppen; följa upp om tre månader.")
    click_button(driver, "Spara")
    back_on_record(driver, "saving the conversation")
    conversations = table_after_heading(driver, "Anhörigsamtal")
    check(conversations is not None and "Anmäla till anhöriggruppen" in conversations.text,
          "the conversation's agreed actions are not on the record")
    visit_and_check(driver, None, "19_record_full")
    full_page_screenshot(driver, "19_record_full")

    # The same record in English: every text translated.
    click_link(driver, "English", css="header a")
    check(html_lang(driver) == "en" and path_of(driver) == path, f"'English' led to {driver.current_url} (lang {html_lang(driver)})")
    import re
    keys = sorted(set(re.findall(r"\b(?:caregiver|relationship|consent|restriction|invitation|voluntariness|screening|plan|"
                                 r"support_need|feedback|memo|conversation|task|worklist|recipient|followup)\.[a-z_.]+",
                                 main_text(driver))))
    check(not keys, f"the English record shows untranslated keys: {keys}")
    check("Caregiver" in main_text(driver) or "caregiver" in main_text(driver), "the English record does not read as English")
    visit_and_check(driver, None, "19_record_en")
    click_link(driver, "Svenska", css="header a")
    check(html_lang(driver) == "sv", "switching back should give Swedish")

    # The caregiver's details, edited.
    click_link(driver, "Ändra uppgifter")
    check(path_of(driver) == path + "/edit", f"'Ändra uppgifter' led to {driver.current_url}")
    check(driver.find_element(By.ID, "personalIdentityNumber").get_attribute("value") == "",
          "the edit form puts the personnummer back into the page")
    visit_and_check(driver, None, "19_caregiver_edit")
    works = select_value(driver, "occupation", "works")
    click_button(driver, "Spara")
    back_on_record(driver, "editing the caregiver")
    check(works in driver.find_element(By.CSS_SELECTOR, "main dl.facts").text, f"the record does not show {works!r}")
    check("1912XXXX-XXXX" in main_text(driver),
          "saving the edit form with an empty personnummer field lost the number (the record shows no masked number)")
    logout(driver)

    # The record at phone width.
    phone = new_driver(phone=True)
    try:
        login(phone, CONSULTANT, DEMO_PASSWORD)
        check_signed_in(phone, CONSULTANT)
        open_page(phone, path)
        check(h1_text(phone) == CAREGIVER["name"], f"phone: record h1 {h1_text(phone)!r}")
        visit_and_check(phone, None, "19_phone_record")
        full_page_screenshot(phone, "19_phone_record")
        check_reflow(phone, "19_phone_record")
        if "relationship_path" in CAREGIVER:
            open_page(phone, CAREGIVER["relationship_path"])
            visit_and_check(phone, None, "19_phone_relationship")
            check_reflow(phone, "19_phone_relationship")
    finally:
        phone.quit()


def test_information_and_consent_review(driver):
    """Consent and information kept current: a stance older than the organisation's interval
    reviewed from the worklist, information given and the next occasion planned, and children
    at home with the seed's prompt and support for children as relatives."""
    from datetime import date, timedelta

    ensure_caregiver(driver)
    path = CAREGIVER["path"]

    # Information given: an untouched form is refused (a topic is needed); then general information.
    open_from_record(driver, "Registrera given information", path + "/information/new", "29_information_form")
    scope = Select(driver.find_element(By.ID, "scope")).first_selected_option.get_attribute("value")
    check(scope == "general", f"#scope should start at general information, not {scope!r}")
    click_button(driver, "Spara")
    check_error_state(driver, "29_information_error", ["topic"])
    topic = select_value(driver, "topic", "supportOffers")
    fill(driver, "topicText", f"Anhöriggruppen och avlösning ({RUN_ID})")
    click_button(driver, "Spara")
    back_on_record(driver, "recording information given")
    information = table_after_heading(driver, "Information till den anhörige")
    check(information is not None and f"{topic}: Anhöriggruppen och avlösning ({RUN_ID})" in information.text,
          f"the information given is not on the record: {information.text if information is not None else None!r}")

    # The next occasion, planned: on the record and on the worklist until information is given.
    next_on = (date.fromisoformat(swedish_today()) + timedelta(days=7)).isoformat()
    open_from_record(driver, "Planera nästa informationstillfälle", path + "/information/next", "29_information_next")
    set_value(driver, "nextOn", next_on)
    click_button(driver, "Spara")
    back_on_record(driver, "planning the next information occasion")
    check("Nästa informationstillfälle:" in main_text(driver), "the planned occasion is not on the record")
    check(any(t.startswith("Ge planerad information") for t in record_tasks(driver)),
          f"the planned occasion should be a task: {record_tasks(driver)}")

    # Children at home: not stated at first; stated, the record cites the seed and links support.
    open_from_record(driver, "Ange barn i hemmet", path + "/children", "29_children_form")
    situation = Select(driver.find_element(By.ID, "situation")).first_selected_option.get_attribute("value")
    check(situation == "notStated", f"#situation should start at notStated, not {situation!r}")
    select_value(driver, "situation", "caregiversChildren")
    fill(driver, "count", "2")
    click_button(driver, "Spara")
    back_on_record(driver, "recording children at home")
    text = main_text(driver)
    check("skyldiga att särskilt beakta barns behov av information, råd och stöd" in text,
          "the children prompt does not cite the seed")
    check("Barngrupp – när någon i familjen är sjuk" in text, "the prompt does not point to the catalogue's support for children")
    check(any(t.startswith("Information, råd och stöd till barn") for t in record_tasks(driver)),
          f"children at home should add a task: {record_tasks(driver)}")
    visit_and_check(driver, None, "29_record_current")
    full_page_screenshot(driver, "29_record_current")

    # A consent review from the worklist: the oldest stance, confirmed unchanged on the record.
    open_page(driver, "/caregivers/worklist?kind=consentReview&due=overdue")
    visit_and_check(driver, None, "29_worklist_consent_review")
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    check(rows, "the worklist has no overdue consent review (the demo has stances older than 12 months)")
    check("Ställningstagandet är" in rows[0].text and "månader gammalt" in rows[0].text,
          f"the review task does not say how old the stance is: {rows[0].text!r}")
    full_page_screenshot(driver, "29_worklist_consent_review")
    name = rows[0].find_element(By.CSS_SELECTOR, "td:nth-child(3) a").text.strip()
    # The list shows a page of 50; its count (to 1 000) says how many there are in all.
    def task_count():
        text = driver.find_element(By.CSS_SELECTOR, "main p[role=status]").text
        match = re.match(r"(\d+) uppgift", text.replace("\u00a0", ""))
        check(match, f"the worklist does not count its tasks: {text!r}")
        return int(match.group(1))
    before = task_count()
    click_and_wait_for_new_page(driver, rows[0].find_element(By.CSS_SELECTOR, "td:nth-child(3) a"))
    check(h1_text(driver) == name, f"the worklist link led to {h1_text(driver)!r}, not {name!r}")
    check("kan den enskildes ställningstagande behöva följas upp så det fortfarande är aktuellt" in main_text(driver),
          "the record does not quote why the stance is followed up")
    visit_and_check(driver, None, "29_record_review_due")
    panel = [p for p in driver.find_elements(By.CSS_SELECTOR, "main .panel") if "Dags att följa upp" in p.text][0]
    click_and_wait_for_new_page(driver, panel.find_element(By.XPATH, ".//button[starts-with(normalize-space(.), 'Följt upp – oförändrat')]"))
    check(h1_text(driver) == name, f"after the review expected the record of {name!r}, got {driver.current_url}")
    check("Ställningstagandet är 0 månader gammalt." in main_text(driver), "the reviewed stance is not dated today")
    open_page(driver, "/caregivers/worklist?kind=consentReview&due=overdue")
    after = task_count()
    check(after == before - 1, f"the review did not clear the task: {before} before, {after} after")
    logout(driver)
