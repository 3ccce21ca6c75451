"""Building small test worlds in a sandbox through its Google-shaped endpoints, and a config pointing at them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from pipeline.core.sheettime import to_serial

WITA = ZoneInfo("Asia/Makassar")
FORM_HEADER = [
    "Timestamp",
    "Email Address",
    "Kecamatan",
    "Desa",
    "Nama Operator KIM",
    "Judul Berita",
    "Isi Berita",
    "Foto Berita",
]
BASE_TIME = datetime(2026, 11, 22, 8, 0, tzinfo=WITA)


@dataclass
class World:
    endpoint: str
    form_id: str
    review_id: str
    blog_id: str
    config: Path


def response_row(
    n: int, *, title: str | None = None, kecamatan: str = "Juai", desa: str = "Juai", photos: str = ""
) -> list[Any]:
    moment = BASE_TIME + timedelta(minutes=n)
    return [
        round(to_serial(moment, WITA), 8),
        f"operator{n}@example.com",
        kecamatan,
        desa,
        f"Operator {n}",
        f"Berita nomor {n}" if title is None else title,
        f"Isi berita nomor {n}: warga desa bergotong royong membersihkan saluran air.\n\nParagraf kedua.",
        photos,
    ]


def create_spreadsheet(endpoint: str, title: str, tab: str) -> str:
    body = {
        "properties": {"title": title, "timeZone": "Asia/Makassar"},
        "sheets": [{"properties": {"title": tab}}],
    }
    response = requests.post(f"{endpoint}/v4/spreadsheets", json=body, timeout=10)
    response.raise_for_status()
    return str(response.json()["spreadsheetId"])


def append_responses(endpoint: str, form_id: str, rows: list[list[Any]], tab: str = "Form Responses 1") -> None:
    response = requests.post(
        f"{endpoint}/v4/spreadsheets/{form_id}/values/'{tab}'!A1:append",
        params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
        json={"values": rows},
        timeout=10,
    )
    response.raise_for_status()


def make_world(
    endpoint: str,
    folder: Path,
    rows: list[list[Any]],
    *,
    default_mode: str = "Terbit",
    near_duplicates: bool = False,
    form_tab: str = "Form Responses 1",
    form_header: list[str] | None = None,
) -> World:
    """A form, a review sheet and a blog in the sandbox, and a config.yaml naming them.

    `response_row(n)` stories differ only by their number, so they are near-identical by construction: the
    near-duplicate check is off unless a test asks for it (exact repeats are still caught). The form's tab and
    header are an English account's unless given (`Jawaban Formulir 1`, `Cap waktu`... for an Indonesian one).
    """
    form_id = create_spreadsheet(endpoint, "Form", form_tab)
    append_responses(endpoint, form_id, [form_header or FORM_HEADER, *rows], tab=form_tab)
    review_id = create_spreadsheet(endpoint, "Review", "Berita")
    blog = requests.post(f"{endpoint}/_sandbox/blogs", json={"name": "Portal KIM"}, timeout=10)
    blog.raise_for_status()
    blog_id = str(blog.json()["id"])
    config = folder / "config.yaml"
    config.write_text(
        "\n".join(
            [
                f"state_dir: {folder / 'state'}",
                "google:",
                f"  endpoint: {endpoint}",
                "form:",
                f"  spreadsheet_id: {form_id}",
                "review:",
                f"  spreadsheet_id: {review_id}",
                "  worksheet: Berita",
                f"  default_mode: {default_mode}",
                "duplicates:",
                f"  window_days: {7 if near_duplicates else 0}",
                "blogger:",
                f'  blog_id: "{blog_id}"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    return World(endpoint, form_id, review_id, blog_id, config)


def chunked_world(endpoint: str, folder: Path, responses: int, rows_per_cycle: int) -> World:
    """A world whose form holds `responses` answers, with `schedule.rows_per_cycle` small enough to be felt."""
    made = make_world(endpoint, folder, [response_row(n) for n in range(1, responses + 1)])
    text = made.config.read_text(encoding="utf-8") + f"schedule:\n  rows_per_cycle: {rows_per_cycle}\n"
    made.config.write_text(text, encoding="utf-8")
    return made


def blogger_service(endpoint: str) -> Any:
    """A Blogger client as the blog owner uses it (the real googleapiclient, pointed at the sandbox)."""
    from google.oauth2.credentials import Credentials
    from googleapiclient.discovery import build

    return build(
        "blogger",
        "v3",
        credentials=Credentials(token="test"),
        client_options={"api_endpoint": endpoint + "/"},
        static_discovery=True,
        cache_discovery=False,
    )


def delete_post(endpoint: str, blog_id: str, post_id: str) -> None:
    """Somebody deletes a post by hand in Blogger."""
    service = blogger_service(endpoint)
    try:
        service.posts().delete(blogId=blog_id, postId=post_id).execute()
    finally:
        service.close()


def blog_posts(endpoint: str, blog_id: str) -> list[dict[str, Any]]:
    """Every post of the blog, any status, through the real googleapiclient."""
    service = blogger_service(endpoint)
    try:
        items: list[dict[str, Any]] = []
        token = None
        while True:
            page = (
                service.posts()
                .list(
                    blogId=blog_id,
                    status=["LIVE", "DRAFT", "SCHEDULED"],
                    view="ADMIN",
                    pageToken=token,
                    maxResults=100,
                )
                .execute()
            )
            items.extend(page.get("items", []))
            token = page.get("nextPageToken")
            if not token:
                return items
    finally:
        service.close()


def stats(endpoint: str) -> dict[str, int]:
    calls: dict[str, int] = requests.get(f"{endpoint}/_sandbox/stats", timeout=10).json()["calls"]
    return calls


def reset_stats(endpoint: str) -> None:
    requests.post(f"{endpoint}/_sandbox/stats/reset", timeout=10).raise_for_status()
