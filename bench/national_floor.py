"""The floors national_statistics.py measures Synlig against: the same rows bulk-inserted without
Synlig, and the same aggregates as one raw SQL query. Plain SQL that SQLite and PostgreSQL both speak."""
import glob, os, shlex, shutil, socket, sqlite3, subprocess, tempfile, time

# Parents before children, as foreign keys need.
TABLES = ["organisations", "units", "users", "user_roles", "statistics_publications", "statistics_populations",
          "caregivers", "care_recipients", "care_relationships", "caregiver_support", "voluntariness_checks",
          "screening_results"]

MORE_THAN_TEN = "('from10to19','from20to34','from35to49','from50')"


def sqlite_copy_floor(source_path, floor_path, binds_per_statement=16000, rows_per_commit=25000):
    """Copies every generated row into a freshly migrated database with Python's sqlite3: one
    prepared multi-row INSERT per chunk, the pragmas Synlig uses, a commit every so many rows.
    Only the inserts and commits are timed, not the reading."""
    source = sqlite3.connect(source_path)
    floor = sqlite3.connect(floor_path, isolation_level=None)
    floor.execute("PRAGMA synchronous = FULL")
    floor.execute("PRAGMA foreign_keys = ON")
    elapsed, since_commit = 0.0, 0
    floor.execute("BEGIN")
    for table in TABLES:
        columns = [row[1] for row in floor.execute(f"PRAGMA table_info({table})")]
        per_statement = max(1, binds_per_statement // len(columns))
        names = ", ".join(columns)
        cursor = source.execute(f"SELECT {names} FROM {table}")
        while True:
            chunk = cursor.fetchmany(per_statement)
            if not chunk:
                break
            placeholders = ", ".join(["(" + ", ".join("?" * len(columns)) + ")"] * len(chunk))
            values = [value for row in chunk for value in row]
            start = time.perf_counter()
            floor.execute(f"INSERT INTO {table} ({names}) VALUES {placeholders}", values)
            since_commit += len(chunk)
            if since_commit >= rows_per_commit:
                floor.execute("COMMIT")
                floor.execute("BEGIN")
                since_commit = 0
            elapsed += time.perf_counter() - start
    start = time.perf_counter()
    floor.execute("COMMIT")
    elapsed += time.perf_counter() - start
    return elapsed


def postgres_copy_floor(source_url, floor_url):
    """Copies every generated row out with COPY (not timed) and into a freshly migrated
    database with COPY through one psql session (timed: the whole session)."""
    folder = tempfile.mkdtemp(prefix="synlig-copy-")
    try:
        for table in TABLES:
            psql(source_url, f"\\copy {table} TO '{folder}/{table}.copy'")
        script = "".join(f"\\copy {table} FROM '{folder}/{table}.copy'\n" for table in TABLES)
        start = time.perf_counter()
        psql(floor_url, script)
        return time.perf_counter() - start
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def statistics_query(org, year, today):
    """Every aggregate the statistics page counts for one organisation and year, as one query:
    the organisation's units, then each table per unit as Synlig counts it (known caregivers by
    each breakdown, new and active ones, every activity table, the quarterly trend), and the
    whole organisation's cross table, outcome follow-up and contact requests."""
    start, end, trend = f"'{year}-01-01'", f"'{year + 1}-01-01'", f"'{year - 1}-01-01'"
    known = f"c.organisation_id = {org} AND c.registered_on < {end}"
    relationships = "FROM care_relationships r JOIN caregivers c ON c.id = r.caregiver_id"
    parts = [f"SELECT 'unit' AS q, id AS u, '' AS k1, '' AS k2, 0 AS n FROM units WHERE organisation_id = {org}",
             f"SELECT 'new', c.unit_id, '', '', COUNT(*) FROM caregivers c WHERE {known} AND c.registered_on >= {start} "
             "GROUP BY c.unit_id"]
    for column in ["gender", "birth_year", "foreign_background", "occupation", "minority_language", "interpreter_need"]:
        parts.append(f"SELECT '{column}', c.unit_id, CAST(c.{column} AS TEXT), '', COUNT(*) FROM caregivers c WHERE {known} "
                     f"GROUP BY c.unit_id, c.{column}")
    for column in ["relation", "hours_band"]:
        parts.append(f"SELECT '{column}', c.unit_id, r.{column}, '', COUNT(*) {relationships} WHERE {known} GROUP BY c.unit_id, r.{column}")
    parts.append(f"SELECT 'care_need_area', c.unit_id, p.care_need_area, '', COUNT(*) {relationships} "
                 f"JOIN care_recipients p ON p.id = r.recipient_id WHERE {known} GROUP BY c.unit_id, p.care_need_area")
    parts.append(f"SELECT 'gender_hours', NULL, c.gender, r.hours_band, COUNT(*) {relationships} WHERE {known} GROUP BY c.gender, r.hours_band")
    parts.append(f"SELECT 'more_than_ten', NULL, '', '', COUNT(DISTINCT c.id) {relationships} WHERE {known} AND r.hours_band IN {MORE_THAN_TEN}")
    # Active: registered in the period, or any dated contact in it.
    contacts = [("caregiver_conversations", "held_on", "x.caregiver_id = c.id"),
                ("voluntariness_checks", "asked_on", "x.caregiver_id = c.id"),
                ("screening_results", "screened_on", "x.caregiver_id = c.id"),
                ("caregiver_support", "requested_on", "x.caregiver_id = c.id"),
                ("caregiver_support", "offered_on", "x.caregiver_id = c.id"),
                ("caregiver_support", "started_on", "x.caregiver_id = c.id"),
                ("caregiver_feedback", "received_on", "x.caregiver_id = c.id"),
                ("meeting_invitations", "meeting_on", "x.relationship_id IN (SELECT r.id FROM care_relationships r WHERE r.caregiver_id = c.id)")]
    exists = " OR ".join(f"EXISTS (SELECT 1 FROM {table} x WHERE {owner} AND x.{date} >= {start} AND x.{date} < {end})"
                         for table, date, owner in contacts)
    parts.append(f"SELECT 'active', c.unit_id, '', '', COUNT(*) FROM caregivers c WHERE {known} "
                 f"AND (c.registered_on >= {start} OR {exists}) GROUP BY c.unit_id")
    on_time = "CASE WHEN e.due_on IS NULL THEN 'noDueDate' WHEN e.asked_on <= e.due_on THEN 'onTime' ELSE 'late' END"
    reviewed = "CASE WHEN e.reviewed_on IS NULL THEN 'notReviewed' WHEN e.reviewed_on <= e.due_on THEN 'onTime' ELSE 'late' END"
    signal = ("CASE WHEN EXISTS (SELECT 1 FROM meeting_invitations m WHERE m.relationship_id = e.subject_id "
              "AND m.kind = 'coordinatedPlan') THEN 'sipInvited' WHEN e.open THEN 'open' ELSE 'handledOtherwise' END")
    direct = "JOIN caregivers c ON c.id = e.caregiver_id"
    through = "JOIN care_relationships r ON r.id = e.relationship_id JOIN caregivers c ON c.id = r.caregiver_id"
    for name, table, date, value, join, extra in [
            ("requested", "caregiver_support", "requested_on", "e.need_kind", direct, ""),
            ("offered", "caregiver_support", "offered_on", "e.need_kind", direct, ""),
            ("given", "caregiver_support", "started_on", "e.need_kind", direct, ""),
            ("not_offered", "caregiver_support", "requested_on", "e.need_kind", direct, " AND e.status = 'notOffered'"),
            ("voluntariness", "voluntariness_checks", "asked_on", "e.answer", direct, ""),
            ("wants", "voluntariness_checks", "asked_on", "e.wants_to_continue", direct, ""),
            ("able", "voluntariness_checks", "asked_on", "e.able_to_continue", direct, ""),
            ("should_not_carry", "voluntariness_checks", "asked_on", "e.should_not_carry", direct, ""),
            ("on_time", "voluntariness_checks", "asked_on", on_time, direct, ""),
            ("screening", "screening_results", "screened_on", "e.level", direct, ""),
            ("restriction_reviews", "restriction_reviews", "due_on", reviewed, through, f" AND e.due_on <= '{today}'"),
            ("coordination", "caregiver_tasks", "due_on", signal, direct, " AND e.kind = 'coordinationSignal'"),
            ("sip", "meeting_invitations", "meeting_on", "e.attendance", through, " AND e.kind = 'coordinatedPlan'"),
            ("planning", "meeting_invitations", "meeting_on", "e.attendance", through, " AND e.kind = 'carePlanning'")]:
        parts.append(f"SELECT '{name}', c.unit_id, {value}, '', COUNT(*) FROM {table} e {join} "
                     f"WHERE c.organisation_id = {org} AND e.{date} >= {start} AND e.{date} < {end}{extra} "
                     f"GROUP BY c.unit_id, {value}")
    # Outcome follow-up: each support row's last value before it began (or was asked for) and
    # the last within the year after.
    for measure, table, date, value in [("strain", "screening_results", "screened_on", "level"),
                                        ("voluntariness", "voluntariness_checks", "asked_on", "answer")]:
        for group, anchor, extra in [("given", "started_on", ""), ("not_offered", "requested_on", " AND s.status = 'notOffered'")]:
            year_after = f"CAST(CAST(SUBSTR(s.{anchor}, 1, 4) AS INTEGER) + 1 AS TEXT) || SUBSTR(s.{anchor}, 5)"
            def last(condition):
                return (f"(SELECT x.{value} FROM {table} x WHERE x.caregiver_id = s.caregiver_id AND {condition} "
                        f"ORDER BY x.{date} DESC LIMIT 1)")
            parts.append(f"SELECT 'outcome_{measure}_{group}', NULL, k, b || '>' || COALESCE(a, ''), COUNT(*) FROM ("
                         f"SELECT s.need_kind AS k, {last(f'x.{date} <= s.{anchor}')} AS b, "
                         f"{last(f'x.{date} > s.{anchor} AND x.{date} <= {year_after}')} AS a "
                         f"FROM caregiver_support s JOIN caregivers c ON s.caregiver_id = c.id WHERE c.organisation_id = {org} "
                         f"AND s.{anchor} >= {start} AND s.{anchor} < {end}{extra}) t GROUP BY k, b, a")
    parts.append(f"SELECT 'contact_requests', NULL, CAST(days_to_handle AS TEXT), '', COUNT(*) FROM contact_request_tallies "
                 f"WHERE organisation_id = {org} AND received_on >= {start} AND received_on < {end} GROUP BY days_to_handle")
    parts.append(f"SELECT 'trend', c.unit_id, SUBSTR(c.registered_on, 1, 7), '', COUNT(*) FROM caregivers c "
                 f"WHERE {known} AND c.registered_on >= {trend} GROUP BY c.unit_id, SUBSTR(c.registered_on, 1, 7)")
    return "\nUNION ALL ".join(parts)


def indicators_query(last_year, org=None):
    """The open indicators of the last five years (of one organisation, or of every publishing
    one): caregivers known by gender, voluntariness follow-ups and support begun, as one query."""
    years = ", ".join(f"({y}, '{y}-01-01', '{y + 1}-01-01')" for y in range(last_year - 4, last_year + 1))
    published = "SELECT organisation_id FROM statistics_publications" + (f" WHERE organisation_id = {org}" if org else "")
    parts = [f"SELECT 'known' AS q, c.organisation_id AS o, y.y AS y, c.gender AS k, COUNT(*) AS n FROM caregivers c "
             f"JOIN years y ON c.registered_on < y.e WHERE c.organisation_id IN ({published}) GROUP BY c.organisation_id, y.y, c.gender"]
    for name, table, date in [("voluntariness", "voluntariness_checks", "asked_on"), ("support", "caregiver_support", "started_on")]:
        parts.append(f"SELECT '{name}', c.organisation_id, y.y, '', COUNT(*) FROM {table} e JOIN caregivers c ON c.id = e.caregiver_id "
                     f"JOIN years y ON e.{date} >= y.s AND e.{date} < y.e WHERE c.organisation_id IN ({published}) "
                     f"GROUP BY c.organisation_id, y.y")
    return f"WITH years(y, s, e) AS (VALUES {years})\n" + "\nUNION ALL ".join(parts)


def psql(url, sql, quiet=True):
    result = subprocess.run([PgServer.binary("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url],
                            input=sql, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"psql failed: {result.stderr.strip()[:500]}")
    return result.stdout


class PgServer:
    """A throw-away PostgreSQL cluster (fsync off), as scripts/test starts one. It listens on
    SYNLIG_BENCH_PG_PORT or else on a port free at start, so benchmarks and test runs side by
    side on one machine do not meet on a fixed port."""

    @staticmethod
    def binary(name):
        found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
        return found if isinstance(found, str) else (found[-1] if found else name)

    @staticmethod
    def free_port():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def __init__(self, folder, port):
        self.folder, self.port = folder, port
        self.data = f"{folder}/data"
        self.url = f"postgres://synlig@127.0.0.1:{port}/postgres"

    def run(self, command):
        if os.geteuid() == 0:  # initdb refuses root; the cluster belongs to postgres
            command = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(command)]
        subprocess.run(command, check=True, capture_output=True)

    @classmethod
    def start(cls):
        port = int(os.environ.get("SYNLIG_BENCH_PG_PORT") or cls.free_port())
        server = cls(tempfile.mkdtemp(prefix="synlig-pg-"), port)
        if os.geteuid() == 0:
            shutil.chown(server.folder, "postgres")
        server.run([cls.binary("initdb"), "-D", server.data, "-U", "synlig", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        server.run_cluster()
        return server

    def run_cluster(self):
        """Starts the cluster (again, after `crash`) on the same port, and waits until it takes connections."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run([self.binary("pg_ctl"), "-D", self.data, "-l", f"{self.folder}/log", "-w", "-o", options, "start"])

    def crash(self):
        """Stops the cluster as a crash would: `-m immediate`, no checkpoint, recovery at the next start."""
        self.run([self.binary("pg_ctl"), "-D", self.data, "-m", "immediate", "stop"])

    def stop(self):
        self.run([self.binary("pg_ctl"), "-D", self.data, "-m", "fast", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)
