"""One table of the headers Forms gives its own columns, used by the news, complaint and registration forms."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from pipeline.config import DEFAULT_FORM_COLUMNS
from pipeline.core.complaints import read_complaints
from pipeline.core.form import FormLayout
from pipeline.core.form_roles import EMAIL_HEADERS, TIMESTAMP_HEADERS, with_form_headers
from pipeline.core.registration import read_applications

WITA = ZoneInfo("Asia/Makassar")
NEWS = ["Kecamatan", "Desa", "Nama Operator KIM", "Judul Berita", "Isi Berita", "Foto Berita"]
# Every (timestamp, e-mail) pair, once as Forms writes it and once in another case.
PAIRS = [(t, e) for t in TIMESTAMP_HEADERS for e in EMAIL_HEADERS] + [("CAP WAKTU", "alamat EMAIL")]


@pytest.mark.parametrize(("timestamp", "email"), PAIRS)
def test_every_form_finds_its_time_and_e_mail_under_every_name_forms_gives_them(timestamp: str, email: str) -> None:
    layout = FormLayout.from_header([timestamp, email, *NEWS], DEFAULT_FORM_COLUMNS)
    assert (layout.columns["timestamp"], layout.columns["email"]) == (0, 1)
    [complaint] = read_complaints(
        [
            [timestamp, email, "Nama Pelapor", "Desa", "Kecamatan", "Isi Pengaduan"],
            [46348.5, "w@x.id", "W", "Juai", "Juai", "Rusak."],
        ],
        WITA,
    )
    assert complaint.email == "w@x.id"
    [application] = read_applications(
        [
            [timestamp, email, "Nama Operator", "Nama KIM", "Desa", "Kecamatan"],
            [46348.5, "o@x.id", "O", "KIM", "Juai", "Juai"],
        ],
        WITA,
    )
    assert application.email == "o@x.id"


def test_a_configured_name_comes_first_and_the_shared_ones_still_count() -> None:
    columns = {**DEFAULT_FORM_COLUMNS, "timestamp": ["Waktu isi"], "email": []}
    assert FormLayout.from_header(["Waktu isi", "x", *NEWS], columns).columns["timestamp"] == 0
    assert FormLayout.from_header(["Cap waktu", "Nama pengguna", *NEWS], columns).columns["email"] == 1
    assert with_form_headers(["Waktu isi", "cap waktu"], TIMESTAMP_HEADERS) == (
        "Waktu isi",
        "cap waktu",
        "Timestamp",
        "Stempel waktu",
    )
