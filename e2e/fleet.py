#!/usr/bin/env python3
"""Synlig as a fleet, with real processes on loopback: a cold start of two instances at once and
a rolling restart under writes (issue 15).

    fleet.py BINARY --port P [--postgres URL]

1. Cold start (SQLite in a fresh data folder, and PostgreSQL on an empty database when --postgres
   is given): two `synlig serve --demo` processes start at the same moment. Both must come up
   (the migration lock makes one wait for the other), seed the demo once, and answer the same.
2. Rolling restart (PostgreSQL, as a fleet runs): while a writer creates caregivers through the
   API on whichever instance answers, instance A stops, `synlig migrate` runs, A starts again,
   then the same for B. Every create that was answered 201 must be readable on both instances
   afterwards, and writes must go on during the roll.

Only the standard library; every wait is bounded. Exits non-zero on the first failure.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

PASSWORD = os.environ.get("SYNLIG_DEMO_PASSWORD", "fleet-demo-losenord")
CONSULTANT = "konsulent@exempel.se"


class FleetFailure(Exception):
    pass


def call(port, method, path, body=None, token=None, timeout=10):
    """(status, parsed JSON or None); (0, None) when nobody answers."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw) if raw else None
        except ValueError:
            return error.code, None
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, None


class Instance:
    def __init__(self, binary, port, env, log_dir, name):
        self.binary, self.port, self.env, self.name = binary, port, env, name
        self.log_path = os.path.join(log_dir, f"{name}.log")
        self.process = None

    def start(self, demo=True):
        log = open(self.log_path, "a")
        arguments = [self.binary, "serve", "--port", str(self.port)] + (["--demo"] if demo else [])
        self.process = subprocess.Popen(arguments, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def wait_healthy(self, seconds=180):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise FleetFailure(f"{self.name} exited with {self.process.returncode} while starting:\n{self.tail()}")
            if call(self.port, "GET", "/health", timeout=2)[0] == 200:
                return
            time.sleep(0.5)
        raise FleetFailure(f"{self.name} did not answer /health within {seconds} s:\n{self.tail()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return ""


def token(port):
    status, body = call(port, "POST", "/api/v1/auth/token", {"email": CONSULTANT, "password": PASSWORD})
    if status != 201:
        raise FleetFailure(f"sign-in on port {port} answered {status}: {body}")
    return body["token"]


def caregiver_total(port, bearer):
    status, body = call(port, "GET", "/api/v1/caregivers?per=1", token=bearer)
    if status != 200:
        raise FleetFailure(f"caregiver list on port {port} answered {status}")
    return body["total"]


def environment(data_dir, database_url):
    env = dict(os.environ, SYNLIG_DATA_DIR=data_dir, SYNLIG_DEMO_PASSWORD=PASSWORD)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def cold_start(binary, port, database_url, label):
    """Two instances on one empty database, started together."""
    data_dir = tempfile.mkdtemp(prefix="synlig-fleet-")
    env = environment(data_dir, database_url)
    instances = [Instance(binary, port + offset, env, data_dir, f"{label}-{offset}") for offset in (0, 1)]
    try:
        for instance in instances:
            instance.start()
        for instance in instances:
            instance.wait_healthy()
        totals = [caregiver_total(instance.port, token(instance.port)) for instance in instances]
        if totals[0] != totals[1] or totals[0] == 0:
            raise FleetFailure(f"{label}: the two instances see different demo data: {totals}")
        # A restart of one instance seeds nothing more.
        instances[0].stop()
        instances[0].start()
        instances[0].wait_healthy()
        again = caregiver_total(instances[0].port, token(instances[0].port))
        if again != totals[0]:
            raise FleetFailure(f"{label}: a restart changed the demo data: {totals[0]} → {again}")
        print(f"ok cold start on {label}: both instances up, demo seeded once ({totals[0]} caregivers)")
        return env, data_dir, instances
    except Exception:
        for instance in instances:
            instance.stop()
        raise


def rolling_restart(binary, env, instances):
    """Restart A then B (with `synlig migrate` first) while a writer keeps creating caregivers."""
    created, refused, stop = [], [], threading.Event()

    def writer():
        tokens = {}
        number = 0
        while not stop.is_set():
            number += 1
            for instance in instances:
                bearer = tokens.get(instance.port)
                if bearer is None:
                    status, body = call(instance.port, "POST", "/api/v1/auth/token",
                                        {"email": CONSULTANT, "password": PASSWORD}, timeout=5)
                    if status != 201:
                        continue
                    bearer = tokens[instance.port] = body["token"]
                status, body = call(instance.port, "POST", "/api/v1/caregivers",
                                    {"name": f"Flottan Skrivare {number}"}, token=bearer, timeout=5)
                if status == 201:
                    created.append(body["id"])
                    break
                if status not in (0, 401):
                    refused.append(status)
            time.sleep(0.02)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        time.sleep(2)
        for instance in instances:
            before = len(created)
            instance.stop()
            migrate = subprocess.run([binary, "migrate"], env=env, capture_output=True, text=True, timeout=120)
            if migrate.returncode != 0:
                raise FleetFailure(f"synlig migrate failed during the roll: {migrate.stdout}{migrate.stderr}")
            time.sleep(1)
            if len(created) <= before:
                raise FleetFailure(f"no write succeeded while {instance.name} was down")
            instance.start()
            instance.wait_healthy()
            time.sleep(1)
    finally:
        stop.set()
        thread.join(timeout=15)
    if refused:
        raise FleetFailure(f"writes were refused during the roll: {sorted(set(refused))}")
    for instance in instances:
        bearer = token(instance.port)
        missing = [cid for cid in created if call(instance.port, "GET", f"/api/v1/caregivers/{cid}", token=bearer)[0] != 200]
        if missing:
            raise FleetFailure(f"{len(missing)} of {len(created)} answered creates are missing on {instance.name}")
    print(f"ok rolling restart on PostgreSQL: {len(created)} writes during the roll, all read back on both instances")


def main():
    arguments = sys.argv[1:]
    if not arguments or "--port" not in arguments:
        print(__doc__)
        return 2
    binary = os.path.abspath(arguments[0])
    port = int(arguments[arguments.index("--port") + 1])
    postgres = arguments[arguments.index("--postgres") + 1] if "--postgres" in arguments else None
    running = []
    try:
        _, _, sqlite_instances = cold_start(binary, port, None, "sqlite")
        for instance in sqlite_instances:
            instance.stop()
        if postgres:
            env, _, running = cold_start(binary, port + 2, postgres, "postgresql")
            rolling_restart(binary, env, running)
        return 0
    except FleetFailure as failure:
        print(f"FAILED: {failure}")
        return 1
    finally:
        for instance in running:
            instance.stop()


if __name__ == "__main__":
    sys.exit(main())
