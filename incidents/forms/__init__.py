"""The forms, by who uses them.

- `fields` and `base`: the shared fields and base classes. Free text is cleaned of
  control and bidi characters and bounded in one place; a form with a plain
  `CharField` is refused when built. `VersionedForm` requires the version seen.
- `sheet`: the incident sheet's questions, defined once for every form and page.
- `portal`: the user's side. `desk`: the service desk's. `technician`: holds,
  diagnostics, resolutions, consultations and escalation. `problems`: problem
  management, visits and the equipment register. `reports`: report parameters.
"""
