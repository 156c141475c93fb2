"""Management information for the service desk and the support admin: the dashboard,
the service report for a period and site, and the report as CSV.

Every figure comes from `incidents.reporting` (computed in the database, a fixed
number of queries, on the read replica when there is one: `helpdesk.replica`); the charts from `incidents.reporting.charts` (server-side SVG). The
report's parameters are a GET form, so a report can be bookmarked, printed and
exported with the same address; unreadable parameters are messages next to the
fields (the CSV answers 400), never an error page.
"""

import csv
import hashlib
from html import escape

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from helpdesk.replica import report_view
from incidents import reporting
from incidents.forms.choices import markup_of_lists
from incidents.forms.reports import ServiceReportForm, SiteFilterForm
from incidents.reporting import charts

from .access import desk_required


@require_GET
@desk_required
@report_view
def dashboard(request):
    form = SiteFilterForm(request.GET, user=request.user)
    figures = reporting.dashboard(site=form.chosen_site, schools=form.chosen_schools)
    context = {"form": form, "figures": figures, "filter_form": _filter_form(form, request.GET)}
    if figures.schools is not None:
        context["school_rows"] = _school_rows(figures.schools.rows)
    return render(request, "incidents/reports/dashboard.html", context)


def _filter_form(form: SiteFilterForm, params) -> str:
    """The school and site form. It shows only the address's values and the choice
    lists of the person's schools, so the same markup is kept for everyone asking
    the same with the same schools (the lists' version renews it)."""

    def build() -> str:
        return render_to_string("incidents/reports/dashboard_filters.html", {"form": form})

    if form.errors:  # the messages name what was typed: written afresh
        return build()
    schools = ",".join(str(pk) for pk in sorted(form.desk_schools))
    asked = f"{schools}?{params.urlencode()}".encode()
    return markup_of_lists(
        f"dashboard-filters.{hashlib.sha1(asked, usedforsecurity=False).hexdigest()}", build
    )


def _school_rows(rows: list[reporting.SchoolRow]) -> SafeString:
    """The dashboard's schools side by side, a row a school (a hundred for a trust):
    the markup of `reports/schools.html` in its compact form, every value escaped as
    the template escapes it, without a template variable lookup per cell."""
    return mark_safe(  # noqa: S308 - every value below is escaped
        "".join(
            f'<tr data-testid="school-row" data-school="{row.school_id}">'
            f'<th scope="row">{escape(row.name)}</th>'
            f'<td class="text-end">{row.open_calls}</td>'
            f'<td class="text-end">{row.breaches}</td>'
            f'<td class="text-end">{escape(str(row.first_contact))}</td>'
            f'<td class="text-end">{escape(row.per_100_devices_display)}</td></tr>'
            for row in rows
        )
    )


@require_GET
@desk_required
@report_view
def service_report(request):
    today = timezone.localdate()
    form = ServiceReportForm.from_query(request.GET, today, user=request.user)
    if not form.is_valid():
        context = {"form": form, "report": None, "shortcuts": _shortcuts(today, None, {})}
        return render(request, "incidents/reports/service_report.html", context, status=400)
    report = reporting.service_report(form.period())
    query = _query(report.period)
    context = {
        "form": form,
        "report": report,
        "charts": charts.for_report(report),
        "csv_url": f"{reverse('incidents:service_report_csv')}?{query}",
        "shortcuts": _shortcuts(today, report.period.site, form.scope),
        "generated_at": timezone.localtime(),
    }
    return render(request, "incidents/reports/service_report.html", context)


@require_GET
@desk_required
@report_view
def service_report_csv(request):
    form = ServiceReportForm.from_query(request.GET, timezone.localdate(), user=request.user)
    if not form.is_valid():
        errors = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in form.errors.items()
        )
        return HttpResponse(
            f"The report's parameters are not valid. {errors}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    report = reporting.service_report(form.period())
    period = report.period
    site = f"-{period.site.code}" if period.site else ""
    if period.school is not None and period.site is None:
        site = f"-{period.school.code}"
    filename = f"service-report-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}{site}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerows(reporting.csv_rows(report))
    return response


def _query(period: reporting.Period) -> str:
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if period.school is not None:
        params["school"] = str(period.school.pk)
    if period.site is not None:
        params["site"] = str(period.site.pk)
    return urlencode(params)


def _shortcuts(today, site, scope: dict) -> list[tuple[str, str]]:
    """Links for the periods people ask for most."""
    url = reverse("incidents:service_report")
    periods = [
        ("Last month", reporting.Period.last_month(today, site, **scope)),
        ("This month", reporting.Period.this_month(today, site, **scope)),
        ("School year so far", reporting.Period.school_year(today, site, **scope)),
    ]
    return [(label, f"{url}?{_query(period)}") for label, period in periods]
