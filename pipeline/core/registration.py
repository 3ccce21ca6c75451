"""KIM registration: an operator registers the village's KIM through a form and gets a registration number.

Pure: reading the form's rows by header name, checking an application, and numbering it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from .addresses import one_address
from .form_build import FormPlan, Question
from .form_roles import EMAIL_HEADERS, TIMESTAMP_HEADERS, locate
from .form_roles import cell as role_cell
from .regions import RegionDirectory, place_hint
from .sheettime import parse_timestamp
from .text import clean_line, fold

# role -> header names the registration form may use (Indonesian and English Google accounts); the columns
# Forms fills itself come from the table every form shares, then an `Email` question for a form that asks.
COLUMNS: dict[str, tuple[str, ...]] = {
    "received": TIMESTAMP_HEADERS,
    "email": (*EMAIL_HEADERS, "Email"),
    "name": ("Nama Operator", "Nama"),
    "kim": ("Nama KIM",),
    "desa": ("Desa",),
    "kecamatan": ("Kecamatan",),
    "phone": ("Telepon", "Nomor HP", "No. HP"),
    "facebook": ("Facebook",),
    "instagram": ("Instagram",),
    "youtube": ("YouTube",),
    "tiktok": ("TikTok",),
}
REQUIRED = ("received", "email", "name", "kim", "desa", "kecamatan")


@dataclass(frozen=True)
class Application:
    key: str  # the response's identity: time and e-mail, as for news
    received_at: datetime
    email: str
    name: str
    kim: str
    desa: str
    kecamatan: str
    phone: str
    socials: tuple[str, str, str, str]  # Facebook, Instagram, YouTube, TikTok


def read_applications(rows: Sequence[Sequence[object]], tz: tzinfo) -> list[Application]:
    """The form's rows (header first) as applications; rows without a time or an e-mail are skipped."""
    if not rows:
        return []
    where = locate(rows[0], COLUMNS, REQUIRED, "the registration form's sheet")
    found: list[Application] = []
    for row in rows[1:]:

        def cell(role: str, row: Sequence[object] = row) -> object:
            return role_cell(row, where, role, rows[0])

        received = parse_timestamp(cell("received"), tz)
        email = clean_line(cell("email"))
        if received is None or not email:
            continue
        text = {role: clean_line(cell(role)) for role in COLUMNS if role != "received"}
        found.append(
            Application(
                key=f"{received.isoformat()}|{fold(email)}",
                received_at=received,
                email=email,
                name=text["name"],
                kim=text["kim"],
                desa=text["desa"],
                kecamatan=text["kecamatan"],
                phone=text["phone"],
                socials=(text["facebook"], text["instagram"], text["youtube"], text["tiktok"]),
            )
        )
    return found


def check(
    application: Application,
    regions: RegionDirectory,
    registered: Collection[tuple[str, str]],
    *,
    allow_second: bool,
) -> tuple[tuple[str, str] | None, str]:
    """The village (canonical kecamatan, desa) it is for, or None with the reason in Indonesian."""
    if one_address(application.email) is None:
        # The number goes to the Operator tab with this address, and the answer is mailed to it: it must be one.
        return None, "Alamat e-mail tidak valid: isi satu alamat e-mail operator (contoh: nama@gmail.com)."
    if not application.kim or not application.name:
        return None, "Nama operator dan nama KIM wajib diisi."
    village = regions.village(application.kecamatan, application.desa)
    if village is None:
        return None, (
            f"Desa {application.desa or '(kosong)'} di Kecamatan {application.kecamatan or '(kosong)'} tidak "
            "ditemukan dalam daftar desa kabupaten; periksa ejaannya."
            + place_hint(regions, application.kecamatan, application.desa)
        )
    place = (village.kecamatan, village.desa)
    if not allow_second and (fold(place[0]), fold(place[1])) in {(fold(k), fold(d)) for k, d in registered}:
        return (
            None,
            f"Desa {village.desa} sudah memiliki KIM terdaftar; hubungi Diskominfo bila ada perubahan pengurus.",
        )
    return place, ""


def registration_number(pattern: str, region_code: str, sequence: int) -> str:
    """E.g. `KIM-{region}-{seq:04d}` with region 6311 and sequence 1 -> KIM-6311-0001."""
    return pattern.format(region=region_code, seq=sequence)


def operator_row(application: Application, place: tuple[str, str], number: str) -> list[object]:
    """A row of the Operator tab, in its header's order (`core.registry.OPERATOR_HEADER`)."""
    kecamatan, desa = place
    return [
        application.email,
        application.name,
        application.kim,
        desa,
        kecamatan,
        application.phone,
        *application.socials,
        number,
    ]


def registration_form_plan() -> FormPlan:
    """The KIM registration form `mymein init --form` builds: its titles are the first names `COLUMNS` reads;
    the operator's address is the signed-in account's (it becomes the operator's key in the Operator tab)."""
    first = {role: names[0] for role, names in COLUMNS.items()}
    socials = tuple(
        Question(first[role], hint=f"Alamat akun {first[role]} KIM (boleh kosong).")
        for role in ("facebook", "instagram", "youtube", "tiktok")
    )
    return FormPlan(
        kind="registration",
        title="Pendaftaran KIM",
        description="Pendaftaran Kelompok Informasi Masyarakat (KIM) desa. Nomor registrasi dikirim lewat e-mail.",
        before=(Question(first["name"], required=True), Question(first["kim"], required=True)),
        after=(Question(first["phone"], required=True, hint="Nomor HP/WhatsApp operator."), *socials),
        kecamatan=first["kecamatan"],
        desa=first["desa"],
        email="VERIFIED",
        last_section="Kontak dan media sosial",
    )
