"""SQLite state (WAL): every response seen, every submission queued and published, intents and audit events.

The review sheet is a view; this file is the truth. Success is written only after the remote call returned,
and every side effect is preceded by an open intent so a crash can be reconciled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..core.codes import format_code, split_code
from ..core.decide import PostState, Record
from ..core.duplicates import Earlier
from ..core.errors import StateError
from ..core.model import Status, Submission
from ..core.monev import History
from ..core.text import clean_body, clean_line, fold
from ..infra.private import FILE_MODE, private_dir, tighten

LEDGER_FILE = "ledger.sqlite3"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the migration's transaction half-way; run statement by statement.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _m001_initial(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE submissions (
            code TEXT PRIMARY KEY,
            response_key TEXT NOT NULL UNIQUE,
            received_at TEXT NOT NULL,
            kecamatan TEXT NOT NULL,
            desa TEXT NOT NULL,
            operator TEXT NOT NULL,
            email TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            photos TEXT NOT NULL,
            status TEXT NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            queued INTEGER NOT NULL DEFAULT 0,
            post_id TEXT,
            post_url TEXT,
            post_state TEXT,
            published_hash TEXT,
            processed_at TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE day_sequence (day TEXT PRIMARY KEY, last INTEGER NOT NULL);
        CREATE TABLE intents (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL,
            action TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL,
            error TEXT,
            created_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX intents_open ON intents (state) WHERE state = 'open';
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            code TEXT,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        CREATE INDEX events_code ON events (code);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    )


def _m002_fingerprint(db: sqlite3.Connection) -> None:
    # The same story sent twice (a double tap on a slow connection) is recognised by its text, not its row.
    _run_script(
        db,
        """
        ALTER TABLE submissions ADD COLUMN fingerprint TEXT;
        CREATE INDEX submissions_fingerprint ON submissions (fingerprint)
        """,
    )


def _m003_mode_override(db: sqlite3.Connection) -> None:
    # A post that went live outside the pipeline (a draft published by hand in Blogger): the review sheet's
    # `Mode` must say so, or the next cycle would take the post back to draft.
    _run_script(db, "ALTER TABLE submissions ADD COLUMN mode_override TEXT")


def _m004_recent_index(db: sqlite3.Connection) -> None:
    # Near-duplicates are looked for among the recent submissions of the same operator or village.
    _run_script(
        db,
        """
        CREATE INDEX submissions_email_received ON submissions (email, received_at);
        CREATE INDEX submissions_desa_received ON submissions (kecamatan, desa, received_at)
        """,
    )


def _m005_notices(db: sqlite3.Connection) -> None:
    # E-mails to send, each once: `key` names what it is about (e.g. `published:MM-...`), so queueing twice
    # is a no-op; `sending` is written before the mail server is asked, so a crash never leads to a resend.
    _run_script(
        db,
        """
        CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            code TEXT,
            kind TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE INDEX notices_pending ON notices (state) WHERE state IN ('pending', 'sending')
        """,
    )


def _m006_comments(db: sqlite3.Connection) -> None:
    # Readers' comments copied to the Tanggapan tab: `new`, then `sending` just before the batchUpdate that
    # appends them, then `written`; a `sending` one found later is looked for on the tab, never blindly resent.
    _run_script(
        db,
        """
        CREATE TABLE comments (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL,
            post_id TEXT NOT NULL,
            published TEXT NOT NULL,
            author TEXT NOT NULL,
            content TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'new',
            seen_at TEXT NOT NULL
        );
        CREATE INDEX comments_unwritten ON comments (state) WHERE state != 'written'
        """,
    )


def _m007_registrations(db: sqlite3.Connection) -> None:
    # KIM registrations from the registration form: numbered once (`seq` is unique), refused with a reason,
    # and copied to the Operator tab like comments to Tanggapan (new -> sending -> written).
    _run_script(
        db,
        """
        CREATE TABLE registrations (
            response_key TEXT PRIMARY KEY,
            email TEXT NOT NULL,
            kecamatan TEXT NOT NULL,
            desa TEXT NOT NULL,
            seq INTEGER UNIQUE,
            number TEXT,
            message TEXT NOT NULL DEFAULT '',
            row TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
    )


