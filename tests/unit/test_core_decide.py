"""The decision table: what the officer asked for against what the ledger says was done."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.core.decide import Action, Decision, PostState, Record, content_hash, decide, parse_schedule
from pipeline.core.model import Mode, ReviewRow, Status
from pipeline.infra.regions_file import load_regions

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
    assert run(row, Record(ROW.code, Status.NEEDS_FIX, message="Judul berita kosong.")) is Action.NOTHING


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


# --- the officer's slips: never guessed, held with a reason, nothing published or taken down meanwhile --------
def held(row: ReviewRow, decision: Decision) -> Record:
    """The ledger entry after the cycle carried out a hold."""
    return Record(ROW.code, Status.NEEDS_FIX, message=" ".join(decision.problems))


def test_an_english_or_synonym_mode_is_understood() -> None:
    for typed, mode in (("Draft", Mode.DRAFT), ("Konsep", Mode.DRAFT), ("Publish", Mode.LIVE)):
        decision = decide(
            replace(ROW, approve=True, mode_text=typed), WAITING, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA
        )
        assert (decision.action, decision.mode) == (Action.PUBLISH, mode)


def test_an_unknown_mode_holds_the_row_once_and_the_fixed_row_publishes() -> None:
    row = replace(ROW, approve=True, mode_text="Publikasi")
    decision = decide(row, WAITING, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA)
    assert decision.action is Action.HOLD
    assert decision.problems == ('Mode "Publikasi" tidak dikenal; pilih Terbit, Draf atau Jadwal.',)
    assert run(row, held(row, decision)) is Action.NOTHING  # told once, not every cycle
    # Another wrong word: the message follows what the sheet says now.
    assert run(replace(row, mode_text="Publish now"), held(row, decision)) is Action.HOLD
    fixed = decide(
        replace(row, mode_text="Draf"), held(row, decision), regions=REGIONS, default_mode=Mode.LIVE, tz=WITA
    )
    assert (fixed.action, fixed.mode) == (Action.PUBLISH, Mode.DRAFT)
    # Unticked meanwhile: back to waiting, as for any fixed row.
    assert run(replace(row, approve=False), held(row, decision)) is Action.REOPEN


def test_an_unknown_mode_is_not_held_while_the_row_is_not_approved() -> None:
    assert run(replace(ROW, mode_text="Publikasi")) is Action.NOTHING


def test_a_mistyped_mode_on_a_published_row_leaves_the_post_as_it_is() -> None:
    row = replace(ROW, approve=True)
    live = posted(row)
    slip = decide(replace(row, mode_text="Publikasi"), live, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA)
    assert slip.action is Action.HOLD and slip.mode is None
    still_live = Record(ROW.code, Status.NEEDS_FIX, "123", PostState.LIVE, content_hash(row), " ".join(slip.problems))
    assert run(replace(row, mode_text="Publikasi"), still_live) is Action.NOTHING
    # Fixed back to what the post is: the status comes back (the post is patched with what it already says).
    assert run(row, still_live) is Action.UPDATE
    assert run(replace(row, mode_text="Draf"), still_live) is Action.UPDATE


def test_a_published_row_held_for_its_content_and_fixed_gets_its_status_back() -> None:
    row = replace(ROW, approve=True)
    emptied = decide(replace(row, title=""), posted(row), regions=REGIONS, default_mode=Mode.LIVE, tz=WITA)
    assert emptied.action is Action.HOLD
    holding = Record(ROW.code, Status.NEEDS_FIX, "123", PostState.LIVE, content_hash(row), " ".join(emptied.problems))
    assert run(replace(row, title=""), holding) is Action.NOTHING
    assert run(row, holding) is Action.UPDATE


def test_an_unreadable_checkbox_holds_whatever_else_the_row_says() -> None:
    slip = ('Kolom Setujui berisi "mungkin", yang tidak dipahami; centang atau kosongkan kotaknya.',)
    unsure = replace(ROW, unreadable=slip)
    decision = decide(unsure, WAITING, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA)
    assert (decision.action, decision.problems) == (Action.HOLD, slip)
    assert run(unsure, held(unsure, decision)) is Action.NOTHING
    # On a published row: not taken for an untick, the post stays.
    assert run(unsure, posted(ROW)) is Action.HOLD
    # Cleared: the row goes back to waiting.
    assert run(ROW, held(unsure, decision)) is Action.REOPEN


def test_an_unreadable_tolak_never_publishes_but_a_clear_tolak_still_rejects() -> None:
    slip = ('Kolom Tolak berisi "?", yang tidak dipahami; centang atau kosongkan kotaknya.',)
    assert run(replace(ROW, approve=True, unreadable=slip)) is Action.HOLD
    assert run(replace(ROW, approve=True, unreadable=slip), posted(ROW)) is Action.HOLD
    other = ('Kolom Cek fakta berisi "?", yang tidak dipahami; centang atau kosongkan kotaknya.',)
    assert run(replace(ROW, reject=True, unreadable=other)) is Action.REJECT


def test_a_held_row_shows_the_operators_problems_and_the_officers_slips_together() -> None:
    row = replace(ROW, approve=True, title="", mode_text="Publikasi")
    decision = decide(row, WAITING, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA)
    assert decision.problems == (
        "Judul berita kosong.",
        'Mode "Publikasi" tidak dikenal; pilih Terbit, Draf atau Jadwal.',
    )


def test_a_schedule_long_past_is_not_published_by_surprise() -> None:
    now = datetime(2026, 12, 3, 9, 0, tzinfo=WITA)
    typo = replace(ROW, approve=True, mode_text="Jadwal", schedule_text="01/12/2025 08:00")  # a year off
    decision = decide(typo, WAITING, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA, now=now)
    assert decision.action is Action.HOLD and "2025-12-01 08:00" in decision.problems[0]
    # Hours late (the cycle ran late, or the officer was slow): published now, as before.
    recent = replace(typo, schedule_text="2026-12-03 07:00")
    late = decide(recent, WAITING, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA, now=now)
    assert (late.action, late.mode) == (Action.PUBLISH, Mode.LIVE)
    # A post already scheduled on the blog keeps going live by itself: nothing is held there.
    scheduled = posted(typo, PostState.SCHEDULED)
    went = decide(typo, scheduled, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA, now=now)
    assert went.action is not Action.HOLD


def test_a_photo_link_not_on_drive_holds_the_row() -> None:
    row = replace(ROW, approve=True, photos=("https://example.com/foto.jpg",))
    decision = decide(row, WAITING, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA)
    assert decision.action is Action.HOLD
    [problem] = decision.problems
    assert "https://example.com/foto.jpg" in problem and "formulir" in problem and "kolom Foto" in problem
    # The officer removes the link: the row publishes without it.
    assert run(replace(row, photos=()), held(row, decision)) is Action.PUBLISH
    drive = replace(row, photos=("https://drive.google.com/open?id=1AbCdEfGhIjKlMnOp",))
    assert run(drive) is Action.PUBLISH


def test_once_the_officers_slip_is_gone_the_message_keeps_only_the_operators_problems() -> None:
    slip = ('Kolom Setujui berisi "mungkin", yang tidak dipahami; centang atau kosongkan kotaknya.',)
    untitled = replace(ROW, title="")
    both = decide(replace(untitled, unreadable=slip), WAITING, regions=REGIONS, default_mode=Mode.LIVE, tz=WITA)
    assert both.problems == ("Judul berita kosong.", *slip)
    cleared = decide(untitled, held(untitled, both), regions=REGIONS, default_mode=Mode.LIVE, tz=WITA)
    assert (cleared.action, cleared.problems) == (Action.HOLD, ("Judul berita kosong.",))
    assert run(untitled, held(untitled, cleared)) is Action.NOTHING
