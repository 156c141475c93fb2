"""The words the benchmark's data is made of: names, rooms, equipment, and the
phrases incidents are written with (summary, the sheet's answers, the fix found).

Constants only; bench/seeding/layout.py says how many of everything there are.
"""

# fmt: off
FIRST_NAMES = [
    "Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Harry", "Isla", "Jack", "Kai",
    "Leah", "Mo", "Nina", "Oscar", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera",
    "Will", "Xena", "Yusuf", "Zoe", "Alex", "Beth", "Carl", "Dina", "Ewan", "Fay", "Gus", "Hana",
    "Ivan", "Jo", "Kate", "Liam", "Maya", "Noah",
]
LAST_NAMES = [
    "Adams", "Baker", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hughes", "Iqbal", "Jones",
    "Khan", "Lewis", "Morgan", "Nash", "Owen", "Patel", "Quinn", "Roberts", "Smith", "Taylor",
    "Usman", "Vaughan", "Walker", "Young", "Zhang", "Ahmed", "Brown", "Cole", "Doyle", "Ellis",
    "Ford", "Gill", "Hart", "Ito", "Jenkins", "Kelly", "Lowe", "Mills", "Nolan", "Price",
]
# fmt: on

JOB_TITLES = [
    "Teacher",
    "Teacher",
    "Teacher",
    "Teaching assistant",
    "Head of department",
    "Office manager",
    "Receptionist",
    "Librarian",
    "Science technician",
    "Exams officer",
]
ROOM_NAMES = [
    "Room {n}",
    "Room {n}",
    "Room {n}",
    "Science lab {n}",
    "IT suite {n}",
    "Library",
    "Staff room",
    "Main office",
    "Hall",
    "Music room {n}",
]

# Categories, in id order.
CATEGORIES = [
    "Audio-visual",
    "Computers and laptops",
    "Printing",
    "Network and Wi-Fi",
    "Software",
    "Accounts and passwords",
    "E-mail",
    "Telephones",
    "Other",
]
# The 15 things in every room, by slot; incidents pick a slot with these weights
# (projectors and printers break more often than PCs).
SLOT_KINDS = [
    "pc",
    "pc",
    "pc",
    "pc",
    "laptop",
    "laptop",
    "projector",
    "whiteboard",
    "printer",
    "display",
    "tablet",
    "network",
    "visualiser",
    "audio",
    "laptop_trolley",
]
SLOT_WEIGHTS = [0, 1, 2, 3, 4, 5, 6, 6, 7, 7, 8, 8, 8, 9, 10, 11, 11, 12, 13, 14]
KIND_LABEL = {
    "pc": "PC",
    "laptop": "Laptop",
    "projector": "Projector",
    "whiteboard": "Interactive whiteboard",
    "printer": "Printer",
    "display": "Display",
    "tablet": "Tablet",
    "network": "Wi-Fi access point",
    "visualiser": "Visualiser",
    "audio": "Speakers",
    "laptop_trolley": "Laptop trolley",
}
KIND_MAKE = {
    "pc": ("Dell", "OptiPlex 7010"),
    "laptop": ("Lenovo", "ThinkPad E14"),
    "projector": ("Epson", "EB-695Wi"),
    "whiteboard": ("Promethean", "ActivPanel 9"),
    "printer": ("Kyocera", "TASKalfa 3554ci"),
    "display": ("Samsung", "QM55C"),
    "tablet": ("Apple", "iPad 10th gen"),
    "network": ("Ubiquiti", "U6 Pro"),
    "visualiser": ("IPEVO", "V4K"),
    "audio": ("Yamaha", "VXS5"),
    "laptop_trolley": ("LapSafe", "Diamond 32"),
}
KIND_CATEGORY = {
    "pc": 2,
    "laptop": 2,
    "tablet": 2,
    "laptop_trolley": 2,
    "projector": 1,
    "whiteboard": 1,
    "display": 1,
    "visualiser": 1,
    "audio": 1,
    "printer": 3,
    "network": 4,
}
# The support groups every school of the trust shares (ids 1..8); each school also
# keeps one of its own (see layout.py).
SHARED_GROUPS = [
    ("Senior technician", "second", "specialised_technician"),
    ("Network and configuration", "second", "configuration"),
    ("Managed service provider", "third", "third_party"),
    ("Vendor community forum", "first", "online"),
    ("Partner school technicians", "second", "other_school"),
    ("MIS and software support", "third", "software"),
    ("PC and printer maintenance", "third", "hardware"),
    ("AV supplier", "third", "supplier"),
]
KIND_SUPPLIER = {"projector": 8, "whiteboard": 8, "display": 8, "visualiser": 8, "audio": 8}