def _m008_status_index(db: sqlite3.Connection) -> None:
    # Each cycle asks for the drafts and scheduled posts that wait (and status counts for `mymein status`):
    # without an index that is a scan of every submission ever received.
    _run_script(db, "CREATE INDEX submissions_status ON submissions (status)")


def _m009_complaints(db: sqlite3.Connection) -> None:
    # Complaints (pengaduan): numbered per local day (PG-YYYYMMDD-NNNN), with personal data kept here and on
    # the Pengaduan tab only. `row_state` follows its row onto the tab like comments (new -> sending ->
    # written); the rest records what was done: forwarded to whom and when, the answer, closed.
    _run_script(
        db,
        """
        CREATE TABLE complaints (
            code TEXT PRIMARY KEY,
            response_key TEXT NOT NULL UNIQUE,
            day TEXT NOT NULL,
            seq INTEGER NOT NULL,
            received_at TEXT NOT NULL,
            name TEXT NOT NULL,
            contact TEXT NOT NULL,
            reply_to TEXT NOT NULL,
            kecamatan TEXT NOT NULL,
            desa TEXT NOT NULL,
            place_note TEXT NOT NULL,
            category TEXT NOT NULL,
            text TEXT NOT NULL,
            photos TEXT NOT NULL,
            status TEXT NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            department TEXT NOT NULL DEFAULT '',
            department_email TEXT NOT NULL DEFAULT '',
            forwarded_at TEXT,
            answer TEXT NOT NULL DEFAULT '',
            answer_digest TEXT NOT NULL DEFAULT '',
            answered_at TEXT,
            closed_at TEXT,
            row_state TEXT NOT NULL DEFAULT 'new',
            created_at TEXT NOT NULL,
            UNIQUE (day, seq)
        );
        CREATE INDEX complaints_unwritten ON complaints (row_state) WHERE row_state != 'written';
        CREATE INDEX complaints_status ON complaints (status)
        """,
    )


def _m010_sheet_memory(db: sqlite3.Connection) -> None:
    # What the review sheet last showed and what officers last chose, per story, so a cleared tab, a deleted
    # row or a restored old version of the spreadsheet is put back as it was, and no old decision is redone;
    # `archived_at` tells a story moved to the Arsip tab from one that went missing from the live tab.
    _run_script(
        db,
        """
        ALTER TABLE submissions ADD COLUMN seen TEXT;
        ALTER TABLE submissions ADD COLUMN shown TEXT;
        ALTER TABLE submissions ADD COLUMN archived_at TEXT;
        UPDATE submissions SET archived_at =
            (SELECT MIN(e.at) FROM events e WHERE e.code = submissions.code AND e.kind = 'archived');
        CREATE INDEX submissions_live ON submissions (code) WHERE archived_at IS NULL;
        CREATE INDEX submissions_post_id ON submissions (post_id) WHERE post_id IS NOT NULL
        """,
    )


def _m011_notice_retry(db: sqlite3.Connection) -> None:
    # A notice that was certainly not sent (the server or Google said no, for now, or the request never left)
    # waits until `retry_at` before its next attempt, so a bounded number of attempts spans an outage of
    # hours instead of a few cycles.
    _run_script(db, "ALTER TABLE notices ADD COLUMN retry_at TEXT")


# Named migrations, applied in order inside one transaction each; never edit a released one.
MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("001_initial", _m001_initial),
    ("002_fingerprint", _m002_fingerprint),
    ("003_mode_override", _m003_mode_override),
    ("004_recent_index", _m004_recent_index),
    ("005_notices", _m005_notices),
    ("006_comments", _m006_comments),
    ("007_registrations", _m007_registrations),
    ("008_status_index", _m008_status_index),
    ("009_complaints", _m009_complaints),
    ("010_sheet_memory", _m010_sheet_memory),
    ("011_notice_retry", _m011_notice_retry),
]


