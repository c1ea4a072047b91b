"""Privacy operations: a consultant makes a register extract of a caregiver, reads it on screen
and prints it as an A4 PDF whose text holds the person's data."""

import base64
import json
import os
import subprocess

from selenium.webdriver.common.by import By

from lib.axe import visit_and_check
from lib.checks import check
from lib.config import DEMO_PASSWORD, SCREENSHOT_DIR
from lib.demo import CONSULTANT, STAFF
from lib.driver import http_status, open_page, path_of
from lib.login import check_signed_in, login
from lib.page import click_link, h1_text, is_uuid_path, main_text


def test_register_extract(driver):
    login(driver, CONSULTANT, DEMO_PASSWORD)
    check_signed_in(driver, CONSULTANT)
    open_page(driver, "/caregivers")
    first = driver.find_elements(By.CSS_SELECTOR, "main table a[href^='/caregivers/']")
    check(first, "the register lists no caregiver to open")
    name = first[0].text
    first[0].click()
    record = path_of(driver)
    check(is_uuid_path(record, "caregivers"), f"opening {name!r} led to {driver.current_url}")
    click_link(driver, "Registerutdrag")
    check(path_of(driver) == record + "/extract", f"'Registerutdrag' led to {driver.current_url}")
    visit_and_check(driver, None, "50_register_extract")
    check(h1_text(driver) == f"Registerutdrag: {name}", f"extract h1: {h1_text(driver)!r}")
    text = main_text(driver)
    for section in ["Uppgifter om den anhörige", "Relationer", "Ändringar (händelselogg)", "Vem som har läst uppgifterna"]:
        check(section in text, f"the extract has no section {section!r}")
    check("extract.column." not in text and "extract.table." not in text, "the extract shows a raw key")

    pdf = base64.b64decode(driver.execute_cdp_cmd(
        "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True})["data"])
    path = os.path.join(SCREENSHOT_DIR, "register_extract.pdf")
    with open(path, "wb") as handle:
        handle.write(pdf)
    printed = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    check(name in printed and "Vem som har läst uppgifterna" in printed, "the printed extract lacks the name or the access log")
    check("Som JSON" not in printed, "the printed extract shows the screen-only links")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", path, os.path.join(SCREENSHOT_DIR, "50_register_extract_print")],
                   check=True)

    # The same as a JSON file to keep, fetched as the browser's download link would.
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.text().then(t => done([r.status, r.headers.get('content-disposition'), t])));",
        record + "/extract.json")
    status, disposition, body = result
    check(status == 200 and "attachment" in (disposition or ""), f"the JSON extract answered {status}, {disposition!r}")
    data = json.loads(body)
    caregiver = next(s for s in data["sections"] if s["table"] == "caregivers")
    check(caregiver["rows"][0]["name"] == name, "the JSON extract is not about the person")


def test_staff_cannot_make_extract(driver):
    login(driver, STAFF, DEMO_PASSWORD)
    check_signed_in(driver, STAFF)
    open_page(driver, "/caregivers")
    first = driver.find_elements(By.CSS_SELECTOR, "main table a[href^='/caregivers/']")
    check(first, "staff see no caregiver in the register")
    first[0].click()
    check("Registerutdrag" not in main_text(driver), "staff are offered a register extract")
    open_page(driver, path_of(driver) + "/extract")
    check(http_status(driver) == 403, f"staff should be refused the extract, got {http_status(driver)}")
