"""The pure part of complaints: reading the form and tabs, numbering, and what an officer's entries call for."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from pipeline.core.complaints import (
    TAB_HEADERS,
    ComplaintLayout,
    ComplaintRow,
    ComplaintState,
    ComplaintStatus,
    ComplaintTabError,
    Department,
    answer_digest,
    complaint_code,
    decide_complaint,
    mailboxes,
    read_complaints,
    read_departments,
    reply_address,
)

WITA = ZoneInfo("Asia/Makassar")
DEPARTMENTS = {"dinas pupr": Department("Dinas PUPR", "pupr@example.go.id"), "dinsos": Department("Dinsos", "")}


def _state(**changes: object) -> ComplaintState:
    values: dict[str, object] = {
        "code": "PG-20261122-0001",
        "department": "",
        "answer_digest": "",
        "closed": False,
        "reply_to": "warga@example.com",
        "place_note": "",
    }
    values.update(changes)
    return ComplaintState(**values)  # type: ignore[arg-type]


def _row(department: str = "", answer: str = "", done: bool = False) -> ComplaintRow:
    return ComplaintRow("PG-20261122-0001", department, answer, done, {})


def test_codes_carry_the_local_day_and_a_four_digit_number() -> None:
    assert complaint_code(date(2026, 11, 22), 7) == "PG-20261122-0007"


def test_the_form_is_read_by_header_names_and_rows_without_text_are_skipped() -> None:
    rows = [
        ["Stempel waktu", "Nama", "No. HP", "Desa", "Kecamatan", "Kategori", "Pengaduan", "Foto Pendukung"],
        ["22/11/2026 09:00:00", " Warga  Satu ", "warga@example.com", "Juai", "Juai", "", "Jalan\r\nrusak", ""],
        ["22/11/2026 09:05:00", "Warga Dua", "0812", "Juai", "Juai", "Air", "   ", ""],
    ]
    [complaint] = read_complaints(rows, WITA)
    assert (complaint.name, complaint.category, complaint.text) == ("Warga Satu", "Lainnya", "Jalan\nrusak")
    assert reply_address(complaint) == "warga@example.com"  # a contact that is an e-mail is used


def test_a_form_without_the_text_column_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="Isi Pengaduan"):
        read_complaints([["Timestamp", "Nama", "Desa", "Kecamatan"]], WITA)


def test_departments_without_a_usable_address_keep_an_empty_one() -> None:
    found = read_departments([["Nama SKPD", "Email"], ["Dinas PUPR", "pupr@example.go.id"], ["Dinsos", "belum ada"]])
    assert found == {"dinas pupr": DEPARTMENTS["dinas pupr"], "dinsos": Department("Dinsos", "")}


def test_a_department_may_give_several_addresses_and_unusable_ones_are_dropped() -> None:
    rows = [["Nama SKPD", "Email"], ["Dinas PUPR", "kadis@pupr.go.id; sekretariat@pupr.go.id, bukan-email"]]
    [department] = read_departments(rows).values()
    assert department.email == "kadis@pupr.go.id, sekretariat@pupr.go.id"
    assert department.addresses == ("kadis@pupr.go.id", "sekretariat@pupr.go.id")
    assert mailboxes("") == () and mailboxes("a@b") == ()


def test_the_tab_layout_follows_moved_columns_and_names_what_is_missing() -> None:
    header = list(TAB_HEADERS.values())
    header.insert(0, header.pop(header.index("Status")))
    layout = ComplaintLayout.from_header(header)
    row = layout.lay_out({"code": "PG-20261122-0001", "status": "Diterima"})
    assert row[0] == "Diterima" and row[1] == "PG-20261122-0001"
    [(number, parsed)] = layout.parse([header, row, ["", "catatan lepas"]])
    assert number == 2 and parsed.shown["status"] == "Diterima"
    with pytest.raises(ComplaintTabError, match="Jawaban"):
        ComplaintLayout.from_header([h for h in header if h != "Jawaban"])


def test_picking_a_department_forwards_once_and_picking_another_reroutes() -> None:
    step = decide_complaint(_row("dinas  PUPR"), _state(), DEPARTMENTS)
    assert step.forward_to == DEPARTMENTS["dinas pupr"] and step.status is ComplaintStatus.FORWARDED
    again = decide_complaint(_row("Dinas PUPR"), _state(department="Dinas PUPR"), DEPARTMENTS)
    assert again.forward_to is None and not again.changes and again.status is ComplaintStatus.FORWARDED


def test_unknown_departments_and_departments_without_mail_are_explained_not_forwarded() -> None:
    unknown = decide_complaint(_row("Dinas Khayalan"), _state(), DEPARTMENTS)
    assert unknown.forward_to is None and "tidak ada di tab SKPD" in unknown.message
    silent = decide_complaint(_row("Dinsos"), _state(), DEPARTMENTS)
    assert silent.forward_to is None and "belum punya alamat e-mail" in silent.message
    assert silent.status is ComplaintStatus.RECEIVED


def test_an_answer_is_recorded_once_and_again_only_when_edited() -> None:
    first = decide_complaint(_row("Dinas PUPR", "Sudah diperbaiki."), _state(department="Dinas PUPR"), DEPARTMENTS)
    assert first.answer == "Sudah diperbaiki." and first.status is ComplaintStatus.ANSWERED
    recorded = _state(department="Dinas PUPR", answer_digest=answer_digest("Sudah diperbaiki."))
    assert decide_complaint(_row("Dinas PUPR", "sudah  diperbaiki."), recorded, DEPARTMENTS).answer is None
    assert decide_complaint(_row("Dinas PUPR", "Sudah diperbaiki semua."), recorded, DEPARTMENTS).answer is not None


def test_no_forwarding_once_answered_or_closed() -> None:
    answered = _state(answer_digest=answer_digest("Jawaban"))
    assert decide_complaint(_row("Dinas PUPR", "Jawaban"), answered, DEPARTMENTS).forward_to is None
    assert decide_complaint(_row("Dinas PUPR", done=True), _state(), DEPARTMENTS).forward_to is None


def test_selesai_closes_and_unticking_reopens() -> None:
    closing = decide_complaint(_row(done=True), _state(), DEPARTMENTS)
    assert closing.close and closing.status is ComplaintStatus.CLOSED
    reopened = decide_complaint(_row("Dinas PUPR"), _state(department="Dinas PUPR", closed=True), DEPARTMENTS)
    assert reopened.reopen and reopened.status is ComplaintStatus.FORWARDED


def test_an_answer_for_a_complainant_without_email_asks_the_officer_to_pass_it_on() -> None:
    step = decide_complaint(_row(answer="Sudah."), _state(reply_to=""), DEPARTMENTS)
    assert "tidak mencantumkan e-mail" in step.message


def test_an_unreadable_selesai_changes_nothing_and_says_so() -> None:
    unsure = ComplaintRow(
        "PG-20261122-0001", "Dinas PUPR", "", False, {}, 'Kolom Selesai berisi "?", yang tidak dipahami.'
    )
    open_one = decide_complaint(unsure, _state(department="Dinas PUPR"), DEPARTMENTS)
    assert not open_one.close and not open_one.reopen and open_one.status is ComplaintStatus.FORWARDED
    assert "Selesai" in open_one.message
    closed = decide_complaint(unsure, _state(department="Dinas PUPR", closed=True), DEPARTMENTS)
    assert not closed.reopen and closed.status is ComplaintStatus.CLOSED and "Selesai" in closed.message


def test_the_tab_reads_selesai_strictly() -> None:
    header = list(TAB_HEADERS.values())
    layout = ComplaintLayout.from_header(header)
    rows = [
        header,
        layout.lay_out({"code": "PG-20261122-0001", "done": "ya"}),
        layout.lay_out({"code": "PG-20261122-0002", "done": "mungkin"}),
        layout.lay_out({"code": "PG-20261122-0003", "done": ""}),
    ]
    [(_, yes), (_, unsure), (_, blank)] = layout.parse(rows)
    assert (yes.done, yes.unreadable) == (True, "")
    assert unsure.done is False and '"mungkin"' in unsure.unreadable and "Selesai" in unsure.unreadable
    assert (blank.done, blank.unreadable) == (False, "")


def test_a_department_is_matched_whatever_the_case_and_spaces_and_an_unknown_one_is_never_forwarded() -> None:
    assert decide_complaint(_row("\u00a0dinas   pupr "), _state(), DEPARTMENTS).forward_to == DEPARTMENTS["dinas pupr"]
    for typed in ("Dinas PUPR Balangan", "PUPR"):
        step = decide_complaint(_row(typed), _state(), DEPARTMENTS)
        assert step.forward_to is None and f"SKPD {typed} tidak ada di tab SKPD" in step.message
        assert step.status is ComplaintStatus.RECEIVED
