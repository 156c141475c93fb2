"""What one uploaded photo costs to check: time and peak memory, per kind of picture.

Each case runs in a fresh Python process (peak memory is the process's maximum
resident size, minus what Django and Pillow take before the photo is read), so one
case cannot hide behind another. The first case is the pixel flood: a PNG of
6,300 × 6,300 pixels that compresses to about 150 KB.

    .venv/bin/python bench/photo_cost.py
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "flood PNG 6300x6300 (one colour)": ("PNG", (6300, 6300)),
    "PNG screenshot 3840x2160": ("PNG", (3840, 2160)),
    "phone JPEG 4032x3024": ("JPEG", (4032, 3024)),
    "WebP screenshot 3840x2160": ("WEBP", (3840, 2160)),
    "WebP 4000x3000 (over its cap)": ("WEBP", (4000, 3000)),
}

CHILD = """
import io, json, resource, sys, time
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.exceptions import ValidationError
from PIL import Image, ImageDraw
from incidents import uploads

fmt, (w, h) = sys.argv[1], json.loads(sys.argv[2])
image = Image.new("RGB", (w, h), "white")
draw = ImageDraw.Draw(image)
for y in range(0, h, 40):  # lines of "text", as on a screen
    draw.line([(0, y), (w, y)], fill="black", width=3)
out = io.BytesIO()
image.save(out, fmt, **({"quality": 90} if fmt != "PNG" else {}))
del image, draw
data = out.getvalue()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    uploads.clean_photos([SimpleUploadedFile("photo", data)])
    outcome = "accepted"
except ValidationError as refused:
    outcome = "refused: " + " ".join(refused.messages)
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"kb": len(data) // 1024, "seconds": seconds,
                  "peak_mb": max(after - before, 0) / 1024, "outcome": outcome}))
"""


def main() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "SECRET_KEY": "bench-only",
        "UPLOAD_MAX_BYTES": str(20 * 1024 * 1024),
    }
    print(f"{'picture':36} {'file KB':>8} {'seconds':>8} {'peak MB':>8}  outcome")
    for label, (fmt, size) in CASES.items():
        result = subprocess.run(
            [sys.executable, "-c", CHILD, fmt, json.dumps(size)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{label:36} {row['kb']:>8} {row['seconds']:>8.3f} {row['peak_mb']:>8.1f}  "
            f"{row['outcome']}"
        )


if __name__ == "__main__":
    main()
