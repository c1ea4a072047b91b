"""axe-core (WCAG 2.0/2.1 A and AA) injected into each checked page; zero violations allowed."""

import os

from lib.checks import TestFailure, check
from lib.driver import http_status, open_page
from lib.page import duplicate_ids
from lib.screenshots import screenshot


def find_axe_js():
    path = os.environ.get("AXE_JS")
    if path:
        return path
    import axe_playwright_python
    package_dir = os.path.dirname(axe_playwright_python.__file__)
    for root, _dirs, files in os.walk(package_dir):
        if "axe.min.js" in files:
            return os.path.join(root, "axe.min.js")
    raise RuntimeError("axe.min.js not found in " + package_dir + "; set AXE_JS")


_axe_source = None


def load_axe():
    """Reads axe.min.js once; the runner calls it first so a missing file stops the run early."""
    global _axe_source
    if _axe_source is None:
        with open(find_axe_js(), encoding="utf-8") as handle:
            _axe_source = handle.read()
    return _axe_source


AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(function (r) {
    done({violations: r.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
              nodes: v.nodes.map(function (n) {
                return {target: n.target, html: n.html, summary: n.failureSummary};
              })};
    })});
  })
  .catch(function (e) { done({error: String(e)}); });
"""


def axe_check(driver, label):
    """Runs axe-core on the current page; raises with every violation listed."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(load_axe())
    result = driver.execute_async_script(AXE_RUN)
    check("error" not in result, f"axe failed to run on {label}: {result.get('error')}")
    violations = result["violations"]
    if violations:
        lines = [f"axe: {len(violations)} violation(s) on {label} ({driver.current_url}):"]
        for v in violations:
            lines.append(f"  - {v['id']} [{v['impact']}]: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"]:
                lines.append(f"      target {node['target']}: {node['html'][:200]}")
                if node.get("summary"):
                    lines.append("        " + node["summary"].replace("\n", "\n        "))
        raise TestFailure("\n".join(lines))


def visit_and_check(driver, path_or_none, name, expect_status=200):
    """Screenshot + status + axe for the current page (after opening path, if given)."""
    if path_or_none is not None:
        open_page(driver, path_or_none)
    screenshot(driver, name)
    if expect_status is not None:
        status = http_status(driver)
        check(status == expect_status,
              f"{name}: expected HTTP {expect_status} at {driver.current_url}, got {status}")
    axe_check(driver, name)
    dups = duplicate_ids(driver)  # axe 4.12 no longer reports these under the WCAG tags
    check(not dups, f"{name}: duplicate ids at {driver.current_url}: {', '.join(dups)}")
