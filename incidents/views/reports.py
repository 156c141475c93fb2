"""Work in progress: replaced by the real views of this module."""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def dashboard(request, *args, **kwargs):
    raise Http404


def service_report(request, *args, **kwargs):
    raise Http404


def service_report_csv(request, *args, **kwargs):
    raise Http404

