#!/usr/bin/env python3
"""Benchmark: the sign-in pages issue 13 added, against the same server's /health — the login
page with an identity provider's button, the step-up page, the administrator's sign-in
settings and the public key set for private_key_jwt.

Starts `synlig serve --demo --env production` on a fresh data directory, adds two identity
providers with `synlig identity-provider set` (client secret and private_key_jwt; neither is
contacted), signs in as the demo consultant and administrator, and loads each page with wrk in
interleaved rounds. Appends the table, with date and commit, to bench/README.md. Never fails a build.

    swift build -c release --scratch-path .build-release --product synlig
    bench/sign_in_pages.py --binary .build-release/release/synlig
"""
import datetime, os, subprocess

from statistics_page import PASSWORD, demo_server, page_bench_arguments, measure_and_report, session_cookie, wait_for

CONSULTANT = "konsulent@exempel.se"
ADMIN = "admin@exempel.se"
DEMO_CODE = "9999"


def main():
    args = page_bench_arguments(8198)
    with demo_server(args) as (base, env):
        secret = os.path.join(env["SYNLIG_DATA_DIR"], "idp-secret")
        with open(secret, "w") as handle:
            handle.write("bench-secret\n")
        for client, extra in [("synlig-basic", ["--client-secret-file", secret]),
                              ("synlig-jwt", ["--client-authentication", "private_key_jwt"])]:
            subprocess.run([args.binary, "identity-provider", "set", "--organisation", DEMO_CODE,
                            "--issuer", "https://idp.example.se", "--client-id", client, "--user-claim", "employeeHsaId",
                            "--acr", "http://id.elegnamnden.se/loa/1.0/loa3", "--name", client] + extra,
                           env=env, check=True, stdout=subprocess.DEVNULL)
        consultant, admin = session_cookie(base, CONSULTANT), session_cookie(base, ADMIN)
        cases = [
            ("GET /health", "/health", []),
            ("GET /login (two providers)", "/login", []),
            ("GET /login/step-up", "/login/step-up?return=/caregivers", ["Cookie: " + consultant]),
            ("GET /admin/sign-in", "/admin/sign-in", ["Cookie: " + admin]),
            ("GET /login/eid/jwks.json", "/login/eid/jwks.json", []),
        ]
        measure_and_report(base, cases, args,
                           f"### Sign-in pages (e-ID, step-up, settings), {datetime.date.today().isoformat()}",
                           f"Demo organisation with two identity providers, release build, wrk {args.connections} connections, "
                           f"{args.rounds} interleaved rounds of {args.seconds} s; ratio to /health in the same round (median). "
                           f"Run: `bench/sign_in_pages.py`.")


if __name__ == "__main__":
    main()
