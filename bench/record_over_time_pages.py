#!/usr/bin/env python3
"""Benchmark: the pages issue 16 added — referrals (inbox, sent, one referral), SIP on the page of
the person cared for, group-support occasions, the caregiver record and worklist that now carry
consent reviews, information and children, the national comparison and the access-log review —
against the same server's /health.

Starts `synlig serve --demo --env production` on a fresh data directory (Exempelkommun and Region
Exempel), signs in as the municipality's consultant, the region's nurse and the administrator,
and loads each page with wrk in interleaved rounds (ratio to /health in the same round). Pages
that show a person write an access-log row per request, as they do for a user. Appends the
table, with date and commit, to bench/README.md. Never fails a build.

    swift build -c release --scratch-path .build-release --product synlig
    bench/record_over_time_pages.py --binary .build-release/release/synlig
"""
import datetime, re, sys
import urllib.request

from statistics_page import PASSWORD, demo_server, page_bench_arguments, api, measure_and_report, session_cookie

CONSULTANT = "konsulent@exempel.se"
NURSE = "sjukskoterska@region-exempel.se"
ADMIN = "admin@exempel.se"


def first_id(base, token, path, pattern=r'"id"\s*:\s*"([0-9A-Fa-f-]{36})"'):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request) as response:
        found = re.search(pattern, response.read().decode())
    if not found:
        sys.exit(f"no id in {path}")
    return found.group(1)


def first_href(base, cookie, path, prefix):
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request) as response:
        found = re.search(r'href="(' + re.escape(prefix) + r'[0-9A-Fa-f-]{36})"', response.read().decode())
    if not found:
        sys.exit(f"no link to {prefix}… on {path}")
    return found.group(1)


def main():
    args = page_bench_arguments(8199)
    with demo_server(args) as (base, _):
        consultant, nurse, admin = session_cookie(base, CONSULTANT), session_cookie(base, NURSE), session_cookie(base, ADMIN)
        token = api(base, "POST", "/api/v1/auth/token", {"email": CONSULTANT, "password": PASSWORD})["token"]
        bearer = ["Authorization: Bearer " + token]
        caregiver = first_id(base, token, "/api/v1/caregivers?per=1")
        referral = first_href(base, consultant, "/referrals", "/referrals/")
        recipient = first_id(base, token, "/api/v1/recipient-tasks", r'"recipientId"\s*:\s*"([0-9A-Fa-f-]{36})"')
        occasion = first_id(base, token, "/api/v1/group-occasions")
        as_consultant, as_nurse, as_admin = ["Cookie: " + consultant], ["Cookie: " + nurse], ["Cookie: " + admin]
        cases = [
            ("GET /health", "/health", []),
            ("GET /referrals", "/referrals", as_consultant),
            ("GET /referrals/{id}", referral, as_consultant),
            ("GET /referrals/sent (region)", "/referrals/sent", as_nurse),
            ("GET /api/v1/referrals/received", "/api/v1/referrals/received", bearer),
            ("GET /recipients/{id}/plans", f"/recipients/{recipient}/plans", as_consultant),
            ("GET /api/v1/recipients/{id}/coordinated-plans", f"/api/v1/recipients/{recipient}/coordinated-plans", bearer),
            ("GET /support/occasions", "/support/occasions", as_consultant),
            ("GET /support/occasions/{id}", f"/support/occasions/{occasion}", as_consultant),
            ("GET /api/v1/group-occasions", "/api/v1/group-occasions", bearer),
            ("GET /caregivers/{id}", f"/caregivers/{caregiver}", as_consultant),
            ("GET /api/v1/caregivers/{id}/information", f"/api/v1/caregivers/{caregiver}/information", bearer),
            ("GET /caregivers/worklist", "/caregivers/worklist", as_consultant),
            ("GET /statistics/national", "/statistics/national", as_consultant),
            ("GET /admin/access-log", "/admin/access-log", as_admin),
        ]
        measure_and_report(base, cases, args,
                           f"### Referrals, SIP, group support, the record over time, log review, {datetime.date.today().isoformat()}",
                           f"Demo organisations, release build, wrk {args.connections} connections, {args.rounds} interleaved rounds of "
                           f"{args.seconds} s; ratio to /health in the same round (median). Run: `bench/record_over_time_pages.py`.")


if __name__ == "__main__":
    main()
