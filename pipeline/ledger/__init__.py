"""SQLite state (WAL): every response seen, every submission queued and published, intents and audit events,
complaints, comments, KIM registrations, notices.

The review sheet is a view; the ledger is the truth. Success is written only after the remote call returned,
and every side effect is preceded by an open intent so a crash can be reconciled.

This package owns all of the pipeline's SQL: `schema` (the named migrations), one module per table family
(`submissions`, `events`, `complaints`, `comments`, `registrations`, `notices`, `meta`) and `side_rows` (the
new -> sending -> written life of rows copied to side tabs). `Ledger` is the one way in: the methods below for
submissions, intents and events, and an attribute per other table family (`ledger.complaints.add(...)`).
Nothing outside the package touches the connection (`tests/unit/test_layers.py` checks).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..core.duplicates import Earlier
from ..core.errors import StateError
from ..core.message import Text
from ..core.model import Status, Submission
from ..core.monev import History
from ..infra.private import FILE_MODE, private_dir, tighten
from .comments import CommentRecord, Comments
from .complaints import ComplaintRecord, Complaints
from .events import Event, Events, Intent, Intents
from .meta import Meta
from .notices import Notices
from .registrations import RegistrationRecord, Registrations
from .schema import MIGRATIONS, migrate, schema_version
from .shares import Share, Shares
from .store import Store
from .submissions import Standing, SubmissionRecord, Submissions, text_fingerprint

__all__ = [
    "LEDGER_FILE",
    "MIGRATIONS",
    "CommentRecord",
    "ComplaintRecord",
    "Event",
    "Intent",
    "Ledger",
    "RegistrationRecord",
    "Share",
    "Standing",
    "SubmissionRecord",
    "text_fingerprint",
]

LEDGER_FILE = "ledger.sqlite3"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _private_database(path: Path) -> None:
    """The ledger holds operators' and complainants' names and addresses: 0600. SQLite gives its -wal and -shm
    files the database file's own mode, so creating (or tightening) that one is enough."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        tighten(file)


