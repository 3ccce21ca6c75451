"""The public KIM directory (a Blogger page): every registered KIM per kecamatan, with its registration number,
village, social-media accounts and the stories it published in the last days.

Pure: it takes the Operator tab's rows and the blog's recent posts (already placed in their village), and gives
what the page shows. E-mail, telephone and the operator's name stay off the page: they are personal data.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .regions import RegionDirectory
from .text import clean_line, fold

RECENT_DAYS = 30
LATEST_TITLES = 3
# The Operator tab's social-media columns (core.registry.OPERATOR_HEADER), and how a bare handle becomes a link.
NETWORKS = {
    "Facebook": "https://www.facebook.com/{}",
    "Instagram": "https://www.instagram.com/{}/",
    "YouTube": "https://www.youtube.com/@{}",
    "TikTok": "https://www.tiktok.com/@{}",
}
_HANDLE = re.compile(r"@?([A-Za-z0-9._-]{2,60})")
_BARE_ADDRESS = re.compile(r"(?:www\.|m\.)?(?:facebook|fb|instagram|youtube|youtu|tiktok)\.(?:com|be)/\S*", re.I)
# An address the page may link to: http(s), a host, no quote, angle bracket or space anywhere.
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?#][^\s\"'<>`\\]*)?", re.I)
# The element the pipeline finds its own page by on the blog (after a lost answer or a lost ledger).
PAGE_MARKER = 'id="mymein-direktori-kim"'


@dataclass(frozen=True)
class Account:
    network: str  # Facebook, Instagram, YouTube, TikTok
    text: str  # as the operator typed it
    url: str | None  # an http(s) link, None when the value cannot be made one safely


@dataclass(frozen=True)
class Kim:
    kecamatan: str
    desa: str
    name: str  # the KIM's name, e.g. "KIM Maju Bersama"
    number: str  # registration number, "" when the tab has none
    accounts: tuple[Account, ...] = ()


@dataclass(frozen=True)
class RecentStory:
    title: str
    url: str
    published: datetime


@dataclass(frozen=True)
class Entry:
    kim: Kim
    stories: int  # published in the last RECENT_DAYS days
    latest: tuple[RecentStory, ...]  # newest first, LATEST_TITLES at most


@dataclass(frozen=True)
class Directory:
    by_kecamatan: dict[str, list[Entry]]  # kecamatan (alphabetical) -> its KIMs by desa
    days: int = RECENT_DAYS
    kims: int = 0
    stories: int = 0
    kecamatan_count: int = field(default=0)


def account(network: str, value: object) -> Account | None:
    """A social-media cell as a link when it safely is one: an http(s) address, an address without its scheme
    (`instagram.com/kim.juai`), or a handle (`@kim.juai`); anything else stays text. None for an empty cell."""
    text = clean_line(value)
    if not text:
        return None
    url: str | None = None
    if text.lower().startswith(("http://", "https://")):
        url = text
    elif _BARE_ADDRESS.fullmatch(text):
        url = "https://" + text
    elif handle := _HANDLE.fullmatch(text):
        url = NETWORKS[network].format(handle.group(1))
    if url is not None and not _SAFE_URL.fullmatch(url):
        url = None
    return Account(network, text, url)


def kims_from_rows(rows: Sequence[Sequence[object]], regions: RegionDirectory) -> list[Kim]:
    """The KIMs of the Operator tab (header first, columns found by name): one per village, however many
    operators it has (their accounts together, each once; the first number given). Rows without a desa are
    not a KIM yet. Village names are spelled as in the region list when it knows them."""
    if not rows:
        return []
    header = [fold(str(cell)) for cell in rows[0]]

    def column(name: str) -> int | None:
        return header.index(fold(name)) if fold(name) in header else None

    where = {name: column(name) for name in ("KIM", "Desa", "Kecamatan", "Nomor registrasi", *NETWORKS)}
    found: dict[tuple[str, str], Kim] = {}
    for row in rows[1:]:

        def cell(name: str, row: Sequence[object] = row) -> str:
            index = where[name]
            return clean_line(row[index]) if index is not None and index < len(row) else ""

        desa, kecamatan = cell("Desa"), cell("Kecamatan")
        if not desa:
            continue
        village = regions.village(kecamatan, desa)
        if village is not None:
            kecamatan, desa = village.kecamatan, village.desa
        kecamatan = kecamatan or "(tanpa kecamatan)"
        accounts = tuple(a for network in NETWORKS if (a := account(network, cell(network))) is not None)
        key = (fold(kecamatan), fold(desa))
        kim = Kim(kecamatan, desa, cell("KIM"), cell("Nomor registrasi"), accounts)
        earlier = found.get(key)
        if earlier is not None:
            seen = {(a.network, fold(a.text)) for a in earlier.accounts}
            more = tuple(a for a in accounts if (a.network, fold(a.text)) not in seen)
            kim = Kim(
                earlier.kecamatan,
                earlier.desa,
                earlier.name or kim.name,
                earlier.number or kim.number,
                earlier.accounts + more,
            )
        found[key] = kim
    return list(found.values())


def build_directory(
    kims: Iterable[Kim],
    stories: Iterable[tuple[str, str, RecentStory]],
    *,
    days: int = RECENT_DAYS,
    latest: int = LATEST_TITLES,
) -> Directory:
    """The page's content: `stories` are (kecamatan, desa, story) of the blog's posts of the last `days` days,
    placed in their village; a story of a village without a KIM on the tab is not shown."""
    per_village: dict[tuple[str, str], list[RecentStory]] = {}
    for kecamatan, desa, story in stories:
        per_village.setdefault((fold(kecamatan), fold(desa)), []).append(story)
    groups: dict[str, list[Entry]] = {}
    total = 0
    for kim in sorted(kims, key=lambda k: (fold(k.kecamatan), fold(k.desa))):
        mine = sorted(
            per_village.get((fold(kim.kecamatan), fold(kim.desa)), []), key=lambda s: (s.published, s.url), reverse=True
        )
        total += len(mine)
        groups.setdefault(kim.kecamatan, []).append(Entry(kim, len(mine), tuple(mine[:latest])))
    count = sum(len(entries) for entries in groups.values())
    return Directory(groups, days=days, kims=count, stories=total, kecamatan_count=len(groups))


def page_digest(title: str, html: str) -> str:
    """What the page says, in a few characters: the page is updated only when it changes."""
    return hashlib.sha256(f"{title}\n{html}".encode()).hexdigest()[:32]


def remembered(text: str | None) -> dict[str, str]:
    """The page as the ledger keeps it (`{"id", "url", "digest"}`, JSON); empty when none is kept or readable."""
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
