#!/usr/bin/env python3
"""Browser end-to-end tests for Synlig: headless Chromium via Selenium, every page
checked with axe-core (WCAG 2.0/2.1 A and AA) and screenshotted.

Environment:
  SYNLIG_BASE_URL       default http://127.0.0.1:8080
  SYNLIG_DEMO_PASSWORD  required: the password of the demo users (serve --demo)
  AXE_JS                path to axe.min.js; default: the copy inside axe_playwright_python
  CHROME_BIN            default /usr/bin/chromium
  CHROMEDRIVER          default /usr/bin/chromedriver

Arguments, optional: scenario numbers to run (e.g. `run_e2e.py 9`); default all.
Prints one line "N passed, M failed" at the end and exits non-zero if anything failed.
The helpers live in lib/, the scenarios in scenarios/<capability>.py.
"""

import sys
import time
import traceback

from lib.axe import load_axe
from lib.checks import TestFailure
from lib.config import BASE_URL, DEMO_PASSWORD
from lib.driver import new_driver, wait_for_server
from lib.screenshots import screenshot
from scenarios import (accounts, administration, caregiver_follow_ups, caregiver_relationships, caregivers,
                       contact_requests, crisis, decisions, hostile_forms, hostile_input, interop, mapping, planning, privacy, referrals,
                       sign_in, statistics, support)

TESTS = [
    ("1 login page (anonymous, Swedish)", accounts.test_login_page_anonymous),
    ("2 wrong password shows error", accounts.test_login_wrong_password),
    ("3 admin pages", administration.test_admin_pages),
    ("4 admin creates unit + empty-name error", administration.test_admin_creates_unit),
    ("5 admin creates user; staff user is denied admin", administration.test_admin_creates_user_and_role_limits),
    ("6 language switch", accounts.test_language_switch),
    ("7 demo roles sign in", accounts.test_demo_roles),
    ("8 keyboard: skip link first", accounts.test_keyboard_skip_link),
    ("9 a full mapping clicked through", mapping.test_mapping_full_cycle),
    ("10 development plan: goal, action, follow-up, routines", planning.test_development_plan),
    ("11 question banks: official read-only, own version edited", mapping.test_question_banks),
    ("12 decisions: impact analysis, requirement, procurement", decisions.test_decisions),
    ("13 viewer reads, cannot manage", accounts.test_viewer_cannot_manage),
    ("14 caregiver on a phone finds a break in Finnish and asks to be contacted", support.test_caregiver_on_phone),
    ("15 consultant sees the request and closes it", contact_requests.test_consultant_closes_request),
    ("16 catalogue keeper: stale flags, edit, new offering published, organisation", support.test_catalogue_keeper),
    ("17 consultant's day: worklist, a contact request turned into a record",
     caregivers.test_consultant_registers_caregiver),
    ("18 record: person cared for, consent, SIP invitation, restriction lifted",
     caregiver_relationships.test_relationship_consent_restriction),
    ("19 record: voluntariness, screening, plan, support, feedback, memo, conversation",
     caregiver_follow_ups.test_caregiver_follow_ups),
    ("20 unit-scoped staff; search by name and personnummer", caregivers.test_caregiver_access_and_search),
    ("21 statistics: a viewer reads who is reached, by year, quarter and unit", statistics.test_statistics),
    ("22 crisis list: on screen, printable, export refused for a short passphrase, at phone width",
     crisis.test_crisis_list),
    ("23 crisis list: staff are refused", crisis.test_staff_cannot_open_crisis_list),
    ("24 crisis event on a phone: start, mark reached and needs help, summary", crisis.test_crisis_event_on_phone),
    ("25 register extract: on screen, printed as A4, as JSON", privacy.test_register_extract),
    ("26 register extract: staff are refused", privacy.test_staff_cannot_make_extract),
    ("27 two-step verification: enrol with the QR page, sign in with a code, remove with a reserve code",
     accounts.test_second_factor),
    ("28 e-ID: provider set up, step-up before a record, sign-in through the provider, unknown identity, sign-out",
     sign_in.test_eid_sign_in),
    ("29 referral: a region's nurse refers a family caregiver, the municipality registers her and sets the status",
     referrals.test_referral_region_to_municipality),
    ("30 group support: an occasion added, a caregiver signed up from the record, attendance marked",
     support.test_group_support_attendance),
    ("31 record kept current: information given and planned, children at home, a consent review from the worklist",
     caregiver_follow_ups.test_information_and_consent_review),
    ("40 hostile text: markup names stored through the UI are shown as text on every list, nothing runs",
     hostile_input.test_hostile_text_shown_as_text),
    ("44 hostile text: markup typed into every form two roles reach, shown again or stored, runs nothing anywhere",
     hostile_forms.test_hostile_text_in_every_form),
    ("45 Swedish text round-trips byte for byte: typed on the page, read through the API, and back",
     hostile_forms.test_swedish_round_trips),
    ("41 interfaces: FHIR exports validate with fhir.resources, open data against HSDS 3.0's schemas and tabular package",
     interop.test_interfaces_validate),
]


# Issue 14, suite 8 (every page, every role, accessible), kept in a block of its own so the other
# suites' scenarios (40, 41) merge beside it. Run last: the crawl reads what the others made.
from scenarios import accessibility, accessibility_keyboard  # noqa: E402

TESTS += [
    ("42 every page, every role: crawled from each role's links, axe at desktop and phone width, none forgotten",
     accessibility.test_every_page_every_role),
    ("43 keyboard only: ask to be contacted, register a family caregiver, record a conversation, answer a mapping",
     accessibility_keyboard.test_keyboard_main_flows),
]


def main():
    if not DEMO_PASSWORD:
        print("SYNLIG_DEMO_PASSWORD must be set", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    load_axe()
    if not wait_for_server():
        print(f"server at {BASE_URL} did not answer /health", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1

    # Optional arguments pick scenarios by number, e.g. `run_e2e.py 9`; default: all.
    chosen = [t for t in TESTS if not sys.argv[1:] or t[0].split()[0] in sys.argv[1:]]
    passed, failed = 0, []
    for title, test in chosen:
        driver = None
        started = time.time()
        try:
            driver = new_driver()
            test(driver)
            passed += 1
            print(f"PASS  {title} ({time.time() - started:.1f}s)", flush=True)
        except Exception as error:
            reason = str(error) if isinstance(error, TestFailure) else traceback.format_exc()
            if driver is not None:
                try:
                    screenshot(driver, "FAILED_" + test.__name__)
                    reason += f"\n  (at {driver.current_url})"
                except Exception:
                    pass
            failed.append((title, reason))
            print(f"FAIL  {title} ({time.time() - started:.1f}s)\n  " + reason.replace("\n", "\n  "), flush=True)
        finally:
            if driver is not None:
                driver.quit()

    if failed:
        print("\nFailures:")
        for title, _reason in failed:
            print(f"  - {title}")
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
