"""Interfaces checked against their real specifications: the FHIR export of demo family
caregivers validated resource by resource with fhir.resources (R4B models: FHIR 4.3, whose
Patient, RelatedPerson, Consent, Flag and Bundle are R4's), plus the FHIR JSON rules the models
do not enforce; the open catalogue validated with jsonschema against HSDS 3.0's official
schemas (vendored in e2e/schemas/hsds-3.0) and its tabular package against HSDS's
datapackage.json. Writes its figures to $SYNLIG_ASSURANCE_OUT/interop.json."""

import csv
import io
import json
import os
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree

from lib.checks import check
from lib.config import BASE_URL, DEMO_PASSWORD, E2E_DIR, RUN_ID
from lib.demo import CONSULTANT

SCHEMAS = os.path.join(E2E_DIR, "schemas", "hsds-3.0")
XHTML_DIV = "{http://www.w3.org/1999/xhtml}div"
MUNICIPALITY_CODE = "9999"
# Enough demo caregivers to meet every kind of bundle; the scan stops once all are seen.
MAX_BUNDLES = 200
# What the family caregiver is to the patient: code and Swedish words belong together.
RELATION_WORDS = {"SIGOTHR": "make, maka, sambo eller partner", "CHILD": "barn", "PRN": "förälder", "SIB": "syskon",
                  "FAMMEMB": "släkting", "FRND": "vän", "NBOR": "granne", "GUARD": "god man eller förvaltare"}


def request(path, method="GET", body=None, token=None, accept="application/json"):
    """(status, headers, bytes) of one call to the running server; no redirects followed."""
    headers = {"Accept": accept, "Accept-Language": "sv"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(BASE_URL + path, data=data, headers=headers, method=method), timeout=30) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def json_empties(value, where="$"):
    """Paths where FHIR JSON's rules are broken: null, empty string, empty array or object."""
    if value is None or value == "" or value == [] or value == {}:
        return [where]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in json_empties(item, f"{where}[{i}]")]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in json_empties(item, f"{where}.{key}")]
    return []


class Tally:
    def __init__(self):
        self.figures = {"suite": "interop", "fhir_bundles": 0, "fhir_resources_validated": 0, "fhir_failures": 0,
                        "hsds_services_validated": 0, "hsds_pages_validated": 0, "hsds_tables_validated": 0,
                        "hsds_rows_checked": 0, "hsds_failures": 0}
        self.problems = []

    def fail(self, kind, message):
        self.figures[kind] += 1
        self.problems.append(message)

    def write(self):
        self.figures["failures"] = self.figures["fhir_failures"] + self.figures["hsds_failures"]
        out = os.environ.get("SYNLIG_ASSURANCE_OUT")
        if out:
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, "interop.json"), "w", encoding="utf-8") as handle:
                json.dump(self.figures, handle, indent=1)
                handle.write("\n")


# ---------------------------------------------------------------- FHIR

def validate_bundle(bundle, tally, label):
    """Every resource through its fhir.resources model, the Bundle too; plus what the models let
    through: empty values, narratives that are not an XHTML div, a withdrawal as `rejected`, a
    relationship whose words contradict its code."""
    from fhir.resources.R4B import get_fhir_model_class
    for path in json_empties(bundle):
        tally.fail("fhir_failures", f"{label}: empty value at {path}")
    try:
        get_fhir_model_class("Bundle").model_validate(bundle)
    except Exception as error:  # the validator's own message names the element
        tally.fail("fhir_failures", f"{label}: Bundle invalid: {error}")
    kinds = set()
    for entry in bundle.get("entry", []):
        resource = entry["resource"]
        kind = resource["resourceType"]
        try:
            get_fhir_model_class(kind).model_validate(resource)
            tally.figures["fhir_resources_validated"] += 1
        except Exception as error:
            tally.fail("fhir_failures", f"{label}: {kind} invalid: {error}")
            continue
        text = resource.get("text") or {}
        try:
            div = ElementTree.fromstring(text.get("div", ""))
            if div.tag != XHTML_DIV or text.get("status") != "generated" or not "".join(div.itertext()).strip():
                raise ValueError("not a generated XHTML div with text")
        except Exception as error:
            tally.fail("fhir_failures", f"{label}: {kind} narrative: {error}")
        if kind == "Consent":
            deny = resource["provision"]["type"] == "deny"
            withdrawal = any(coding["code"] == "withdrawal" for coding in resource["policyRule"]["coding"])
            if withdrawal and not deny:
                tally.fail("fhir_failures", f"{label}: a withdrawal that permits")
            if resource["status"] == "active":
                kinds.add("consent-withdrawn" if withdrawal else "consent-deny" if deny else "consent-given")
            if resource["status"] not in ("active", "inactive"):
                tally.fail("fhir_failures", f"{label}: Consent status {resource['status']}")
        if kind == "Patient" and resource.get("identifier"):
            kinds.add("patient-identifier")
        if kind == "RelatedPerson":
            for concept in resource.get("relationship", []):
                code = (concept.get("coding") or [{}])[0].get("code")
                if code in RELATION_WORDS and concept.get("text") != RELATION_WORDS[code]:
                    tally.fail("fhir_failures", f"{label}: relationship {code} says {concept.get('text')!r}")
    kinds.add("with-entry" if bundle.get("entry") else "no-entry")
    return kinds


