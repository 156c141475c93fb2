"""Forms of the e-mail channel: the desk attaching a received message to a person,
and the reporter completing the sheet of a call they sent by e-mail."""

from django.contrib.auth import get_user_model

from .base import BaseForm
from .fields import PersonChoiceField
from .sheet import SheetQuestionsMixin


class AttachMailForm(BaseForm):
    person = PersonChoiceField(
        label="Who sent it?",
        queryset=get_user_model().objects.filter(is_active=True),
        empty_label="Choose the person…",
        error_messages={"required": "Choose the person who sent it."},
    )


class CompleteSheetForm(SheetQuestionsMixin, BaseForm):
    """The sheet's questions, for a call that came by e-mail with only its text."""
