"""The ledger's table modules: named meta keys kept byte for byte, the side-tab row cycle, complaints and
registrations read back as frozen records, and migrations that existing ledgers recognise."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.core.complaints import Complaint, ComplaintStatus, ComplaintStep, Department
from pipeline.core.registration import Application
from pipeline.ledger import MIGRATIONS, ComplaintRecord, Ledger

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
WITA = timezone(timedelta(hours=8))


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / "l.sqlite3", clock=lambda: NOW)


def test_the_connection_is_the_ledgers_own(ledger: Ledger) -> None:
    assert not hasattr(ledger, "db") and not hasattr(ledger, "transaction") and not hasattr(ledger, "record_event")


def test_migrations_keep_their_names_and_order() -> None:
    # Existing ledgers know them by these names: renaming one would run it again.
    assert [name for name, _ in MIGRATIONS] == [
        "001_initial",
        "002_fingerprint",
        "003_mode_override",
        "004_recent_index",
        "005_notices",
        "006_comments",
        "007_registrations",
        "008_status_index",
        "009_complaints",
        "010_sheet_memory",
        "011_notice_retry",
        "013_social_shares",
        "014_directory",
    ]


def test_a_ledger_of_an_older_release_migrates_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, migrate in MIGRATIONS[:8]:
        migrate(db)
        db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, "2026-01-01T00:00:00+00:00"))
    db.execute("INSERT INTO meta VALUES ('comments_checked_at', '2026-01-01T00:00:00+00:00')")
    db.close()
    ledger = Ledger(path, clock=lambda: NOW)
    assert ledger.schema_version == len(MIGRATIONS)
    assert ledger.meta.comments_checked_at.time() == datetime(2026, 1, 1, tzinfo=UTC)
    assert ledger.complaints.records() == {} and ledger.notices.counts() == {}


def test_meta_keys_are_stored_as_earlier_releases_stored_them(ledger: Ledger) -> None:
    meta = ledger.meta
    keys = {
        meta.responses_tab("FORM"): "responses_tab:FORM",
        meta.responses_bookmark("FORM"): "responses_bookmark:FORM",
        meta.review_header("REVIEW"): "review_header:REVIEW",
        meta.tab("REVIEW", "comments_sheet_id"): "tab:REVIEW:comments_sheet_id",
        meta.legacy_tab("comments_sheet_id", "REVIEW", "Tanggapan"): "comments_sheet_id:REVIEW\tTanggapan",
        meta.read_gate: "read_gate",
        meta.blogger_paused_until: "blogger_paused_until",
        meta.blogger_state_checked_at: "blogger_state_checked_at",
        meta.blogger_posts_gone: "blogger_posts_gone",
        meta.recovery_looked_at_blog: "recovery_looked_at_blog",
        meta.api_calls(date(2026, 11, 22)): "api_calls:2026-11-22",
        meta.comments_checked_at: "comments_checked_at",
        meta.complaints_checked_at: "complaints_checked_at",
        meta.registrations_checked_at: "registrations_checked_at",
        meta.notices_watermark: "notices_event_id",
        meta.report_months: "report_months",
        meta.directory_page: "directory_page",
        meta.directory_checked_at: "directory_checked_at",
        meta.directory_stale: "directory_stale",
        meta.built_form("news"): "built_form:news",
        meta.job_done("monev 2026-11"): "job_done:monev 2026-11",
        meta.job_failed("monev 2026-11"): "job_failed:monev 2026-11",
    }
    for value, key in keys.items():
        assert value.key == key
        value.set(f"v:{key}")
        assert ledger.get_meta(key) == f"v:{key}"
    checked = meta.complaints_checked_at
    checked.set(NOW.isoformat())
    assert not checked.due(NOW + timedelta(seconds=59), 60) and checked.due(NOW + timedelta(seconds=60), 60)
    assert meta.value("never_set").due(NOW, 60) and meta.value("never_set").time() is None


def _complaint(key: str, received_at: datetime, email: str = "warga@example.com") -> Complaint:
    return Complaint(key, received_at, email, "Rahmat", "0812", "Juai", "Juai", "Jalan", "Jalan rusak.", ("a", "b"))


def test_complaints_are_numbered_per_day_and_read_back_as_records(ledger: Ledger) -> None:
    day = date(2026, 11, 22)
    first = ledger.complaints.add(
        _complaint("k1", datetime(2026, 11, 22, 9, 0, tzinfo=WITA)), day, ("Juai", "Juai", ""), "w@x.id", "Pilih.", NOW
    )
    second = ledger.complaints.add(_complaint("k2", NOW), day, ("Juai", "Juai", ""), "", "Pilih.", NOW)
    assert (first, second) == ("PG-20261122-0001", "PG-20261122-0002")
    record = ledger.complaints.get(first)
    assert isinstance(record, ComplaintRecord) and dataclasses.is_dataclass(record)
    assert (record.day, record.seq, record.status, record.photos) == (day, 1, ComplaintStatus.RECEIVED, ("a", "b"))
    assert record.received_at == datetime(2026, 11, 22, 1, 0, tzinfo=UTC) and record.received_at.tzinfo == UTC
    assert (record.forwarded_at, record.closed_at, record.row_state) == (None, None, "new")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.status = ComplaintStatus.CLOSED  # type: ignore[misc]
    assert ledger.complaints.known_keys() == {"k1", "k2"}
    assert [e.kind for e in ledger.events(first)] == ["complaint_received"]


def test_an_officers_step_and_its_events_are_one_change(ledger: Ledger) -> None:
    code = ledger.complaints.add(_complaint("k1", NOW), date(2026, 11, 22), ("Juai", "Juai", ""), "", "", NOW)
    record = ledger.complaints.get(code)
    assert record is not None
    pupr = Department("Dinas PUPR", "pupr@example.com")
    step = ComplaintStep(pupr, "Sudah diperbaiki.", False, False, ComplaintStatus.ANSWERED, "")
    ledger.complaints.apply(record.as_state(), step, "Jawaban dikirim.", photos_shared=True, at=NOW)
    after = ledger.complaints.get(code)
    assert after is not None
    assert (after.department, after.department_email, after.status, after.message) == (
        "Dinas PUPR",
        "pupr@example.com",
        ComplaintStatus.ANSWERED,
        "Jawaban dikirim.",
    )
    assert after.forwarded_at == after.answered_at == NOW and after.answer_digest
    assert [e.kind for e in ledger.events(code)] == ["complaint_received", "complaint_forwarded", "complaint_answered"]
    assert ledger.events(code)[1].detail == {
        "department": "Dinas PUPR",
        "email": "pupr@example.com",
        "again": False,
        "photos_shared": True,
    }
    with pytest.raises(sqlite3.IntegrityError):  # a failing statement takes the whole step back, events too
        ledger.complaints.apply(
            after.as_state(),
            ComplaintStep(None, None, True, False, ComplaintStatus.CLOSED, "Selesai."),
            None,  # type: ignore[arg-type]  # message is NOT NULL
            photos_shared=True,
            at=NOW,
        )
    unchanged = ledger.complaints.get(code)
    assert unchanged is not None and unchanged.closed_at is None
    assert len(ledger.events(code)) == 3


def test_a_restored_complaint_is_stored_as_it_was_read(ledger: Ledger) -> None:
    code = ledger.complaints.add(_complaint("k1", NOW), date(2026, 11, 22), ("Juai", "Juai", ""), "", "", NOW)
    before = ledger.complaints.get(code)
    assert before is not None
    local = datetime(2026, 11, 23, 10, 30, tzinfo=WITA)
    restored = dataclasses.replace(
        before, response_key="other", status=ComplaintStatus.FORWARDED, department="Dinas PUPR", forwarded_at=local
    )
    ledger.complaints.restore([restored])
    after = ledger.complaints.get(code)
    assert after is not None
    # A known code keeps its form answer; what the tab shows as done is taken, its time as given.
    assert after == dataclasses.replace(restored, response_key="k1")
    assert after.forwarded_at is not None and after.forwarded_at.utcoffset() == timedelta(hours=8)
    assert [e.kind for e in ledger.events(code)] == ["complaint_received", "complaint_rebuilt"]


@pytest.mark.parametrize("family", ["complaints", "comments", "registrations"])
def test_side_tab_rows_go_new_sending_written(ledger: Ledger, family: str) -> None:
    keys = _side_rows(ledger, family)
    side = getattr(ledger, family).rows
    assert side.any()
    side.mark(keys, "sending")
    assert side.any(("sending",)) and not side.any(("new",))
    side.settle({keys[0]})  # the answer was lost: the first landed, the second did not
    assert not side.any(("sending",))
    side.mark(keys[1:], "written")
    assert not side.any()
    with pytest.raises(ValueError):
        side.mark(keys, "archived")


def _side_rows(ledger: Ledger, family: str) -> list[str]:
    if family == "complaints":
        day = date(2026, 11, 22)
        return [ledger.complaints.add(_complaint(f"k{i}", NOW), day, ("Juai", "Juai", ""), "", "", NOW) for i in (1, 2)]
    if family == "comments":
        from pipeline.core.model import ReaderComment, Submission

        story = Submission(NOW, "a@example.com", "Juai", "Juai", "Siti", "Judul", "Isi.", ())
        code = ledger.add_submission("s1", story, date(2026, 11, 22)).code
        ledger.set_outcome(code, ledger.get(code).status, "", kind="posted", post_id="9")  # type: ignore[union-attr]
        for i in (1, 2):
            comment = ReaderComment(f"c{i}", "9", NOW + timedelta(minutes=i), "Budi", "<b>Bagus</b>")
            assert ledger.comments.add(comment, code, NOW) and not ledger.comments.add(comment, code, NOW)
        assert [c.id for c in ledger.comments.new()] == ["c1", "c2"] and ledger.comments.new()[0].desa == "Juai"
        return ["c1", "c2"]
    numbers = []
    for i, desa in enumerate(("Juai", "Lok Batu"), start=1):
        application = Application(f"r{i}", NOW, f"op{i}@example.com", "Siti", "KIM", desa, "Juai", "", ("",) * 4)
        numbers.append(
            ledger.registrations.register(
                application, ("Juai", desa), pattern="KIM-{region}-{seq:04d}", region_code="6311", taken=set(), at=NOW
            )
        )
    assert numbers == ["KIM-6311-0001", "KIM-6311-0002"]
    assert [r.number for r in ledger.registrations.new()] == numbers
    return ["r1", "r2"]


def test_registration_numbers_skip_those_already_on_the_tab(ledger: Ledger) -> None:
    def application(key: str, desa: str) -> Application:
        return Application(key, NOW, f"{key}@example.com", "Siti", "KIM", desa, "Juai", "", ("",) * 4)

    registrations = ledger.registrations
    registrations.adopt(application("r1", "Juai"), "KIM-6311-0001", 1, at=NOW)  # on the tab, unknown here
    taken = {"KIM-6311-0001", "KIM-6311-0002"}  # the tab shows 0002 too (an application not read yet)
    number = registrations.register(
        application("r2", "Lok Batu"),
        ("Juai", "Lok Batu"),
        pattern="KIM-{region}-{seq:04d}",
        region_code="6311",
        taken=taken,
        at=NOW,
    )
    assert number == "KIM-6311-0003"
    [record] = registrations.new()  # the adopted one is on the tab already: written
    assert (record.response_key, record.seq, record.row[0], record.row[-1]) == ("r2", 3, "r2@example.com", number)
    registrations.adopt(application("r3", "Halong"), "KIM-6311-0002", None, at=NOW)  # no sequence in its number
    registrations.refuse(application("r4", "Desa Khayalan"), "Desa tidak dikenal.", kind="registration_refused", at=NOW)
    assert registrations.known_keys() == {"r1", "r2", "r3", "r4"}
    assert registrations.numbers() == {"KIM-6311-0001", "KIM-6311-0002", "KIM-6311-0003"}
    assert registrations.registered_places() == [("Juai", "Juai"), ("Juai", "Lok Batu"), ("Juai", "Halong")]
    assert sorted(registrations.villages()) == [("Juai", "Halong"), ("Juai", "Juai"), ("Juai", "Lok Batu")]
    events = ledger.events()
    kinds = ["registration_adopted", "registered", "registration_adopted", "registration_refused"]
    assert [e.kind for e in events] == kinds
    assert events[2].detail == {"key": "r3", "number": "KIM-6311-0002"}
    assert events[3].detail["reason"] == "Desa tidak dikenal." and events[3].code is None
