"""The decision table: what the officer asked for against what the ledger says was done."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.core.decide import Action, Decision, PostState, Record, content_hash, decide, parse_schedule
from pipeline.core.model import Mode, ReviewRow, Status
from pipeline.regions_file import load_regions

WITA = ZoneInfo("Asia/Makassar")
REGIONS = load_regions()
ROW = ReviewRow(
    row_number=2,
    code="MM-20261122-0001",
    kecamatan="Juai",
    desa="Juai",
    operator="Siti",
    email="siti@example.com",
    title="Gotong royong",
    body="Warga bergotong royong membersihkan saluran air desa.",
    photos=(),
    labels=(),
    approve=False,
    reject=False,
    mode_text="Terbit",
    schedule_text="",
    note="",
)
WAITING = Record(code=ROW.code, status=Status.WAITING)


def run(row: ReviewRow, record: Record = WAITING) -> Action:
    return decide(row, record, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA).action


def posted(row: ReviewRow, state: PostState = PostState.LIVE) -> Record:
    return Record(ROW.code, Status.PUBLISHED, "123", state, content_hash(row))


def test_untouched_row_does_nothing() -> None:
    assert run(ROW) is Action.NOTHING


def test_approval_publishes_in_the_chosen_mode() -> None:
    decision = decide(
        replace(ROW, approve=True, mode_text="draf"),
        WAITING,
        regions=REGIONS,
        default_mode=Mode.LIVE,
        tz=WITA,
    )
    assert decision.action is Action.PUBLISH and decision.mode is Mode.DRAFT


def test_empty_mode_uses_the_configured_default() -> None:
    decision = decide(
        replace(ROW, approve=True, mode_text=""), WAITING, regions=REGIONS, default_mode=Mode.DRAFT, tz=WITA
    )
    assert decision.mode is Mode.DRAFT


def test_published_row_unchanged_does_nothing_and_edit_updates() -> None:
    row = replace(ROW, approve=True)
    assert run(row, posted(row)) is Action.NOTHING
    assert run(replace(row, title="Gotong royong warga"), posted(row)) is Action.UPDATE


def test_changing_mode_after_publishing_updates() -> None:
    row = replace(ROW, approve=True)
    assert run(replace(row, mode_text="Draf"), posted(row)) is Action.UPDATE


def test_reject_before_publish_rejects_once() -> None:
    row = replace(ROW, reject=True, note="Belum dikonfirmasi")
    assert run(row) is Action.REJECT
    assert run(row, Record(ROW.code, Status.REJECTED)) is Action.NOTHING


def test_reject_after_publish_retracts_and_reject_wins_over_approve() -> None:
    row = replace(ROW, approve=True)
    assert run(replace(row, reject=True), posted(row)) is Action.RETRACT


def test_approving_an_invalid_row_holds_it_once() -> None:
    row = replace(ROW, approve=True, title="")
    decision = decide(row, WAITING, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA)
    assert decision.action is Action.HOLD and "Judul berita kosong." in decision.problems
    assert run(row, Record(ROW.code, Status.NEEDS_FIX)) is Action.NOTHING


def test_fixing_a_held_row_reopens_it_and_unticking_reject_reopens() -> None:
    assert run(ROW, Record(ROW.code, Status.NEEDS_FIX)) is Action.REOPEN
    assert run(ROW, Record(ROW.code, Status.REJECTED)) is Action.REOPEN


def test_schedule_needs_a_readable_time() -> None:
    row = replace(ROW, approve=True, mode_text="Jadwal", schedule_text="besok pagi")
    assert run(row) is Action.HOLD
    decision = decide(
        replace(row, schedule_text="2026-12-01 08:00"),
        WAITING,
        regions=REGIONS,
        default_mode=Mode.LIVE,
        tz=WITA,
    )
    assert decision.action is Action.PUBLISH
    assert decision.publish_at == datetime(2026, 12, 1, 8, 0, tzinfo=WITA)


@pytest.mark.parametrize("field", ["title", "body", "kecamatan", "desa", "operator"])
def test_content_hash_changes_with_every_visible_field(field: str) -> None:
    assert content_hash(replace(ROW, **{field: "lain"})) != content_hash(ROW)


def test_retracted_post_approved_again_is_updated_back() -> None:
    row = replace(ROW, approve=True)
    record = Record(ROW.code, Status.RETRACTED, "123", PostState.DRAFT, content_hash(row))
    assert run(row, record) is Action.UPDATE


def test_unticking_approval_of_a_post_retracts_it_whatever_its_state() -> None:
    for state in PostState:
        assert run(ROW, posted(ROW, state)) is Action.RETRACT
    retracted = Record(ROW.code, Status.RETRACTED, "123", PostState.DRAFT, content_hash(ROW))
    assert run(ROW, retracted) is Action.NOTHING


def test_a_schedule_whose_time_has_come_means_live() -> None:
    row = replace(ROW, approve=True, mode_text="Jadwal", schedule_text="2026-12-01 08:00")
    before = datetime(2026, 12, 1, 7, 59, tzinfo=WITA)
    after = datetime(2026, 12, 1, 8, 0, tzinfo=WITA)
    early = decide(row, WAITING, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA, now=before)
    assert (early.mode, early.publish_at) == (Mode.SCHEDULED, datetime(2026, 12, 1, 8, 0, tzinfo=WITA))
    late = decide(row, WAITING, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA, now=after)
    assert (late.action, late.mode, late.publish_at) == (Action.PUBLISH, Mode.LIVE, None)
    # Blogger put the scheduled post live at its time: nothing more to do.
    went_live = decide(row, posted(row, PostState.LIVE), regions=REGIONS, default_mode=Mode.LIVE, tz=WITA, now=after)
    assert went_live.action is Action.NOTHING


def test_a_schedule_typed_in_the_browser_arrives_as_a_serial_number() -> None:
    # Sheets turns "2026-12-01 08:00" typed by an officer into 46357.333...; the cycle reads it unformatted.
    assert parse_schedule("46357.333333333336", WITA) == datetime(2026, 12, 1, 8, 0, tzinfo=WITA)
    assert parse_schedule("2026-12-01 08:00", WITA) == datetime(2026, 12, 1, 8, 0, tzinfo=WITA)
    assert parse_schedule("-3", WITA) is None and parse_schedule("besok pagi", WITA) is None


def test_first_publication_waits_for_the_fact_check_then_the_head_of_division() -> None:
    def act(row: ReviewRow, record: Record = WAITING) -> Decision:
        return decide(
            row, record, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA, require_fact_check=True, approvals=2
        )

    approved = replace(ROW, approve=True)
    first = act(approved)
    assert (first.action, first.waiting_for) == (Action.AWAIT, Status.WAITING_FACT_CHECK)
    assert act(approved, Record(ROW.code, Status.WAITING_FACT_CHECK)).action is Action.NOTHING
    checked = replace(approved, fact_checked=True)
    assert act(checked, Record(ROW.code, Status.WAITING_FACT_CHECK)).waiting_for is Status.WAITING_HEAD
    assert act(replace(checked, head_approved=True), Record(ROW.code, Status.WAITING_HEAD)).action is Action.PUBLISH
    # Approval withdrawn while waiting: back to Menunggu. Updating a published post needs no new checks.
    assert act(ROW, Record(ROW.code, Status.WAITING_HEAD)).action is Action.REOPEN
    assert act(replace(approved, title="Judul baru"), posted(approved)).action is Action.UPDATE