# (kind, summary, expected, happened, resolution, diagnostic action, cause); three per kind.
# Incidents without equipment use the "software" phrases (category by variant).
# fmt: off
PHRASES = [
    ("pc", "PC will not start", "The PC starts when I press the power button.",
     "Nothing happens, the power light stays off.", "Replaced the power supply.",
     "Tested the power supply with a tester.", "Failed power supply."),
    ("pc", "PC very slow at log-on", "To log on in a minute or two.",
     "Log-on takes more than ten minutes and the class waits.",
     "Cleared the roaming profile and updated the disk driver.",
     "Checked the event log and profile size.", "Corrupt roaming profile."),
    ("pc", "PC keeps restarting", "The PC to stay on during the lesson.",
     "It restarts every twenty minutes without warning.", "Reseated the memory and updated the BIOS.",
     "Ran a memory test overnight.", "Loose memory module."),
    ("laptop", "Laptop will not charge", "The battery charges when plugged in.",
     "The charging light flashes orange and the battery stays at 0%.",
     "Replaced the charger.", "Swapped the charger with a known good one.", "Faulty charger."),
    ("laptop", "Laptop screen flickers", "A steady picture.",
     "The screen flickers and goes black when the lid moves.", "Replaced the display cable.",
     "Opened the lid hinge and checked the cable.", "Worn display cable."),
    ("laptop", "Laptop cannot join the Wi-Fi", "It connects to the school network.",
     "It says 'Can't connect to this network'.", "Re-enrolled the laptop's certificate.",
     "Checked the certificate and the RADIUS log.", "Expired device certificate."),
    ("projector", "Projector shows no signal", "The projector shows my laptop screen.",
     "It says 'No signal' on every input.", "Replaced the HDMI cable in the wall box.",
     "Tested each input with a known good laptop.", "Broken HDMI cable in the wall."),
    ("projector", "Projector image is dim and yellow", "A bright, clear picture.",
     "The picture is very dim and yellow, the class cannot read it.",
     "Replaced the projector lamp.", "Checked the lamp hours in the menu.",
     "Lamp at end of life."),
    ("projector", "Projector turns itself off", "The projector stays on for the lesson.",
     "It switches off after ten minutes and the lamp light flashes.",
     "Cleaned the air filter and the fan.", "Read the error code from the status lights.",
     "Overheating from a blocked filter."),
    ("whiteboard", "Whiteboard pen not working", "The pen writes on the board.",
     "The pen does nothing; touch with a finger works.", "Re-paired the pen and replaced its tip.",
     "Checked the pen pairing in the board settings.", "Pen unpaired after an update."),
    ("whiteboard", "Whiteboard touch is offset", "The line appears under the pen.",
     "Lines appear a few centimetres to the left of the pen.", "Recalibrated the touch screen.",
     "Ran the calibration tool.", "Calibration lost."),
    ("whiteboard", "Interactive board blank after update", "The board shows the teacher's PC.",
     "The board stays black after last night's update.", "Rolled back the display driver.",
     "Checked the update history.", "Faulty driver update."),
    ("printer", "Printer paper jam", "My document prints.",
     "It says paper jam in tray 2 but there is no paper stuck.",
     "Removed a torn scrap from the fuser and cleaned the rollers.",
     "Opened every door and checked the paper path.", "Torn paper in the fuser."),
    ("printer", "Printer prints blank pages", "The worksheets print.",
     "Pages come out blank or very faint.", "Replaced the toner and the drum.",
     "Printed a test page and checked the toner level.", "Empty toner, worn drum."),
    ("printer", "Cannot print from my laptop", "The job appears at the printer.",
     "The job stays in the queue with an error.", "Reinstalled the print driver.",
     "Checked the print server queue.", "Stale print driver."),
    ("display", "Display has no picture", "The TV shows the menu.", "The screen stays black.",
     "Replaced the power board.", "Checked the power light and the inputs.",
     "Failed power board."),
    ("display", "Display shows the wrong input", "It switches to the PC when it starts.",
     "It starts on the TV tuner every time.", "Set the default input in the service menu.",
     "Checked the settings.", "Settings reset after a power cut."),
    ("display", "Display has lines across the screen", "A clean picture.",
     "Coloured lines run across the middle of the screen.", "Replaced the panel under warranty.",
     "Tried another source and cable.", "Panel fault."),
    ("tablet", "Tablet cannot open the learning app", "The app opens.",
     "The app crashes on start.", "Reinstalled the app from the device manager.",
     "Checked the app version in the device manager.", "Corrupt app update."),
    ("tablet", "Tablet screen cracked", "A working touch screen.",
     "The screen is cracked and touch does not work on the left.",
     "Replaced the screen.", "Checked the damage and the warranty.", "Dropped by a pupil."),
    ("tablet", "Tablet will not charge in the cabinet", "Tablets charge overnight.",
     "Three tablets were flat in the morning.", "Replaced the cabinet's charging hub.",
     "Tested each port in the cabinet.", "Failed USB hub."),
    ("network", "No Wi-Fi in the room", "Wi-Fi works everywhere in the school.",
     "No device in the room can connect.", "Replaced the access point.",
     "Checked the access point in the controller.", "Access point failed."),
    ("network", "Wi-Fi very slow", "Videos play without stopping.",
     "Pages take a minute to load and videos stop.", "Moved the access point to a free channel.",
     "Ran a channel survey.", "Channel interference."),
    ("network", "Network socket not working", "The PC connects through the wall socket.",
     "The network light is off on this socket.", "Re-terminated the socket.",
     "Tested the socket with a cable tester.", "Loose wiring in the socket."),
    ("visualiser", "Visualiser not detected", "The camera shows on the board.",
     "The software says no camera found.", "Replaced the USB cable.",
     "Tried another USB port and cable.", "Broken USB cable."),
    ("visualiser", "Visualiser picture blurry", "A sharp picture of the book.",
     "The picture is blurred and autofocus does not work.", "Cleaned the lens and reset focus.",
     "Checked the focus settings.", "Dirty lens."),
    ("visualiser", "Visualiser light not working", "The light comes on.",
     "The LED light stays off.", "Replaced the LED arm.", "Tested the light switch.",
     "Failed LED."),
    ("audio", "No sound from the speakers", "Sound from the board plays in the room.",
     "Videos play with no sound.", "Replaced the amplifier fuse.",
     "Checked the amplifier and the audio output.", "Blown fuse."),
    ("audio", "Speakers crackle", "Clear sound.", "Loud crackling when the volume goes up.",
     "Replaced the speaker cable.", "Swapped the cables.", "Damaged cable."),
    ("audio", "Microphone not picked up", "The class hears the microphone.",
     "The radio microphone makes no sound.", "Re-paired the microphone with the receiver.",
     "Checked the receiver channel.", "Receiver on the wrong channel."),
    ("laptop_trolley", "Laptop trolley not charging", "Laptops charge in the trolley.",
     "Laptops in the bottom shelf stay flat.", "Reset the trolley's timer and replaced a fuse.",
     "Measured the power on each shelf.", "Blown shelf fuse."),
    ("laptop_trolley", "Laptop trolley lock broken", "The trolley locks.",
     "The key turns but the door does not lock.", "Replaced the lock.",
     "Checked the lock mechanism.", "Worn lock."),
    ("laptop_trolley", "Laptop trolley missing laptops", "32 laptops in the trolley.",
     "Only 29 laptops are in the trolley.", "Found the laptops in the next room.",
     "Checked the asset register.", "Laptops left in another room."),
    ("software", "Cannot log on to my account", "I log on with my password.",
     "It says the password is wrong, and now the account is locked.",
     "Unlocked the account and reset the password.", "Checked the account in the directory.",
     "Account locked after failed attempts."),
    ("software", "MIS crashes when taking the register", "The register saves.",
     "The MIS closes when I press save and the register is lost.",
     "Updated the MIS client.", "Checked the MIS version and logs.", "Old MIS client."),
    ("software", "E-mail not arriving", "Parents' e-mails reach my inbox.",
     "No e-mail has arrived since yesterday.", "Removed a wrong mail rule.",
     "Checked the message trace.", "Mail rule moved messages."),
]
# fmt: on
SOFTWARE_CATEGORY = [6, 5, 7]  # by variant

CHECKED = [
    "Turned it off and on again.",
    "Checked the cables.",
    "Tried another room.",
    "Asked a colleague.",
    "",
]
LAST_WORKED = ["This morning", "Yesterday", "Last week", "Before half term", ""]

# A sheet answer one incident in RARE_EVERY carries: the rare word the search is
# measured with ("burning"), found at every size.
RARE_ANSWER = "A faint burning smell near the socket."
RARE_EVERY = 997

# The schools' names: 20 × 5 places, and what kind of school each is.
# fmt: off
PLACE_STARTS = [
    "North", "South", "East", "West", "Oak", "Ash", "Elm", "Birch", "Willow", "Holly",
    "Maple", "Cedar", "Rowan", "Hazel", "Beech", "Fern", "Heather", "Brook", "Meadow", "River",
]
# fmt: on
PLACE_ENDS = ["field", "gate", "wood", "dale", "hill"]
# (name suffix, second site's name): every 10th school is a special school, every
# 4th a secondary academy, the rest primaries.
SCHOOL_KINDS = {
    "special": ("Special School", "Therapy centre"),
    "secondary": ("Academy", "Sixth form centre"),
    "primary": ("Primary School", "Early years unit"),
}
