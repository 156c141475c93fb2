"""Work in progress: replaced by the real views of this module."""

from django.http import Http404


def print_sheet(request, *args, **kwargs):
    raise Http404


def py(request, *args, **kwargs):
    raise Http404


def queue(request, *args, **kwargs):
    raise Http404


def export_csv(request, *args, **kwargs):
    raise Http404


def bulk(request, *args, **kwargs):
    raise Http404


def print_selection(request, *args, **kwargs):
    raise Http404


def log_call(request, *args, **kwargs):
    raise Http404


def return_to_user(request, *args, **kwargs):
    raise Http404


def accept(request, *args, **kwargs):
    raise Http404


def update_details(request, *args, **kwargs):
    raise Http404


def take_ownership(request, *args, **kwargs):
    raise Http404


def hand_over(request, *args, **kwargs):
    raise Http404


def request_technician(request, *args, **kwargs):
    raise Http404


def message_user(request, *args, **kwargs):
    raise Http404


def add_note(request, *args, **kwargs):
    raise Http404


def link_article(request, *args, **kwargs):
    raise Http404


def link_problem(request, *args, **kwargs):
    raise Http404


def close(request, *args, **kwargs):
    raise Http404


def staff_detail_context(request, incident):
    return {'incident': incident}
