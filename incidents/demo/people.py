"""The demo's people: one for every role, all with the published demo password, each
with their roles where they hold them (a school's code, or a whole organisation)."""

from django.contrib.auth import get_user_model

from accounts.roles import Role, grant

from .schools import COUNCIL, TRUST

DEMO_PASSWORD = "helpdesk-demo"  # noqa: S105 - the demo's published password

PEOPLE = [
    # username, first, last, job title, roles
    ("teacher", "Amira", "Khan", "Year 5 teacher", [Role.USER]),
    ("office", "Paul", "Grant", "School office", [Role.USER]),
    ("science", "Helen", "Wood", "Head of science", [Role.USER]),
    ("head", "Ruth", "Bennett", "Head teacher", [Role.USER]),
    ("desk", "Sam", "Patel", "Trust service desk", [Role.USER, Role.DESK]),
    ("tech", "Jordan", "Lee", "Visiting ICT technician", [Role.USER, Role.TECHNICIAN]),
    (
        "desktech",
        "Chris",
        "Taylor",
        "Technician and service desk",
        [Role.USER, Role.DESK, Role.TECHNICIAN],
    ),
    ("admin", "Morgan", "Ellis", "Trust ICT manager", [Role.USER, Role.ADMIN]),
    ("rteacher", "Ruth", "Okafor", "Geography teacher", [Role.USER]),
    ("rict", "Ian", "Murray", "ICT lead", [Role.USER, Role.DESK, Role.TECHNICIAN]),
    ("radmin", "Rosa", "Diaz", "Business manager", [Role.USER, Role.SCHOOL_ADMIN]),
    ("oteacher", "Owen", "Price", "Class teacher", [Role.USER]),
    ("hteacher", "Hana", "Sato", "Year 3 teacher", [Role.USER]),
    ("hdesk", "Harry", "Cole", "Council ICT desk", [Role.USER, Role.DESK, Role.TECHNICIAN]),
]

# Where each person holds their roles: school codes, or a whole organisation.
WHERE: dict[str, list[str]] = {
    "teacher": ["NPS"],
    "office": ["NPS"],
    "science": ["NPS"],
    "head": ["NPS"],
    "desk": [TRUST],
    "tech": ["NPS", "OAK"],
    "desktech": ["NPS"],
    "admin": [TRUST],
    "rteacher": ["RSS"],
    "rict": ["RSS"],
    "radmin": ["RSS"],
    "oteacher": ["OAK"],
    "hteacher": ["HVS"],
    "hdesk": [COUNCIL],
}


def load_people(schools: dict) -> dict:
    from accounts.models import Organisation

    User = get_user_model()
    people = {}
    for username, first, last, job, roles in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": job,
                "email": f"{first.lower()}.{last.lower()}@{_domain(username, schools)}",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        for where in WHERE[username]:
            if where in schools:
                grant(user, *roles, school=schools[where])
            else:
                grant(user, *roles, organisation=Organisation.objects.get(name=where))
        people[username] = user
    return people


def _domain(username: str, schools: dict) -> str:
    """The first demo people keep the addresses they always had."""
    where = WHERE[username][0]
    if username in {"teacher", "office", "science", "desk", "tech", "desktech", "admin"}:
        return "school.example"
    return schools[where].email_domains if where in schools else "council.example"
