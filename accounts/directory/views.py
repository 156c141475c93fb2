"""The staff directory import: upload the school's staff list, see the dry run, confirm.

Between the dry run and the confirmation the file travels in the page itself, signed
with the site's key (tied to the school, the person and the plan's fingerprint, and
good for an hour), so nothing of it is stored before it is confirmed and any web
process can take the confirmation.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_http_methods

from accounts import roles
from accounts.models import School, StaffRecord

from .applying import PlanChanged, staff_list_import
from .planning import LEAVES, NEW, SKIPPED, UNCHANGED, UPDATE, Plan, plan_import
from .reading import MAX_BYTES, FileRefused, read_staff_list

SALT = "accounts.directory.import"
CHECKED_FOR_SECONDS = 60 * 60


class StaffListForm(forms.Form):
    file = forms.FileField(
        label="Staff list (CSV)",
        help_text=(
            "Exported from your management information system: a name (or first name and "
            "surname), e-mail, staff role and leaving date, one person a row. "
            f"Up to {filesizeformat(MAX_BYTES)}."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name or "the file"
        if not name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(
                f"“{name}” is not a CSV file: save the staff list as CSV (.csv) and upload that."
            )
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"“{name}” is {filesizeformat(upload.size)}; the limit is "
                f"{filesizeformat(MAX_BYTES)}."
            )
        data = upload.read()
        try:
            self.reading = read_staff_list(data)
        except FileRefused as refused:
            raise forms.ValidationError(f"“{name}”: {refused}") from None
        self.data_bytes = data
        return upload


def _schools_for(user) -> QuerySet[School]:
    return School.objects.filter(pk__in=roles.directory_schools(user)).select_related(
        "organisation"
    )


@require_http_methods(["GET"])
@login_required
def choose_school(request: HttpRequest) -> HttpResponse:
    """The schools whose staff list the person imports (straight to it when only one)."""
    schools = list(_schools_for(request.user))
    if not schools:
        raise PermissionDenied
    if len(schools) == 1:
        return redirect("staff_import", code=schools[0].code)
    return render(request, "accounts/directory/schools.html", {"schools": schools})


def _preview(request, school: School, form, plan: Plan, *, file_name: str, data: bytes, note=""):
    token = ""
    if plan.can_apply:
        token = signing.dumps(
            {
                "school": school.pk,
                "by": request.user.pk,
                "name": file_name,
                "data": data.decode("latin-1"),
                "plan": plan.fingerprint,
            },
            salt=SALT,
            compress=True,
        )
    sections = [
        (NEW, "New people", "They get the User role at the school."),
        (UPDATE, "Changes", ""),
        (LEAVES, "Leavers", "Their roles at the school end; nobody is deleted."),
        (SKIPPED, "Left before they were added", "Not added."),
        (UNCHANGED, "Unchanged", ""),
    ]
    return render(
        request,
        "accounts/directory/import.html",
        {
            "school": school,
            "form": form,
            "plan": plan,
            "sections": [
                (kind, title, help_text, plan.of(kind)) for kind, title, help_text in sections
            ],
            "token": token,
            "file_name": file_name,
            "note": note,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_staff(request: HttpRequest, code: str) -> HttpResponse:
    """Upload → dry run (nothing written) → confirm → the import, all rows or none."""
    school = get_object_or_404(_schools_for(request.user), code=code)
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, school)
    form = StaffListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        plan = plan_import(school, form.reading)
        return _preview(
            request, school, StaffListForm(), plan, file_name=upload.name, data=form.data_bytes
        )
    records = StaffRecord.objects.filter(school=school).select_related("person")
    return render(
        request,
        "accounts/directory/import.html",
        {"school": school, "form": form, "records": records.order_by("left_on", "person")},
    )


def _confirm(request: HttpRequest, school: School) -> HttpResponse:
    try:
        checked = signing.loads(request.POST["confirm"], salt=SALT, max_age=CHECKED_FOR_SECONDS)
    except signing.BadSignature:
        checked = None
    if not checked or checked.get("school") != school.pk or checked.get("by") != request.user.pk:
        messages.error(
            request, "That check has expired or was made for another school: upload the file again."
        )
        return redirect("staff_import", code=school.code)
    data = checked["data"].encode("latin-1")
    reading = read_staff_list(data)
    try:
        plan = staff_list_import(
            school=school, reading=reading, fingerprint=checked["plan"], by=request.user
        )
    except PlanChanged as changed:
        return _preview(
            request,
            school,
            StaffListForm(),
            changed.plan,
            file_name=checked["name"],
            data=data,
            note="The people changed since you checked this file, so nothing was imported. "
            "This is what the import would do now.",
        )
    counts = {kind: len(plan.of(kind)) for kind in (NEW, UPDATE, LEAVES, UNCHANGED)}
    messages.success(
        request,
        f"Staff list imported: {counts[NEW]} new, {counts[UPDATE]} changed, "
        f"{counts[LEAVES]} left, {counts[UNCHANGED]} unchanged.",
    )
    return redirect("staff_import", code=school.code)
