"""Planning: the development plan with goals, actions, follow-ups and the routine matrix."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD, RUN_ID, swedish_today
from lib.demo import MAPPING_OWNER
from lib.driver import click_and_wait_for_new_page, open_page, path_of
from lib.forms import check_error_state, check_no_form_errors, fill, select_option, set_value
from lib.login import check_signed_in, login, logout
from lib.page import body_rows, click_button, click_link, follow_link, h1_text, main_text, table_after_heading
from lib.screenshots import full_page_screenshot


def test_development_plan(driver):
    goal_title = f"E2E-mål {RUN_ID}"
    action_title = f"E2E-åtgärd {RUN_ID}"
    note = f"Rutinen är framtagen och används ({RUN_ID})."

    # 1. The plan overview: goals, overdue actions and gaps that have no goal yet.
    login(driver, MAPPING_OWNER, DEMO_PASSWORD)
    check_signed_in(driver, MAPPING_OWNER)
    follow_link(driver, "Handlingsplan", "/plan", "Målsättningar och handlingsplan", css="nav.main-nav a")
    goals = table_after_heading(driver, "Mål")
    check(goals is not None and len(body_rows(goals)) >= 3,
          "the 'Mål' table should list the three demo goals")
    goal_titles = [a.text for a in goals.find_elements(By.CSS_SELECTOR, "tbody td:first-child a")]
    for demo_goal in ("Frivilligheten följs upp i hemtjänsten", "Anhöriga bjuds in till vårdplaneringar"):
        check(demo_goal in goal_titles, f"demo goal {demo_goal!r} not in the goals table: {goal_titles}")
    overdue = table_after_heading(driver, "Försenade åtgärder")
    check(overdue is not None and body_rows(overdue),
          "'Försenade åtgärder' should list the overdue demo action")
    gaps = table_after_heading(driver, "Utvecklingsområden utan mål")
    # From the 2026 demo mapping, or from a newer closed one (scenario 9 closes its own).
    check("Från den senaste avslutade kartläggningen:" in main_text(driver),
          "'Utvecklingsområden utan mål' should name the closed mapping the gaps come from")
    visit_and_check(driver, None, "10_plan")
    full_page_screenshot(driver, "10_plan")

    # 2. A goal from the first gap: the form comes pre-filled with the gap ticked.
    from_gap = gaps is not None and bool(body_rows(gaps))
    if from_gap:
        gap_count = len(body_rows(gaps))
        click_link(driver, "Skapa mål", starts_with=True, css="main table a")
    else:  # every gap already has a goal (the suite has run many times on this data)
        print("NOTE  no gaps without a goal left; creating the goal with 'Nytt mål'", flush=True)
        click_link(driver, "Nytt mål")
    check(path_of(driver) == "/plan/goals/new", f"'Skapa mål' led to {driver.current_url}")
    check(h1_text(driver) == "Nytt mål", f"new goal h1: {h1_text(driver)!r}")
    if from_gap:
        ticked = driver.find_elements(By.CSS_SELECTOR, "fieldset#links input[type=checkbox]:checked")
        check(ticked, "the goal form from a gap should have the gap's link ticked under fieldset#links")
        linked = [driver.find_element(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']").text
                  for box in ticked]
    visit_and_check(driver, None, "10_goal_new")
    fill(driver, "title", goal_title)
    click_button(driver, "Skapa målet")
    check_no_form_errors(driver, "creating the goal")
    goal_path = path_of(driver)
    parts = goal_path.strip("/").split("/")
    check(len(parts) == 3 and parts[:2] == ["plan", "goals"] and parts[2] not in ("", "new"),
          f"after 'Skapa målet' expected /plan/goals/<id>, got {driver.current_url}")
    check(h1_text(driver) == goal_title, f"goal page h1 should be the title, got {h1_text(driver)!r}")
    if from_gap:
        import re
        for label in linked:  # the form says "2 – <routine>" where the goal page says "<routine>"
            shown = re.sub(r"^\d+ – ", "", label)
            check(shown in main_text(driver), f"the goal page does not list its link {label!r}")
    visit_and_check(driver, None, "10_goal_created")
    if from_gap:
        open_page(driver, "/plan")
        gaps = table_after_heading(driver, "Utvecklingsområden utan mål")
        left = len(body_rows(gaps)) if gaps is not None else 0
        check(left < gap_count, f"the gap given a goal is still listed without one ({gap_count} → {left} rows)")
        open_page(driver, goal_path)

    # 3. An action: an empty one is refused; one already overdue shows on the plan until done.
    click_button(driver, "Lägg till åtgärden")
    check_error_state(driver, "10_action_error", ["actionTitle"], {"actionTitle": "Åtgärd"})
    open_page(driver, goal_path)
    fill(driver, "actionTitle", action_title)
    owner = Select(driver.find_element(By.ID, "actionOwner"))
    check(owner.options, "the action owner select is empty")
    owner_labels = [o.text.strip() for o in owner.options]
    owner.select_by_visible_text("Sara Strateg" if "Sara Strateg" in owner_labels else owner_labels[-1])
    set_value(driver, "dueDate", "2026-01-10")
    click_button(driver, "Lägg till åtgärden")
    check_no_form_errors(driver, "adding the action")
    check(path_of(driver) == goal_path, f"after adding the action expected {goal_path}, got {driver.current_url}")

    def action_row():
        table = table_after_heading(driver, "Åtgärder")
        check(table is not None, "the goal page has no actions table after adding an action")
        rows = [r for r in body_rows(table) if action_title in r.text]
        check(len(rows) == 1, f"expected one row for {action_title!r} in the actions table, found {len(rows)}")
        return rows[0]

    row = action_row()
    check("2026-01-10" in row.text, f"the action row does not show its due date: {row.text!r}")
    check("försenad" in row.text, f"an action due 2026-01-10 should be flagged 'försenad': {row.text!r}")
    visit_and_check(driver, None, "10_goal_action_added")

    def overdue_on_plan():
        open_page(driver, "/plan")
        table = table_after_heading(driver, "Försenade åtgärder")
        listed = [r.text for r in body_rows(table)] if table is not None else []
        open_page(driver, goal_path)
        return any(action_title in text for text in listed)

    check(overdue_on_plan(), f"'Försenade åtgärder' on /plan does not list {action_title!r}")
    row = action_row()
    Select(row.find_element(By.CSS_SELECTOR, "select[name=actionStatus]")).select_by_visible_text("Klar")
    click_and_wait_for_new_page(driver, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    check_no_form_errors(driver, "changing the action's status")
    row = action_row()
    status = Select(row.find_element(By.CSS_SELECTOR, "select[name=actionStatus]")).first_selected_option.text
    check(status == "Klar", f"the action status should now be 'Klar', is {status!r}")
    check("försenad" not in row.text, f"a finished action is still flagged 'försenad': {row.text!r}")
    check(not overdue_on_plan(), f"the finished action {action_title!r} is still under 'Försenade åtgärder'")

    # 4. A follow-up of the goal.
    set_value(driver, "followUpDate", swedish_today())
    progress = Select(driver.find_element(By.ID, "progress"))
    progress.select_by_visible_text("Enligt plan")
    fill(driver, "note", note)
    click_button(driver, "Spara uppföljningen")
    check_no_form_errors(driver, "saving the follow-up")
    check(path_of(driver) == goal_path, f"after the follow-up expected {goal_path}, got {driver.current_url}")
    follow_ups = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "main ul.follow-ups li")]
    check(any(note in text and "Enligt plan" in text for text in follow_ups),
          f"the follow-up is not listed: {follow_ups}")
    visit_and_check(driver, None, "10_goal_followed_up")
    full_page_screenshot(driver, "10_goal_followed_up")

    # 5. The routine matrix: one column per unit; mark one routine by hand.
    open_page(driver, "/plan")
    click_link(driver, "Rutiner per verksamhet")
    check(path_of(driver) == "/plan/routines", f"'Rutiner per verksamhet' led to {driver.current_url}")
    matrix = driver.find_element(By.CSS_SELECTOR, "main table.routine-matrix")
    columns = [th.text.strip() for th in matrix.find_elements(By.CSS_SELECTOR, "thead th")][1:]
    unit_select = Select(driver.find_element(By.ID, "mark-unit"))
    units = [o.text.strip() for o in unit_select.options]
    check(len(columns) >= 2 and set(units) <= set(columns),
          f"the matrix columns should be the units: columns {columns}, units {units}")
    check(body_rows(matrix), "the routine matrix has no rows")
    visit_and_check(driver, None, "10_routines")
    full_page_screenshot(driver, "10_routines")

    unit = "Hemtjänst Norra" if "Hemtjänst Norra" in units else units[0]
    routine_select = Select(driver.find_element(By.ID, "mark-routine"))
    routine = routine_select.options[0].text.strip()
    column = columns.index(unit)

    def cell():
        rows = driver.find_elements(By.CSS_SELECTOR, "main table.routine-matrix tbody tr")
        texts = [r.find_element(By.TAG_NAME, "th").text.strip() for r in rows]
        match = [i for i, t in enumerate(texts) if t == routine or t.startswith(routine) or routine.startswith(t)]
        check(match, f"routine {routine!r} is not a row of the matrix: {texts}")
        return rows[match[0]].find_elements(By.TAG_NAME, "td")[column]

    before = cell().text
    state_select = Select(driver.find_element(By.ID, "mark-state"))
    states = [o.text.strip() for o in state_select.options]
    state = next((s for s in states if not before.startswith(s)), states[0])
    select_option(driver, "mark-unit", unit)
    routine_select.select_by_index(0)
    select_option(driver, "mark-state", state)
    click_button(driver, "Spara")
    check_no_form_errors(driver, "marking a routine")
    check(path_of(driver) == "/plan/routines", f"after marking expected /plan/routines, got {driver.current_url}")
    after = cell().text
    check(after.startswith(state) and "markerad för hand" in after,
          f"{routine!r} in {unit} should read {state!r} (markerad för hand), reads {after!r} (was {before!r})")
    visit_and_check(driver, None, "10_routines_marked")

    # 6. An existing demo goal with its actions.
    open_page(driver, "/plan")
    click_link(driver, "Frivilligheten följs upp i hemtjänsten")
    check(h1_text(driver) == "Frivilligheten följs upp i hemtjänsten", f"demo goal h1: {h1_text(driver)!r}")
    actions = table_after_heading(driver, "Åtgärder")
    check(actions is not None and body_rows(actions), "the demo goal should have actions")
    visit_and_check(driver, None, "10_goal_demo")
    full_page_screenshot(driver, "10_goal_demo")
    logout(driver)
