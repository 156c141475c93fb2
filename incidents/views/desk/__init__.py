"""The service desk's views, by responsibility.

- `queue`: the call log (filters, search, sorting, counts per state).
- `bulk`: one action on the ticked incidents.
- `incident_page`: the staff incident page's context, for the desk and technicians
  alike, and the page again with a form that did not validate.
- `triage`: a call logged for someone, a sheet returned or accepted, its details,
  a knowledge article linked.
- `assignment`: ownership, hand-over, and passing the call to a technician.
- `communication`: a message to the user, an internal note, updates marked read.
- `closure`: closing, and escalating into problem management.

Every page is for the desk (`desk_required`, a 403 for anyone else) except the staff
incident page, whose context is built here for all support staff, and the message
and note, which any support staff may add. Each action reads top to bottom: access →
form → workflow move → redirect; a form that does not validate shows the incident
page again with the message next to the field. Printing and the CSV export are
`incidents.views.printing` and `incidents.views.exports`.
"""
