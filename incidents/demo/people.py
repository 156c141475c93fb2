"""The demo's people: one for every role, all with the published demo password."""

from django.contrib.auth import get_user_model

from accounts.roles import Role, grant

DEMO_PASSWORD = "helpdesk-demo"  # noqa: S105 - the demo's published password

PEOPLE = [
    # username, first, last, job title, roles
    ("teacher", "Amira", "Khan", "Year 5 teacher", [Role.USER]),
    ("office", "Paul", "Grant", "School office", [Role.USER]),
    ("science", "Helen", "Wood", "Head of science", [Role.USER]),
    ("head", "Ruth", "Bennett", "Head teacher", [Role.USER]),
    ("desk", "Sam", "Patel", "Service desk", [Role.USER, Role.DESK]),
    ("tech", "Jordan", "Lee", "ICT technician", [Role.USER, Role.TECHNICIAN]),
    (
        "desktech",
        "Chris",
        "Taylor",
        "Technician and service desk",
        [Role.USER, Role.DESK, Role.TECHNICIAN],
    ),
    ("admin", "Morgan", "Ellis", "ICT manager", [Role.USER, Role.ADMIN]),
]


def load_people() -> dict:
    User = get_user_model()
    people = {}
    for username, first, last, job, roles in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": job,
                "email": f"{first.lower()}.{last.lower()}@school.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        grant(user, *roles)
        people[username] = user
    return people
