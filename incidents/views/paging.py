"""Paging that the lists share: the page asked for (a junk page number gives the
first or last page, never an error) and the address without it, for the links."""

from django.core.paginator import Page, Paginator


def page_of(request, rows, size: int) -> Page:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The filters in the address, without the page number: the pages' links add theirs."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
