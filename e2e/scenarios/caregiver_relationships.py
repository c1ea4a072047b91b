"""The caregiver and the person cared for: the relationship, consent, invitations to a SIP, and a
restriction recorded and lifted."""

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import RUN_ID
from lib.driver import http_status, open_page, path_of
from lib.forms import check_error_state, check_no_form_errors, fill, select_value, set_value, tick
from lib.login import logout
from lib.page import click_button, click_link, h1_text, is_uuid_path, main_text, scroll_to_middle
from lib.screenshots import full_page_screenshot
from scenarios.caregivers import CAREGIVER, ensure_caregiver, open_record, record_tasks
from scenarios.coordinated_plans import coordinated_plan_steps


def relationship_page_checks(driver):
    """What the relationship page of a pair without consent shows."""
    text = main_text(driver)
    check("Inget samtycke dokumenterat." in text, "the new relationship should say 'Inget samtycke dokumenterat.'")
    check("Utan samtycke kan du fortfarande göra mycket" in text and
          "medarbetare lyssnar och erbjuder stöd till anhöriga som själva tar kontakt" in text,
          "without consent the page should list what may still be done (the seed's list)")
    check(not driver.find_elements(By.LINK_TEXT, "Bjud in till möte"), "'Bjud in till möte' is offered without consent")
    blocked = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice--warning"))
    check("kan inte bjudas in utan samtycke" in blocked, f"the page should say why there is no invitation: {blocked!r}")


