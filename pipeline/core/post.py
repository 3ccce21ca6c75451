"""What a blog post says, computed from the officer's row: the input of the template, and the labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import ReviewRow
from .photos import DEFAULT_IMAGE_URL, file_ids, image_url
from .text import clean_body, clean_line, fold, paragraphs, plain_text

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
    labels_dropped: tuple[str, ...] = ()  # the officer's labels left out to stay within Blogger's limit


def fit_labels(labels: Sequence[str]) -> tuple[str, ...]:
    """The labels, in order, that fit Blogger's limit together with the separators between them; one that would
    go over is left out and the next ones still tried, so the first (kecamatan, desa) always stay."""
    return _fit(labels)[0]


def _fit(labels: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    chosen: list[str] = []
    dropped: list[str] = []
    for label in labels:
        if len(LABELS_SEPARATOR.join([*chosen, label])) <= LABELS_MAX_TOTAL:
            chosen.append(label)
        else:
            dropped.append(label)
    return tuple(chosen), tuple(dropped)


def choose_labels(kecamatan: str, desa: str, extra: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The post's labels and those left out: kecamatan and desa first, then the officer's, as plain text,
    de-duplicated case-insensitively; whole labels, in order, as many as Blogger's limit takes (`fit_labels`)."""
    candidates: list[str] = []
    seen: set[str] = set()
    for raw in (f"Kecamatan {kecamatan}", f"Desa {desa}", *extra):
        label = clean_line(plain_text(raw).replace(",", " "))
        if not label or fold(label) in seen:
            continue
        seen.add(fold(label))
        candidates.append(label)
    return _fit(candidates)


def labels_for(kecamatan: str, desa: str, extra: tuple[str, ...]) -> tuple[str, ...]:
    """Kecamatan and desa first, then the officer's labels; de-duplicated case-insensitively, within limits."""
    return choose_labels(kecamatan, desa, extra)[0]


def post_view(row: ReviewRow, image_url_template: str = DEFAULT_IMAGE_URL) -> PostView:
    ids = file_ids(row.photos)
    labels, dropped = choose_labels(row.kecamatan, row.desa, row.labels)
    return PostView(
        code=row.code,
        title=plain_text(row.title),
        paragraphs=tuple(paragraphs(clean_body(row.body))),
        operator=clean_line(row.operator),
        desa=clean_line(row.desa),
        kecamatan=clean_line(row.kecamatan),
        photo_file_ids=ids,
        photo_urls=tuple(image_url(i, image_url_template) for i in ids),
        labels=labels,
        labels_dropped=dropped,
    )
