"""Drive links from the form's upload question, and the public image URL a blog post embeds."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Forms writes `https://drive.google.com/open?id=ID`; officers may paste `/file/d/ID/view`, `uc?id=ID`,
# `thumbnail?id=ID`, download links, or the image address of a post we made (`lh3.googleusercontent.com/d/ID`).
# Only those hosts count: `?id=` on another site is not a Drive file, and a folder link is not a photo.
_DRIVE_LINK = re.compile(
    r"(?:https?://)?(?:"
    r"(?:drive|docs|drive\.usercontent)\.google\.com/(?:u/\d+/)?(?P<path>[^\s#]*)"
    r"|lh3\.googleusercontent\.com/d/(?P<image>[A-Za-z0-9_-]{10,})(?:=[^\s/#]*)?)",
    re.IGNORECASE,
)
_ID_IN_PATH = (
    re.compile(r"^(?:open|uc|thumbnail|download)\?(?:[^#]*&)?id=([A-Za-z0-9_-]{10,})"),
    re.compile(r"^file/d/([A-Za-z0-9_-]{10,})"),
)
_BARE_ID = re.compile(r"[A-Za-z0-9_-]{25,}")
# Between links: what Forms writes (`, `), and what a paste brings (line breaks, semicolons).
_SEPARATORS = re.compile(r"[,;\n]+")

# Photos per story: a post stays readable and a Foto cell small; an answer pasting more is held with the reason.
MAX_PHOTOS = 10
DEFAULT_IMAGE_URL = "https://lh3.googleusercontent.com/d/{file_id}=w1600"


def drive_file_id(link: str) -> str | None:
    """The Drive file a link (or a bare file id) points at; None for anything else."""
    link = link.strip()
    if _BARE_ID.fullmatch(link):
        return link
    found = _DRIVE_LINK.fullmatch(link)
    if found is None:
        return None
    if found.group("image"):
        return found.group("image")
    for pattern in _ID_IN_PATH:
        in_path = pattern.search(found.group("path"))
        if in_path:
            return in_path.group(1)
    return None


def _is_link(token: str) -> bool:
    return "://" in token or token.casefold().startswith("www.") or drive_file_id(token) is not None


def split_links(answer: object) -> tuple[str, ...]:
    """The upload answer (`link, link`) as separate links. Words between links stay together as one entry
    (`tidak ada`), to be read back to the officer whole; parts with no letter or digit (`-`) are blank."""
    text = "" if answer is None else str(answer)
    parts: list[str] = []
    for piece in _SEPARATORS.split(text):
        words: list[str] = []
        for token in piece.split():
            if _is_link(token):
                parts.extend([" ".join(words), token] if words else [token])
                words = []
            else:
                words.append(token)
        parts.append(" ".join(words))
    return tuple(part for part in parts if any(ch.isalnum() for ch in part))


def file_ids(links: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for link in links:
        file_id = drive_file_id(link)
        if file_id and file_id not in seen:
            seen.append(file_id)
    return tuple(seen)


def photo_link_problems(links: Iterable[str]) -> tuple[str, ...]:
    """One Indonesian sentence naming every entry of `Foto` that is not a Drive file, or nothing.

    Only Drive files can be shared and shown on the blog; an entry that is not one was dropped silently before,
    and the story went out without the photo the operator meant to send.
    """
    links = list(links)
    problems: list[str] = []
    if len(links) > MAX_PHOTOS:
        problems.append(
            f"Terlalu banyak foto ({len(links)}); paling banyak {MAX_PHOTOS} per berita. "
            "Hapus sebagian tautan dari kolom Foto."
        )
    others = [link for link in links if drive_file_id(link) is None]
    if not others:
        return tuple(problems)
    # A few are named; an answer pasting thousands would otherwise make a `Pesan` longer than any cell.
    shown = ", ".join(f'"{_shortened(link)}"' for link in others[:3])
    if len(others) > 3:
        shown += f" dan {len(others) - 3} lainnya"
    problems.append(
        f"Foto {shown} bukan berkas Google Drive, jadi tidak bisa tampil di blog. Minta operator mengunggah foto "
        "lewat pertanyaan unggah foto di formulir, atau hapus tautannya dari kolom Foto agar berita terbit tanpa foto."
    )
    return tuple(problems)


def _shortened(link: str, limit: int = 80) -> str:
    link = link.replace('"', "'")
    return link if len(link) <= limit else link[: limit - 1] + "…"


def open_link(file_id: str) -> str:
    return f"https://drive.google.com/open?id={file_id}"


def image_url(file_id: str, template: str = DEFAULT_IMAGE_URL) -> str:
    return template.format(file_id=file_id)