def check_fhir(tally):
    status, _, body = request("/api/v1/auth/token", "POST", {"email": CONSULTANT, "password": DEMO_PASSWORD})
    check(status == 201, f"no API token for {CONSULTANT}: {status}")
    token = json.loads(body)["token"]
    ids = []
    for page in (1, 2):
        status, _, body = request(f"/api/v1/caregivers?per=100&page={page}", token=token)
        check(status == 200, f"the caregiver list answered {status}")
        ids += [item["id"] for item in json.loads(body)["items"]]
    # One family caregiver without any relationship, registered for this run.
    status, _, body = request("/api/v1/caregivers", "POST", {"name": f"Interop Utan Relation {RUN_ID[-6:]}"}, token=token)
    check(status == 201, f"registering a family caregiver answered {status}: {body[:200]!r}")
    ids.insert(0, json.loads(body)["id"])

    wanted = {"no-entry", "with-entry", "consent-given", "consent-withdrawn", "patient-identifier"}
    seen = set()
    for caregiver_id in ids[:MAX_BUNDLES]:
        status, headers, body = request(f"/api/v1/caregivers/{caregiver_id}/fhir", token=token, accept="application/fhir+json")
        if status != 200 or not headers.get("Content-Type", "").startswith("application/fhir+json"):
            tally.fail("fhir_failures", f"FHIR export of {caregiver_id}: {status} {headers.get('Content-Type')}")
            continue
        tally.figures["fhir_bundles"] += 1
        seen |= validate_bundle(json.loads(body), tally, f"caregiver {caregiver_id}")
        if wanted <= seen and tally.figures["fhir_bundles"] >= 20:
            break
    request("/api/v1/auth/token", "DELETE", token=token)
    check(wanted <= seen, f"the demo bundles lack {sorted(wanted - seen)}")


# ---------------------------------------------------------------- HSDS

def hsds_validator(name):
    """A validator for one of HSDS's schemas, resolving its relative $refs among the vendored files."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    base = "https://hsds.invalid/3.0/"
    resources = []
    for file in os.listdir(SCHEMAS):
        if file.endswith(".json") and file not in ("openapi.json", "datapackage.json"):
            with open(os.path.join(SCHEMAS, file), encoding="utf-8") as handle:
                resources.append((base + file, Resource.from_contents(json.load(handle), default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    return Draft202012Validator({"$ref": base + name}, registry=registry, format_checker=FormatChecker())


def page_schema():
    """HSDS's paginated answer: the OpenAPI `Page` with `contents` of services (as its /services does)."""
    with open(os.path.join(SCHEMAS, "openapi.json"), encoding="utf-8") as handle:
        page = json.load(handle)["components"]["schemas"]["Page"]
    return {"allOf": [page, {"type": "object", "required": ["contents"] + sorted(page["properties"]),
                             "properties": {"contents": {"type": "array"}}}]}


