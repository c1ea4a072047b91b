"""The browser: a desktop or phone Chromium, navigation that waits for the new page, HTTP status."""

import time
import urllib.request
from urllib.parse import urlparse

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from lib.config import BASE_URL, CHROME_BIN, CHROMEDRIVER, WAIT_SECONDS


PHONE_WIDTH, PHONE_HEIGHT = 390, 844


def new_driver(phone=False):
    """A desktop browser (1280x900), or with phone=True a phone's (390x844 CSS pixels, touch,
    device pixel ratio 2) through Chromium's mobile emulation."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROME_BIN
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=sv-SE"):
        options.add_argument(arg)
    if not phone:
        options.add_argument("--window-size=1280,900")
    else:  # with a --window-size as well, the emulated phone ignores <meta name=viewport>
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {
            "width": PHONE_WIDTH, "height": PHONE_HEIGHT, "pixelRatio": 2.0, "touch": True, "mobile": True}})
    # Synlig falls back to Accept-Language; ask for Swedish like a Swedish visitor would.
    options.add_experimental_option("prefs", {"intl.accept_languages": "sv-SE,sv"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver


def wait(driver, seconds=WAIT_SECONDS):
    return WebDriverWait(driver, seconds)


def url(path):
    return BASE_URL + path


def path_of(driver):
    return urlparse(driver.current_url).path


def wait_ready(driver):
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def open_page(driver, path):
    driver.get(url(path))
    wait_ready(driver)


def replaced(old_element):
    """Like EC.staleness_of, but also takes Chromium's "Node with given id does not belong to
    the document" (an unknown error, raised now and then mid-navigation) as gone."""
    def predicate(_driver):
        try:
            old_element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error) or "No node with given id" in str(error):
                return True
            raise
    return predicate


def click_and_wait_for_new_page(driver, element):
    """Clicks something that navigates, and waits until the new page has loaded."""
    old_html = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait(driver).until(replaced(old_html))
    wait_ready(driver)


def http_status(driver):
    """The HTTP status of the current document (Navigation Timing Level 2)."""
    status = driver.execute_script(
        "var e = performance.getEntriesByType('navigation')[0];"
        "return e && e.responseStatus ? e.responseStatus : null;")
    if status is None:
        status = driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "fetch(location.href, {credentials: 'same-origin'})"
            ".then(function (r) { done(r.status); }, function () { done(null); });")
    return status


def wait_for_server(seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url("/health"), timeout=5) as response:
                if response.status == 200:
                    return True
        except Exception:
            time.sleep(1)
    return False
