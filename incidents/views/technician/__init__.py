"""The technician's views, by responsibility.

- `home`: my work and the pool, with time to target, and the changes since I looked.
- `visits`: the visit list and its printable worksheet.
- `actions`: the panel on the staff incident page and its moves (take, start, hold,
  diagnostics, cause, resolve, escalate).
- `consultations`: consulting a support group, the list of consultations and one
  consultation.
"""
