"""Decisions: an impact analysis with the caregiver perspective, a requirement, a procurement."""

from selenium.webdriver.common.by import By

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD, RUN_ID
from lib.demo import MAPPING_OWNER
from lib.driver import open_page, path_of
from lib.forms import check_error_state, check_no_form_errors, fill, set_value, tick
from lib.login import check_signed_in, login, logout
from lib.page import body_rows, click_button, click_link, follow_link, h1_text, main_text, table_after_heading
from lib.screenshots import full_page_screenshot


def test_decisions(driver):
    analysis_title = f"E2E-beslut om dagverksamhet {RUN_ID}"
    requirement_title = f"E2E-krav {RUN_ID}"
    procurement_title = f"E2E-upphandling hemtjänst {RUN_ID}"

    login(driver, MAPPING_OWNER, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_OWNER)
    follow_link(driver, "Beslut och upphandling", "/decisions", "Beslut och upphandling", css="nav.main-nav a")
    visit_and_check(driver, None, "12_decisions")

    # An empty analysis cannot be finalised.
    click_link(driver, "Ny konsekvensanalys")
    new_path = path_of(driver)
    check(new_path == "/decisions/analyses/new", f"'Ny konsekvensanalys' led to {driver.current_url}")
    visit_and_check(driver, None, "12_analysis_new")
    click_button(driver, "Fastställ analysen")
    check_error_state(driver, "12_analysis_error", ["title", "whatChanges", "affectedGroups", "effects"])

    # A complete one, finalised: read-only afterwards.
    fill(driver, "title", analysis_title)
    set_value(driver, "decisionDate", "2026-10-15")
    fill(driver, "whatChanges", "Dagverksamheten på Solgläntan flyttar och öppettiderna kortas.")
    fill(driver, "affectedGroups", "Förvärvsarbetande anhöriga till personer med demens.")
    fill(driver, "effects", "Svårare att kombinera arbete och omsorg; risk för ökad belastning.")
    tick(driver, driver.find_element(By.ID, "consultedCaregivers"))
    click_button(driver, "Fastställ analysen")
    check_no_form_errors(driver, "finalising the analysis")
    analysis_path = path_of(driver)
    check(analysis_path.startswith("/decisions/analyses/") and analysis_path != new_path,
          f"after finalising expected /decisions/analyses/<id>, got {driver.current_url}")
    notices = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main [role=status]")]
    check(any(n.startswith("Analysen är fastställd") for n in notices),
          f"expected the notice 'Analysen är fastställd …', found {notices}")
    check(not driver.find_elements(By.CSS_SELECTOR, "main form textarea, main form input[type=text]"),
          "a finalised analysis is still editable")
    check("Anhöriga" in main_text(driver), "the read-only analysis does not say anhöriga were consulted")
    visit_and_check(driver, None, "12_analysis_final")

    # A reusable requirement, then a procurement that used it.
    open_page(driver, "/decisions")
    analyses = table_after_heading(driver, "Konsekvensanalyser med anhörigperspektiv")
    rows = [r for r in body_rows(analyses) if analysis_title in r.text] if analyses is not None else []
    check(len(rows) == 1 and "Fastställd" in rows[0].text,
          f"the finalised analysis should be listed as 'Fastställd': {[r.text for r in rows]}")
    fill(driver, "requirementTitle", requirement_title)
    fill(driver, "requirementText", "Utföraren ska ha rutiner för att bjuda in anhöriga till genomförandeplaneringen.")
    click_button(driver, "Spara kravet")
    check_no_form_errors(driver, "saving the requirement")
    check(path_of(driver) == "/decisions", f"after saving the requirement expected /decisions, got {driver.current_url}")
    saved = [dt.text for dt in driver.find_elements(By.CSS_SELECTOR, "main dl.requirements dt")]
    check(requirement_title in saved, f"the requirement is not listed: {saved}")

    fill(driver, "procurementTitle", procurement_title)
    set_value(driver, "procurementDate", "2026-10-20")
    boxes = [b for b in driver.find_elements(By.CSS_SELECTOR, "fieldset#requirements input[type=checkbox]")
             if driver.find_element(By.CSS_SELECTOR, f"label[for='{b.get_attribute('id')}']").text == requirement_title]
    check(len(boxes) == 1, f"expected one checkbox for {requirement_title!r} under fieldset#requirements")
    tick(driver, boxes[0])
    click_button(driver, "Registrera")
    check_no_form_errors(driver, "recording the procurement")
    records = table_after_heading(driver, "Upphandlingar", tag="h3")
    rows = [r for r in body_rows(records) if procurement_title in r.text] if records is not None else []
    check(len(rows) == 1, f"the procurement {procurement_title!r} is not listed")
    check(requirement_title in rows[0].text, f"the procurement row does not name its requirement: {rows[0].text!r}")
    visit_and_check(driver, None, "12_decisions_recorded")
    full_page_screenshot(driver, "12_decisions_recorded")

    # The 2026 demo mapping's results (they may draw on decisions and procurements).
    open_page(driver, "/mappings")
    click_link(driver, "Kartläggning av anhörigperspektivet 2026")
    click_link(driver, "Resultat")
    check(h1_text(driver) == "Resultat: Kartläggning av anhörigperspektivet 2026", f"results h1: {h1_text(driver)!r}")
    visit_and_check(driver, None, "12_results_2026")
    full_page_screenshot(driver, "12_results_2026")
    logout(driver)