@dataclass(frozen=True)
class SubmissionRecord:
    code: str
    response_key: str
    received_at: datetime
    kecamatan: str
    desa: str
    operator: str
    email: str
    title: str
    body: str
    photos: tuple[str, ...]
    status: Status
    message: str
    queued: bool
    post_id: str | None
    post_url: str | None
    post_state: PostState | None
    published_hash: str | None
    processed_at: datetime | None
    mode_override: str | None = None
    seen: dict[str, Any] | None = None  # the officer's cells as last read from the review sheet (raw values)
    shown: dict[str, str] | None = None  # the pipeline's cells as the sheet last showed them after a write-back
    archived_at: datetime | None = None

    def as_record(self) -> Record:
        return Record(
            code=self.code,
            status=self.status,
            post_id=self.post_id,
            post_state=self.post_state,
            published_hash=self.published_hash,
            message=self.message,
        )


@dataclass(frozen=True)
class Intent:
    id: int
    code: str
    action: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Event:
    code: str | None
    at: datetime
    kind: str
    detail: dict[str, Any]


def _private_database(path: Path) -> None:
    """The ledger holds operators' and complainants' names and addresses: 0600. SQLite gives its -wal and -shm
    files the database file's own mode, so creating (or tightening) that one is enough."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        tighten(file)


class Ledger:
    def __init__(self, path: Path, clock: Callable[[], datetime] = _utc_now) -> None:
        private_dir(path.parent)
        self.path = path
        self.clock = clock
        try:
            _private_database(path)
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA busy_timeout=10000")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:  # read-only, full, not a database, locked by a dead NFS lock
            raise StateError(
                f"the ledger {path} cannot be opened ({exc}); check that state_dir is writable by this user and "
                "that the file is MyMeIn's ledger (restore it from a backup, or move it away to rebuild)"
            ) from exc

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        done = {row[0] for row in self.db.execute("SELECT name FROM schema_migrations")}
        for name, migrate in MIGRATIONS:
            if name in done:
                continue
            with self.transaction() as db:
                migrate(db)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, self._now()))

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0])

    def _now(self) -> str:
        return self.clock().astimezone(UTC).isoformat()

    # --- meta -----------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def due(self, key: str, now: datetime, seconds: float) -> bool:
        """Whether `seconds` have passed since the time kept under `key` (always, when none is kept)."""
        last = self.get_meta(key)
        return not last or (now - datetime.fromisoformat(last)).total_seconds() >= seconds

    # --- submissions ----------------------------------------------------------------------------------
    def known_response_keys(self, among: Iterable[str] | None = None) -> set[str]:
        """Response keys already in the ledger; with `among`, only those of them (a bookmark's tail)."""
        if among is None:
            return {row[0] for row in self.db.execute("SELECT response_key FROM submissions")}
        query = "SELECT response_key FROM submissions WHERE response_key IN (SELECT value FROM json_each(?))"
        return {row[0] for row in self.db.execute(query, (json.dumps(list(among)),))}

    def recent_from(self, submission: Submission, since: datetime, limit: int = 20) -> list[Earlier]:
        """The latest submissions, received since `since`, of the same operator (email) or village."""
        rows = self.db.execute(
            """SELECT code, title, body, received_at FROM submissions
               WHERE email = ? AND email != '' AND received_at >= ?
               UNION
               SELECT code, title, body, received_at FROM submissions
               WHERE kecamatan = ? AND desa = ? AND desa != '' AND received_at >= ?
               ORDER BY received_at DESC LIMIT ?""",
            (
                submission.email,
                since.astimezone(UTC).isoformat(),
                submission.kecamatan,
                submission.desa,
                since.astimezone(UTC).isoformat(),
                limit,
            ),
        )
        return [Earlier(row["code"], row["title"], row["body"]) for row in rows]

    def add_submission(
        self, response_key: str, submission: Submission, local_day: date, *, near: str | None = None
    ) -> SubmissionRecord:
        """Give a new response its reference code; the code and the row are written in one transaction.

        `near` is the code of a recent submission it nearly repeats, if any.
        """
        status = Status.WAITING if submission.is_valid else Status.NEEDS_FIX
        message = " ".join(submission.problems)
        fingerprint = text_fingerprint(submission.title, submission.body) if submission.title else None
        with self.transaction() as db:
            earlier = (
                db.execute(
                    "SELECT code FROM submissions WHERE fingerprint = ? ORDER BY received_at LIMIT 1", (fingerprint,)
                ).fetchone()
                if fingerprint
                else None
            )
            if earlier is not None:
                status = Status.DUPLICATE
                message = f"Isi sama dengan kiriman {earlier[0]}; centang Setujui bila tetap ingin diterbitkan."
            elif near is not None and submission.is_valid:
                status = Status.DUPLICATE
                message = (
                    f"Judul atau isi hampir sama dengan kiriman {near}; centang Setujui bila tetap ingin diterbitkan."
                )
            day = local_day.isoformat()
            db.execute(
                "INSERT INTO day_sequence VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET last = last + 1",
                (day,),
            )
            seq = int(db.execute("SELECT last FROM day_sequence WHERE day = ?", (day,)).fetchone()[0])
            code = format_code(local_day, seq)
            db.execute(
                """INSERT INTO submissions (code, response_key, received_at, kecamatan, desa, operator, email,
                   title, body, photos, status, message, created_at, fingerprint)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (
                    code,
                    response_key,
                    submission.received_at.astimezone(UTC).isoformat(),
                    submission.kecamatan,
                    submission.desa,
                    submission.operator,
                    submission.email,
                    submission.title,
                    submission.body,
                    json.dumps(list(submission.photos)),
                    status.value,
                    message,
                    self._now(),
                    fingerprint,
                ),
            )
            self._event(db, code, "received", {"status": status.value, "problems": list(submission.problems)})
        record = self.get(code)
        assert record is not None
        return record

    def restore(self, items: Sequence[SubmissionRecord], *, kind: str = "rebuilt") -> None:
        """Put back submissions recovered from the review sheet and the blog, in one go: by `mymein rebuild`
        (`kind` "rebuilt") or by a cycle that found the ledger lost or older than the sheet ("adopted_from_sheet";
        a code already known is then overwritten with what the sheet and the blog prove).

        Day sequences continue after the highest recovered code, so no new code repeats an old one. The one
        event each is `kind`, which no notice is queued from: what the sheet shows was announced before.
        """
        columns = (
            "code, response_key, received_at, kecamatan, desa, operator, email, title, body, photos, status, "
            "message, queued, post_id, post_url, post_state, published_hash, processed_at, created_at, fingerprint, "
            "seen, shown, archived_at"
        )
        keep = {"code", "response_key", "created_at"}  # a known code keeps its form answer and its first day
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns.split(", ") if c not in keep)
        with self.transaction() as db:
            for item in items:
                db.execute(
                    f"""INSERT INTO submissions ({columns}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?,?,?,?,?,?,?,?,?,?)
                        ON CONFLICT(code) DO UPDATE SET {updates}""",
                    (
                        item.code,
                        item.response_key,
                        item.received_at.astimezone(UTC).isoformat(),
                        item.kecamatan,
                        item.desa,
                        item.operator,
                        item.email,
                        item.title,
                        item.body,
                        json.dumps(list(item.photos)),
                        item.status.value,
                        item.message,
                        item.post_id,
                        item.post_url,
                        item.post_state.value if item.post_state else None,
                        item.published_hash,
                        _iso(item.processed_at),
                        self._now(),
                        text_fingerprint(item.title, item.body) if item.title else None,
                        json.dumps(item.seen, ensure_ascii=False) if item.seen is not None else None,
                        json.dumps(item.shown, ensure_ascii=False) if item.shown is not None else None,
                        _iso(item.archived_at),
                    ),
                )
                issued = split_code(item.code)
                if issued is not None:
                    db.execute(
                        "INSERT INTO day_sequence VALUES (?, ?) ON CONFLICT(day) DO UPDATE SET last = MAX(last, ?)",
                        (issued[0].isoformat(), issued[1], issued[1]),
                    )
                self._event(db, item.code, kind, {"status": item.status.value, "post_id": item.post_id})

    # --- what the review sheet showed and what officers chose ------------------------------------------
    def remember_seen(self, cells: dict[str, dict[str, Any]]) -> None:
        """The officer's cells of each code as this cycle read them (only those that changed are passed)."""
        if not cells:
            return
        with self.transaction() as db:
            db.executemany(
                "UPDATE submissions SET seen = ? WHERE code = ?",
                [(json.dumps(c, ensure_ascii=False), code) for code, c in cells.items()],
            )

    def remember_shown(self, cells: dict[str, dict[str, str]]) -> None:
        """The pipeline's cells each code's row shows now that a write-back landed."""
        if not cells:
            return
        with self.transaction() as db:
            db.executemany(
                "UPDATE submissions SET shown = ? WHERE code = ?",
                [(json.dumps(c, ensure_ascii=False), code) for code, c in cells.items()],
            )

    def live_codes(self) -> set[str]:
        """Codes that belong on the live review tab: queued there once and not moved to the archive."""
        rows = self.db.execute("SELECT code FROM submissions WHERE archived_at IS NULL AND queued = 1")
        return {row[0] for row in rows}

    def mark_archived(self, codes: Sequence[str], tab: str) -> None:
        with self.transaction() as db:
            for code in codes:
                db.execute(
                    "UPDATE submissions SET archived_at = COALESCE(archived_at, ?) WHERE code = ?", (self._now(), code)
                )
                self._event(db, code, "archived", {"tab": tab})

    def unarchive(self, code: str) -> None:
        """An archived story an officer brought back to the live tab and changed: it lives there again."""
        with self.transaction() as db:
            db.execute("UPDATE submissions SET archived_at = NULL WHERE code = ?", (code,))
            self._event(db, code, "unarchived", {})

    def codes_of_posts(self, post_ids: Iterable[str]) -> dict[str, str]:
        """Post id -> the code of the submission that owns that Blogger post."""
        rows = self.db.execute(
            "SELECT post_id, code FROM submissions WHERE post_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(post_ids)),),
        )
        return {row[0]: row[1] for row in rows}

    def codes_of_texts(self, fingerprints: Iterable[str]) -> dict[str, list[str]]:
        """Text fingerprint -> the codes of the submissions with that title and body, oldest first."""
        rows = self.db.execute(
            "SELECT fingerprint, code FROM submissions WHERE fingerprint IN (SELECT value FROM json_each(?))"
            " ORDER BY received_at, code",
            (json.dumps(list(fingerprints)),),
        )
        found: dict[str, list[str]] = {}
        for fingerprint, code in rows:
            found.setdefault(fingerprint, []).append(code)
        return found

    def doubt_notices(self, codes: Sequence[str], reason: str) -> int:
        """Notices about `codes` not yet sent by this ledger's account, which a lost newer ledger may have sent:
        marked uncertain, so never sent twice (`mymein status` shows them)."""
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE notices SET state = 'uncertain', error = ? WHERE state IN ('pending', 'sending')"
                " AND code IN (SELECT value FROM json_each(?))",
                (reason, json.dumps(list(codes))),
            )
            return int(cur.rowcount)

    def count_submissions(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])

    def get(self, code: str) -> SubmissionRecord | None:
        row = self.db.execute("SELECT * FROM submissions WHERE code = ?", (code,)).fetchone()
        return None if row is None else _to_record(row)

    def records(self, codes: Iterable[str] | None = None) -> dict[str, SubmissionRecord]:
        """Every submission by code; with `codes`, only those (the rows on the live sheet, not all history)."""
        if codes is None:
            rows = self.db.execute("SELECT * FROM submissions ORDER BY received_at, code")
        else:
            rows = self.db.execute(
                "SELECT * FROM submissions WHERE code IN (SELECT value FROM json_each(?)) ORDER BY received_at, code",
                (json.dumps(list(codes)),),
            )
        return {row["code"]: _to_record(row) for row in rows}

    def post_owners(self, post_ids: Iterable[str]) -> dict[str, str]:
        """Post id -> the code whose post it is, for the given ids that the ledger records."""
        rows = self.db.execute(
            "SELECT post_id, code FROM submissions WHERE post_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(post_ids)),),
        )
        return {str(row["post_id"]): str(row["code"]) for row in rows}

    def unqueued(self) -> list[SubmissionRecord]:
        rows = self.db.execute("SELECT * FROM submissions WHERE queued = 0 ORDER BY received_at, code")
        return [_to_record(row) for row in rows]

    def queued_undecided(self) -> list[SubmissionRecord]:
        """Submissions already on the review sheet that nobody has decided on and that have no post."""
        rows = self.db.execute(
            "SELECT * FROM submissions WHERE queued = 1 AND post_id IS NULL AND status IN (?, ?, ?, ?, ?, ?)"
            " ORDER BY received_at, code",
            (
                Status.WAITING.value,
                Status.NEEDS_FIX.value,
                Status.FAILED.value,
                Status.DUPLICATE.value,
                Status.WAITING_FACT_CHECK.value,
                Status.WAITING_HEAD.value,
            ),
        )
        return [_to_record(row) for row in rows]

    def awaiting_live(self) -> list[SubmissionRecord]:
        """Posts the pipeline left as drafts or scheduled: they may go live without it."""
        rows = self.db.execute(
            "SELECT * FROM submissions WHERE post_id IS NOT NULL AND status IN (?, ?) ORDER BY received_at, code",
            (Status.DRAFT.value, Status.SCHEDULED.value),
        )
        return [_to_record(row) for row in rows]

    def clear_mode_override(self, code: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE submissions SET mode_override = NULL WHERE code = ?", (code,))

    def waiting_since(self, before: datetime) -> list[SubmissionRecord]:
        """Submissions nobody has decided on, received at or before `before`, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM submissions WHERE status IN (?, ?, ?, ?) AND received_at <= ? ORDER BY received_at, code",
            (
                Status.WAITING.value,
                Status.DUPLICATE.value,
                Status.WAITING_FACT_CHECK.value,
                Status.WAITING_HEAD.value,
                before.astimezone(UTC).isoformat(),
            ),
        )
        return [_to_record(row) for row in rows]

    def last_event_id(self) -> int:
        return int(self.db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

    def mark_queued(self, codes: list[str]) -> None:
        with self.transaction() as db:
            for code in codes:
                db.execute("UPDATE submissions SET queued = 1 WHERE code = ?", (code,))
                self._event(db, code, "queued", {})

    def set_outcome(self, code: str, status: Status, message: str, *, kind: str, **post: Any) -> None:
        """Record what was done to a submission (after the remote call returned) and why."""
        allowed = {"post_id", "post_url", "post_state", "published_hash", "mode_override"}
        unknown = set(post) - allowed
        if unknown:
            raise ValueError(f"unknown outcome fields: {sorted(unknown)}")
        assignments = ["status = ?", "message = ?", "processed_at = ?"]
        values: list[Any] = [status.value, message, self._now()]
        for name, value in post.items():
            assignments.append(f"{name} = ?")
            values.append(value.value if isinstance(value, PostState) else value)
        with self.transaction() as db:
            db.execute(f"UPDATE submissions SET {', '.join(assignments)} WHERE code = ?", (*values, code))
            self._event(db, code, kind, {"status": status.value, "message": message, **_jsonable(post)})

    def note(self, code: str, message: str, *, kind: str) -> None:
        """A new `Pesan` for a submission, with nothing done to it (its status and time stay)."""
        with self.transaction() as db:
            db.execute("UPDATE submissions SET message = ? WHERE code = ?", (message, code))
            self._event(db, code, kind, {"message": message})

    def set_published_hash(self, code: str, published_hash: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE submissions SET published_hash = ? WHERE code = ?", (published_hash, code))

    def history(self, start: datetime, end: datetime) -> list[History]:
        """Submissions received in [start, end), with when each was first decided on and first published."""
        rows = self.db.execute(
            """SELECT s.code, s.kecamatan, s.desa, s.operator, s.email, s.status, s.received_at,
                 (SELECT MIN(e.at) FROM events e WHERE e.code = s.code
                    AND e.kind IN ('posted', 'rejected', 'scheduled', 'went_live', 'awaiting', 'held')) AS decided_at,
                 (SELECT MIN(e.at) FROM events e WHERE e.code = s.code
                    AND (e.kind = 'went_live'
                         OR (e.kind IN ('posted', 'updated') AND json_extract(e.detail, '$.status') = ?)))
                   AS published_at
               FROM submissions s WHERE s.received_at >= ? AND s.received_at < ? ORDER BY s.received_at""",
            (Status.PUBLISHED.value, start.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat()),
        )
        return [
            History(
                code=r["code"],
                kecamatan=r["kecamatan"],
                desa=r["desa"],
                operator=r["operator"],
                email=r["email"],
                status=Status(r["status"]),
                received_at=datetime.fromisoformat(r["received_at"]),
                decided_at=datetime.fromisoformat(r["decided_at"]) if r["decided_at"] else None,
                published_at=datetime.fromisoformat(r["published_at"]) if r["published_at"] else None,
            )
            for r in rows
        ]

    def comments_between(self, start: datetime, end: datetime) -> int:
        """Readers' comments published in [start, end) that the cycle has collected."""
        row = self.db.execute(
            "SELECT COUNT(*) FROM comments WHERE published >= ? AND published < ?",
            (start.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat()),
        ).fetchone()
        return int(row[0])

    def status_counts(self) -> dict[Status, int]:
        rows = self.db.execute("SELECT status, COUNT(*) FROM submissions GROUP BY status")
        return {Status(status): int(count) for status, count in rows}

    def oldest(self, status: Status) -> SubmissionRecord | None:
        row = self.db.execute(
            "SELECT * FROM submissions WHERE status = ? ORDER BY received_at LIMIT 1", (status.value,)
        ).fetchone()
        return None if row is None else _to_record(row)

    def count_events_since(self, kind: str, since: datetime) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) FROM events WHERE kind = ? AND at >= ?", (kind, since.astimezone(UTC).isoformat())
        ).fetchone()
        return int(row[0])

    # --- intents --------------------------------------------------------------------------------------
    def open_intent(self, code: str, action: str, payload: dict[str, Any]) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO intents (code, action, payload, state, created_at) VALUES (?, ?, ?, 'open', ?)",
                (code, action, json.dumps(payload), self._now()),
            )
            return int(cur.lastrowid or 0)

    def close_intent(self, intent_id: int, *, error: str | None = None) -> None:
        state = "failed" if error else "done"
        self.db.execute(
            "UPDATE intents SET state = ?, error = ?, finished_at = ? WHERE id = ?",
            (state, error, self._now(), intent_id),
        )

    @contextmanager
    def intended(self, code: str, action: str, payload: dict[str, Any] | None = None) -> Iterator[None]:
        """Record a side effect before it runs and as done or failed after; a crash leaves it open."""
        intent = self.open_intent(code, action, payload or {})
        try:
            yield
        except Exception as exc:
            self.close_intent(intent, error=str(exc) or type(exc).__name__)
            raise
        self.close_intent(intent)

    def shared_files(self, code: str) -> list[str]:
        """Drive files this submission's photos may still be shared as: shared (or maybe, if a crash cut the
        call short) and not unshared since."""
        rows = self.db.execute(
            "SELECT action, payload, state FROM intents WHERE code = ? AND action IN ('share', 'unshare') ORDER BY id",
            (code,),
        )
        shared: dict[str, None] = {}
        for row in rows:
            file_id = str(json.loads(row["payload"]).get("file_id", ""))
            if row["action"] == "share":
                shared[file_id] = None
            elif row["state"] == "done":
                shared.pop(file_id, None)
        return [f for f in shared if f]

    def sharers(self, file_id: str) -> set[str]:
        """The submissions this Drive file may still be shared for (see `shared_files`): a photo two stories
        use stays public while either still shows it."""
        rows = self.db.execute(
            """SELECT code, action, state FROM intents
               WHERE action IN ('share', 'unshare') AND json_extract(payload, '$.file_id') = ? ORDER BY id""",
            (file_id,),
        )
        codes: set[str] = set()
        for row in rows:
            if row["action"] == "share":
                codes.add(str(row["code"]))
            elif row["state"] == "done":
                codes.discard(str(row["code"]))
        return codes

    def open_intents(self, action: str | None = None) -> list[Intent]:
        query = "SELECT * FROM intents WHERE state = 'open'"
        params: tuple[str, ...] = ()
        if action:
            query += " AND action = ?"
            params = (action,)
        return [
            Intent(
                id=row["id"],
                code=row["code"],
                action=row["action"],
                payload=json.loads(row["payload"]),
                created_at=datetime.fromisoformat(row["created_at"]),
            )
            for row in self.db.execute(query + " ORDER BY id", params)
        ]

    # --- events ---------------------------------------------------------------------------------------
    def record_event(self, db: sqlite3.Connection, code: str | None, kind: str, detail: dict[str, Any]) -> None:
        """An event inside the caller's transaction."""
        self._event(db, code, kind, detail)

    def event(self, code: str | None, kind: str, detail: dict[str, Any]) -> None:
        self._event(self.db, code, kind, detail)

    def _event(self, db: sqlite3.Connection, code: str | None, kind: str, detail: dict[str, Any]) -> None:
        db.execute(
            "INSERT INTO events (code, at, kind, detail) VALUES (?, ?, ?, ?)",
            (code, self._now(), kind, json.dumps(_jsonable(detail), ensure_ascii=False)),
        )

    def events_after(self, event_id: int, kinds: Sequence[str]) -> list[tuple[int, Event]]:
        """Events of `kinds` newer than `event_id`, with their ids, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM events WHERE id > ? AND kind IN (SELECT value FROM json_each(?)) ORDER BY id",
            (event_id, json.dumps(list(kinds))),
        )
        return [
            (int(r["id"]), Event(r["code"], datetime.fromisoformat(r["at"]), r["kind"], json.loads(r["detail"])))
            for r in rows
        ]

    def events(self, code: str | None = None) -> list[Event]:
        if code is None:
            rows = self.db.execute("SELECT * FROM events ORDER BY id")
        else:
            rows = self.db.execute("SELECT * FROM events WHERE code = ? ORDER BY id", (code,))
        return [
            Event(
                code=r["code"],
                at=datetime.fromisoformat(r["at"]),
                kind=r["kind"],
                detail=json.loads(r["detail"]),
            )
            for r in rows
        ]


def text_fingerprint(title: str, body: str) -> str:
    """Equal for the same title and body, whatever the case, spacing or invisible characters."""
    return hashlib.sha256(f"{fold(clean_line(title))}\n{fold(clean_body(body))}".encode()).hexdigest()[:32]


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if isinstance(v, PostState | Status) else v) for k, v in detail.items()}


def _to_record(row: sqlite3.Row) -> SubmissionRecord:
    return SubmissionRecord(
        code=row["code"],
        response_key=row["response_key"],
        received_at=datetime.fromisoformat(row["received_at"]),
        kecamatan=row["kecamatan"],
        desa=row["desa"],
        operator=row["operator"],
        email=row["email"],
        title=row["title"],
        body=row["body"],
        photos=tuple(json.loads(row["photos"])),
        status=Status(row["status"]),
        message=row["message"],
        queued=bool(row["queued"]),
        post_id=row["post_id"],
        post_url=row["post_url"],
        post_state=PostState(row["post_state"]) if row["post_state"] else None,
        published_hash=row["published_hash"],
        processed_at=datetime.fromisoformat(row["processed_at"]) if row["processed_at"] else None,
        mode_override=row["mode_override"],
        seen=json.loads(row["seen"]) if row["seen"] else None,
        shown=json.loads(row["shown"]) if row["shown"] else None,
        archived_at=datetime.fromisoformat(row["archived_at"]) if row["archived_at"] else None,
    )
