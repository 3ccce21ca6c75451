"""Turning a form response into a submission: normalise every field and say, in Indonesian, what is wrong."""

from __future__ import annotations

from dataclasses import dataclass

from .model import FormResponse, Submission
from .photos import drive_file_id, open_link, photo_link_problems
from .regions import RegionDirectory, place_hint
from .text import clean_body, clean_line, plain_text


@dataclass(frozen=True)
class Limits:
    """Lengths we accept; Blogger has no documented title limit, these keep posts readable and cells small."""

    title_max: int = 150
    body_min: int = 20
    body_max: int = 20_000
    name_max: int = 200  # the operator's name: a longer answer is not a name


DEFAULT_LIMITS = Limits()


def normalise(response: FormResponse, regions: RegionDirectory, limits: Limits = DEFAULT_LIMITS) -> Submission:
    title = clean_line(response.title)
    body = clean_body(response.body)
    kecamatan = clean_line(response.kecamatan)
    desa = clean_line(response.desa)
    photos = _photos(response.photos)
    operator = clean_line(response.operator)
    problems = (*check_fields(title, body, kecamatan, desa, regions, limits), *photo_link_problems(photos))
    if len(operator) > limits.name_max:
        problems = (
            *problems,
            f"Nama operator terlalu panjang ({len(operator)} karakter, paling banyak {limits.name_max}).",
        )
    canonical_kecamatan = regions.kecamatan(kecamatan) if kecamatan else None
    village = regions.village(kecamatan, desa) if kecamatan and desa else None
    return Submission(
        received_at=response.received_at,
        email=clean_line(response.email),
        kecamatan=canonical_kecamatan or kecamatan,
        desa=village.desa if village else desa,
        operator=operator,
        title=title,
        body=body,
        photos=photos,
        problems=problems,
    )


def _photos(links: tuple[str, ...]) -> tuple[str, ...]:
    """Drive links in the one form Forms writes, each file once; anything else kept as typed, for the officer to
    see next to the reason the row waits."""
    kept: list[str] = []
    for link in links:
        file_id = drive_file_id(link)
        entry = open_link(file_id) if file_id else clean_line(link)
        if entry not in kept:
            kept.append(entry)
    return tuple(kept)


def check_fields(
    title: str, body: str, kecamatan: str, desa: str, regions: RegionDirectory, limits: Limits = DEFAULT_LIMITS
) -> tuple[str, ...]:
    """Everything that stops a submission from being published, as short sentences an officer can forward."""
    problems: list[str] = []
    if not title:
        problems.append("Judul berita kosong.")
    elif not plain_text(title):
        # The blog gets the title as plain text (`core.post`): one made of markup only would be empty there.
        problems.append("Judul berita hanya berisi kode HTML; tulis judul dengan kata-kata.")
    elif len(title) > limits.title_max:
        problems.append(f"Judul berita terlalu panjang ({len(title)} karakter, paling banyak {limits.title_max}).")
    if not body:
        problems.append("Isi berita kosong.")
    elif len(body) < limits.body_min:
        problems.append(f"Isi berita terlalu pendek (paling sedikit {limits.body_min} karakter).")
    elif len(body) > limits.body_max:
        problems.append(f"Isi berita terlalu panjang ({len(body)} karakter, paling banyak {limits.body_max}).")
    if not kecamatan:
        problems.append("Kecamatan belum diisi.")
    elif len(regions) and regions.kecamatan(kecamatan) is None:
        problems.append(f"Kecamatan '{kecamatan}' tidak dikenal.{place_hint(regions, kecamatan, desa)}")
    if not desa:
        problems.append("Desa belum diisi.")
    elif len(regions) and regions.kecamatan(kecamatan) and regions.village(kecamatan, desa) is None:
        known = regions.kecamatan(kecamatan)
        problems.append(f"Desa '{desa}' tidak ada di Kecamatan {known}.{place_hint(regions, kecamatan, desa)}")
    return tuple(problems)
