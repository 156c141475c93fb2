import os

from django.contrib import admin
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView


@require_GET
def healthz(request):
    """For the container's health check and load balancers: the app answers and
    reaches its database (503 when it cannot, so traffic goes elsewhere)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "accessibility/",
        require_GET(TemplateView.as_view(template_name="accessibility.html")),
        name="accessibility",
    ),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("incidents.urls")),
]

# The benchmark's bare view (bench/run.sh), mounted only when it asks for it.
if os.environ.get("BENCH_BARE_VIEW", "").lower() == "true":
    urlpatterns.append(path("", include("helpdesk.bench_urls")))
