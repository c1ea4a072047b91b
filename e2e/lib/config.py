"""Settings from the environment (see run_e2e.py) and what makes each run's data unique."""

import os
import time

BASE_URL = os.environ.get("SYNLIG_BASE_URL", "http://127.0.0.1:8080").rstrip("/")
DEMO_PASSWORD = os.environ.get("SYNLIG_DEMO_PASSWORD", "")
CHROME_BIN = os.environ.get("CHROME_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
E2E_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCREENSHOT_DIR = os.path.join(E2E_DIR, "screenshots")
WAIT_SECONDS = 15

# Unique per run, so the suite can run again against the same server and data.
RUN_ID = time.strftime("%Y%m%d%H%M%S") + f"-{os.getpid()}"


def swedish_today():
    """Today as Synlig counts it: the date in Sweden, which is not the machine's date around
    midnight UTC."""
    from datetime import datetime
    from zoneinfo import ZoneInfo
    return datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat()
