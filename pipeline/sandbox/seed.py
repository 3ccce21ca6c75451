"""The demo world, created through the sandbox's own Google-shaped endpoints: a form, a review sheet, a blog."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from ..core.registry import OPERATOR_HEADER
from ..core.sheettime import to_serial
from .demo_data import (
    DEMO_BLOG_NAME,
    DEMO_COMPLAINT_FORM_TITLE,
    DEMO_COMPLAINTS,
    DEMO_DEPARTMENTS,
    DEMO_FORM_TITLE,
    DEMO_PHOTOS,
    DEMO_RESPONSES,
    DEMO_REVIEW_TITLE,
    png_bytes,
)

FORM_TAB = "Jawaban Formulir 1"  # as an Indonesian Google account names it
FORM_HEADER = [
    "Cap waktu",
    "Alamat email",
    "Kecamatan",
    "Desa",
    "Nama Operator KIM",
    "Judul Berita",
    "Isi Berita",
    "Foto Berita",
]
REVIEW_TAB = "Berita"
COMPLAINT_HEADER = [
    "Cap waktu",
    "Alamat email",
    "Nama Pelapor",
    "Kontak",
    "Desa",
    "Kecamatan",
    "Kategori",
    "Isi Pengaduan",
    "Foto",
]
DEPARTMENTS_TAB = "SKPD"
OPERATOR_TAB = "Operator"
WORLD_FILE = "demo-world.json"
FOLDER = "application/vnd.google-apps.folder"
TIMEZONE = "Asia/Makassar"


@dataclass(frozen=True)
class DemoWorld:
    endpoint: str
    form_spreadsheet_id: str
    review_spreadsheet_id: str
    blog_id: str
    blog_url: str
    photo_ids: dict[str, str]
    complaint_spreadsheet_id: str = ""
    upload_folder_id: str = ""  # the news form's `(File responses)` folder, where its photos are


def _check(response: requests.Response) -> dict[str, Any]:
    if not response.ok:
        raise RuntimeError(
            f"sandbox refused {response.request.method} {response.url}: {response.status_code} {response.text}"
        )
    return dict(response.json()) if response.content else {}


def _create_spreadsheet(http: requests.Session, endpoint: str, title: str, tab: str) -> str:
    body = {
        "properties": {"title": title, "locale": "id_ID", "timeZone": TIMEZONE},
        "sheets": [{"properties": {"title": tab}}],
    }
    return str(_check(http.post(f"{endpoint}/v4/spreadsheets", json=body))["spreadsheetId"])


def upload_file(
    http: requests.Session, endpoint: str, name: str, content: bytes, mime: str, *, parent: str | None = None
) -> str:
    """Drive's multipart upload, sent by hand: googleapiclient's media uploads insist on https."""
    boundary = uuid.uuid4().hex
    metadata = json.dumps({"name": name, "mimeType": mime, **({"parents": [parent]} if parent else {})}).encode()
    body = (
        f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".encode()
        + metadata
        + f"\r\n--{boundary}\r\nContent-Type: {mime}\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = http.post(
        f"{endpoint}/upload/drive/v3/files?uploadType=multipart",
        data=body,
        headers={"Content-Type": f"multipart/related; boundary={boundary}"},
    )
    return str(_check(response)["id"])


def create_folder(http: requests.Session, endpoint: str, name: str, *, parent: str | None = None) -> str:
    """A Drive folder (files.create with the folder type), in `parent` or in My Drive."""
    body = {"name": name, "mimeType": FOLDER, **({"parents": [parent]} if parent else {})}
    return str(_check(http.post(f"{endpoint}/drive/v3/files", json=body))["id"])


def seed_demo(endpoint: str, now: datetime) -> DemoWorld:
    """Create the demo world in the sandbox at `endpoint`; responses are dated relative to `now`."""
    tz = ZoneInfo(TIMEZONE)
    with requests.Session() as http:
        http.headers["Authorization"] = "Bearer demo"
        blog = _check(http.post(f"{endpoint}/_sandbox/blogs", json={"name": DEMO_BLOG_NAME}))
        # Where Google Forms puts the upload question's files: a folder per question inside the form's folder.
        uploads = create_folder(http, endpoint, f"{DEMO_FORM_TITLE.removesuffix(' (Jawaban)')} (File responses)")
        question = create_folder(http, endpoint, f"{FORM_HEADER[-1]} (File responses)", parent=uploads)
        photo_ids = {
            key: upload_file(http, endpoint, f"{key}.png", png_bytes(spec), "image/png", parent=question)
            for key, spec in DEMO_PHOTOS.items()
        }
        form_id = _create_spreadsheet(http, endpoint, DEMO_FORM_TITLE, FORM_TAB)
        review_id = _create_spreadsheet(http, endpoint, DEMO_REVIEW_TITLE, REVIEW_TAB)
        rows: list[list[Any]] = [FORM_HEADER]
        for item in sorted(DEMO_RESPONSES, key=lambda r: -r.minutes_ago):
            submitted = now - timedelta(minutes=item.minutes_ago)
            links = ", ".join(f"https://drive.google.com/open?id={photo_ids[p]}" for p in item.photos)
            rows.append(
                [
                    round(to_serial(submitted, tz), 8),
                    item.email,
                    item.kecamatan,
                    item.desa,
                    item.operator,
                    item.title,
                    item.body,
                    links,
                ]
            )
        _put(http, endpoint, form_id, FORM_TAB, rows)
        complaint_id = _seed_complaints(http, endpoint, review_id, photo_ids, now)
        _seed_operators(http, endpoint, review_id)
    return DemoWorld(
        endpoint=endpoint,
        form_spreadsheet_id=form_id,
        review_spreadsheet_id=review_id,
        blog_id=str(blog["id"]),
        blog_url=str(blog.get("url", "")),
        photo_ids=photo_ids,
        complaint_spreadsheet_id=complaint_id,
        upload_folder_id=uploads,
    )


def _put(http: requests.Session, endpoint: str, spreadsheet_id: str, tab: str, rows: list[list[Any]]) -> None:
    _check(
        http.put(
            f"{endpoint}/v4/spreadsheets/{spreadsheet_id}/values/'{tab}'!A1",
            params={"valueInputOption": "RAW"},
            json={"values": rows},
        )
    )


def _seed_complaints(
    http: requests.Session, endpoint: str, review_id: str, photo_ids: dict[str, str], now: datetime
) -> str:
    """The complaint form with its answers, and the SKPD tab of the review spreadsheet with departments."""
    tz = ZoneInfo(TIMEZONE)
    form_id = _create_spreadsheet(http, endpoint, DEMO_COMPLAINT_FORM_TITLE, FORM_TAB)
    rows: list[list[Any]] = [COMPLAINT_HEADER]
    for item in sorted(DEMO_COMPLAINTS, key=lambda c: -c.minutes_ago):
        photo = f"https://drive.google.com/open?id={photo_ids[item.photo]}" if item.photo else ""
        submitted = round(to_serial(now - timedelta(minutes=item.minutes_ago), tz), 8)
        rows.append(
            [submitted, item.email, item.name, item.contact, item.desa, item.kecamatan, item.category, item.text, photo]
        )
    _put(http, endpoint, form_id, FORM_TAB, rows)
    add = {"requests": [{"addSheet": {"properties": {"title": DEPARTMENTS_TAB}}}]}
    _check(http.post(f"{endpoint}/v4/spreadsheets/{review_id}:batchUpdate", json=add))
    departments = [["Nama SKPD", "Email", "Kontak"], *[list(d) for d in DEMO_DEPARTMENTS]]
    _put(http, endpoint, review_id, DEPARTMENTS_TAB, departments)
    return form_id


def _seed_operators(http: requests.Session, endpoint: str, review_id: str) -> None:
    """The review spreadsheet's Operator tab as the regency keeps it: one KIM per village of the demo's stories,
    with its social media (the public KIM directory lists them)."""
    add = {"requests": [{"addSheet": {"properties": {"title": OPERATOR_TAB}}}]}
    _check(http.post(f"{endpoint}/v4/spreadsheets/{review_id}:batchUpdate", json=add))
    rows: list[list[Any]] = [list(OPERATOR_HEADER)]
    seen: set[str] = set()
    for item in DEMO_RESPONSES:
        if item.desa in seen:
            continue
        seen.add(item.desa)
        handle = "kim." + "".join(c for c in item.desa.lower() if c.isalnum())
        number = f"KIM-6311-{len(seen):04d}"
        rows.append(
            [
                item.email,
                item.operator,
                f"KIM {item.desa}",
                item.desa,
                item.kecamatan,
                "",
                handle,
                f"@{handle}",
                "",
                "",
                number,
            ]
        )
    _put(http, endpoint, review_id, OPERATOR_TAB, rows)


def save_world(world: DemoWorld, folder: Path) -> None:
    (folder / WORLD_FILE).write_text(json.dumps(asdict(world), indent=2), encoding="utf-8")


def load_world(folder: Path) -> DemoWorld | None:
    path = folder / WORLD_FILE
    if not path.exists():
        return None
    return DemoWorld(**json.loads(path.read_text(encoding="utf-8")))


def demo_config(world: DemoWorld, state_dir: Path, credentials_dir: Path | None = None) -> str:
    """A config.yaml for the demo world, in the same shape as the documented example."""
    lines = [
        "# Written by `mymein demo` / `mymein sandbox --seed demo`: the pipeline against the local sandbox.",
        f"timezone: {TIMEZONE}",
        f"state_dir: {state_dir}",
        "google:",
        f"  endpoint: {world.endpoint}",
    ]
    if credentials_dir is not None:
        lines += [
            f"  service_account_file: {credentials_dir / 'service-account.json'}",
            f"  oauth_token_file: {credentials_dir / 'blogger-token.json'}",
        ]
    lines += [
        "form:",
        f"  spreadsheet_id: {world.form_spreadsheet_id}",
        "review:",
        f"  spreadsheet_id: {world.review_spreadsheet_id}",
        f"  worksheet: {REVIEW_TAB}",
        "blogger:",
        f'  blog_id: "{world.blog_id}"',
    ]
    if world.upload_folder_id:
        # Only photos the form's upload question put there are shared (the complaints' demo photos too).
        lines += ["photos:", "  upload_folders:", f"    - {world.upload_folder_id}"]
    # The public KIM directory (a page of the blog), looked at every cycle so the demo shows it change.
    lines += ["kim_directory:", "  enabled: true", "  check_seconds: 0"]
    if world.complaint_spreadsheet_id:
        # Notices go through the sandbox's Gmail, where the demo reads them back (/_sandbox/gmail/sent).
        lines += [
            "notices:",
            "  enabled: true",
            "  transport: gmail",
            "  sender: kim@balangankab.example",
            "complaints:",
            "  enabled: true",
            f"  spreadsheet_id: {world.complaint_spreadsheet_id}",
            f"  worksheet: {FORM_TAB}",
            "  check_seconds: 0",
        ]
    return "\n".join([*lines, ""])
