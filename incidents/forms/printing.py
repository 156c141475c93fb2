"""The period whose closed sheets the desk prints for the paper file."""

from datetime import timedelta

from django import forms

from .base import BaseForm
from .fields import DateInput

MAX_PERIOD = timedelta(days=366)


class ClosedPeriodForm(BaseForm):
    closed_from = forms.DateField(label="Closed from", widget=DateInput)
    closed_to = forms.DateField(label="Closed up to and including", widget=DateInput)

    def clean(self):
        data = super().clean()
        first, last = data.get("closed_from"), data.get("closed_to")
        if first and last:
            if last < first:
                self.add_error("closed_to", "This date is before the first one.")
            elif last - first > MAX_PERIOD:
                self.add_error("closed_to", "Choose a period of a year at most.")
        return data
