#!/usr/bin/env python3
"""Benchmark: Synlig at national scale, each figure against its floor measured in the same run.

Generates a national-scale database with `synlig generate` (default 290 municipalities, 21
regions, 1.2 million caregivers) on SQLite and, with --postgres or a DATABASE_URL, on
PostgreSQL, then measures side by side:

- generation against a raw bulk insert of the very same rows into a freshly migrated database
  (SQLite: one prepared multi-row INSERT from Python's sqlite3, same pragmas; PostgreSQL: COPY
  through psql). Ratio = Synlig's rows per second / the floor's (target >= 0.5x).
- each statistics endpoint (the statistics API and page for the largest municipality, the open
  indicators of every organisation and of that municipality) against the same aggregates as one
  raw SQL query timed directly on the database. Ratio = endpoint time / floor time (target <= 1.5x).

Prints the ratios as N.Nx and appends the table, with date, commit and how to run, to
bench/README.md. Never fails a build: it is for people to read.

    swift build -c release --scratch-path .build-release --product synlig
    bench/national_statistics.py                        # SQLite, 1.2 million caregivers
    bench/national_statistics.py --caregivers 100000    # a quicker run
    bench/national_statistics.py --postgres             # also PostgreSQL (a throw-away server)
    DATABASE_URL=postgres://synlig@127.0.0.1:54410/postgres bench/national_statistics.py --skip-sqlite
"""
import argparse, datetime, http.client, json, os, re, shutil, sqlite3, statistics, subprocess, sys, tempfile, time
import urllib.parse

from national_floor import PgServer, psql, sqlite_copy_floor, postgres_copy_floor, statistics_query, indicators_query

PASSWORD = "bench-generate-losenord"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=".build-release/release/synlig")
    parser.add_argument("--organisations", type=int, default=290, help="municipalities")
    parser.add_argument("--regions", type=int, default=21)
    parser.add_argument("--caregivers", type=int, default=1_200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=15, help="timed requests (and floor queries) per endpoint")
    parser.add_argument("--port", type=int, default=8197)
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL: DATABASE_URL's server, else a throw-away one")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    if not os.path.exists(args.binary):
        sys.exit(f"no binary at {args.binary}: swift build -c release --scratch-path .build-release --product synlig")
    tables = []
    if not args.skip_sqlite:
        tables.append(run_sqlite(args))
    if args.postgres or args.database_url:
        server = None if args.database_url else PgServer.start()
        try:
            tables.append(run_postgres(args, args.database_url or server.url))
        finally:
            if server:
                server.stop()
    text = "\n".join(tables)
    print(text)
    if not args.no_readme:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.md"), "a", encoding="utf-8") as handle:
            handle.write("\n" + text)


