"""Asking for something from the catalogue: the short form made from a request type's
questions, and the approver's decision.

The answers are kept as written, under the question's words at the time, and read
the same on every page, the print and the e-mails (`answer_rows`).
"""

import uuid
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.html import conditional_escape

from incidents import selectors
from incidents.models import Incident, QuestionKind, RequestQuestion, RequestType, Room, Site

from .base import BaseForm, VersionedForm
from .fields import MultiLineField, RoomChoiceField, SingleLineField
from .portal import rooms_grouped_by_site

YES, NO = "Yes", "No"
SHORT_LIMIT, LONG_LIMIT = 300, 4000


def question_field(question: RequestQuestion) -> forms.Field:
    """The form field that asks one question of the catalogue.

    The words come from the admin and are shown by templates that trust a field's
    label, help text and choices as markup: they are escaped here, once."""
    common: dict[str, Any] = {
        "label": conditional_escape(question.label),
        "help_text": conditional_escape(question.help_text),
        "required": question.required,
        "error_messages": {"required": f"Answer \u201c{question.label}\u201d."},
    }
    if question.kind == QuestionKind.LONG:
        return MultiLineField(max_length=LONG_LIMIT, rows=3, **common)
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=[(YES, YES), (NO, NO)], widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.CHOICE:
        options = [(option, conditional_escape(option)) for option in question.option_list]
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    return SingleLineField(max_length=SHORT_LIMIT, **common)


class RequestForm(BaseForm):
    """What is asked for and where, then the request type's own questions."""

    submission_token = SingleLineField(widget=forms.HiddenInput, required=False, max_length=64)
    summary = SingleLineField(
        label="What do you need, in a few words?",
        max_length=Incident._meta.get_field("summary").max_length,
        error_messages={"required": "Say in a few words what you need."},
        help_text="For example: an account for our new teaching assistant, Sam Patel.",
    )
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.filter(is_active=True),
        empty_label="Choose the site",
        error_messages={"required": "Say which site it is for."},
    )
    room = RoomChoiceField(
        label="Room",
        queryset=Room.objects.filter(is_active=True, site__is_active=True).select_related("site"),
        required=False,
    )

    def __init__(self, *args, user, request_type: RequestType, **kwargs):
        """Only the sites and rooms of the person's own schools where the request type
        is offered are shown (and accepted)."""
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.request_type = request_type
        self.questions = list(request_type.questions.all())
        if request_type.school_id:
            offered = Q(school_id=request_type.school_id)
        else:
            offered = Q(school__organisation_id=request_type.organisation_id)
        site_field = cast(forms.ModelChoiceField, self.fields["site"])
        site_field.queryset = selectors.sites_for(user).filter(offered, is_active=True)
        sites = list(site_field.queryset)
        if len(sites) == 1:
            site_field.initial = sites[0].pk
        room_field = cast(forms.ModelChoiceField, self.fields["room"])
        room_field.queryset = (
            selectors.rooms_for(user)
            .filter(is_active=True, site__in=[site.pk for site in sites])
            .select_related("site")
        )
        room_field.choices = rooms_grouped_by_site(room_field.queryset)
        for question in self.questions:
            self.fields[self.field_name(question)] = question_field(question)

    @staticmethod
    def field_name(question: RequestQuestion) -> str:
        return f"question_{question.pk}"

    def question_fields(self) -> list:
        return [self[self.field_name(question)] for question in self.questions]

    def clean_submission_token(self):
        try:
            return uuid.UUID(self.cleaned_data.get("submission_token") or "")
        except ValueError:
            return uuid.uuid4()

    def clean(self):
        data = super().clean()
        site, room = data.get("site"), data.get("room")
        if site is not None and room is not None and room.site_id != site.pk:
            self.add_error("room", f"That room is not at {site}: choose a room there.")
        return data

    def answers(self) -> list[tuple[RequestQuestion, str]]:
        """Each question with its answer as written (an empty one kept as empty)."""
        return [
            (question, str(self.cleaned_data.get(self.field_name(question)) or ""))
            for question in self.questions
        ]


class ApproveForm(VersionedForm):
    note = MultiLineField(
        label="A note for the person who asked (optional)",
        max_length=2000,
        required=False,
        rows=2,
    )


class DeclineForm(VersionedForm):
    reason = MultiLineField(
        label="Why is it declined?",
        max_length=2000,
        rows=2,
        error_messages={"required": "Say why it is declined: the person who asked is told."},
        help_text="The person who asked reads this.",
    )


def answer_rows(incident: Incident) -> list[dict]:
    """A request's answers in the shape of the sheet's rows (label and value), as
    written and under the words they were asked with: for pages and the print."""
    answers = getattr(incident, "prefetched_answers", None)
    if answers is None:
        answers = list(incident.request_answers.all())
    return [
        {"name": f"answer_{a.pk}", "label": a.label, "value": a.value, "flag": ""} for a in answers
    ]


def call_rows(incident: Incident) -> list[dict]:
    """What the person wrote, question by question: a request's answers, or the
    incident sheet's (see `incidents.forms.sheet.answer_rows`)."""
    if incident.is_request:
        return answer_rows(incident)
    from .sheet import answer_rows as sheet_rows

    return sheet_rows(getattr(incident, "sheet", None))
