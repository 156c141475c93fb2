"""The organisations and schools the demo describes: a trust with a primary, a
secondary and a special school, and a second organisation with a school of its own
(whose people never see the trust's, nor the trust's people theirs)."""

from accounts.models import Organisation, School

TRUST = "Northfield Learning Trust"
COUNCIL = "Eastgate Council"

# code, name, organisation, e-mail domain
SCHOOLS = [
    ("NPS", "Northfield Primary", TRUST, "northfield-primary.example"),
    ("RSS", "Riverside Secondary", TRUST, "riverside-secondary.example"),
    ("OAK", "Oakfield Special School", TRUST, "oakfield.example"),
    ("HVS", "Hillview School", COUNCIL, "hillview.example"),
]

# The sites of the schools other than Northfield Primary (whose sites are in `places`).
SCHOOL_SITES = {
    "RSS": {"RIV": ("Riverside main building", ["R1", "R2", "Science lab", "Library"])},
    "OAK": {"OAKF": ("Oakfield", ["Classroom 1", "Sensory room", "Office"])},
    "HVS": {"HILL": ("Hillview building", ["H1", "H2", "Office"])},
}

# tag, name, kind, make, model, site code, room
SCHOOL_EQUIPMENT = [
    (
        "RIV-WB-R1",
        "R1 interactive whiteboard",
        "whiteboard",
        "Promethean",
        "ActivPanel 9",
        "RIV",
        "R1",
    ),
    ("RIV-PRN-LIB", "Library printer", "printer", "HP", "LaserJet Pro 4002", "RIV", "Library"),
    (
        "OAK-TAB-01",
        "Sensory room tablet",
        "tablet",
        "Apple",
        "iPad 10th gen",
        "OAKF",
        "Sensory room",
    ),
    ("HILL-PRJ-H1", "H1 projector", "projector", "Epson", "EB-992F", "HILL", "H1"),
]


def load_schools() -> dict[str, School]:
    """The organisations and their schools, by school code."""
    schools = {}
    for code, name, organisation_name, domain in SCHOOLS:
        organisation, _ = Organisation.objects.get_or_create(name=organisation_name)
        school, _ = School.objects.get_or_create(
            code=code.lower(),
            defaults={"organisation": organisation, "name": name, "email_domains": domain},
        )
        schools[code] = school
    return schools
