#!/usr/bin/env python3
"""Scale-out (issue 14, suite 7): two `synlig serve` instances behind nginx, sharing one PostgreSQL.

Checks, each with real processes on loopback:
1. A signed-in user keeps the session while nginx alternates the instances (round robin): the
   login form fetched from one instance is posted to the other, and twenty pages in a row answer
   signed in; the same session cookie works on each instance directly.
2. A write through one instance is read through the other at once.
3. A scheduled job runs once: both instances start their schedulers, and every job has exactly
   one scheduled run in its period in `job_runs`.
4. Killing one instance (SIGKILL) under a stream of writes through nginx loses no acknowledged
   write: every create answered 201 is read back through the survivor.

    bench/scale_out.py --binary .build-release/release/synlig [--figures DIR]

nginx comes from Debian (`apt-get install nginx`). Exits non-zero on the first failed check.
"""
import argparse, http.cookiejar, json, os, re, signal, subprocess, sys, tempfile, threading, time
import urllib.parse, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from fleet import CONSULTANT, PASSWORD, FleetFailure, Instance, call, token  # noqa: E402
from national_floor import PgServer, psql  # noqa: E402

NGINX_CONFIG = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
    upstream synlig {{ server 127.0.0.1:{a} max_fails=1 fail_timeout=30s; server 127.0.0.1:{b} max_fails=1 fail_timeout=30s; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://synlig;
            proxy_set_header Host $host:$server_port;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto http;
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, port, upstreams):
        self.folder = tempfile.mkdtemp(prefix="synlig-nginx-")
        self.port = port
        config = os.path.join(self.folder, "nginx.conf")
        with open(config, "w") as handle:
            handle.write(NGINX_CONFIG.format(folder=self.folder, port=port, a=upstreams[0], b=upstreams[1]))
        self.process = subprocess.Popen(["nginx", "-c", config, "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while call(port, "GET", "/health", timeout=2)[0] != 200:
            if time.time() > deadline:
                raise FleetFailure("nginx did not answer")
            time.sleep(0.3)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


def session_is_kept(proxy, instances):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{proxy.port}"
    page = opener.open(base + "/login", timeout=10).read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    # Round robin sends this post to the other instance than the one that drew the form.
    answer = opener.open(urllib.request.Request(base + "/login", data=urllib.parse.urlencode(
        {"_csrf": csrf, "email": CONSULTANT, "password": PASSWORD}).encode()), timeout=10)
    if "/login" in urllib.parse.urlparse(answer.geturl()).path:
        raise FleetFailure("signing in through nginx did not hold (login form from one instance, post to the other)")
    signed_in = 0
    for _ in range(20):
        response = opener.open(base + "/caregivers", timeout=10)
        if response.status == 200 and "/login" not in urllib.parse.urlparse(response.geturl()).path:
            signed_in += 1
    if signed_in != 20:
        raise FleetFailure(f"only {signed_in} of 20 alternating requests answered signed in")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    for instance in instances:
        request = urllib.request.Request(f"http://127.0.0.1:{instance.port}/caregivers", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=10) as response:
            if "/login" in urllib.parse.urlparse(response.geturl()).path:
                raise FleetFailure(f"the session is not known on {instance.name}")
    print("ok session kept across both instances (20 of 20 alternating requests signed in)")
    return 20


def write_here_read_there(instances):
    a, b = instances
    status, body = call(a.port, "POST", "/api/v1/caregivers", {"name": "Skalad Skrivare"}, token=token(a.port))
    if status != 201:
        raise FleetFailure(f"create through {a.name} answered {status}")
    status, read = call(b.port, "GET", f"/api/v1/caregivers/{body['id']}", token=token(b.port))
    if status != 200 or read.get("name") != "Skalad Skrivare":
        raise FleetFailure(f"a write through {a.name} was not read through {b.name}: {status}")
    print("ok a write through one instance is read through the other")


def jobs_run_once(database_url):
    rows = psql(database_url, "SELECT job, count(*) FROM job_runs WHERE trigger = 'schedule' GROUP BY job ORDER BY job")
    counts = dict(line.split("|") for line in rows.strip().splitlines() if line)
    if not counts:
        raise FleetFailure("no scheduled job ran on either instance")
    twice = {job: n for job, n in counts.items() if int(n) != 1}
    if twice:
        raise FleetFailure(f"scheduled jobs ran more than once in their period: {twice}")
    print(f"ok each of {len(counts)} scheduled jobs ran once across two instances")
    return len(counts)


def kill_one_under_writes(proxy, instances):
    acknowledged, stop = [], threading.Event()

    def writer():
        bearer, number = token(proxy.port), 0
        while not stop.is_set():
            number += 1
            status, body = call(proxy.port, "POST", "/api/v1/caregivers", {"name": f"Skalad Flotta {number}"},
                                token=bearer, timeout=10)
            if status == 201:
                acknowledged.append(body["id"])

    threads = [threading.Thread(target=writer, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    before = len(acknowledged)
    instances[0].process.send_signal(signal.SIGKILL)
    instances[0].process.wait(timeout=20)
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join(timeout=20)
    if len(acknowledged) <= before:
        raise FleetFailure("no write was acknowledged after one instance was killed")
    survivor = instances[1]
    bearer = token(survivor.port)
    lost = [cid for cid in acknowledged if call(survivor.port, "GET", f"/api/v1/caregivers/{cid}", token=bearer)[0] != 200]
    if lost:
        raise FleetFailure(f"{len(lost)} of {len(acknowledged)} acknowledged writes are lost after the kill")
    print(f"ok killed one instance under writes: {len(acknowledged)} acknowledged, 0 lost")
    return len(acknowledged)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=".build-release/release/synlig")
    parser.add_argument("--port", type=int, default=8186)
    parser.add_argument("--figures", help="folder for scale-out.json")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    database = PgServer.start()
    folder = tempfile.mkdtemp(prefix="synlig-scale-")
    env = dict(os.environ, SYNLIG_DATA_DIR=folder, SYNLIG_DEMO_PASSWORD=PASSWORD, DATABASE_URL=database.url,
               SYNLIG_TRUSTED_PROXIES="127.0.0.1")
    instances = [Instance(binary, args.port + n, env, folder, f"instance-{'ab'[n]}") for n in (0, 1)]
    proxy, figures = None, {"suite": "scale-out", "instances": 2, "database": "PostgreSQL", "proxy": "nginx"}
    try:
        for instance in instances:
            instance.start(demo=True)
        for instance in instances:
            instance.wait_healthy()
        proxy = Nginx(args.port + 2, [i.port for i in instances])
        figures["alternating_requests_signed_in"] = session_is_kept(proxy, instances)
        write_here_read_there(instances)
        figures["write_read_across"] = True
        figures["scheduled_jobs_once"] = jobs_run_once(database.url)
        figures["acknowledged_writes_through_kill"] = kill_one_under_writes(proxy, instances)
        figures["writes_lost"] = 0
        figures["passed"] = True
        code = 0
    except FleetFailure as failure:
        print(f"FAILED: {failure}")
        figures.update(passed=False, failure=str(failure))
        code = 1
    finally:
        if proxy:
            proxy.stop()
        for instance in instances:
            instance.stop()
        database.stop()
    if args.figures:
        os.makedirs(args.figures, exist_ok=True)
        with open(os.path.join(args.figures, "scale-out.json"), "w") as handle:
            json.dump(figures, handle, indent=2)
    return code


if __name__ == "__main__":
    sys.exit(main())
