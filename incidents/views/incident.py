"""The incident's own page and its files, shared by every role.

Support staff see the whole record (`staff/detail.html`, built by the desk and
technician views); the reporter sees the sheet and the public call log only
(`portal/detail.html`). Anyone else gets a 404.
"""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import roles
from incidents import selectors

from .desk.incident_page import staff_detail_context
from .portal.incident_page import user_detail_context


@require_GET
@login_required
def detail(request, ref):
    incident = selectors.get_incident_for(request.user, ref)
    if roles.is_staff_at(request.user, incident.school_id):
        context = staff_detail_context(request, incident)
        template = "incidents/staff/detail.html"
    else:
        context = user_detail_context(request, incident)
        template = "incidents/portal/detail.html"
    return render(request, template, context)


@require_GET
@login_required
def attachment(request, ref, pk):
    """A photo, only for those who may see its incident; always a download."""
    item = selectors.get_attachment_for(request.user, ref, pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("That file is no longer there.") from None
    extension = mimetypes.guess_extension(item.content_type) or ""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{ref.upper()}-{item.pk}{extension}",
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
