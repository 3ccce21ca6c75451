"""The guides' screenshots, taken from the sandbox with headless Chromium (`make screenshots`).

    python scripts/screenshots.py                    # writes docs/img/*.png
    python scripts/screenshots.py --out /tmp/img --chromium /usr/bin/chromium

A sandbox starts in a temporary folder; the demo world is seeded, `mymein init` prepares the review
spreadsheet and the demo's cycles run with the officer at work in between (pipeline/ops/showcase.py). Then
each page is opened in `chromium --headless --screenshot` at a fixed window size and the PNG is reduced to a
256-colour palette (the pages are flat colours and text; the files stay small). Nothing here runs in
`make test`: the guides' test only checks that every image they show exists.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ops.showcase import Showcase, build_showcase  # noqa: E402
from pipeline.sandbox.server import Sandbox  # noqa: E402

# The review tab's columns an officer works in (Kode, Desa, Judul, then Setujui … Catatan, Status, Pesan):
# the whole tab is wider than any screen.
REVIEW_COLUMNS = "A,D,G,K-P,T"
REVIEW_PIPELINE_COLUMNS = "A,G,P-T"
COMPLAINT_COLUMNS = "A,G-H,J-L,N,Q"


@dataclass(frozen=True)
class Shot:
    name: str  # docs/img/<name>.png
    path: str  # on the sandbox
    width: int
    height: int


def shots(showcase: Showcase, endpoint: str) -> list[Shot]:
    world = showcase.world
    review = f"/_sandbox/sheets/{world.review_spreadsheet_id}"
    tab = showcase.complaints_tab
    post = _post_with_photo(endpoint, world.blog_id)
    notices = _sent(endpoint)
    published = next(m for m in notices if m["subject"].startswith("Berita Anda sudah terbit"))
    fix = next(m for m in notices if m["subject"].startswith("Berita Anda perlu diperbaiki"))
    return [
        Shot("lembar-berita", f"{review}?tab=Berita&cols={REVIEW_COLUMNS}", 1700, 600),
        Shot("lembar-berita-kolom-mymein", f"{review}?tab=Berita&cols={REVIEW_PIPELINE_COLUMNS}", 1440, 480),
        Shot("lembar-pengaduan", f"{review}?tab={tab}&cols={COMPLAINT_COLUMNS}", 1900, 330),
        Shot("lembar-skpd", f"{review}?tab=SKPD", 900, 260),
        Shot("jawaban-formulir", f"/_sandbox/sheets/{world.form_spreadsheet_id}?cols=B-H", 1000, 380),
        Shot("blog-berita", f"/_sandbox/blogs/{world.blog_id}/posts/{post}", 1100, 900),
        Shot("email-terbit", f"/_sandbox/gmail/{published['id']}", 1000, 560),
        Shot("email-perlu-perbaikan", f"/_sandbox/gmail/{fix['id']}", 1000, 560),
    ]


def _post_with_photo(endpoint: str, blog_id: str) -> str:
    answer = requests.get(f"{endpoint}/v3/blogs/{blog_id}/posts", params={"maxResults": 50}, timeout=10)
    answer.raise_for_status()
    posts: list[dict[str, Any]] = answer.json().get("items", [])
    with_photo = [p for p in posts if "<img" in p.get("content", "")]
    return str((with_photo or posts)[-1]["id"])


def _sent(endpoint: str) -> list[dict[str, Any]]:
    answer = requests.get(f"{endpoint}/_sandbox/gmail/sent", timeout=10)
    answer.raise_for_status()
    sent: list[dict[str, Any]] = answer.json()["sent"]
    return sent


def find_chromium(given: str | None) -> str:
    for candidate in (given, "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    raise SystemExit("chromium not found: `make screenshots` installs it (apt-get install -y chromium)")


def take(chromium: str, url: str, shot: Shot, out: Path, profile: Path) -> Path:
    target = out / f"{shot.name}.png"
    command = [
        chromium,
        "--headless",
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        f"--window-size={shot.width},{shot.height}",
        f"--screenshot={target}",
        url,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox on
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not target.exists():
        raise SystemExit(f"chromium failed on {url}: {done.stderr.strip()[-400:]}")
    with Image.open(target) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--chromium", help="path of the browser (default: chromium on PATH)")
    args = parser.parse_args()
    chromium = find_chromium(args.chromium)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mymein-shots-") as scratch, Sandbox() as sandbox:
        showcase = build_showcase(Path(scratch) / "world", sandbox.url)
        for shot in shots(showcase, sandbox.url):
            written = take(chromium, sandbox.url + shot.path, shot, args.out, Path(scratch) / "chromium")
            print(
                f"{written.relative_to(ROOT) if written.is_relative_to(ROOT) else written}: "
                f"{written.stat().st_size // 1024} KiB"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
