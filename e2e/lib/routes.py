"""The server's own list of routes (`synlig routes`, Vapor's route table), so the crawl can name
each page it reaches by its route pattern and tell which page routes no link led to."""

import os
import re
import subprocess
import tempfile
from urllib.parse import unquote

from lib.checks import check
from lib.config import E2E_DIR


def synlig_binary():
    path = os.environ.get("SYNLIG_BIN") or os.path.join(os.path.dirname(E2E_DIR), ".build", "debug", "synlig")
    if not os.environ.get("SYNLIG_BIN") and not os.path.exists(path):
        import glob
        path = next(iter(glob.glob(os.path.join(os.path.dirname(E2E_DIR), ".build", "*", "debug", "synlig"))), path)
    check(os.path.isfile(path) and os.access(path, os.X_OK),
          f"no synlig binary at {path}: set SYNLIG_BIN (scripts/test sets it to the debug build)")
    return path


def get_routes():
    """Every GET route as a pattern string like /caregivers/:id/edit, read from `synlig routes`
    run on an empty throw-away data directory (it prints the table and exits; nothing is served)."""
    with tempfile.TemporaryDirectory() as data_dir:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["SYNLIG_DATA_DIR"] = data_dir
        done = subprocess.run([synlig_binary(), "routes"], env=env, capture_output=True, text=True, timeout=120,
                              cwd=os.path.dirname(E2E_DIR))
    check(done.returncode == 0, f"`synlig routes` failed ({done.returncode}): {done.stderr[-500:]}")
    routes = []
    for line in done.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] == "GET" and cells[1].startswith("/"):
            routes.append(cells[1])
    check(len(routes) > 20, f"`synlig routes` listed only {len(routes)} GET routes:\n{done.stdout[:500]}")
    return sorted(set(routes))


class RouteMatcher:
    """Finds the route pattern a path belongs to the way Vapor's router does: a constant segment
    wins over a parameter, `*` takes one segment, `**` the rest."""

    def __init__(self, patterns):
        self.patterns = [(p, [s for s in p.split("/") if s]) for p in patterns]

    def pattern_of(self, path):
        parts = [unquote(s) for s in path.split("/") if s]
        best, best_rank = None, None
        for pattern, segments in self.patterns:
            rank = _rank(segments, parts)
            if rank is not None and (best_rank is None or rank > best_rank):
                best, best_rank = pattern, rank
        return best


def _rank(segments, parts):
    """A tuple that orders matches: constants first, segment by segment; None if no match."""
    rank = []
    for index, segment in enumerate(segments):
        if segment == "**":
            return tuple(rank + [0] * (len(parts) - index))
        if index >= len(parts):
            return None
        if segment.startswith(":") or segment == "*":
            rank.append(1)
        elif segment == parts[index]:
            rank.append(2)
        else:
            return None
    return tuple(rank) if len(segments) == len(parts) else None


_PARAMETER = re.compile(r"/:[^/]+")


def has_parameters(pattern):
    return bool(_PARAMETER.search(pattern)) or "*" in pattern
