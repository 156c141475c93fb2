"""Work in progress: replaced by the real views of this module."""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def problem_list(request, *args, **kwargs):
    raise Http404


def problem_new(request, *args, **kwargs):
    raise Http404


def problem_detail(request, *args, **kwargs):
    raise Http404


def problem_edit(request, *args, **kwargs):
    raise Http404


def problem_publish(request, *args, **kwargs):
    raise Http404


def problem_resolve(request, *args, **kwargs):
    raise Http404


def equipment_list(request, *args, **kwargs):
    raise Http404


def equipment_import(request, *args, **kwargs):
    raise Http404


def equipment_detail(request, *args, **kwargs):
    raise Http404

