"""The responses bookmark: resume below the rows already seen, and notice when they moved."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.bookmark import OVERLAP, Bookmark, bookmark_after

HEADER = ["Timestamp", "Judul Berita"]


def key_of(row: Sequence[object]) -> str:
    return "|".join(str(c) for c in row)


ROWS = [[n, f"berita {n}"] for n in range(1, 51)]


def test_after_a_read_it_remembers_the_last_rows_and_resumes_above_them() -> None:
    mark = bookmark_after("Form", HEADER, 2, ROWS, key_of)
    assert mark is not None
    assert mark.last_row == 51 and len(mark.keys) == OVERLAP
    assert mark.start_row == 51 - OVERLAP + 1
    tail = [*ROWS[mark.start_row - 2 :], [51, "berita baru"]]
    assert mark.holds(HEADER, tail, key_of)
    assert Bookmark.loads(mark.dumps()) == mark


def test_a_sort_a_deleted_row_or_a_new_header_breaks_it() -> None:
    mark = bookmark_after("Form", HEADER, 2, ROWS, key_of)
    assert mark is not None
    start = mark.start_row - 2
    assert not mark.holds(HEADER, list(reversed(ROWS))[start:], key_of)
    assert not mark.holds(HEADER, (ROWS[:3] + ROWS[4:])[start:], key_of)
    assert not mark.holds(["Cap waktu", "Judul Berita"], ROWS[start:], key_of)
    assert not mark.holds(HEADER, ROWS[start : start + 3], key_of)


def test_an_unreadable_bookmark_is_none_and_an_empty_sheet_gives_none() -> None:
    assert Bookmark.loads("{broken") is None and Bookmark.loads(None) is None
    assert bookmark_after("Form", HEADER, 2, [], key_of) is None
