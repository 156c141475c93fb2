"""The demo's business manager at Riverside imports the sample staff list."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import StaffRecord, User

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parent.parent / "accounts/directory/sample_staff_list.csv"


@override_settings(DEBUG=True)
def test_the_demo_school_admin_imports_the_sample_staff_list(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    radmin = User.objects.get(username="radmin")
    client.force_login(radmin)
    assert client.get(reverse("staff_directory")).url == reverse("staff_import", args=["rss"])
    url = reverse("staff_import", args=["rss"])
    upload = SimpleUploadedFile("sample_staff_list.csv", SAMPLE.read_bytes())

    checked = client.post(url, {"file": upload})

    plan = checked.context["plan"]
    assert plan.errors == []
    assert [s.row.email for s in plan.of("new")] == [
        "grace.hopper@riverside-secondary.example",
        "tom.baker@riverside-secondary.example",
    ]
    client.post(url, {"confirm": checked.context["token"]})
    assert User.objects.get(username="rteacher").job_title == "Head of geography"
    assert StaffRecord.objects.filter(school__code__iexact="rss").count() == 4
