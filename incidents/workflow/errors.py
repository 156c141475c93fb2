"""What a refused move raises. The message is written for the person who tried."""

from typing import Any


class WorkflowError(Exception):
    """A move that cannot be made."""


class NotAllowed(WorkflowError):
    """The person's roles do not allow this move (views answer 403)."""


class InvalidMove(WorkflowError):
    """The move is not possible from the present state."""


class InvalidInput(InvalidMove):
    """What the move was given cannot be used (a person who is not on the service desk,
    an empty resolution, a closure code that does not exist). Who may and from which
    state are the move table's guards; this is about the arguments. Views show the
    message; nothing is changed."""


class Conflict(WorkflowError):
    """Someone else changed the record since the person loaded it."""

    def __init__(self, current: Any):
        self.current = current
        super().__init__(
            f"{current.reference} was changed by someone else while you were looking at it "
            f"(it is now {current.get_status_display().lower()}). "
            "Your change was not saved: check the latest version and try again."
        )
