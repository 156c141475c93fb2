"""E-mail in and out.

- `addresses`: the reply address and Message-ID of each e-mail the product sends,
  signed so a reply maps to its incident and person, and cannot be guessed.
- `parse`: a received message as the product needs it: sender, subject, text
  (HTML made plain), pictures, refused attachments, whether it is automatic mail.
- `intake`: what a message becomes (an incident, a reply in a call log, an entry
  in the desk's list of unrecognised mail), in one transaction per message.
- `imap`: reading a mailbox (password or OAuth 2.0 XOAUTH2 sign-in) and marking
  messages handled on the server only after their transaction has committed.
- `outgoing`: the notification e-mails, HTML with a plain-text alternative,
  threaded per incident.
"""
