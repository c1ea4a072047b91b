"""What the demo data (serve --demo, DemoSeeder) holds that the scenarios rely on."""

ADMIN_EMAIL = "admin@exempel.se"
DEMO_ROLES = [
    "strateg@exempel.se",
    "konsulent@exempel.se",
    "handlaggare@exempel.se",
    "personal@exempel.se",
    "politiker@exempel.se",
]
MAPPING_OWNER = "strateg@exempel.se"
CONSULTANT = "konsulent@exempel.se"
STAFF = "personal@exempel.se"
STAFF_UNIT = "Hemtjänst Norra"  # Pia Personal's only unit in the demo (DemoSeeder.logins)

MUNICIPALITY = "Exempelkommun"
MUNICIPALITY_PATH = "/stod/9999"

# Region Exempel, beside the municipality (RegionDemo): a nurse at its health centre and a family
# caregiver she registered and may refer.
REGION = "Region Exempel"
REGION_NURSE = "sjukskoterska@region-exempel.se"
REGION_CAREGIVER = "Lena Lindqvist"


def demo_logins():
    """Every demo login as (email, role) read from the demo's own source (`static let logins` in
    Sources/SynligDemo), so a role added to the demo is crawled without a change here."""
    import os
    import re
    from lib.config import E2E_DIR
    folder = os.path.join(os.path.dirname(E2E_DIR), "Sources", "SynligDemo")
    found = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".swift"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            source = handle.read()
        block = re.search(r"static let logins[^=]*=\s*\[(.*?)\n\s*\]", source, re.S)
        if block:
            found += re.findall(r'\("([^"]+@[^"]+)",\s*"[^"]*",\s*\.(\w+)', block.group(1))
    return found
