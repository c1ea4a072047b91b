#!/usr/bin/env python3
"""Benchmark: the statistics page and API, the comparison between organisations, and the open indicators, against the same server's /health.

Starts `synlig serve --demo --env production` (Leaf's cache on, as in production) on a fresh data
directory, signs in as the demo politician, and loads /health, /statistics and
/api/v1/statistics and the open indicators with wrk, in interleaved rounds so the machine's drift hits all alike. Prints
requests per second and each as a ratio to /health measured in the same round, and appends the
table, with date and commit, to bench/README.md. Never fails a build: it is for people to read.

    swift build -c release --scratch-path .build-release --product synlig
    bench/statistics_page.py --binary .build-release/release/synlig
"""
import argparse, contextlib, datetime, http.cookiejar, json, os, re, shutil, statistics, subprocess, sys, tempfile, time
import urllib.parse, urllib.request

PASSWORD = "bench-demo-losenord"
VIEWER = "politiker@exempel.se"


def main():
    args = page_bench_arguments(8198)
    with demo_server(args) as (base, _):
        cookie = session_cookie(base, VIEWER)
        token = api(base, "POST", "/api/v1/auth/token", {"email": VIEWER, "password": PASSWORD})["token"]
        cases = [
            ("GET /health", "/health", []),
            ("GET /statistics?period=2026", "/statistics?period=2026", ["Cookie: " + cookie]),
            ("GET /api/v1/statistics?period=2026", "/api/v1/statistics?period=2026", ["Authorization: Bearer " + token]),
            ("GET /statistics/national", "/statistics/national", ["Cookie: " + cookie]),
            ("GET /api/v1/statistics/national", "/api/v1/statistics/national", ["Authorization: Bearer " + token]),
            ("GET /api/v1/open-data/9999/indicators", "/api/v1/open-data/9999/indicators", []),
            ("GET /api/v1/open-data/indicators", "/api/v1/open-data/indicators", []),
        ]
        measure_and_report(base, cases, args, f"### Statistics, {datetime.date.today().isoformat()}",
                           f"Demo organisation (about 300 caregivers), release build, wrk {args.connections} connections, "
                           f"{args.rounds} interleaved rounds of {args.seconds} s; ratio to /health in the same round (median).")


def page_bench_arguments(port):
    """The options every page benchmark takes; wrk must be installed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build-release/release/synlig")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    return args


@contextlib.contextmanager
def demo_server(args):
    """`synlig serve --demo --env production` (Leaf's cache on, as in production) on a fresh data
    directory; yields the base URL and the environment (for commands run beside it), and stops it."""
    base = f"http://127.0.0.1:{args.port}"
    data = tempfile.mkdtemp(prefix="synlig-bench-")
    env = dict(os.environ, SYNLIG_DATA_DIR=data, SYNLIG_DEMO_PASSWORD=PASSWORD)
    server = subprocess.Popen([args.binary, "serve", "--demo", "--env", "production", "--port", str(args.port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(base + "/health")
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


def wrk(url, headers, seconds, connections):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command + [url], capture_output=True, text=True).stdout
    if re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        sys.exit(f"{url} answered errors under load:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return float(match.group(1)) if match else 0.0


def wait_for(url, seconds=180):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(1)
    sys.exit(f"no answer from {url}")


def api(base, method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


def session_cookie(base, email):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    opener.open(urllib.request.Request(base + "/login", data=urllib.parse.urlencode(
        {"_csrf": csrf, "email": email, "password": PASSWORD}).encode()))
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def measure_and_report(base, cases, args, heading, description):
    """Loads each case with wrk in interleaved rounds (the first case is /health), prints the
    table of requests per second and ratios to /health in the same round, and appends it with
    the commit to bench/README.md unless --no-readme."""
    rates = {name: [] for name, _, _ in cases}
    ratios = {name: [] for name, _, _ in cases}
    for _ in range(args.rounds):
        round_rates = {}
        for name, path, headers in cases:
            round_rates[name] = wrk(base + path, headers, args.seconds, args.connections)
            rates[name].append(round_rates[name])
        for name in round_rates:
            ratios[name].append(round_rates[name] / round_rates[cases[0][0]])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    lines = [f"{heading}, commit {commit}", description, "", "| request | req/s (median) | × /health |", "|---|---:|---:|"]
    for name, _, _ in cases:
        lines.append(f"| `{name}` | {statistics.median(rates[name]):.0f} | {statistics.median(ratios[name]):.3f}× |")
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.no_readme:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.md"), "a", encoding="utf-8") as handle:
            handle.write("\n" + table)


if __name__ == "__main__":
    main()
