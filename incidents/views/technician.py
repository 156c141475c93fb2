"""Work in progress: replaced by the real views of this module."""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def home(request, *args, **kwargs):
    raise Http404


def visit_list(request, *args, **kwargs):
    raise Http404


def visit_print(request, *args, **kwargs):
    raise Http404


def take(request, *args, **kwargs):
    raise Http404


def start(request, *args, **kwargs):
    raise Http404


def hold(request, *args, **kwargs):
    raise Http404


def diagnose(request, *args, **kwargs):
    raise Http404


def record_cause(request, *args, **kwargs):
    raise Http404


def resolve(request, *args, **kwargs):
    raise Http404


def consult(request, *args, **kwargs):
    raise Http404


def escalate(request, *args, **kwargs):
    raise Http404


def consultation_list(request, *args, **kwargs):
    raise Http404


def consultation_detail(request, *args, **kwargs):
    raise Http404

