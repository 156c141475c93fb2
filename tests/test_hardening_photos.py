"""Photos cost little to check: a pixel flood is refused from its header, and a
WebP with damaged EXIF is a clear message; either way the typed sheet is kept."""

import io
import resource
import time

import pytest
from django.urls import reverse
from PIL import Image

from incidents import uploads
from incidents.models import Attachment, Incident
from tests.portal_helpers import image_bytes, sheet_post, upload

REPORT = reverse("incidents:report")
TYPED = "The lamp light is on but the screen says No signal."


def flood_png(side: int = 6300) -> bytes:
    """A one-colour PNG of side × side pixels: about 150 KB on disk, 100+ MB decoded."""
    out = io.BytesIO()
    Image.new("L", (side, side), 255).save(out, "PNG", optimize=True)
    return out.getvalue()


def webp_with_damaged_exif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "WEBP", exif=b"\xff" * 40)
    return out.getvalue()


def test_a_pixel_flood_is_refused_with_a_clear_message_and_the_sheet_kept(
    client_for, reporter, site
):
    data = sheet_post(site=site)
    flood = flood_png()
    assert len(flood) < 400_000
    data["photos"] = [upload("screen.png", flood)]

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = client_for(reporter).post(REPORT, data)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024

    page = response.content.decode()
    assert response.status_code < 500
    assert "screen.png was not accepted: it is too large a picture: 6,300 × 6,300 pixels" in page
    assert TYPED in page and "Projector shows no picture" in page
    assert not Incident.objects.exists() and not Attachment.objects.exists()
    assert grown_mb < 60  # never decoded (a decode alone would take 40 MB and more)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_a_picture_over_its_pixel_cap_is_refused_before_decoding(fmt):
    big = (3841, 2161)
    out = io.BytesIO()
    Image.new("RGB", big, "white").save(out, fmt)

    start = time.perf_counter()
    with pytest.raises(uploads.PhotoRejected, match="too large a picture"):
        uploads.clean_photo(upload(f"big.{fmt.lower()}", out.getvalue()))
    assert time.perf_counter() - start < 0.5 or fmt == "GIF"


def test_a_phone_sized_jpeg_is_taken_and_stored_small():
    [photo] = uploads.clean_photos(
        [upload("phone.jpg", image_bytes("JPEG", size=(4032, 3024)), "image/jpeg")]
    )

    photo["file"].seek(0)
    stored = Image.open(io.BytesIO(photo["file"].read()))
    assert max(stored.size) <= uploads.MAX_EDGE
    assert stored.size == (2016, 1512)


def test_a_webp_with_damaged_exif_is_a_clear_message_and_the_sheet_kept(client_for, reporter, site):
    data = sheet_post(site=site)
    data["photos"] = [upload("screen.webp", webp_with_damaged_exif(), "image/webp")]

    response = client_for(reporter).post(REPORT, data)

    page = response.content.decode()
    assert response.status_code < 500
    assert "screen.webp was not accepted: its photo information (EXIF) is damaged" in page
    assert TYPED in page
    assert not Incident.objects.exists() and not Attachment.objects.exists()


def test_a_webp_with_damaged_exif_added_later_keeps_the_incident_as_it_was(
    client_for, reporter, site
):
    client = client_for(reporter)
    client.post(REPORT, sheet_post(site=site))
    incident = Incident.objects.get()

    response = client.post(
        reverse("incidents:attach", args=[incident.reference]),
        {"photos": [upload("later.webp", webp_with_damaged_exif(), "image/webp")]},
    )

    assert response.status_code < 500
    assert "later.webp was not accepted" in response.content.decode()
    assert not incident.attachments.exists()