class Ledger:
    complaints: Complaints
    comments: Comments
    registrations: Registrations
    notices: Notices
    shares: Shares
    meta: Meta

    def __init__(self, path: Path, clock: Callable[[], datetime] = _utc_now) -> None:
        private_dir(path.parent)
        self.path = path
        self.clock = clock
        try:
            _private_database(path)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._store = Store(self._db, clock)
            migrate(self._store)
        except (OSError, sqlite3.Error) as exc:  # read-only, full, not a database, locked by a dead NFS lock
            raise StateError(
                Text(
                    "the ledger {path} cannot be opened ({error}); check that state_dir is writable by this user and "
                    "that the file is MyMeIn's ledger (restore it from a backup, or move it away to rebuild)",
                    path=path,
                    error=exc,
                )
            ) from exc
        store = self._store
        self._submissions = Submissions(store)
        self._intents = Intents(store)
        self._events = Events(store)
        self.complaints = Complaints(store)
        self.comments = Comments(store)
        self.registrations = Registrations(store)
        self.notices = Notices(store)
        self.shares = Shares(store)
        self.meta = Meta(store)

    def close(self) -> None:
        self._db.close()

    @property
    def schema_version(self) -> int:
        return schema_version(self._store)

    # --- meta (any key; named keys: `ledger.meta`) ---------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        return self.meta.value(key).get()

    def set_meta(self, key: str, value: str) -> None:
        self.meta.value(key).set(value)

    def due(self, key: str, now: datetime, seconds: float) -> bool:
        """Whether `seconds` have passed since the time kept under `key` (always, when none is kept)."""
        return self.meta.value(key).due(now, seconds)

    # --- submissions ----------------------------------------------------------------------------------------
    def known_response_keys(self, among: Iterable[str] | None = None) -> set[str]:
        """Response keys already in the ledger; with `among`, only those of them (a bookmark's tail)."""
        return self._submissions.known_response_keys(among)

    def recent_from(self, submission: Submission, since: datetime, limit: int = 20) -> list[Earlier]:
        """The latest submissions, received since `since`, of the same operator (email) or village."""
        return self._submissions.recent_from(submission, since, limit)

    def add_submission(
        self, response_key: str, submission: Submission, local_day: date, *, near: str | None = None
    ) -> SubmissionRecord:
        """Give a new response its reference code; the code and the row are written in one transaction.

        `near` is the code of a recent submission it nearly repeats, if any.
        """
        record = self.get(self._submissions.add(response_key, submission, local_day, near=near))
        assert record is not None
        return record

    def restore(self, items: Sequence[SubmissionRecord], *, kind: str = "rebuilt") -> None:
        """Put back submissions recovered from the review sheet and the blog, in one go: by `mymein rebuild`
        (`kind` "rebuilt") or by a cycle that found the ledger lost or older than the sheet ("adopted_from_sheet";
        a code already known is then overwritten with what the sheet and the blog prove).

        Day sequences continue after the highest recovered code, so no new code repeats an old one. The one
        event each is `kind`, which no notice is queued from: what the sheet shows was announced before.
        """
        self._submissions.restore(items, kind=kind)

    def remember_seen(self, cells: dict[str, dict[str, Any]]) -> None:
        """The officer's cells of each code as this cycle read them (only those that changed are passed)."""
        self._submissions.remember_seen(cells)

    def remember_shown(self, cells: dict[str, dict[str, str]]) -> None:
        """The pipeline's cells each code's row shows now that a write-back landed."""
        self._submissions.remember_shown(cells)

    def live_codes(self) -> set[str]:
        """Codes that belong on the live review tab: queued there once and not moved to the archive."""
        return self._submissions.live_codes()

    def mark_archived(self, codes: Sequence[str], tab: str) -> None:
        self._submissions.mark_archived(codes, tab)

    def unarchive(self, code: str) -> None:
        """An archived story an officer brought back to the live tab and changed: it lives there again."""
        self._submissions.unarchive(code)

    def codes_of_posts(self, post_ids: Iterable[str]) -> dict[str, str]:
        """Post id -> the code of the submission that owns that Blogger post."""
        return self._submissions.codes_of_posts(post_ids)

    def codes_of_texts(self, fingerprints: Iterable[str]) -> dict[str, list[str]]:
        """Text fingerprint -> the codes of the submissions with that title and body, oldest first."""
        return self._submissions.codes_of_texts(fingerprints)

    def count_submissions(self) -> int:
        return self._submissions.count()

    def get(self, code: str) -> SubmissionRecord | None:
        return self._submissions.get(code)

    def records(self, codes: Iterable[str] | None = None) -> dict[str, SubmissionRecord]:
        """Every submission by code; with `codes`, only those (the rows on the live sheet, not all history)."""
        return self._submissions.records(codes)

    def standings(self, codes: Iterable[str]) -> dict[str, Standing]:
        """Code -> status, post id and processing time, for the known ones among `codes` (no whole records)."""
        return self._submissions.standings(codes)

    def post_owners(self, post_ids: Iterable[str]) -> dict[str, str]:
        """Post id -> the code whose post it is, for the given ids that the ledger records."""
        return self._submissions.post_owners(post_ids)

    def code_of_post(self, post_id: str) -> str | None:
        """The code of the submission that owns this Blogger post; None for a post the pipeline did not make."""
        return self._submissions.code_of_post(post_id)

    def first_post_at(self) -> datetime | None:
        """When the first story with a post was processed."""
        return self._submissions.first_post_at()

    def unqueued(self) -> list[SubmissionRecord]:
        return self._submissions.unqueued()

    def queued_undecided(self) -> list[SubmissionRecord]:
        """Submissions already on the review sheet that nobody has decided on and that have no post."""
        return self._submissions.queued_undecided()

    def awaiting_live(self) -> list[SubmissionRecord]:
        """Posts the pipeline left as drafts or scheduled: they may go live without it."""
        return self._submissions.awaiting_live()

    def clear_mode_override(self, code: str) -> None:
        self._submissions.clear_mode_override(code)

    def waiting_since(self, before: datetime) -> list[SubmissionRecord]:
        """Submissions nobody has decided on, received at or before `before`, oldest first."""
        return self._submissions.waiting_since(before)

    def mark_queued(self, codes: list[str]) -> None:
        self._submissions.mark_queued(codes)

    def set_outcome(self, code: str, status: Status, message: str, *, kind: str, **post: Any) -> None:
        """Record what was done to a submission (after the remote call returned) and why."""
        self._submissions.set_outcome(code, status, message, kind=kind, **post)

    def note(self, code: str, message: str, *, kind: str) -> None:
        """A new `Pesan` for a submission, with nothing done to it (its status and time stay)."""
        self._submissions.note(code, message, kind=kind)

    def set_published_hash(self, code: str, published_hash: str) -> None:
        self._submissions.set_published_hash(code, published_hash)

    def history(self, start: datetime, end: datetime) -> list[History]:
        """Submissions received in [start, end), with when each was first decided on and first published."""
        return self._submissions.history(start, end)

    def status_counts(self) -> dict[Status, int]:
        return self._submissions.status_counts()

    def oldest(self, status: Status) -> SubmissionRecord | None:
        return self._submissions.oldest(status)

    def comments_between(self, start: datetime, end: datetime) -> int:
        """Readers' comments published in [start, end) that the cycle has collected."""
        return self.comments.between(start, end)

    def doubt_notices(self, codes: Sequence[str], reason: str) -> int:
        """Notices about `codes` not yet sent by this ledger's account, which a lost newer ledger may have sent:
        marked uncertain, so never sent twice (`mymein status` shows them)."""
        return self.notices.doubt(codes, reason)

    # --- intents --------------------------------------------------------------------------------------------
    def open_intent(self, code: str, action: str, payload: dict[str, Any]) -> int:
        return self._intents.open(code, action, payload)

    def close_intent(self, intent_id: int, *, error: str | None = None) -> None:
        self._intents.close(intent_id, error=error)

    def intended(
        self, code: str, action: str, payload: dict[str, Any] | None = None
    ) -> contextlib.AbstractContextManager[None]:
        """Record a side effect before it runs and as done or failed after; a crash leaves it open."""
        return self._intents.intended(code, action, payload)

    def shared_files(self, code: str) -> list[str]:
        """Drive files this submission's photos may still be shared as: shared (or maybe, if a crash cut the
        call short) and not unshared since."""
        return self._intents.shared_files(code)

    def sharers(self, file_id: str) -> set[str]:
        """The submissions this Drive file may still be shared for (see `shared_files`)."""
        return self._intents.sharers(file_id)

    def open_intents(self, action: str | None = None) -> list[Intent]:
        return self._intents.still_open(action)

    # --- events ---------------------------------------------------------------------------------------------
    def event(self, code: str | None, kind: str, detail: dict[str, Any]) -> None:
        self._events.record(code, kind, detail)

    def last_event_id(self) -> int:
        return self._events.last_id()

    def events_after(self, event_id: int, kinds: Sequence[str]) -> list[tuple[int, Event]]:
        """Events of `kinds` newer than `event_id`, with their ids, oldest first."""
        return self._events.after(event_id, kinds)

    def events(self, code: str | None = None) -> list[Event]:
        return self._events.of(code)

    def count_events_since(self, kind: str, since: datetime) -> int:
        return self._events.count_since(kind, since)
