"""Photos of the error: the type comes from the content, the size is limited, and
what is stored is a clean re-encoding with no metadata and nothing appended."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, PngImagePlugin

from incidents import uploads
from incidents.models import Attachment
from tests.factories import file_incident
from tests.portal_helpers import image_bytes, upload

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def reasons(files) -> str:
    with pytest.raises(ValidationError) as caught:
        uploads.clean_photos(files)
    return " ".join(caught.value.messages)


def noisy_png(side: int) -> bytes:
    """A picture that does not compress: its size grows with its area."""
    out = io.BytesIO()
    Image.effect_noise((side, side), 80).convert("RGB").save(out, "PNG")
    return out.getvalue()


def stored_image(photo) -> Image.Image:
    photo["file"].seek(0)
    return Image.open(io.BytesIO(photo["file"].read()))


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"), ("GIF", "image/png")],
)
def test_pictures_of_each_accepted_kind_are_taken(fmt, content_type):
    [photo] = uploads.clean_photos([upload(f"screen.{fmt.lower()}", image_bytes(fmt))])

    assert photo["content_type"] == content_type
    assert photo["original_name"] == f"screen.{fmt.lower()}"
    assert photo["size"] == len(photo["file"].read())
    assert stored_image(photo).size == (40, 30)


def test_the_type_comes_from_the_content_not_the_name():
    [photo] = uploads.clean_photos([upload("holiday.gif", image_bytes("JPEG"), "image/gif")])
    assert photo["content_type"] == "image/jpeg"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 2000
    big = noisy_png(100)
    assert len(big) > 2000

    assert "bigger than 2.0\xa0KB" in reasons([upload("big.png", big)])


def test_more_files_than_allowed_are_refused(settings):
    settings.UPLOAD_MAX_FILES = 2
    files = [upload(f"p{n}.png", image_bytes()) for n in range(3)]

    assert "at most 2 photos" in reasons(files)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("scan.jpg", image_bytes("BMP")),  # a real picture, but not a kind we take
        ("scan.png", image_bytes("TIFF")),
        ("report.png", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
        ("nothing.png", b"just some text, not a picture at all"),
    ],
)
def test_other_content_with_an_image_name_is_refused(name, data):
    assert "not a JPEG, PNG, WebP or GIF" in reasons([upload(name, data)])


@pytest.mark.parametrize("name", ["logo.svg", "logo.png"])
def test_svg_with_a_script_is_refused(name):
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script></svg>"
    )
    message = reasons([upload(name, svg, "image/svg+xml")])
    assert "not accepted" in message


def test_html_renamed_to_png_is_refused():
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    assert "not accepted" in reasons([upload("screenshot.png", html)])


def test_a_picture_with_markup_appended_is_refused():
    polyglot = image_bytes("PNG") + b"<script>fetch('/incidents/')</script>"
    assert "web page or script code" in reasons([upload("screen.png", polyglot)])


def test_a_jpeg_with_html_in_its_comment_is_refused():
    polyglot = image_bytes("JPEG", comment=b"<html><body onload=alert(1)>")
    assert "web page or script code" in reasons([upload("photo.jpg", polyglot)])


def test_a_truncated_picture_is_refused():
    whole = noisy_png(300)

    assert "damaged or incomplete" in reasons([upload("half.png", whole[: len(whole) // 2])])


def test_an_empty_file_is_refused():
    assert "empty" in reasons([upload("empty.png", b"")])


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims a huge picture: a decompression bomb."""
    data = bytearray(image_bytes("PNG", size=(8, 8)))
    ihdr_start = 8 + 8  # signature, then the chunk's length and type
    data[ihdr_start : ihdr_start + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12 : ihdr_start + 13]))
    data[ihdr_start + 13 : ihdr_start + 17] = struct.pack(">I", crc)
    return bytes(data)


def test_a_decompression_bomb_is_refused():
    assert "too many pixels" in reasons([upload("bomb.png", _png_claiming(30_000, 30_000))])


def test_gps_and_other_exif_data_are_stripped_from_photos():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    original = image_bytes("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test photo has GPS

    [photo] = uploads.clean_photos([upload("classroom.jpg", original, "image/jpeg")])

    stored = stored_image(photo)
    assert not stored.getexif()
    assert not stored.getexif().get_ifd(GPS_IFD)
    photo["file"].seek(0)
    raw = photo["file"].read()
    assert b"Exif" not in raw
    assert b"PhoneMaker" not in raw


def test_a_rotated_photo_keeps_its_orientation_after_exif_is_removed():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # taken with the phone on its side
    original = image_bytes("JPEG", size=(40, 20), exif=exif.tobytes())

    [photo] = uploads.clean_photos([upload("sideways.jpg", original, "image/jpeg")])

    assert stored_image(photo).size == (20, 40)


def test_text_chunks_are_stripped_from_png():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at 51.5N 0.12W in room 12")
    original = image_bytes("PNG", pnginfo=info)

    [photo] = uploads.clean_photos([upload("screen.png", original)])

    photo["file"].seek(0)
    assert b"51.5N" not in photo["file"].read()
    assert not stored_image(photo).text


def test_very_large_photos_are_scaled_down(settings):
    settings.UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    [photo] = uploads.clean_photos([upload("huge.png", image_bytes("PNG", size=(5000, 100)))])
    width, height = stored_image(photo).size
    assert uploads.MAX_EDGE / 2 < width <= uploads.MAX_EDGE
    assert abs(height - width / 50) <= 1  # the shape is kept


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\rita\\Desktop\\error.png", "error.png"),
        ("bad\x00name\r\n.png", "badname.png"),
        ("", "photo"),
        ("   ", "photo"),
        (
            "<img src=x onerror=alert(1)>.png",
            "<img src=x onerror=alert(1)>.png",
        ),  # escaped on output
    ],
)
def test_file_names_are_cleaned_for_display(given, kept):
    assert uploads.clean_name(given) == kept


def test_a_long_file_name_is_cut_to_200_characters_keeping_its_extension():
    name = uploads.clean_name("x" * 500 + ".jpeg")
    assert len(name) == 200
    assert name.endswith(".jpeg")


def test_each_refused_file_is_named_with_its_reason():
    message = reasons(
        [upload("fine.png", image_bytes()), upload("notes.png", b"hello"), upload("empty.gif", b"")]
    )
    assert "notes.png was not accepted" in message
    assert "empty.gif was not accepted" in message
    assert "fine.png" not in message


def test_a_photo_is_stored_under_a_generated_name(reporter, site):
    incident = file_incident(reporter, site=site)
    [photo] = uploads.clean_photos([upload("my class list.png", image_bytes())])

    attachment = Attachment.objects.create(incident=incident, uploaded_by=reporter, **photo)

    assert attachment.file.name.startswith("attachments/")
    assert "class" not in attachment.file.name
    assert attachment.original_name == "my class list.png"
    with attachment.file.open("rb") as handle:
        assert Image.open(handle).format == "PNG"
