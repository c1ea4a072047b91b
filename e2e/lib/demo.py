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
