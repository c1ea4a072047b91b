#!/usr/bin/env python3
"""Writes docs/assurance.md from the figures the suites counted themselves (issue 14).

Every suite writes one JSON object into the folder named by SYNLIG_ASSURANCE_OUT: the ones
`scripts/test` runs (authorization matrix, API conformance, hostile input, concurrency,
accessibility, surface, interoperability) and the ones in bench/ (crash safety, load,
scale-out). This script reads them all and renders them with the date and the commit, so the
document is never typed by hand. A suite with no file is listed as not measured, never
left out.

    SYNLIG_ASSURANCE_OUT=/tmp/figures scripts/test
    bench/assurance.py --figures /tmp/figures --run-bench --binary .build-release/release/synlig

--run-bench runs bench/crash_safety.py (SQLite and PostgreSQL), bench/load.py and
bench/scale_out.py into the same folder first.
"""
import argparse, datetime, glob, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# The suites of issue 14 in its order: (file stem, title, where it runs).
SUITES = [
    ("authorization-matrix", "1. Authorization matrix", "scripts/test (Swift, SQLite and PostgreSQL)"),
    ("api-conformance", "2. The API matches its spec", "scripts/test (schemathesis)"),
    ("hostile-input", "3. Hostile input", "scripts/test (Swift and Chromium)"),
    ("crash-safety", "4. Crash safety", "bench/crash_safety.py"),
    ("concurrency", "5. Concurrency", "scripts/test (Swift, SQLite and PostgreSQL)"),
    ("load", "6. Load", "bench/load.py"),
    ("scale-out", "7. Scale-out", "bench/scale_out.py"),
    ("accessibility", "8. Every page, every role, accessible", "scripts/test (Chromium, axe-core)"),
    ("surface", "9. Surface", "scripts/test (Swift)"),
    ("interop", "FHIR R4 and HSDS 3.0 validate", "scripts/test (fhir.resources, jsonschema)"),
]


def run_bench(args):
    binary = os.path.abspath(args.binary)
    commands = [
        [sys.executable, os.path.join(HERE, "crash_safety.py"), "--binary", binary, "--postgres", "--figures", args.figures],
        [sys.executable, os.path.join(HERE, "load.py"), "--binary", binary, "--figures", args.figures, "--no-readme"],
        [sys.executable, os.path.join(HERE, "scale_out.py"), "--binary", binary, "--figures", args.figures],
    ]
    for command in commands:
        print("== " + " ".join(os.path.basename(part) for part in command[1:3]), flush=True)
        # A failed suite still leaves its figures (passed: false); the document says so.
        subprocess.run(command, cwd=ROOT)


def cell(value):
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if value is None:
        return "–"
    if isinstance(value, (list, dict)):
        return "`" + json.dumps(value, ensure_ascii=False)[:120] + "`"
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(rows):
    """A Markdown table of a list of flat objects, columns in first-seen order."""
    columns = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(column)) for column in columns) + " |" for row in rows]
    return lines


def render_suite(figures):
    lines, scalars = [], {}
    for key, value in figures.items():
        if key == "suite":
            continue
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            lines += ["", f"**{key}**", ""] + table(value)
        else:
            scalars[key] = value
    if scalars:
        lines = ["| figure | value |", "|---|---:|"] + [f"| {key} | {cell(value)} |" for key, value in scalars.items()] + lines
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--figures", required=True, help="the folder SYNLIG_ASSURANCE_OUT named")
    parser.add_argument("--run-bench", action="store_true")
    parser.add_argument("--binary", default=".build-release/release/synlig")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "assurance.md"))
    args = parser.parse_args()
    os.makedirs(args.figures, exist_ok=True)
    if args.run_bench:
        run_bench(args)
    found = {}
    for path in sorted(glob.glob(os.path.join(args.figures, "*.json"))):
        with open(path, encoding="utf-8") as handle:
            found[os.path.splitext(os.path.basename(path))[0]] = json.load(handle)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "Sources"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    lines = ["# Assurance: what the suites showed", "",
             f"Generated by `bench/assurance.py` on {datetime.date.today().isoformat()} from commit `{commit}`"
             + (" (with uncommitted changes to Sources/)" if dirty else "") + ". Do not edit by hand: every figure below "
             "was counted by the suite that produced it (issue 14). How to regenerate:", "",
             "```", "SYNLIG_ASSURANCE_OUT=/tmp/figures scripts/test",
             "bench/assurance.py --figures /tmp/figures --run-bench --binary .build-release/release/synlig", "```", "",
             "| suite | runs in | result |", "|---|---|---|"]
    for stem, title, where in SUITES:
        figures = found.get(stem)
        lines.append(f"| {title} | {where} | {summary(figures)} |")
    for stem, title, where in SUITES:
        lines += ["", f"## {title}", "", f"Runs in {where}.", ""]
        figures = found.get(stem)
        lines += render_suite(figures) if figures else ["Not measured in this run: no figures were written."]
    extra = sorted(set(found) - {stem for stem, _, _ in SUITES})
    for stem in extra:
        lines += ["", f"## {stem}", ""] + render_suite(found[stem])
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"wrote {args.out} from {len(found)} suites' figures")
    return 0


def summary(figures):
    """One honest word per suite for the overview: failures counted by the suite, or not measured."""
    if figures is None:
        return "not measured"
    if figures.get("passed") is False:
        return "**failed**"
    failures = [value for key, value in figures.items()
                if isinstance(value, int) and not isinstance(value, bool)
                and key in ("failures", "violations", "server_errors", "rows_lost", "writes_lost", "errors", "5xx")]
    for run in figures.get("runs", []) if isinstance(figures.get("runs"), list) else []:
        failures += [run.get("rows_lost", 0)] + ([1] if run.get("integrity") not in (None, "ok") else []) \
            + ([1] if run.get("audit_chain_ok") is False else []) \
            + ([1] if set(run.get("server_error_statuses", [])) - {503} else [])
    rows = figures.get("rows") if isinstance(figures.get("rows"), list) else []
    unmet = [row["request"] for row in rows if row.get("met") is False]
    if any(failures):
        return f"**{sum(failures)} failures**"
    if unmet:
        return f"0 errors; targets not met for {len(unmet)} of {sum(1 for r in rows if 'met' in r)} requests"
    return "passed, 0 failures"


if __name__ == "__main__":
    sys.exit(main())
