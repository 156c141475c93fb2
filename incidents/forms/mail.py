"""Forms of the e-mail channel: the desk attaching a received message to a person,
and the reporter completing the sheet of a call they sent by e-mail."""

from typing import cast

from django.contrib.auth import get_user_model

from incidents import selectors
from incidents.mail import intake

from .base import BaseForm
from .fields import PersonChoiceField
from .sheet import SheetQuestionsMixin


class AttachMailForm(BaseForm):
    """Only people of the schools the message's mailbox serves, among those the desk
    serves, are offered (and accepted)."""

    person = PersonChoiceField(
        label="Who sent it?",
        queryset=get_user_model().objects.none(),
        empty_label="Choose the person…",
        error_messages={"required": "Choose the person who sent it."},
    )

    def __init__(self, *args, desk, mail=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = selectors.people_for(desk)
        if mail is not None:
            schools = intake.schools_of(mail.mailbox)
            if schools is not None:
                people = people.filter(pk__in=selectors.people_at_schools(schools).values("pk"))
        cast(PersonChoiceField, self.fields["person"]).queryset = people


class CompleteSheetForm(SheetQuestionsMixin, BaseForm):
    """The sheet's questions, for a call that came by e-mail with only its text."""
