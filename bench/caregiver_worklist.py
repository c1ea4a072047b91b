#!/usr/bin/env python3
"""Benchmark: the caregiver worklist and search with thousands of caregivers.

Starts `synlig serve --demo` on a fresh data directory, adds caregivers through the API until
the organisation has --caregivers of them, then times the consultant's worklist page, the
worklist API, a name search and a personnummer search side by side with /health (the cost of
a request that does no work), and prints each as a ratio to it. Never fails a build: it is for
people to read.

    bench/caregiver_worklist.py --binary .build/release/synlig --caregivers 3000
"""
import argparse, http.cookiejar, json, os, re, shutil, statistics, subprocess, sys, tempfile, time
import urllib.parse, urllib.request

PASSWORD = "bench-demo-losenord"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/synlig")
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--caregivers", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    data = tempfile.mkdtemp(prefix="synlig-bench-")
    env = dict(os.environ, SYNLIG_DATA_DIR=data, SYNLIG_DEMO_PASSWORD=PASSWORD)
    server = subprocess.Popen([args.binary, "serve", "--demo", "--port", str(args.port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(base + "/health")
        token = api_token(base)
        existing = api(base, token, "GET", "/api/v1/caregivers?per=1")["total"]
        started = time.time()
        for i in range(existing, args.caregivers):
            api(base, token, "POST", "/api/v1/caregivers",
                {"name": f"Bänk Person {i:05d}", "preferredLanguage": "sv", "interpreterNeed": "no"})
        print(f"caregivers: {args.caregivers} (added {max(0, args.caregivers - existing)} in {time.time() - started:.0f} s)")

        browser = Browser(base)
        browser.sign_in("konsulent@exempel.se")
        csrf = browser.csrf(browser.get("/caregivers"))
        cases = [
            ("GET /health (baseline)", lambda: browser.get("/health")),
            ("GET /caregivers/worklist", lambda: browser.get("/caregivers/worklist")),
            ("GET /caregivers/worklist?due=overdue", lambda: browser.get("/caregivers/worklist?due=overdue")),
            ("POST /caregivers (name search)", lambda: browser.post("/caregivers", {"_csrf": csrf, "q": "person 0123"})),
            ("POST /caregivers (personnummer)", lambda: browser.post("/caregivers", {"_csrf": csrf, "q": "19121212-1212"})),
            ("GET /api/v1/worklist", lambda: api(base, token, "GET", "/api/v1/worklist")),
        ]
        results = []
        for name, call in cases:
            call()  # warm up
            times = []
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                call()
                times.append(time.perf_counter() - t0)
            results.append((name, statistics.median(times)))
        baseline = results[0][1]
        print(f"{'request':40} {'median ms':>10} {'x baseline':>11}")
        for name, median in results:
            print(f"{name:40} {median * 1000:10.1f} {median / baseline:11.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


def wait_for(url, seconds=180):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(1)
    sys.exit(f"no answer from {url}")


def api_token(base):
    return api(base, None, "POST", "/api/v1/auth/token", {"email": "konsulent@exempel.se", "password": PASSWORD})["token"]


def api(base, token, method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


class Browser:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        with self.opener.open(self.base + path) as response:
            return response.read().decode()

    def post(self, path, form):
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(urllib.request.Request(self.base + path, data=data)) as response:
            return response.read().decode()

    @staticmethod
    def csrf(html):
        match = re.search(r'name="_csrf" value="([^"]+)"', html)
        return match.group(1) if match else ""

    def sign_in(self, email):
        page = self.get("/login")
        self.post("/login", {"_csrf": self.csrf(page), "email": email, "password": PASSWORD})


if __name__ == "__main__":
    main()