def run_sqlite(args):
    work = tempfile.mkdtemp(prefix="synlig-national-")
    try:
        data, floor = os.path.join(work, "generated"), os.path.join(work, "floor")
        env = dict(os.environ, SYNLIG_DATA_DIR=data, SYNLIG_GENERATE_PASSWORD=PASSWORD)
        env.pop("DATABASE_URL", None)
        generated = generate(args, env)
        subprocess.run([args.binary, "migrate"], env=dict(env, SYNLIG_DATA_DIR=floor), check=True, capture_output=True)
        floor_seconds = sqlite_copy_floor(os.path.join(data, "synlig.sqlite"), os.path.join(floor, "synlig.sqlite"))
        database = sqlite3.connect(os.path.join(data, "synlig.sqlite"))

        def floor_query(sql):
            return timed(lambda: database.execute(sql).fetchall(), args.requests)

        def org_literal(org_id):
            # SQLiteNIO stores a UUID as its text (or, in older files, as 16 bytes); match what is there.
            return "X'" + org_id.hex() + "'" if isinstance(org_id, bytes) else "'" + org_id + "'"

        largest = database.execute(LARGEST).fetchone()
        return measure(args, env, "SQLite", generated, floor_seconds, largest, floor_query, org_literal)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_postgres(args, base_url):
    names = ("synlig_national_generated", "synlig_national_floor")
    for name in names:
        psql(base_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql(base_url, f"CREATE DATABASE {name}")
    generated_url, floor_url = (with_database(base_url, name) for name in names)
    try:
        env = dict(os.environ, DATABASE_URL=generated_url, SYNLIG_GENERATE_PASSWORD=PASSWORD,
                   SYNLIG_DATA_DIR=tempfile.mkdtemp(prefix="synlig-national-pg-"))
        generated = generate(args, env)
        subprocess.run([args.binary, "migrate"], env=dict(env, DATABASE_URL=floor_url), check=True, capture_output=True)
        floor_seconds = postgres_copy_floor(generated_url, floor_url)
        psql(generated_url, "ANALYZE")

        def floor_query(sql):
            # One psql session runs the query again and again and reports each execution's time.
            # JIT off: the one large query's cost passes PostgreSQL's JIT threshold, and compiling its
            # expressions takes seconds (6 s against 0.4 s at 100,000 caregivers), which would flatter
            # Synlig, whose separate small queries never reach the threshold.
            output = psql(generated_url, "SET jit = off;\n\\timing on\n" + (sql.rstrip().rstrip(";") + ";\n") * (args.requests + 2),
                          quiet=False)
            times = [float(t) / 1000 for t in re.findall(r"Time: ([\d.]+) ms", output)][2:]
            return statistics.median(times)

        def org_literal(org_id):
            return f"'{org_id}'::uuid"

        row = psql(generated_url, LARGEST).strip().split("|")
        largest = (row[0], row[1], int(row[2]))
        return measure(args, env, "PostgreSQL", generated, floor_seconds, largest, floor_query, org_literal)
    finally:
        for name in names:
            psql(base_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


LARGEST = """SELECT o.id, o.code, COUNT(*) AS n FROM caregivers c JOIN organisations o ON o.id = c.organisation_id
WHERE o.kind = 'municipality' GROUP BY o.id, o.code ORDER BY n DESC LIMIT 1"""


def generate(args, env):
    command = [args.binary, "generate", "--organisations", str(args.organisations), "--regions", str(args.regions),
               "--caregivers", str(args.caregivers), "--seed", str(args.seed)]
    subprocess.run([args.binary, "migrate"], env=env, check=True, capture_output=True)
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    match = re.search(r"Rows written: (\d+) in ([\d.]+) s", output)
    if not match:
        sys.exit("could not read the generator's summary:\n" + output)
    return int(match.group(1)), float(match.group(2))


def measure(args, env, label, generated, floor_seconds, largest, floor_query, org_literal):
    rows, seconds = generated
    org_id, code, size = largest
    year = datetime.date.today().year - 1
    server = subprocess.Popen([args.binary, "serve", "--env", "production", "--port", str(args.port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        connection = wait_for(args.port)
        email = f"statistik.{code}@syntetisk.invalid"
        token = request(connection, "POST", "/api/v1/auth/token", {"Content-Type": "application/json"},
                        json.dumps({"email": email, "password": PASSWORD}))
        token = json.loads(token)["token"]
        cookie = session_cookie(args.port, email)
        org = org_literal(org_id)
        cases = [
            (f"GET /api/v1/statistics?period={year}", f"/api/v1/statistics?period={year}",
             {"Authorization": "Bearer " + token}, statistics_query(org, year, datetime.date.today().isoformat())),
            (f"GET /statistics?period={year}", f"/statistics?period={year}", {"Cookie": cookie}, statistics_query(org, year, datetime.date.today().isoformat())),
            (f"GET /api/v1/open-data/{code}/indicators", f"/api/v1/open-data/{code}/indicators", {}, indicators_query(year, org)),
            ("GET /api/v1/open-data/indicators", "/api/v1/open-data/indicators", {}, indicators_query(year)),
        ]
        results = []
        for name, path, headers, sql in cases:
            endpoint = timed(lambda: request(connection, "GET", path, headers), args.requests)
            results.append((name, endpoint, floor_query(sql)))
    finally:
        server.terminate()
        server.wait(timeout=60)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    how = f"bench/national_statistics.py --caregivers {args.caregivers}" + (" --postgres" if label == "PostgreSQL" else "")
    floor_name = "Python sqlite3, prepared multi-row INSERT" if label == "SQLite" else "psql COPY"
    lines = [
        f"### National statistics on {label}, {datetime.date.today().isoformat()}, commit {commit}",
        f"{args.organisations} municipalities + {args.regions} regions, {args.caregivers:,} caregivers (seed {args.seed}); "
        f"the largest municipality, {code}, has {size:,}. Binary `{os.path.relpath(args.binary)}`. Run: `{how}`.", "",
        "| measure | Synlig | floor | ratio |", "|---|---:|---:|---:|",
        f"| generation, {rows:,} rows (floor: the same rows, {floor_name}) | {seconds:.1f} s, {rows / seconds:,.0f} rows/s "
        f"| {floor_seconds:.1f} s, {rows / floor_seconds:,.0f} rows/s | {floor_seconds / seconds:.1f}× |",
    ]
    for name, endpoint, floor in results:
        lines.append(f"| `{name}` (median of {args.requests}; floor: the same aggregates as one SQL query) "
                     f"| {endpoint * 1000:.1f} ms | {floor * 1000:.1f} ms | {endpoint / floor:.1f}× |")
    lines += ["", "(Generation ratio: Synlig's rows per second over the floor's, target ≥ 0.5×. Endpoint ratio: "
              "the endpoint's time over its floor's, target ≤ 1.5×.)", ""]
    return "\n".join(lines)


def timed(work, repetitions):
    work()  # warm caches and connections; the floor gets the same
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def request(connection, method, path, headers, body=None):
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    if response.status >= 300:
        sys.exit(f"{method} {path} answered {response.status}: {data[:300]!r}")
    return data


def wait_for(port, seconds=300):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            request(connection, "GET", "/health", {})
            return connection
        except (OSError, http.client.HTTPException):
            time.sleep(1)
    sys.exit(f"no answer on port {port}")


def session_cookie(port, email):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookies = [c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or []]
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"_csrf": csrf, "email": email, "password": PASSWORD})
    connection.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                              "Cookie": "; ".join(cookies)})
    response = connection.getresponse()
    response.read()
    cookies += [c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or []]
    jar = dict(c.split("=", 1) for c in cookies)
    return "; ".join(f"{k}={v}" for k, v in jar.items() if v)


def with_database(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


if __name__ == "__main__":
    main()
