"""Help for the person filing: what might save a call (the equipment's recent
history, matching articles), and the help articles themselves."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import roles
from incidents import selectors
from incidents.forms.portal import ArticleSearchForm, HelpForm

PAGE_SIZE = 20
RECENT_DAYS = 90


def help_for(user, equipment, text: str) -> dict:
    """What might save a call: the equipment's recent history and matching articles."""
    context = {"help_shown": True, "help_equipment": equipment, "articles": []}
    if equipment is not None:
        recent = selectors.recent_incidents_for_equipment(equipment, days=RECENT_DAYS).aggregate(
            count=Count("pk"), last=Max("created_at")
        )
        context["recent_count"] = recent["count"]
        context["recent_last"] = recent["last"]
        context["recent_days"] = RECENT_DAYS
    context["articles"] = selectors.matching_articles(
        user, text=text, equipment_kind=equipment.kind if equipment else ""
    )
    return context


@require_GET
@login_required
def report_help(request):
    """The help panel, refreshed while the sheet is filled in (htmx) or on its own."""
    form = HelpForm(request.GET)
    context = help_for(request.user, form.equipment_object(request.user), form.text())
    if request.htmx:
        return render(request, "incidents/portal/report.html#help", context)
    return render(request, "incidents/portal/help.html", context)


def _articles_for(user):
    """Users read their schools' published articles; support staff see drafts too."""
    if roles.is_support_staff(user):
        return selectors.articles_for(user)
    return selectors.published_articles(user)


@require_GET
@login_required
def article_list(request):
    form = ArticleSearchForm(request.GET)
    articles = _articles_for(request.user).select_related("category")
    for word in form.words():
        articles = articles.filter(
            Q(title__icontains=word)
            | Q(symptoms__icontains=word)
            | Q(keywords__icontains=word)
            | Q(body__icontains=word)
        )
    articles = articles.order_by("title", "pk").only(
        "title", "kind", "symptoms", "is_published", "category__name"
    )
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/portal/article_list.html",
        {
            "form": form,
            "page": page,
            "searched": bool(form.words()),
            "page_query": urlencode({"q": form.cleaned_data["q"]}) + "&" if form.words() else "",
        },
    )


@require_GET
@login_required
def article_detail(request, pk):
    article = _articles_for(request.user).select_related("category").filter(pk=pk).first()
    if article is None:
        raise Http404("No such article.")
    return render(request, "incidents/portal/article_detail.html", {"article": article})
