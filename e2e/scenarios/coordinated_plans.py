"""SIP offered, held and followed, from the page of the person cared for: a discharge raises the
tasks, a SIP is offered and held with the family caregiver's invitation, a responsibility is
followed up on the worklist and marked done. Called from caregiver_relationships, whose pair has
consent to planning and meetings by then."""

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from lib.axe import visit_and_check
from lib.checks import check
from lib.driver import open_page, path_of
from lib.forms import check_error_state, check_no_form_errors, choose, fill, set_value, tick, write
from lib.page import click_button, click_link, h1_text, is_uuid_path, main_text
from lib.screenshots import full_page_screenshot

SEED_QUOTE = "En SIP ska alltid upprättas när en patient skrivs ut från sluten hälso- och sjukvård"


def day(offset):
    return time.strftime("%Y-%m-%d", time.localtime(time.time() + offset * 86400))


def coordinated_plan_steps(driver, recipient_path, recipient_name, caregiver_name):
    open_page(driver, recipient_path)
    click_link(driver, "SIP och patientkontrakt")
    plans_path = recipient_path + "/plans"
    check(path_of(driver) == plans_path, f"'SIP och patientkontrakt' led to {driver.current_url}")
    check(SEED_QUOTE in main_text(driver) and "003_8f6e70672cea0072.txt" in main_text(driver),
          "the SIP page should quote the seed with its source")
    visit_and_check(driver, None, "18_sip_overview")

    # A discharge: empty first, then from a ward; the tasks land on the page and the worklist.
    click_link(driver, "Registrera utskrivning")
    check(path_of(driver) == plans_path + "/discharges", f"'Registrera utskrivning' led to {driver.current_url}")
    check(SEED_QUOTE in main_text(driver), "the discharge form should explain why with the seed's words")
    visit_and_check(driver, None, "18_sip_discharge_form")
    click_button(driver, "Spara")
    check_error_state(driver, "18_sip_discharge_error", ["dischargedFrom"])
    fill(driver, "dischargedFrom", "Avdelning 12, Akademiska")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "recording the discharge")
    check(path_of(driver) == plans_path, f"after the discharge expected {plans_path}, got {driver.current_url}")
    text = main_text(driver)
    check("Utskrivning: upprätta SIP" in text, f"the discharge should raise 'Utskrivning: upprätta SIP': {text[:500]!r}")
    check("Utskrivning: bjud in den anhörige till SIP" in text,
          "with consent to planning and meetings the discharge should raise the task to invite the family caregiver")
    visit_and_check(driver, None, "18_sip_discharged")
    # The demo's worklist is long (overdue reviews come first): narrowed to this kind, as a user would.
    open_page(driver, "/caregivers/worklist?kind=drawUpCoordinatedPlan")
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
    check(any("Utskrivning: upprätta SIP" in r and recipient_name in r for r in rows),
          f"the worklist should show the SIP to draw up for {recipient_name!r}: {rows[:5]}")
    visit_and_check(driver, None, "18_sip_worklist_sip")

    # The SIP offered: the open discharge is chosen; then the outcome, held, with the invitation.
    open_page(driver, plans_path)
    click_link(driver, "Registrera erbjuden SIP")
    visit_and_check(driver, None, "18_sip_offer_form")
    chosen = Select(driver.find_element(By.ID, "dischargeId")).first_selected_option.text
    check("Avdelning 12, Akademiska" in chosen, f"the offer form should start at the open discharge, starts at {chosen!r}")
    click_button(driver, "Spara")
    check_no_form_errors(driver, "offering the SIP")
    plan_path = path_of(driver)
    check(is_uuid_path(plan_path, "plans"), f"after the offer expected /plans/<uuid>, got {driver.current_url}")
    check("Väntar på svar" in main_text(driver), "a new offer awaits an answer")
    visit_and_check(driver, None, "18_sip_plan")
    click_link(driver, "Registrera utfall")
    visit_and_check(driver, None, "18_sip_outcome_form")
    choose(driver, "outcome", "held")
    click_button(driver, "Spara")
    check_error_state(driver, "18_sip_outcome_error", ["participants"])
    choose(driver, "outcome", "held")
    write(driver, "participants", "Vårdcentralen Norra, hemtjänsten, den närstående")
    invitations = Select(driver.find_element(By.ID, "invitationId"))
    check(len(invitations.options) > 1, "the outcome form should offer the family caregiver's SIP invitation")
    invitations.select_by_index(1)
    click_button(driver, "Spara")
    check_no_form_errors(driver, "recording the outcome")
    check(path_of(driver) == plan_path, f"after the outcome expected {plan_path}, got {driver.current_url}")
    text = main_text(driver)
    check("SIP-möte hållet" in text and caregiver_name in text, f"the history should show the SIP held with {caregiver_name!r}")

    # A responsibility with overall responsibility: on the worklist, then done.
    click_link(driver, "Lägg till ansvar")
    visit_and_check(driver, None, "18_sip_responsibility_form")
    fill(driver, "actor", "Hemtjänst Norra")
    write(driver, "task", "Tillsyn morgon och kväll")
    set_value(driver, "dueOn", day(14))
    set_value(driver, "followUpOn", day(7))
    tick(driver, driver.find_element(By.ID, "overall"))
    click_button(driver, "Spara")
    check_no_form_errors(driver, "adding the responsibility")
    check(path_of(driver) == plan_path, f"after the responsibility expected {plan_path}, got {driver.current_url}")
    check("Övergripande ansvar" in main_text(driver), "the responsibility should be marked as the overall one")
    visit_and_check(driver, None, "18_sip_plan_responsibility")
    full_page_screenshot(driver, "18_sip_plan_responsibility")
    open_page(driver, "/caregivers/worklist?kind=responsibilityFollowUp")
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
    check(any(recipient_name in r for r in rows), f"the responsibility's follow-up should be on the worklist: {rows[:5]}")
    open_page(driver, plan_path)
    click_button(driver, "Klar")
    check(path_of(driver) == plan_path, f"marking the responsibility done led to {driver.current_url}")
    check("Klart " in main_text(driver), "the responsibility should show the day it was done")
    open_page(driver, "/caregivers/worklist?kind=responsibilityFollowUp")
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
    check(not any(recipient_name in r for r in rows), f"a responsibility done should leave the worklist: {rows[:5]}")
    check(h1_text(driver) != "", "the worklist has a heading")
