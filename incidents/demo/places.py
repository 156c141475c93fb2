"""The school the demo describes: two sites with their rooms, and the support groups
(in school, the trust, suppliers) the technicians consult."""

SITES = {
    "MAIN": (
        "Main building",
        [
            "Room 1",
            "Room 2",
            "Room 3",
            "Room 4",
            "Room 12",
            "Library",
            "Hall",
            "Office",
            "Staff room",
        ],
    ),
    "SCI": ("Science block", ["Lab 1", "Lab 2", "Lab 3", "Prep room", "ICT suite"]),
}

GROUPS = [
    (
        "In-school senior technician",
        "first",
        "specialised_technician",
        [
            (
                "Dana Brooks",
                "Senior technician",
                "ext 214",
                "dana.brooks@school.example",
                "Mon–Fri 8:00–16:30",
                "",
            )
        ],
    ),
    (
        "Change management – trust ICT",
        "first",
        "configuration",
        [
            (
                "Trust ICT change desk",
                "Change manager",
                "0161 496 0100",
                "changes@trust.example",
                "Mon–Fri 9:00–17:00",
                "TRUST-ICT-22",
            )
        ],
    ),
    (
        "Edu Tech Support Ltd",
        "first",
        "third_party",
        [
            (
                "Helpdesk",
                "",
                "0161 496 0200",
                "support@edutech.example",
                "Mon–Fri 8:00–18:00",
                "ETS-44871",
            )
        ],
    ),
    (
        "Schools ICT forum",
        "first",
        "online",
        [("Forum moderators", "", "", "", "Online, any time", "")],
    ),
    (
        "St Anne's Primary technician",
        "first",
        "other_school",
        [
            (
                "Lee Morris",
                "Technician",
                "0161 496 0300",
                "l.morris@stannes.example",
                "Tue and Thu",
                "",
            )
        ],
    ),
    (
        "MIS vendor support",
        "second",
        "software",
        [
            (
                "MIS support line",
                "",
                "0161 496 0400",
                "help@mis-vendor.example",
                "Mon–Fri 8:00–17:30",
                "SCH-000417",
            )
        ],
    ),
    (
        "PrintCo managed print",
        "second",
        "hardware",
        [
            (
                "Service desk",
                "",
                "0161 496 0500",
                "service@printco.example",
                "Mon–Fri 8:00–17:00",
                "MPS-2291",
            )
        ],
    ),
    (
        "BrightBoard whiteboards",
        "third",
        "supplier",
        [
            (
                "Technical support",
                "",
                "0161 496 0600",
                "tech@brightboard.example",
                "Mon–Fri 9:00–17:00",
                "BB-77120",
            )
        ],
    ),
    (
        "ProjectorPoint",
        "third",
        "supplier",
        [
            (
                "Repairs",
                "",
                "0161 496 0700",
                "repairs@projectorpoint.example",
                "Mon–Fri 8:30–16:30",
                "PP-5531",
            )
        ],
    ),
]
