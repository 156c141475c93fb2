"""A bare view for the benchmark's ceiling: the same server, middleware and
settings as every page, but no database and no template.

Mounted at /bench/bare/ only when BENCH_BARE_VIEW=true (see bench/run.sh).
"""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET


@require_GET
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
]
