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
import argparse, datetime, os, shutil, subprocess, sys, tempfile

from statistics_page import PASSWORD, measure_and_report, session_cookie, wait_for

CONSULTANT = "konsulent@exempel.se"
ADMIN = "admin@exempel.se"
DEMO_CODE = "9999"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build-release/release/synlig")
    parser.add_argument("--port", type=int, default=8198)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    base = f"http://127.0.0.1:{args.port}"
    data = tempfile.mkdtemp(prefix="synlig-bench-")
    env = dict(os.environ, SYNLIG_DATA_DIR=data, SYNLIG_DEMO_PASSWORD=PASSWORD)
    server = subprocess.Popen([args.binary, "serve", "--demo", "--env", "production", "--port", str(args.port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(base + "/health")
        secret = os.path.join(data, "idp-secret")
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
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
