"""What a blog post says, computed from the officer's row: the input of the template, and the labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import ReviewRow
from .photos import DEFAULT_IMAGE_URL, file_ids, image_url
from .text import clean_body, clean_line, fold, paragraphs

# Blogger refuses (400 "the value for field labels was not valid") a post whose labels take more than 200
# characters in all, counting the ", " between them (its help pages and users' reports).
LABELS_MAX_TOTAL = 200
LABELS_SEPARATOR = ", "


@dataclass(frozen=True)
class PostView:
    code: str
    title: str
    paragraphs: tuple[str, ...]
    operator: str
    desa: str
    kecamatan: str
    photo_file_ids: tuple[str, ...]
    photo_urls: tuple[str, ...]
    labels: tuple[str, ...]


def fit_labels(labels: Sequence[str]) -> tuple[str, ...]:
    """The labels, in order, that fit Blogger's limit together with the separators between them; one that would
    go over is left out and the next ones still tried, so the first (kecamatan, desa) always stay."""
    chosen: list[str] = []
    for label in labels:
        if len(LABELS_SEPARATOR.join([*chosen, label])) <= LABELS_MAX_TOTAL:
            chosen.append(label)
    return tuple(chosen)


def labels_for(kecamatan: str, desa: str, extra: tuple[str, ...]) -> tuple[str, ...]:
    """Kecamatan and desa first, then the officer's labels; de-duplicated case-insensitively, within limits."""
    chosen: list[str] = []
    seen: set[str] = set()
    for raw in (f"Kecamatan {kecamatan}", f"Desa {desa}", *extra):
        label = clean_line(raw).replace(",", " ").strip()
        if not label or fold(label) in seen:
            continue
        seen.add(fold(label))
        chosen.append(label)
    return fit_labels(chosen)


def post_view(row: ReviewRow, image_url_template: str = DEFAULT_IMAGE_URL) -> PostView:
    ids = file_ids(row.photos)
    return PostView(
        code=row.code,
        title=clean_line(row.title),
        paragraphs=tuple(paragraphs(clean_body(row.body))),
        operator=clean_line(row.operator),
        desa=clean_line(row.desa),
        kecamatan=clean_line(row.kecamatan),
        photo_file_ids=ids,
        photo_urls=tuple(image_url(i, image_url_template) for i in ids),
        labels=labels_for(row.kecamatan, row.desa, row.labels),
    )
