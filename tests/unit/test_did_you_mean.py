"""A place that is not on the official list is answered with the closest official names, never guessed into."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.core.complaints import Complaint, place_of
from pipeline.core.model import FormResponse
from pipeline.core.regions import RegionDirectory, did_you_mean, place_hint
from pipeline.core.registration import Application, check
from pipeline.core.validate import check_fields, normalise
from pipeline.infra.regions_file import BUILTIN_REGIONS, load_regions

NOW = datetime(2026, 11, 22, tzinfo=UTC)
BODY = "Warga bergotong royong membersihkan saluran air desa."


@pytest.fixture(scope="module")
def regions() -> RegionDirectory:
    return load_regions(BUILTIN_REGIONS)


@pytest.mark.parametrize(
    ("kecamatan", "desa", "problem"),
    [
        ("Juai", "Muara Ninan", "Desa 'Muara Ninan' tidak ada di Kecamatan Juai. Mungkin maksudnya: Muara Ninian?"),
        ("Juai", "muara  NINAN", "Mungkin maksudnya: Muara Ninian?"),
        ("Batumandi", "Riwa", "Kecamatan 'Batumandi' tidak dikenal. Mungkin maksudnya: Batu Mandi?"),
        ("BATUMANDI", "", "Mungkin maksudnya: Batu Mandi?"),
        ("Paringin Selatn", "Batu Piring", "Mungkin maksudnya: Paringin Selatan?"),
        ("Lampihong", "batu mera", "Mungkin maksudnya: Batu Merah?"),
        # The desa is real but belongs elsewhere: say where, do not invent a near spelling.
        ("Juai", "Batumandi", "Desa Batumandi ada di Kecamatan Batu Mandi."),
        # The desa names the kecamatan the operator meant even when its spelling is far off.
        ("Kec. Juwai", "Muara Ninian", "Mungkin maksudnya: Juai?"),
    ],
)
def test_the_closest_official_names_are_offered(
    regions: RegionDirectory, kecamatan: str, desa: str, problem: str
) -> None:
    problems = check_fields("Judul", BODY, kecamatan, desa, regions)
    assert any(problem in p for p in problems), problems


def test_nothing_close_offers_nothing(regions: RegionDirectory) -> None:
    assert check_fields("Judul", BODY, "Halong", "Xyz", regions) == ("Desa 'Xyz' tidak ada di Kecamatan Halong.",)
    assert check_fields("Judul", BODY, "Jakarta", "Menteng", regions) == ("Kecamatan 'Jakarta' tidak dikenal.",)
    assert place_hint(regions, "", "") == ""


def test_a_suggestion_is_never_applied_by_itself(regions: RegionDirectory) -> None:
    """The operator or officer chooses: a near name is offered, the row keeps what was typed and waits."""
    response = FormResponse(
        received_at=NOW,
        email="op@example.com",
        kecamatan="Juai",
        desa="Muara Ninan",
        operator="Op",
        title="Judul",
        body=BODY,
        photos=(),
    )
    submission = normalise(response, regions)
    assert submission.desa == "Muara Ninan" and not submission.is_valid


def test_several_close_names_read_as_one_sentence() -> None:
    assert did_you_mean(["A"]) == " Mungkin maksudnya: A?"
    assert did_you_mean(["A", "B", "C"]) == " Mungkin maksudnya: A, B atau C?"
    assert did_you_mean([]) == ""


def test_complaints_and_registrations_offer_the_same(regions: RegionDirectory) -> None:
    application = Application(
        key="r1", received_at=NOW, email="op@example.com", name="Op", kim="KIM Ninian", desa="Muara Ninan",
        kecamatan="Juai", phone="", socials=(),
    )  # fmt: skip
    place, reason = check(application, regions, [], allow_second=False)
    assert place is None and reason.endswith("Mungkin maksudnya: Muara Ninian?")
    complaint = Complaint(
        key="r1", received_at=NOW, email="", name="Warga", contact="", desa="Riwa", kecamatan="Batumandi",
        category="Lainnya", text="Jalan rusak.", photos=(),
    )  # fmt: skip
    _, _, note = place_of(complaint, regions)
    assert note.endswith("Mungkin maksudnya: Batu Mandi?")
