"""A bounded breadth-first crawl of what one signed-in role (or a signed-out visitor) can reach by
links, with axe-core (WCAG 2.1 A and AA) run on every page at desktop and at phone width.

Paths are named by the server's own route patterns (lib/routes.py), so `/caregivers/<id>` is one
shape however many records the demo holds: each shape is opened at most PER_SHAPE times per role
and checked by axe at most AXE_PER_SHAPE times in all. Links that change state or produce files
(sign-out, downloads, exports, print views, the language switch, e-ID hand-offs) are counted as
reached but not opened."""

import time
from collections import Counter, defaultdict, deque
from urllib.parse import urlparse

from lib.axe import load_axe
from lib.config import BASE_URL
from lib.driver import http_status, open_page

DESKTOP = ("desktop", 1280, 900)
PHONE = ("phone", 375, 812)
WIDTHS = (DESKTOP, PHONE)

PER_SHAPE = 2        # URLs opened per route pattern and role
RESERVE_PAGES = 60   # per role: further records opened while some page route is still unreached
AXE_PER_SHAPE = 2    # axe runs per route pattern (each at both widths), over all roles

# Links whose path has one of these segments (or endings) are not opened: they sign out, switch
# the session's language, hand over to an identity provider, or answer with a file or a print run.
SKIP_SEGMENTS = {"logout", "download", "export", "print", "language", "fhir", "eid"}
SKIP_ENDINGS = (".pdf", ".csv", ".json", ".yaml", ".xml", ".ics", ".zip", ".txt", ".png", ".svg", ".css", ".js")

LINKS_JS = """
return Array.prototype.map.call(document.querySelectorAll('a[href]'), function (a) {
  return [a.href, a.hasAttribute('download')];
});
"""

AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(function (r) {
    done({violations: r.violations.map(function (v) {
      return {id: v.id, help: v.help, targets: v.nodes.slice(0, 3).map(function (n) { return String(n.target); })};
    })});
  })
  .catch(function (e) { done({error: String(e)}); });
"""


def skipped(path, download=False):
    """Why a link is not opened, or None."""
    segments = [s for s in path.lower().split("/") if s]
    if download:
        return "download"
    if segments and segments[0] == "api":
        return "api"
    hit = SKIP_SEGMENTS.intersection(segments)
    if hit:
        return sorted(hit)[0]
    if path.lower().endswith(SKIP_ENDINGS):
        return "file"
    return None


def set_width(driver, width):
    """Desktop is the browser's own 1280 px window; the phone is Chromium's mobile emulation at
    375 CSS pixels (touch, device pixel ratio 2), switched on the loaded page, no reload."""
    name, w, h = width
    if name == "desktop":
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    else:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": w, "height": h, "deviceScaleFactor": 2, "mobile": True})
    return driver.execute_script("return window.innerWidth")


def run_axe(driver):
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(load_axe())
    result = driver.execute_async_script(AXE_RUN)
    if "error" in result:
        return [{"id": "axe-error", "help": result["error"], "targets": []}]
    return result["violations"]


class Crawl:
    """What all roles' crawls found together: pages checked per width, violations, the route
    patterns reached by some link, and links that led to an error."""

    def __init__(self, matcher, page_cap=900, seconds=240, wanted=()):
        self.matcher = matcher
        # Page routes some link must reach; while one is not, more records of a shape are opened
        # (a link to a SIP or to feedback sits only on the records that have one).
        self.wanted = set(wanted)
        self.page_cap = page_cap
        self.deadline = time.time() + seconds
        self.axe_runs = Counter()          # route pattern -> axe runs (both widths count once)
        self.pages = Counter()             # width name -> pages checked by axe
        self.opened = 0
        self.linked = {}                   # route pattern -> (role, first path) that reached it
        self.violations = []               # (role, width, path, rule, help, targets)
        self.broken = []                   # (role, from path, to path, status)
        self.truncated = False
        self.roles = []

    def out_of_budget(self, until=None):
        over = self.opened >= self.page_cap or time.time() > min(self.deadline, until or self.deadline)
        if over:
            self.truncated = True
        return over

    def note_link(self, role, path):
        pattern = self.matcher.pattern_of(path)
        if pattern and pattern not in self.linked:
            self.linked[pattern] = (role, path)
        return pattern

    def crawl(self, driver, role, starts, roles_left=1):
        """Breadth-first from the start paths, in the browser as it is signed in now, within an
        even share of the time left (roles_left: this and the roles still to come)."""
        until = time.time() + max(0.0, self.deadline - time.time()) / max(1, roles_left)
        self.roles.append(role)
        seen, queued = set(), Counter()
        queue = deque((start, None) for start in starts)
        for start, _ in queue:
            seen.add(start)
            queued[self.matcher.pattern_of(urlparse(start).path)] += 1
        # Links beyond PER_SHAPE, by shape, taken in turn so every shape gets its further records.
        reserve, turns, reserve_opened = defaultdict(deque), deque(), 0
        while queue or turns:
            if queue:
                if self.out_of_budget(until):
                    break
                target, came_from = queue.popleft()
            else:
                # The breadth-first walk is done; open further records of shapes already seen
                # while a wanted route is unreached, within a small budget that is no cap.
                if not (self.wanted - set(self.linked)) or reserve_opened >= RESERVE_PAGES \
                        or self.opened >= self.page_cap or time.time() > min(self.deadline, until):
                    break
                shape = turns.popleft()
                target, came_from = reserve[shape].popleft()
                if reserve[shape]:
                    turns.append(shape)
                reserve_opened += 1
            open_page(driver, target)
            self.opened += 1
            here = urlparse(driver.current_url)
            if here.netloc != urlparse(BASE_URL).netloc:
                continue  # a redirect away (should not happen for the links followed)
            pattern = self.note_link(role, here.path)
            status = http_status(driver)
            if status != 200:
                self.broken.append((role, came_from or "(start)", target, status))
            if pattern is None:
                continue
            if self.axe_runs[pattern] < AXE_PER_SHAPE:
                self.axe_runs[pattern] += 1
                self.check_widths(driver, role, here.path + (("?" + here.query) if here.query else ""))
            for href, download in driver.execute_script(LINKS_JS):
                link = urlparse(href)
                if link.netloc != urlparse(BASE_URL).netloc or link.scheme not in ("http", "https"):
                    continue
                path = link.path + (("?" + link.query) if link.query else "")
                shape = self.note_link(role, link.path)
                if path in seen or skipped(link.path, download) or shape is None:
                    continue
                seen.add(path)
                if queued[shape] < PER_SHAPE:
                    queued[shape] += 1
                    queue.append((path, here.path))
                else:
                    if not reserve[shape]:
                        turns.append(shape)
                    reserve[shape].append((path, here.path))

    def check_widths(self, driver, role, path):
        for width in WIDTHS:
            inner = set_width(driver, width)
            if width[0] == "phone" and inner != width[1]:
                self.violations.append((role, width[0], path, "reflow (WCAG 1.4.10)",
                                        f"the page is {inner} px wide in a {width[1]} px viewport and scrolls sideways", []))
            for v in run_axe(driver):
                self.violations.append((role, width[0], path, v["id"], v["help"], v["targets"]))
            self.pages[width[0]] += 1
        set_width(driver, DESKTOP)
