#!/usr/bin/env python3
"""The API matches its spec (issue 14, suite 2): schemathesis fuzzes every operation of
`/api/v1/openapi.yaml` against a running Synlig, once signed in as each of two roles, with all
of its checks, and the run fails on any failure.

    api_conformance.py --binary .build/debug/synlig --port 8110   # a fresh demo server of its own
    api_conformance.py --base-url http://127.0.0.1:8080           # a demo server already running

The fuzzer writes thousands of records, so with `--binary` it gets a server and data folder of
its own (removed afterwards) and never disturbs another suite. The budget is a fixed number of
examples per operation and phase (`--max-examples`) and a fixed seed, so a run is repeatable and
its length bounded; every request has a timeout.

With `SYNLIG_ASSURANCE_OUT` set, the figures the run counted go to `api-conformance.json` there.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = os.environ.get("SYNLIG_DEMO_PASSWORD", "conformance-demo-losenord")
# Two roles of the demo municipality: the administrator (units, users, jobs, logs) and the
# caregiver consultant (the caregiver record, support, referrals), so between them every
# operation is reached both where it is allowed and where it is refused. The administrator goes
# last: its fuzzing deactivates users it finds, the consultant among them.
ROLES = ["konsulent@exempel.se", "admin@exempel.se"]
# DELETE /auth/token revokes the token it is sent with: the first cases get a spare each (a sign-in
# costs seconds of bcrypt), later ones a token never issued, which is the documented 401.
SPARE_TOKENS = 3
# Operations the suite does not fuzz yet, each for a rule openapi.yaml does not state yet; the
# list only shrinks (issue 14), and is empty: every operation runs with every check. A rule the
# schema cannot express is documented as a status on its operation (the 422 `BusinessRule`, the
# 400 `YearRefused`) and expected for schema-valid data in schemathesis.toml, operation by operation.
NOT_YET: set[str] = set()


def call(base, method, path, body=None, timeout=20):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None
    except (urllib.error.URLError, OSError):
        return 0, None


def sign_in(base, email):
    status, body = call(base, "POST", "/api/v1/auth/token", {"email": email, "password": PASSWORD})
    if status != 201:
        raise SystemExit(f"signing in as {email} answered {status}; is it a demo server with this SYNLIG_DEMO_PASSWORD?")
    return body["token"]


def start_server(binary, port, data_dir):
    env = dict(os.environ, SYNLIG_DATA_DIR=data_dir, SYNLIG_DEMO_PASSWORD=PASSWORD)
    log = open(os.path.join(data_dir, "server.log"), "w")
    process = subprocess.Popen([binary, "serve", "--demo", "--port", str(port)], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode} while starting; see {log.name}")
        if call(base, "GET", "/health", timeout=2)[0] == 200:
            return process, base
        time.sleep(0.5)
    process.kill()
    raise SystemExit("the server did not answer /health within 180 s")


def run_schemathesis(base, email, args, report_dir):
    """Runs schemathesis signed in as `email`; its JSON report, and whether it passed."""
    token = sign_in(base, email)
    spares = [sign_in(base, email) for _ in range(SPARE_TOKENS)]
    report = os.path.join(report_dir, f"{email.split('@')[0]}.json")
    command = [
        os.path.join(os.path.dirname(sys.executable), "schemathesis"), "--config-file", os.path.join(HERE, "schemathesis.toml"),
        "run", f"{base}/api/v1/openapi.yaml",
        "--checks", "all",
        "--max-examples", str(args.max_examples),
        "--seed", str(args.seed),
        "--workers", str(args.workers),
        "--request-timeout", "20",
        "--generation-database", "none",
        "--suppress-health-check", "all",
        "--report", "json", "--report-json-path", report,
        "--no-color",
    ]
    for name in sorted(NOT_YET):
        command += ["--exclude-name", name]
    env = dict(os.environ, PYTHONPATH=HERE, SCHEMATHESIS_HOOKS="api_conformance_hooks",
               SYNLIG_API_TOKEN=token, SYNLIG_API_SPARE_TOKENS=",".join(spares))
    print(f"== schemathesis as {email}", flush=True)
    passed = subprocess.run(command, env=env, cwd=report_dir).returncode == 0
    with open(report) as file:
        return json.load(file), passed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--binary", help="a synlig binary to start on a fresh data folder")
    where.add_argument("--base-url", help="a running demo server")
    parser.add_argument("--port", type=int, default=8110)
    # Two examples per operation and phase. Most of the run is schemathesis's coverage phase, which
    # does not depend on it (with all 130 operations: about 100 s of 120 s per role with 2, the
    # same with 1), so fuzzing every operation did not call for fewer.
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("SYNLIG_CONFORMANCE_EXAMPLES", "2")))
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="synlig-conformance-")
    server = None
    try:
        if args.binary:
            server, base = start_server(args.binary, args.port, work)
        else:
            base = args.base_url.rstrip("/")
        started = time.time()
        results = [run_schemathesis(base, email, args, work) for email in ROLES]
        figures = summarize([report for report, _ in results], time.time() - started, args)
        print(json.dumps(figures, indent=2))
        out = os.environ.get("SYNLIG_ASSURANCE_OUT")
        if out:
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, "api-conformance.json"), "w") as file:
                json.dump(figures, file, indent=2)
        ok = all(passed for _, passed in results) and figures["failures"] == 0
        print(f"{figures['cases']} passed, {figures['failures']} failed" if ok
              else f"API conformance: {figures['failures']} failures")
        return 0 if ok else 1
    finally:
        if server:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if server and os.environ.get("SYNLIG_CONFORMANCE_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)


def check_names():
    """The checks `--checks all` runs, as schemathesis names them."""
    import schemathesis.specs.openapi.checks  # noqa: F401  (registers the OpenAPI checks)
    from schemathesis.checks import CHECKS
    return sorted(CHECKS.get_all_names())


def summarize(reports, seconds, args):
    """The figures docs/assurance.md quotes, added up over the roles' runs."""
    failures = [failure for report in reports for failure in report["failures"]]
    for failure in failures:
        print(f"FAILURE {failure['title']} ({failure['count']}): {', '.join(failure['operations'])[:400]}")
    errors = [error for report in reports for error in report["errors"]]
    for error in errors:
        print(f"ERROR {error['title']} ({error['count']})")
    checks = check_names()
    return {
        "suite": "api-conformance",
        "tool": f"schemathesis {reports[0]['schemathesis_version']}",
        "roles": len(reports),
        "operations": max(report["operations"]["total"] for report in reports),
        "operations_fuzzed": max(report["operations"]["selected"] for report in reports),
        "operations_not_yet": sorted(NOT_YET),
        "operations_tested": sum(report["operations"]["tested"] for report in reports),
        "cases": sum(report["test_cases"]["generated"] for report in reports),
        "checks": len(checks),
        "check_names": checks,
        "max_examples": args.max_examples,
        "seed": args.seed,
        "failures": sum(failure["count"] for failure in failures) + sum(error["count"] for error in errors),
        "seconds": round(seconds),
    }


if __name__ == "__main__":
    sys.exit(main())
