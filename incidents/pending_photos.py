"""Photos kept across a failed send of the incident sheet.

When the sheet comes back with errors, the photos that passed their checks are
stored (already cleaned by `incidents.uploads`) under the sheet's submission
token, so the person does not have to choose them again. The session lists them,
so only the person who sent them can use them; the files are removed when the
sheet is filed, or when another sheet's photos are kept in the same session.
"""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

SESSION_KEY = "pending_photos"
FOLDER = "pending"


def _entries(session) -> dict:
    return session.get(SESSION_KEY) or {}


def keep(session, token: uuid.UUID, photos: list[dict]) -> None:
    """Store cleaned photos for this sheet; other sheets' kept photos are dropped."""
    if not photos:
        return
    key = str(token)
    entries = _entries(session)
    for other in [k for k in entries if k != key]:
        _delete(entries.pop(other))
    listed = entries.setdefault(key, [])
    for photo in photos:
        photo["file"].seek(0)
        path = default_storage.save(
            f"{FOLDER}/{key}/{uuid.uuid4().hex}", ContentFile(photo["file"].read())
        )
        listed.append(
            {
                "id": uuid.uuid4().hex,
                "path": path,
                "original_name": photo["original_name"],
                "content_type": photo["content_type"],
                "size": photo["size"],
            }
        )
    session[SESSION_KEY] = entries


def listed(session, token) -> list[dict]:
    """What is kept for this sheet: id, original name, type and size of each photo."""
    return list(_entries(session).get(str(token), []))


def retain(session, token, ids) -> None:
    """Keep only the photos whose ids are given (the boxes still ticked)."""
    entries = _entries(session)
    wanted = set(ids)
    listed_photos = entries.get(str(token), [])
    _delete([entry for entry in listed_photos if entry["id"] not in wanted])
    if listed_photos:
        entries[str(token)] = [entry for entry in listed_photos if entry["id"] in wanted]
        session[SESSION_KEY] = entries


def take(session, token, ids) -> list[dict]:
    """The kept photos whose ids are given, ready for `Attachment(**photo)`; all of
    this sheet's kept files are then removed from the session and the storage."""
    entries = _entries(session)
    if str(token) not in entries:
        return []  # nothing kept for this sheet: the session is left as it is (not saved)
    listed_photos = entries.pop(str(token))
    wanted = set(ids)
    photos = []
    for entry in listed_photos:
        if entry["id"] in wanted and default_storage.exists(entry["path"]):
            with default_storage.open(entry["path"]) as stored:
                data = stored.read()
            photos.append(
                {
                    "file": ContentFile(data, name="photo"),
                    "original_name": entry["original_name"],
                    "content_type": entry["content_type"],
                    "size": entry["size"],
                }
            )
    _delete(listed_photos)
    session[SESSION_KEY] = entries
    return photos


def _delete(entries: list[dict]) -> None:
    for entry in entries:
        default_storage.delete(entry["path"])
