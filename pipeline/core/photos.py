"""Drive links from the form's upload question, and the public image URL a blog post embeds."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Forms writes `https://drive.google.com/open?id=ID`; officers may paste `/file/d/ID/view` links instead.
_ID_PATTERNS = (
    re.compile(r"[?&]id=([A-Za-z0-9_-]{10,})"),
    re.compile(r"/file/d/([A-Za-z0-9_-]{10,})"),
    re.compile(r"^([A-Za-z0-9_-]{25,})$"),
)

DEFAULT_IMAGE_URL = "https://lh3.googleusercontent.com/d/{file_id}=w1600"


def drive_file_id(link: str) -> str | None:
    link = link.strip()
    for pattern in _ID_PATTERNS:
        found = pattern.search(link)
        if found:
            return found.group(1)
    return None


def split_links(answer: object) -> tuple[str, ...]:
    """The upload answer (`link, link`) as separate links; blank parts dropped."""
    text = "" if answer is None else str(answer)
    return tuple(part.strip() for part in re.split(r"[,\s]+", text) if part.strip())


def file_ids(links: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for link in links:
        file_id = drive_file_id(link)
        if file_id and file_id not in seen:
            seen.append(file_id)
    return tuple(seen)


def open_link(file_id: str) -> str:
    return f"https://drive.google.com/open?id={file_id}"


def image_url(file_id: str, template: str = DEFAULT_IMAGE_URL) -> str:
    return template.format(file_id=file_id)
