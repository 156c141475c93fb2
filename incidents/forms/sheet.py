"""The incident sheet's questions, defined once.

`QUESTIONS` says, in order, what each question asks, its help, its limit and who
answers it (the user, or the desk when it writes a call down). The user's sheet
form, the desk's "log a call" form, the staff page's sheet panel, the reporter's
incident page and the printed sheet all read it, so a question reads the same
everywhere.
"""

from dataclasses import dataclass
from typing import Any, Literal

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from incidents.models import HadBefore, TriedToRepeat

from .base import BaseForm
from .fields import MultiLineField, SingleLineField

USER: Literal["user"] = "user"
DESK: Literal["desk"] = "desk"


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    kind: Literal["choice", "line", "text", "yes_no"]
    help: str = ""
    answered_by: Literal["user", "desk"] = USER
    required: str = ""  # the message when it is left empty; empty means optional
    max_length: int = 0
    rows: int = 2
    choices: tuple = ()
    # How the desk asks for it again when the answer is missing or too thin.
    ask_again: str = ""
    # Left out of a read-out when empty (a detail of the question before it).
    hide_when_empty: bool = False

    def field(self) -> forms.Field:
        common: dict[str, Any] = {
            "label": self.label,
            "help_text": self.help,
            "required": bool(self.required),
        }
        if self.required:
            common["error_messages"] = {"required": self.required}
        if self.kind == "choice":
            return forms.ChoiceField(choices=self.choices, widget=forms.RadioSelect, **common)
        if self.kind == "yes_no":
            return forms.BooleanField(**common)
        if self.kind == "text":
            return MultiLineField(max_length=self.max_length, rows=self.rows, **common)
        return SingleLineField(max_length=self.max_length, **common)

    def answer(self, sheet) -> str:
        """The answer as a person reads it."""
        value = getattr(sheet, self.name)
        if self.kind == "choice":
            return getattr(sheet, f"get_{self.name}_display")()
        if self.kind == "yes_no":
            return "Yes" if value else "No"
        return value


QUESTIONS: tuple[Question, ...] = (
    Question(
        "tried_to_repeat",
        "Did you try to make it happen again?",
        "choice",
        help="Try once more what you were doing when it went wrong.",
        required="Say whether you tried to make it happen again.",
        choices=tuple(TriedToRepeat.choices),
        ask_again="Could you try to make it happen again, and tell us whether it did?",
    ),
    Question(
        "expected",
        "What did you expect to happen?",
        "text",
        help="For example: the printer to print a document.",
        required="Say what you expected to happen.",
        max_length=2000,
        ask_again="What did you expect to happen?",
    ),
    Question(
        "happened",
        "What exactly happened?",
        "text",
        help="For example: the printer's power light was on, but a blank page printed. "
        "Write any error message word for word.",
        required="Say what exactly happened: this is what the technician needs most.",
        max_length=4000,
        rows=3,
        ask_again="What exactly happened (any message on the screen, lights, sounds)?",
    ),
    Question(
        "checked",
        "What did you check?",
        "text",
        help="For example: that there was paper in the printer, that it was switched on.",
        max_length=2000,
        ask_again="What did you check (cables, power, paper, another computer)?",
    ),
    Question(
        "last_worked",
        "To your knowledge, when did it last work?",
        "line",
        help="For example: yesterday afternoon, or Monday period 2.",
        max_length=200,
        ask_again="When did it last work, to your knowledge?",
    ),
    Question(
        "had_before",
        "Has it had the same problem before?",
        "choice",
        help="If you picked the equipment above, its recent incidents are shown there.",
        choices=tuple(HadBefore.choices),
    ),
    Question(
        "had_before_details", "When, if you know", "line", max_length=300, hide_when_empty=True
    ),
    Question(
        "further_info",
        "Anything further that might help?",
        "text",
        help="Anything else that might help to resolve it.",
        max_length=4000,
    ),
    Question(
        "available_to_discuss",
        "I can talk it through with a technician",
        "yes_no",
        help="Careful answers above usually make a conversation unnecessary.",
    ),
    Question(
        "availability",
        "When are you available?",
        "line",
        help="For example: period 3 on Tuesday, or after 3:30 pm.",
        max_length=200,
        ask_again="When are you available to talk it through?",
        hide_when_empty=True,
    ),
    Question(
        "answered_by",
        "Answers given by",
        "line",
        help="Leave empty if the person themselves gave them.",
        answered_by=DESK,
        max_length=120,
        hide_when_empty=True,
    ),
)

BY_NAME = {question.name: question for question in QUESTIONS}
USER_QUESTIONS = tuple(q for q in QUESTIONS if q.answered_by == USER)
SHEET_FIELDS = [q.name for q in USER_QUESTIONS]


def answer_rows(sheet, flags: dict[str, str] | None = None) -> list[dict]:
    """The sheet as written, question by question: name, label, value and any flag."""
    if sheet is None:
        return []
    flags = flags or {}
    rows = []
    for question in QUESTIONS:
        value, flag = question.answer(sheet), flags.get(question.name, "")
        if question.hide_when_empty and not value and not flag:
            continue
        rows.append({"name": question.name, "label": question.label, "value": value, "flag": flag})
    return rows


def ask_again(names) -> str:
    """The desk's questions for the answers named, one a line, in the sheet's order."""
    return "\n".join(q.ask_again for q in QUESTIONS if q.name in names and q.ask_again)


class SheetQuestionsMixin:
    """Adds the sheet's questions as fields, in order, and reads the answers back."""

    questions: tuple[Question, ...] = USER_QUESTIONS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in self.questions:
            self.fields[question.name] = question.field()
        self.order_fields(self.field_order or [])

    def sheet_fields(self) -> list:
        """The bound fields of the questions, in order, for a template to loop over."""
        return [self[question.name] for question in self.questions]  # type: ignore[index]

    def clean(self):
        data = super().clean()
        if "had_before" in data and not data["had_before"]:
            data["had_before"] = HadBefore.UNKNOWN
        for question in self.questions:
            if isinstance(data.get(question.name), str):
                data[question.name] = data[question.name].strip()
        if (
            data.get("available_to_discuss")
            and not data.get("availability")
            and not self.has_error("availability")
        ):
            self.add_error("availability", "Say when you are available, or untick the box above.")
        return data

    def sheet(self) -> dict:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return {q.name: data[q.name] for q in self.questions}


# The questions of a new, empty sheet as written once per process: they are made of
# the code's questions alone (no record, no setting read per request), so nothing
# written to the database can change them. Keyed by the form's class and its naming.
_EMPTY_SHEET_MARKUP: dict[tuple, SafeString] = {}


class SheetForm(SheetQuestionsMixin, BaseForm):
    """The guide's questions, in its own plain words, with its examples as help."""

    def questions_markup(self) -> SafeString:
        """Each question in its `sheet-question` block, as the sheet's template wrote
        them with `plain_field`; for an empty, unbound sheet, written once."""
        if self.is_bound or self.initial:
            return self._questions_markup()
        key = (type(self), self.prefix, self.auto_id, self.label_suffix)
        markup = _EMPTY_SHEET_MARKUP.get(key)
        if markup is None:
            markup = _EMPTY_SHEET_MARKUP[key] = self._questions_markup()
        return markup

    def _questions_markup(self) -> SafeString:
        from incidents.templatetags.plain_fields import plain_field

        return format_html_join(
            "",
            '<div class="sheet-question" data-question="{}">{}</div>',
            ((field.name, plain_field(field)) for field in self.sheet_fields()),
        )
