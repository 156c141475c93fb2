"""The user's side: file an incident sheet, follow it, answer the desk, read the resolution.

- `filing`: the incident sheet, the equipment search inside it, the confirmation.
- `knowledge`: the help shown while filing and the help articles.
- `incident_page`: the reporter's incident page and what they may do on it.
- `inbox`: my incidents and my notifications.

Every incident, attachment and notification is looked up through a scoped getter,
so someone else's is a 404. Each action is a POST that runs one workflow move and
redirects to the incident's page; a form with bad input is shown again with the
message next to the field and everything typed kept.
"""
