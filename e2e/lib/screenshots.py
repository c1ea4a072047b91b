"""Screenshots into e2e/screenshots/ (ignored by git), for a person to look at."""

import base64
import os

from lib.config import SCREENSHOT_DIR


def screenshot(driver, name):
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    driver.save_screenshot(os.path.join(SCREENSHOT_DIR, name + ".png"))


def full_page_screenshot(driver, name):
    """The whole document, not just the viewport (Chromium DevTools), as <name>_full.png."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    with open(os.path.join(SCREENSHOT_DIR, name + "_full.png"), "wb") as handle:
        handle.write(base64.b64decode(shot["data"]))
