"""Management information for the service desk and the support admin: the dashboard,
the service report for a period and site, and the report as CSV.

Every figure comes from `incidents.reporting` (computed in the database, a fixed
number of queries, on the read replica when there is one: `helpdesk.replica`); the charts from `incidents.reporting.charts` (server-side SVG). The
report's parameters are a GET form, so a report can be bookmarked, printed and
exported with the same address; unreadable parameters are messages next to the
fields (the CSV answers 400), never an error page.
"""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from helpdesk.replica import report_view
from incidents import reporting
from incidents.forms.reports import ServiceReportForm, SiteFilterForm
from incidents.reporting import charts

from .access import desk_required


@require_GET
@desk_required
@report_view
def dashboard(request):
    form = SiteFilterForm(request.GET, user=request.user)
    figures = reporting.dashboard(site=form.chosen_site, schools=form.chosen_schools)
    return render(request, "incidents/reports/dashboard.html", {"form": form, "figures": figures})


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