def check_hsds_json(tally):
    from jsonschema import Draft202012Validator
    service_validator = hsds_validator("service.json")
    wrapper = Draft202012Validator(page_schema())
    page_number, total_pages, seen = 1, 1, []
    while page_number <= total_pages:
        status, headers, body = request(f"/api/v1/open-data/{MUNICIPALITY_CODE}/services?page={page_number}&per_page=5")
        check(status == 200, f"open data page {page_number} answered {status}")
        page = json.loads(body)
        for error in wrapper.iter_errors(page):
            tally.fail("hsds_failures", f"page {page_number}: {error.message}")
        tally.figures["hsds_pages_validated"] += 1
        for service in page["contents"]:
            errors = list(service_validator.iter_errors(service))
            for error in errors:
                tally.fail("hsds_failures", f"service {service.get('id')}: {list(error.absolute_path)} {error.message}")
            tally.figures["hsds_services_validated"] += 1
            seen.append(service["id"])
        total_pages = page["total_pages"]
        page_number += 1
    check(seen and len(seen) == len(set(seen)) == page["total_items"], f"paging gave {len(seen)} services of {page['total_items']}")
    status, _, body = request(f"/api/v1/open-data/{MUNICIPALITY_CODE}/services/{seen[0]}")
    check(status == 200 and not list(service_validator.iter_errors(json.loads(body))), "one service by id is not a valid HSDS service")
    return len(seen)


def check_hsds_tabular(tally, service_count):
    with open(os.path.join(SCHEMAS, "datapackage.json"), encoding="utf-8") as handle:
        official = {resource["name"]: resource for resource in json.load(handle)["resources"]}
    root = f"/api/v1/open-data/{MUNICIPALITY_CODE}/hsds/"
    status, _, body = request(root + "datapackage.json")
    check(status == 200, f"datapackage.json answered {status}")
    package = json.loads(body)
    check(package.get("profile") == "tabular-data-package", "the package is not a tabular data package")
    names = {resource["name"] for resource in package["resources"]}
    ids = {}
    tables = {}
    for resource in package["resources"]:
        name, path = resource["name"], resource["path"]
        reference = official.get(name)
        if reference is None or reference["path"] != path:
            tally.fail("hsds_failures", f"{name} ({path}) is not an HSDS table")
            continue
        fields = [field["name"] for field in reference["schema"]["fields"]]
        if [field["name"] for field in resource["schema"]["fields"]] != fields:
            tally.fail("hsds_failures", f"{path}: the package's fields differ from HSDS's")
        status, _, body = request(root + path, accept="text/csv")
        if status != 200 or body.startswith(b"\xef\xbb\xbf"):
            tally.fail("hsds_failures", f"{path}: {status}, or a byte-order mark")
            continue
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        if not rows or rows[0] != fields:
            tally.fail("hsds_failures", f"{path}: header {rows[:1]} is not HSDS's {fields}")
            continue
        required = [field["name"] for field in reference["schema"]["fields"] if field.get("constraints", {}).get("required")]
        uuids = [field["name"] for field in reference["schema"]["fields"] if field.get("format") == "uuid"]
        records = [dict(zip(fields, row)) for row in rows[1:]]
        for number, record in enumerate(records, start=2):
            tally.figures["hsds_rows_checked"] += 1
            for field in required:
                if not record[field]:
                    tally.fail("hsds_failures", f"{path} row {number}: required {field} is empty")
            for field in uuids:
                if record[field] and len(record[field]) != 36:
                    tally.fail("hsds_failures", f"{path} row {number}: {field} is not a uuid")
        ids[name] = {record["id"] for record in records}
        tables[name] = (reference, records)
        tally.figures["hsds_tables_validated"] += 1
    # Foreign keys between published tables resolve; those to unpublished tables are empty.
    for name, (reference, records) in tables.items():
        for key in reference["schema"].get("foreignKeys", []):
            target, field = key["reference"]["resource"], key["fields"]
            for record in records:
                value = record.get(field, "")
                if value and (target not in names or value not in ids.get(target, set())):
                    tally.fail("hsds_failures", f"{name}.{field} {value} points at no {target}")
    check(len(tables.get("service", (None, []))[1]) == service_count, "services.csv and the JSON disagree on the count")
    status, headers, _ = request(f"/api/v1/open-data/{MUNICIPALITY_CODE}/services.csv")
    check(status == 301 and headers.get("Location") == root + "services.csv", f"the old CSV address answered {status}")


def test_interfaces_validate(driver):
    """Scenario 41. The driver is unused: every check is a call to the running server."""
    tally = Tally()
    try:
        check_fhir(tally)
        check_hsds_tabular(tally, check_hsds_json(tally))
    finally:
        tally.write()
    check(not tally.problems, f"{len(tally.problems)} conformance failures:\n  " + "\n  ".join(tally.problems[:40]))
