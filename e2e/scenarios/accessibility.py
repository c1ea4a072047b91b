"""Every page, every role, accessible (issue 14, suite 8): a crawl from each demo role's start page
(and signed out from the public pages) through every same-origin link, axe-core with the WCAG 2.1
A and AA tags at desktop and phone width on each page; then every GET page route of the server
must have been reached by some link, or stand in ALLOW_UNLINKED with its reason.

The keyboard-only flows (scenario 43) live in accessibility_keyboard.py."""

import os
import time

from lib.assurance import write_figures
from lib.checks import check
from lib.crawl import AXE_PER_SHAPE, PER_SHAPE, PHONE, DESKTOP, SKIP_ENDINGS, Crawl
from lib.demo import demo_logins
from lib.login import sign_in
from lib.routes import RouteMatcher, get_routes

# Where a signed-out visitor starts: the start page (which sends them to sign in) and the public
# support pages a municipality links to from its own website.
PUBLIC_STARTS = ["/", "/stod"]

# Page routes no link leads to, each with the reason; reviewed, and kept short. An entry that names
# no route any more fails the scenario, so the list cannot rot.
ALLOW_UNLINKED = {
    "/setup/:token": "the first administrator's one-time link, printed by `synlig serve` on an empty installation",
    "/login/second-factor": "shown only after a correct password for an account with two-step verification (a form post)",
    "/login/eid/callback": "where the identity provider sends the browser back after e-ID; not a link",
    "/login/eid": "offered on the login page only once an administrator has set up an identity provider; the demo has none",
    "/admin/identity-providers/:id": "exists only once an administrator has added an identity provider (scenario 28 adds one)",
    "/login/step-up": "a redirect before a record when the organisation asks for strong sign-in, not a link",
    "/caregivers/feedback/:id": "linked from a record's feedback list, on the few demo records that have feedback, which "
                                "the crawl's sample of records may miss; e2e 19 follows that link and checks the page with axe",
    "/caregivers/:id/corrections/:entryId/strike": "linked from a row of a caregiver's correction history, and the demo corrects no "
                                                   "caregiver's details; the same form for a person cared for is crawled and checked "
                                                   "with axe, and the Swift tests post to both",
}

# A bounded run: seconds and pages for the whole crawl (all roles, both widths).
CRAWL_SECONDS = int(os.environ.get("SYNLIG_CRAWL_SECONDS", "900"))
CRAWL_PAGES = int(os.environ.get("SYNLIG_CRAWL_PAGES", "2500"))


def page_routes(routes):
    """The GET routes that answer with a page: not the API, not /health, not a file."""
    return [r for r in routes
            if not r.startswith("/api/") and r != "/health" and not r.lower().endswith(SKIP_ENDINGS)]


def test_every_page_every_role(driver):
    started = time.time()
    routes = get_routes()
    pages = page_routes(routes)
    crawl = Crawl(RouteMatcher(routes), page_cap=CRAWL_PAGES, seconds=CRAWL_SECONDS,
                  wanted=[r for r in pages if r not in ALLOW_UNLINKED])

    driver.delete_all_cookies()
    logins = demo_logins()
    check(len(logins) >= 6, f"found only {len(logins)} demo logins in Sources/SynligDemo")
    crawl.crawl(driver, "signed out", PUBLIC_STARTS, roles_left=len(logins) + 1)
    for index, (email, role) in enumerate(logins):
        driver.delete_all_cookies()
        sign_in(driver, email)
        crawl.crawl(driver, f"{role} ({email})", ["/"], roles_left=len(logins) - index)

    forgotten = [r for r in pages if r not in crawl.linked and r not in ALLOW_UNLINKED]
    stale = [r for r in ALLOW_UNLINKED if r not in pages]
    checked = sorted(crawl.axe_runs)
    write_figures("accessibility", {
        "roles": len(crawl.roles), "role_names": crawl.roles,
        "page_routes": len(pages), "page_routes_reached_by_links": len([r for r in pages if r in crawl.linked]),
        "page_routes_allow_listed": len(ALLOW_UNLINKED), "page_routes_forgotten": len(forgotten),
        "route_shapes_checked": len(checked), "pages_opened": crawl.opened,
        "pages_crawled": {DESKTOP[0]: crawl.pages[DESKTOP[0]], PHONE[0]: crawl.pages[PHONE[0]]},
        "widths": {DESKTOP[0]: DESKTOP[1], PHONE[0]: PHONE[1]},
        "axe_tags": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
        "per_shape_per_role": PER_SHAPE, "axe_runs_per_shape": AXE_PER_SHAPE,
        "violations": len(crawl.violations), "broken_links": len(crawl.broken),
        "truncated": crawl.truncated, "crawl_seconds": round(time.time() - started, 1),
    })
    print(f"      crawl: {len(crawl.roles)} roles, {crawl.opened} pages opened, {len(checked)} route shapes checked "
          f"at {crawl.pages[DESKTOP[0]]} desktop + {crawl.pages[PHONE[0]]} phone pages, "
          f"{len(pages) - len(forgotten) - len(ALLOW_UNLINKED)}/{len(pages)} page routes linked, "
          f"{time.time() - started:.0f}s", flush=True)

    problems = []
    for role, width, path, rule, help_text, targets in crawl.violations:
        problems.append(f"axe {rule} on {path} as {role} at {width} width: {help_text} ({'; '.join(targets)})")
    for role, source, target, status in crawl.broken:
        problems.append(f"link from {source} to {target} answered {status} as {role}")
    for route in forgotten:
        problems.append(f"page route {route} is reached by no role's links (link it, or add it to ALLOW_UNLINKED with a reason)")
    for route in stale:
        problems.append(f"ALLOW_UNLINKED names {route}, which is no GET page route any more")
    if crawl.truncated:
        problems.append(f"the crawl stopped at its cap ({CRAWL_PAGES} pages, {CRAWL_SECONDS}s) before it had followed every link")
    check(not problems, f"{len(problems)} accessibility problem(s):\n  " + "\n  ".join(problems))
