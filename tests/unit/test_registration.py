"""KIM registration applications: read by header name, checked against the villages, numbered by pattern."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from pipeline.core.registration import check, operator_row, read_applications, registration_number
from pipeline.core.registry import OPERATOR_HEADER
from pipeline.infra.regions_file import load_regions

WITA = ZoneInfo("Asia/Makassar")
REGIONS = load_regions()
ROWS: list[list[object]] = [
    ["Stempel waktu", "Alamat email", "Nama", "Nama KIM", "Kecamatan", "Desa", "Instagram"],
    [46348.5, " Siti@Example.com ", "Siti", "KIM Maju", "juai", "JUAI", "@kimjuai"],
    ["", "tanpa-waktu@example.com", "X", "Y", "Juai", "Juai", ""],
]


def test_applications_are_read_by_header_name_and_rows_without_time_skipped() -> None:
    [application] = read_applications(ROWS, WITA)
    assert (application.email, application.kim, application.socials[1]) == ("Siti@Example.com", "KIM Maju", "@kimjuai")
    assert application.key.endswith("|siti@example.com")
    with pytest.raises(ValueError, match="Nama KIM"):
        read_applications([["Timestamp", "Email Address", "Nama", "Desa", "Kecamatan"]], WITA)


def test_the_village_must_exist_and_have_no_kim_yet() -> None:
    [application] = read_applications(ROWS, WITA)
    assert check(application, REGIONS, [], allow_second=False) == (("Juai", "Juai"), "")
    place, reason = check(application, REGIONS, [("Juai", "Juai")], allow_second=False)
    assert place is None and "sudah memiliki KIM" in reason
    assert check(application, REGIONS, [("Juai", "Juai")], allow_second=True)[0] == ("Juai", "Juai")


def test_numbers_follow_the_pattern_and_rows_the_operator_header() -> None:
    assert registration_number("KIM-{region}-{seq:04d}", "6311", 7) == "KIM-6311-0007"
    [application] = read_applications(ROWS, WITA)
    row = operator_row(application, ("Juai", "Juai"), "KIM-6311-0001")
    assert len(row) == len(OPERATOR_HEADER) and row[0] == "Siti@Example.com" and row[-1] == "KIM-6311-0001"


def test_an_application_whose_address_is_not_one_mailbox_is_refused_with_the_reason() -> None:
    from dataclasses import replace

    [application] = read_applications(ROWS, WITA)
    for email in ("a@x.id,b@y.org", "Siti <siti@x.id>", "siti@x.id\r\nBcc: b@y.org"):
        place, reason = check(replace(application, email=email), REGIONS, [], allow_second=False)
        assert place is None and "satu alamat e-mail" in reason
