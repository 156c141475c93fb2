"""Work in progress: replaced by the real views of this module."""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def report(request, *args, **kwargs):
    raise Http404


def report_help(request, *args, **kwargs):
    raise Http404


def equipment_search(request, *args, **kwargs):
    raise Http404


def my_incidents(request, *args, **kwargs):
    raise Http404


def confirmation(request, *args, **kwargs):
    raise Http404


def answer(request, *args, **kwargs):
    raise Http404


def working_again(request, *args, **kwargs):
    raise Http404


def reopen(request, *args, **kwargs):
    raise Http404


def user_message(request, *args, **kwargs):
    raise Http404


def attach(request, *args, **kwargs):
    raise Http404


def notification_list(request, *args, **kwargs):
    raise Http404


def notification_open(request, *args, **kwargs):
    raise Http404


def notifications_read_all(request, *args, **kwargs):
    raise Http404


def article_list(request, *args, **kwargs):
    raise Http404


def article_detail(request, *args, **kwargs):
    raise Http404


def user_detail_context(request, incident):
    return {'incident': incident}
