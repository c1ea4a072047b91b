#!/usr/bin/env python3
"""Benchmark: the crisis list, the access-log review, the jobs page, the register extract, the
forms for erasure (of a caregiver's and of a person cared for's file) and exemption from
gallring, a person cared for's correction history, the register settings (page and API), and a
quarter's statistics, against the same server's /health.

Starts `synlig serve --demo --env production` on a fresh data directory, signs in as the demo
consultant and administrator, and loads each page with wrk in interleaved rounds (ratio to
/health in the same round). The register extract and the crisis list write an access-log row
per person shown on every request, as they do for a user, so they include those writes.
Appends the table, with date and commit, to bench/README.md. Never fails a build.

    swift build -c release --scratch-path .build-release --product synlig
    bench/privacy_pages.py --binary .build-release/release/synlig
"""
import datetime, re, sys
import urllib.request

from statistics_page import PASSWORD, demo_server, page_bench_arguments, api, measure_and_report, session_cookie, wait_for

CONSULTANT = "konsulent@exempel.se"
ADMIN = "admin@exempel.se"


def main():
    args = page_bench_arguments(8197)
    with demo_server(args) as (base, _):
        consultant, admin = session_cookie(base, CONSULTANT), session_cookie(base, ADMIN)
        token = api(base, "POST", "/api/v1/auth/token", {"email": CONSULTANT, "password": PASSWORD})["token"]
        caregiver = first_id(base, token, "/api/v1/caregivers?per=1")
        recipient = first_id(base, token, "/api/v1/recipients?per=1")
        as_consultant, as_admin = ["Cookie: " + consultant], ["Cookie: " + admin]
        cases = [
            ("GET /health", "/health", []),
            ("GET /crisis", "/crisis", as_consultant),
            ("GET /caregivers/{id}/extract", f"/caregivers/{caregiver}/extract", as_consultant),
            ("GET /api/v1/caregivers/{id}/extract", f"/api/v1/caregivers/{caregiver}/extract", ["Authorization: Bearer " + token]),
            ("GET /recipients/{id}/extract", f"/recipients/{recipient}/extract", as_consultant),
            ("GET /admin/access-log", "/admin/access-log", as_admin),
            ("GET /admin/access-log?type=caregiver", "/admin/access-log?type=caregiver", as_admin),
            ("GET /admin/jobs", "/admin/jobs", as_admin),
            ("GET /caregivers/{id}/erase", f"/caregivers/{caregiver}/erase", as_consultant),
            ("GET /caregivers/{id}/retention", f"/caregivers/{caregiver}/retention", as_consultant),
            ("GET /recipients/{id}/erase", f"/recipients/{recipient}/erase", as_consultant),
            ("GET /recipients/{id}/corrections", f"/recipients/{recipient}/corrections", as_consultant),
            ("GET /caregivers/settings", "/caregivers/settings", as_consultant),
            ("GET /api/v1/caregiver-settings", "/api/v1/caregiver-settings", ["Authorization: Bearer " + token]),
            # A quarter counts its whole year's events to publish them beside the year.
            ("GET /statistics?period=(this year's Q1)", f"/statistics?period={datetime.date.today().year}-Q1", as_consultant),
        ]
        measure_and_report(base, cases, args,
                           f"### Crisis list, access-log review, jobs, register extract, erasure and exemption forms, correction history, register settings, a quarter's statistics, {datetime.date.today().isoformat()}",
                           f"Demo organisation, release build, wrk {args.connections} connections, {args.rounds} interleaved rounds of "
                           f"{args.seconds} s; ratio to /health in the same round (median). Run: `bench/privacy_pages.py`.")


def first_id(base, token, path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request) as response:
        found = re.search(r'"id"\s*:\s*"([0-9A-Fa-f-]{36})"', response.read().decode())
    if not found:
        sys.exit(f"no id in {path}")
    return found.group(1)


if __name__ == "__main__":
    main()
