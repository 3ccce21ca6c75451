"""One address per e-mail answer: exactly one mailbox with a dotted domain, or none at all."""

from __future__ import annotations

import pytest

from pipeline.core.addresses import one_address
from pipeline.core.complaints import Complaint, mailboxes, reply_address, reply_problem

GOOD = ["siti@example.com", "  Siti.Rahmah+kim@desa-juai.balangankab.go.id ", "o'neil@x.id", "a_b-c@sub.x.co.id"]
BAD = [
    "",
    "a@x.id,b@y.org",
    "a@x.id, b@y.org",
    "a@x.id;b@y.org",
    "a@x.id b@y.org",
    "Siti <siti@x.id>",
    "<siti@x.id>",
    '"b@y.org" <a@x.id>',
    '"a b"@x.id',
    "a@x.id\r\nBcc: b@y.org",
    "a@x.id\nb@y.org",
    "a@x.id\x00",
    "a@b",
    "a@@x.id",
    "a@x..id",
    "a@-x.id",
    "a@x.id.",
    ".a@x.id",
    "a..b@x.id",
    "a@1.2.3.4",
    "a@[127.0.0.1]",
    "@x.id",
    "a@",
    "x" * 65 + "@x.id",
    "a@" + "b" * 250 + ".id",
    "(komentar)a@x.id",
    "a@x.id (komentar)",
    "warga@desa.id, pengurus",
]


@pytest.mark.parametrize("value", GOOD)
def test_one_plain_address_is_accepted_trimmed(value: str) -> None:
    assert one_address(value) == value.strip()


@pytest.mark.parametrize("value", BAD)
def test_anything_but_one_plain_address_is_refused(value: str) -> None:
    assert one_address(value) is None


def _complaint(email: str, contact: str) -> Complaint:
    from datetime import UTC, datetime

    return Complaint("k", datetime(2026, 11, 22, tzinfo=UTC), email, "Warga", contact, "Juai", "Juai", "Jalan", "x", ())


def test_a_complainant_is_answered_at_one_usable_address_or_told_why_not() -> None:
    assert reply_address(_complaint("warga@example.com", "")) == "warga@example.com"
    assert reply_address(_complaint("", "warga@example.com")) == "warga@example.com"
    assert reply_problem(_complaint("warga@example.com", "")) == ""
    for email, contact in (("a@x.id,b@y.org", "0812"), ("", "a@x.id; b@y.org"), ("Siti <s@x.id>", "")):
        complaint = _complaint(email, contact)
        assert reply_address(complaint) == ""
        assert "tidak dapat dipakai" in reply_problem(complaint)
    # No address left at all is not a problem with an address: the officer answers through the contact.
    assert reply_problem(_complaint("", "0812 345")) == ""


def test_a_department_cell_may_list_several_addresses_each_checked_alone() -> None:
    assert mailboxes("kadis@x.id, sekretariat@x.id; a@b ; Siti <s@x.id>") == ("kadis@x.id", "sekretariat@x.id")