def test_relationship_consent_restriction(driver):
    ensure_caregiver(driver)
    recipient_name = f"E2E Närstående {RUN_ID}"
    contacts = ["Vårdcentralen Norra", "Minnesmottagningen", "Hemtjänst Norra"]

    # 3. A person cared for, new, with three coordinated care contacts.
    open_record(driver)
    click_link(driver, "Lägg till närstående")
    new_path = CAREGIVER["path"] + "/relationships/new"
    check(path_of(driver) == new_path, f"'Lägg till närstående' led to {driver.current_url}")
    visit_and_check(driver, None, "18_relationship_new")
    click_button(driver, "Spara")
    check(path_of(driver) == new_path, f"the empty relationship form led to {driver.current_url}")
    check_error_state(driver, "18_relationship_error", ["recipient"])
    fill(driver, "recipientName", recipient_name)
    select_value(driver, "relation", "partner")
    hours = select_value(driver, "hoursBand", "from20to34")
    tick(driver, driver.find_element(By.ID, "livesTogether"))
    for task in ("personalCare", "practicalHelp", "coordination"):
        tick(driver, driver.find_element(By.ID, "tasks-" + task))
    field = scroll_to_middle(driver, driver.find_element(By.ID, "coordinatedContacts"))
    field.clear()
    field.send_keys("\n".join(contacts))
    click_button(driver, "Spara")
    check_no_form_errors(driver, "adding the person cared for")
    relationship_path = path_of(driver)
    check(is_uuid_path(relationship_path, "caregivers", "relationships"),
          f"after adding expected /caregivers/relationships/<uuid>, got {driver.current_url}")
    check(h1_text(driver) == f"{CAREGIVER['name']} och {recipient_name}", f"relationship h1: {h1_text(driver)!r}")
    signal = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .signal"))
    check("Överväg SIP eller en fast vårdkontakt" in signal,
          f"three coordinated contacts should raise the coordination signal: {signal!r}")
    for contact in contacts:
        check(contact in main_text(driver), f"the relationship page does not list the contact {contact!r}")
    relationship_page_checks(driver)
    CAREGIVER.update({"relationship_path": relationship_path, "recipient_name": recipient_name})
    visit_and_check(driver, None, "18_relationship")
    full_page_screenshot(driver, "18_relationship")

    # On the record: the person, the signal, and a signal task.
    open_record(driver)
    panels = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "main .panel") if recipient_name in p.text]
    check(len(panels) == 1 and "Överväg SIP" in panels[0] and hours in panels[0],
          f"the record should show {recipient_name!r} with hours and the coordination signal: {panels}")
    check(any(t.startswith("Samordningssignal") for t in record_tasks(driver)),
          f"the coordination signal should be a task on the record: {record_tasks(driver)}")

    # "Bjud in" without consent: refused, and the page says why.
    open_page(driver, relationship_path + "/invitations")
    check(h1_text(driver) == "Bjud in till SIP eller vårdplanering", f"invitation form h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "18_invitation_form")
    set_value(driver, "meetingOn", time.strftime("%Y-%m-%d", time.localtime(time.time() + 14 * 86400)))
    click_button(driver, "Spara")
    check(path_of(driver) == relationship_path + "/invitations", f"the refused invitation led to {driver.current_url}")
    notice = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice"))
    check("kan inte bjudas in utan samtycke" in notice, f"the refused invitation should say consent is missing: {notice!r}")
    visit_and_check(driver, None, "18_invitation_refused", expect_status=409)

    # Partial consent, including planning and meetings.
    open_page(driver, relationship_path)
    click_link(driver, "Dokumentera samtycke", starts_with=True)
    check(path_of(driver) == relationship_path + "/consents", f"the consent link led to {driver.current_url}")
    visit_and_check(driver, None, "18_consent_form")
    check(driver.find_element(By.ID, "kind-consent").is_selected(), "the consent form should default to 'Samtycke'")
    click_button(driver, "Spara")
    check_error_state(driver, "18_consent_error", ["categories"])
    for category in ("careAndServices", "planningAndMeetings"):
        tick(driver, driver.find_element(By.ID, "categories-" + category))
    tick(driver, driver.find_element(By.ID, "form-oral"))
    fill(driver, "note", "Lämnat muntligt vid hembesök.")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "recording the consent")
    check(path_of(driver) == relationship_path, f"after the consent expected {relationship_path}, got {driver.current_url}")
    text = main_text(driver)
    check("Delvis samtycke: vård och insatser, planering och möten." in text,
          f"the page should say 'Delvis samtycke: vård och insatser, planering och möten.': {text[:400]!r}")
    check("Utan samtycke kan du fortfarande" not in text, "with consent the page still lists what can be done without it")

    # Invite to a SIP, then record that the caregiver took part.
    click_link(driver, "Bjud in till möte")
    tick(driver, driver.find_element(By.ID, "meetingKind-coordinatedPlan"))
    set_value(driver, "meetingOn", time.strftime("%Y-%m-%d", time.localtime(time.time() + 14 * 86400)))
    click_button(driver, "Spara")
    check_no_form_errors(driver, "inviting to a SIP")
    check(path_of(driver) == relationship_path, f"after inviting expected {relationship_path}, got {driver.current_url}")
    attendance = driver.find_elements(By.CSS_SELECTOR, "main select[name=attendance]")
    check(len(attendance) == 1, f"expected one invitation with an attendance select, found {len(attendance)}")
    label = driver.find_element(By.CSS_SELECTOR, f"label[for='{attendance[0].get_attribute('id')}']").text
    check(label.startswith("Deltagande: SIP"), f"the attendance select's label: {label!r}")
    visit_and_check(driver, None, "18_relationship_invited")
    took_part = select_value(driver, attendance[0].get_attribute("id"), "tookPart")
    click_button(driver, "Spara deltagande")
    check(path_of(driver) == relationship_path, f"after saving attendance expected {relationship_path}, got {driver.current_url}")
    chosen = Select(driver.find_element(By.CSS_SELECTOR, "main select[name=attendance]")).first_selected_option.text
    check(chosen == took_part, f"the attendance should now be {took_part!r}, is {chosen!r}")

    # A restriction: the red warning, no invitation link.
    click_link(driver, "Registrera begränsning")
    check(path_of(driver) == relationship_path + "/restrictions", f"'Registrera begränsning' led to {driver.current_url}")
    visit_and_check(driver, None, "18_restriction_form")
    tick(driver, driver.find_element(By.ID, "reason-threats"))
    fill(driver, "note", "Uppgift om hot mot den närstående.")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "recording the restriction")
    check(path_of(driver) == relationship_path, f"after the restriction expected {relationship_path}, got {driver.current_url}")
    alert = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .alert"))
    check("Olämpligt att involvera den anhörige (hot)" in alert, f"the red warning is missing: {alert!r}")
    colour = driver.execute_script("return getComputedStyle(document.querySelector('main .alert')).borderLeftColor;")
    check(colour.startswith("rgb(") and int(colour[4:].split(",")[0]) > 150, f"the warning's border is not red: {colour}")
    check(not driver.find_elements(By.LINK_TEXT, "Bjud in till möte"), "'Bjud in till möte' is offered despite the restriction")
    blocked = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice--warning"))
    check("begränsning" in blocked, f"the invitations section should name the restriction: {blocked!r}")
    check(driver.find_elements(By.ID, "liftReason"), "a consultant is not offered to lift the restriction")
    visit_and_check(driver, None, "18_relationship_restricted")
    full_page_screenshot(driver, "18_relationship_restricted")
    open_record(driver)
    panels = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "main .panel") if recipient_name in p.text]
    check(panels and "Begränsning:" in panels[0], f"the record should flag the restriction: {panels}")
    check(any(t.startswith("Ompröva begränsningen") for t in record_tasks(driver)),
          f"the restriction's review should be a task: {record_tasks(driver)}")
    open_page(driver, relationship_path + "/invitations")
    set_value(driver, "meetingOn", time.strftime("%Y-%m-%d", time.localtime(time.time() + 21 * 86400)))
    click_button(driver, "Spara")
    notice = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice"))
    check(http_status(driver) == 409 and "begränsning" in notice,
          f"an invitation during the restriction should be refused naming it: {notice!r}")

    # Lifted with a reason (a consultant may); an empty reason first.
    open_page(driver, relationship_path)
    click_button(driver, "Häv begränsningen")
    check(driver.find_elements(By.ID, "liftReason"),
          "lifting a restriction without a reason (POST /caregivers/restrictions/<id>/lift) should give the "
          f"relationship page with the error at #liftReason, gave {h1_text(driver)!r} (HTTP {http_status(driver)}: "
          f"{main_text(driver).splitlines()[1:2]})")
    check_error_state(driver, "18_lift_error", ["liftReason"])
    open_page(driver, relationship_path)
    check(driver.find_elements(By.CSS_SELECTOR, "main .alert"), "lifting without a reason removed the restriction")
    fill(driver, "liftReason", "Polisutredningen lades ned; den närstående vill att den anhörige deltar.")
    click_button(driver, "Häv begränsningen")
    check(path_of(driver) == relationship_path, f"after lifting expected {relationship_path}, got {driver.current_url}")
    check(not driver.find_elements(By.CSS_SELECTOR, "main .alert"), "the red warning is still shown after lifting")
    check("Hävd: Polisutredningen lades ned" in main_text(driver), "the history does not show the lift and its reason")
    check(driver.find_elements(By.LINK_TEXT, "Bjud in till möte"), "after lifting, 'Bjud in till möte' is not offered again")
    visit_and_check(driver, None, "18_relationship_lifted")

    # Edit the relationship; the recipient's page.
    click_link(driver, "Ändra anhörigskapet")
    check(path_of(driver) == relationship_path + "/edit", f"'Ändra anhörigskapet' led to {driver.current_url}")
    chosen = Select(driver.find_element(By.ID, "hoursBand")).first_selected_option.get_attribute("value")
    check(chosen == "from20to34", f"the edit form should show the saved hours (from20to34), shows {chosen!r}")
    check(driver.find_element(By.ID, "tasks-coordination").is_selected(), "the edit form lost the ticked tasks")
    visit_and_check(driver, None, "18_relationship_edit")
    hours = select_value(driver, "hoursBand", "from35to49")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "editing the relationship")
    check(path_of(driver) == relationship_path, f"after editing expected {relationship_path}, got {driver.current_url}")
    check(hours in main_text(driver), f"the relationship page does not show the new hours {hours!r}")
    click_link(driver, recipient_name)
    recipient_path = path_of(driver)
    check(is_uuid_path(recipient_path, "recipients"), f"the recipient link led to {driver.current_url}")
    check(h1_text(driver) == recipient_name, f"recipient h1: {h1_text(driver)!r}")
    check(CAREGIVER["name"] in main_text(driver), "the recipient page does not list the caregiver")
    CAREGIVER["recipient_path"] = recipient_path
    visit_and_check(driver, None, "18_recipient")
    full_page_screenshot(driver, "18_recipient")
    # A new fixed care contact: the caregiver, whose consent covers care and services, is to be told.
    fill(driver, "fixedCareContact", "Sjuksköterska Anna Berg, Vårdcentralen Norra")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "saving the fixed care contact")
    check(path_of(driver) == recipient_path, f"after saving the recipient expected {recipient_path}, got {driver.current_url}")
    check(driver.find_element(By.ID, "fixedCareContact").get_attribute("value").startswith("Sjuksköterska Anna Berg"),
          "the recipient page lost the fixed care contact")
    click_link(driver, CAREGIVER["name"], css="main table a")
    check(path_of(driver) == CAREGIVER["path"], f"the caregiver link on the recipient page led to {driver.current_url}")
    check(any(t.startswith("Informera om ny fast kontakt") for t in record_tasks(driver)),
          f"a new fixed care contact should add 'Informera om ny fast kontakt' to the record: {record_tasks(driver)}")
    open_page(driver, recipient_path)
    click_link(driver, "Till listan över närstående")
    check(path_of(driver) == "/recipients", f"'Till listan över närstående' led to {driver.current_url}")
    fill(driver, "q", recipient_name)
    click_button(driver, "Sök")
    names = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "main ul a")]
    check(recipient_name in names, f"searching /recipients for {recipient_name!r} gives {names}")
    visit_and_check(driver, None, "18_recipients")

    # A discharge from inpatient care, the SIP offered and held, a responsibility followed up.
    coordinated_plan_steps(driver, recipient_path, recipient_name, CAREGIVER["name"])
    logout(driver)
