"""The `submissions` table (and `day_sequence`): every response seen, its reference code, what was done to it,
and what the review sheet last showed of it."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..core.codes import format_code, split_code
from ..core.decide import PostState, Record
from ..core.duplicates import Earlier
from ..core.model import Status, Submission
from ..core.monev import History
from ..core.text import clean_body, clean_line, fold
from .events import insert_event, jsonable
from .store import Store, json_list, utc_text, utc_text_or_none, when


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


def text_fingerprint(title: str, body: str) -> str:
    """Equal for the same title and body, whatever the case, spacing or invisible characters."""
    return hashlib.sha256(f"{fold(clean_line(title))}\n{fold(clean_body(body))}".encode()).hexdigest()[:32]


# Statuses of stories nobody has decided on yet.
_UNDECIDED = (
    Status.WAITING.value,
    Status.NEEDS_FIX.value,
    Status.FAILED.value,
    Status.DUPLICATE.value,
    Status.WAITING_FACT_CHECK.value,
    Status.WAITING_HEAD.value,
)
_WAITING = (Status.WAITING.value, Status.DUPLICATE.value, Status.WAITING_FACT_CHECK.value, Status.WAITING_HEAD.value)
_OUTCOME_FIELDS = {"post_id", "post_url", "post_state", "published_hash", "mode_override"}
_RESTORED_COLUMNS = (
    "code, response_key, received_at, kecamatan, desa, operator, email, title, body, photos, status, "
    "message, queued, post_id, post_url, post_state, published_hash, processed_at, created_at, fingerprint, "
    "seen, shown, archived_at"
)


class Submissions:
    def __init__(self, store: Store) -> None:
        self._store = store

    # --- reading ----------------------------------------------------------------------------------------
    def known_response_keys(self, among: Iterable[str] | None = None) -> set[str]:
        """Response keys already in the ledger; with `among`, only those of them (a bookmark's tail)."""
        db = self._store.db
        if among is None:
            return {row[0] for row in db.execute("SELECT response_key FROM submissions")}
        query = "SELECT response_key FROM submissions WHERE response_key IN (SELECT value FROM json_each(?))"
        return {row[0] for row in db.execute(query, (json_list(among),))}

    def recent_from(self, submission: Submission, since: datetime, limit: int = 20) -> list[Earlier]:
        """The latest submissions, received since `since`, of the same operator (email) or village."""
        rows = self._store.db.execute(
            """SELECT code, title, body, received_at FROM submissions
               WHERE email = ? AND email != '' AND received_at >= ?
               UNION
               SELECT code, title, body, received_at FROM submissions
               WHERE kecamatan = ? AND desa = ? AND desa != '' AND received_at >= ?
               ORDER BY received_at DESC LIMIT ?""",
            (submission.email, utc_text(since), submission.kecamatan, submission.desa, utc_text(since), limit),
        )
        return [Earlier(row["code"], row["title"], row["body"]) for row in rows]

    def count(self) -> int:
        return int(self._store.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])

    def get(self, code: str) -> SubmissionRecord | None:
        row = self._store.db.execute("SELECT * FROM submissions WHERE code = ?", (code,)).fetchone()
        return None if row is None else _to_record(row)

    def records(self, codes: Iterable[str] | None = None) -> dict[str, SubmissionRecord]:
        """Every submission by code; with `codes`, only those (the rows on the live sheet, not all history)."""
        if codes is None:
            rows = self._store.db.execute("SELECT * FROM submissions ORDER BY received_at, code")
        else:
            rows = self._store.db.execute(
                "SELECT * FROM submissions WHERE code IN (SELECT value FROM json_each(?)) ORDER BY received_at, code",
                (json_list(codes),),
            )
        return {row["code"]: _to_record(row) for row in rows}

    def standings(self, codes: Iterable[str]) -> dict[str, Standing]:
        """Code -> the status, post and time the ledger holds, for those of `codes` it knows: what tells whether
        a review row is ahead of the ledger, without reading whole records."""
        rows = self._store.db.execute(
            "SELECT code, status, post_id, processed_at FROM submissions "
            "WHERE code IN (SELECT value FROM json_each(?))",
            (json_list(codes),),
        )
        return {row["code"]: Standing(Status(row["status"]), row["post_id"], when(row["processed_at"])) for row in rows}

    def post_owners(self, post_ids: Iterable[str]) -> dict[str, str]:
        """Post id -> the code whose post it is, for the given ids that the ledger records."""
        rows = self._store.db.execute(
            "SELECT post_id, code FROM submissions WHERE post_id IN (SELECT value FROM json_each(?))",
            (json_list(post_ids),),
        )
        return {str(row["post_id"]): str(row["code"]) for row in rows}

    def code_of_post(self, post_id: str) -> str | None:
        """The code of the submission that owns this Blogger post; None for a post the pipeline did not make."""
        row = self._store.db.execute("SELECT code FROM submissions WHERE post_id = ?", (post_id,)).fetchone()
        return None if row is None else str(row[0])

    def first_post_at(self) -> datetime | None:
        """When the first story with a post was processed: no comment on our posts is older."""
        row = self._store.db.execute("SELECT MIN(processed_at) FROM submissions WHERE post_id IS NOT NULL").fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def unqueued(self) -> list[SubmissionRecord]:
        rows = self._store.db.execute("SELECT * FROM submissions WHERE queued = 0 ORDER BY received_at, code")
        return [_to_record(row) for row in rows]

    def queued_undecided(self) -> list[SubmissionRecord]:
        """Submissions already on the review sheet that nobody has decided on and that have no post."""
        rows = self._store.db.execute(
            "SELECT * FROM submissions WHERE queued = 1 AND post_id IS NULL AND status IN (?, ?, ?, ?, ?, ?)"
            " ORDER BY received_at, code",
            _UNDECIDED,
        )
        return [_to_record(row) for row in rows]

    def awaiting_live(self) -> list[SubmissionRecord]:
        """Posts the pipeline left as drafts or scheduled: they may go live without it."""
        rows = self._store.db.execute(
            "SELECT * FROM submissions WHERE post_id IS NOT NULL AND status IN (?, ?) ORDER BY received_at, code",
            (Status.DRAFT.value, Status.SCHEDULED.value),
        )
        return [_to_record(row) for row in rows]

    def waiting_since(self, before: datetime) -> list[SubmissionRecord]:
        """Submissions nobody has decided on, received at or before `before`, oldest first."""
        rows = self._store.db.execute(
            "SELECT * FROM submissions WHERE status IN (?, ?, ?, ?) AND received_at <= ? ORDER BY received_at, code",
            (*_WAITING, utc_text(before)),
        )
        return [_to_record(row) for row in rows]

    def live_codes(self) -> set[str]:
        """Codes that belong on the live review tab: queued there once and not moved to the archive."""
        rows = self._store.db.execute("SELECT code FROM submissions WHERE archived_at IS NULL AND queued = 1")
        return {row[0] for row in rows}

    def codes_of_posts(self, post_ids: Iterable[str]) -> dict[str, str]:
        """Post id -> the code of the submission that owns that Blogger post."""
        rows = self._store.db.execute(
            "SELECT post_id, code FROM submissions WHERE post_id IN (SELECT value FROM json_each(?))",
            (json_list(post_ids),),
        )
        return {row[0]: row[1] for row in rows}

    def codes_of_texts(self, fingerprints: Iterable[str]) -> dict[str, list[str]]:
        """Text fingerprint -> the codes of the submissions with that title and body, oldest first."""
        rows = self._store.db.execute(
            "SELECT fingerprint, code FROM submissions WHERE fingerprint IN (SELECT value FROM json_each(?))"
            " ORDER BY received_at, code",
            (json_list(fingerprints),),
        )
        found: dict[str, list[str]] = {}
        for fingerprint, code in rows:
            found.setdefault(fingerprint, []).append(code)
        return found

    def status_counts(self) -> dict[Status, int]:
        rows = self._store.db.execute("SELECT status, COUNT(*) FROM submissions GROUP BY status")
        return {Status(status): int(count) for status, count in rows}

    def oldest(self, status: Status) -> SubmissionRecord | None:
        row = self._store.db.execute(
            "SELECT * FROM submissions WHERE status = ? ORDER BY received_at LIMIT 1", (status.value,)
        ).fetchone()
        return None if row is None else _to_record(row)

    def history(self, start: datetime, end: datetime) -> list[History]:
        """Submissions received in [start, end), with when each was first decided on and first published."""
        rows = self._store.db.execute(
            """SELECT s.code, s.kecamatan, s.desa, s.operator, s.email, s.status, s.received_at,
                 (SELECT MIN(e.at) FROM events e WHERE e.code = s.code
                    AND e.kind IN ('posted', 'rejected', 'scheduled', 'went_live', 'awaiting', 'held')) AS decided_at,
                 (SELECT MIN(e.at) FROM events e WHERE e.code = s.code
                    AND (e.kind = 'went_live'
                         OR (e.kind IN ('posted', 'updated') AND json_extract(e.detail, '$.status') = ?)))
                   AS published_at
               FROM submissions s WHERE s.received_at >= ? AND s.received_at < ? ORDER BY s.received_at""",
            (Status.PUBLISHED.value, utc_text(start), utc_text(end)),
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
                decided_at=when(r["decided_at"]),
                published_at=when(r["published_at"]),
            )
            for r in rows
        ]

    # --- writing ----------------------------------------------------------------------------------------
    def add(self, response_key: str, submission: Submission, local_day: date, *, near: str | None = None) -> str:
        """Give a new response its reference code; the code, the row and its event are one transaction.
        Returns the code. `near` is the code of a recent submission it nearly repeats, if any."""
        status = Status.WAITING if submission.is_valid else Status.NEEDS_FIX
        message = " ".join(submission.problems)
        fingerprint = text_fingerprint(submission.title, submission.body) if submission.title else None
        with self._store.transaction() as db:
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
            now = self._store.now()
            db.execute(
                """INSERT INTO submissions (code, response_key, received_at, kecamatan, desa, operator, email,
                   title, body, photos, status, message, created_at, fingerprint)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (
                    code,
                    response_key,
                    utc_text(submission.received_at),
                    submission.kecamatan,
                    submission.desa,
                    submission.operator,
                    submission.email,
                    submission.title,
                    submission.body,
                    json.dumps(list(submission.photos)),
                    status.value,
                    message,
                    now,
                    fingerprint,
                ),
            )
            detail = {"status": status.value, "problems": list(submission.problems)}
            insert_event(db, self._store.now(), code, "received", detail)
        return code

    def restore(self, items: Sequence[SubmissionRecord], *, kind: str) -> None:
        """Put back submissions recovered from the review sheet and the blog, in one transaction (see
        `Ledger.restore`); day sequences continue after the highest recovered code."""
        keep = {"code", "response_key", "created_at"}  # a known code keeps its form answer and its first day
        updates = ", ".join(f"{c} = excluded.{c}" for c in _RESTORED_COLUMNS.split(", ") if c not in keep)
        with self._store.transaction() as db:
            for item in items:
                db.execute(
                    f"""INSERT INTO submissions ({_RESTORED_COLUMNS})
                        VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?,?,?,?,?,?,?,?,?,?)
                        ON CONFLICT(code) DO UPDATE SET {updates}""",
                    (
                        item.code,
                        item.response_key,
                        utc_text(item.received_at),
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
                        utc_text_or_none(item.processed_at),
                        self._store.now(),
                        text_fingerprint(item.title, item.body) if item.title else None,
                        json.dumps(item.seen, ensure_ascii=False) if item.seen is not None else None,
                        json.dumps(item.shown, ensure_ascii=False) if item.shown is not None else None,
                        utc_text_or_none(item.archived_at),
                    ),
                )
                issued = split_code(item.code)
                if issued is not None:
                    db.execute(
                        "INSERT INTO day_sequence VALUES (?, ?) ON CONFLICT(day) DO UPDATE SET last = MAX(last, ?)",
                        (issued[0].isoformat(), issued[1], issued[1]),
                    )
                detail = {"status": item.status.value, "post_id": item.post_id}
                insert_event(db, self._store.now(), item.code, kind, detail)

    def remember_seen(self, cells: dict[str, dict[str, Any]]) -> None:
        """The officer's cells of each code as this cycle read them (only those that changed are passed)."""
        self._remember("seen", cells)

    def remember_shown(self, cells: dict[str, dict[str, str]]) -> None:
        """The pipeline's cells each code's row shows now that a write-back landed."""
        self._remember("shown", cells)

    def _remember(self, column: str, cells: dict[str, dict[str, Any]]) -> None:
        if not cells:
            return
        with self._store.transaction() as db:
            db.executemany(
                f"UPDATE submissions SET {column} = ? WHERE code = ?",
                [(json.dumps(c, ensure_ascii=False), code) for code, c in cells.items()],
            )

    def mark_archived(self, codes: Sequence[str], tab: str) -> None:
        with self._store.transaction() as db:
            for code in codes:
                db.execute(
                    "UPDATE submissions SET archived_at = COALESCE(archived_at, ?) WHERE code = ?",
                    (self._store.now(), code),
                )
                insert_event(db, self._store.now(), code, "archived", {"tab": tab})

    def unarchive(self, code: str) -> None:
        with self._store.transaction() as db:
            db.execute("UPDATE submissions SET archived_at = NULL WHERE code = ?", (code,))
            insert_event(db, self._store.now(), code, "unarchived", {})

    def mark_queued(self, codes: list[str]) -> None:
        with self._store.transaction() as db:
            for code in codes:
                db.execute("UPDATE submissions SET queued = 1 WHERE code = ?", (code,))
                insert_event(db, self._store.now(), code, "queued", {})

    def clear_mode_override(self, code: str) -> None:
        with self._store.transaction() as db:
            db.execute("UPDATE submissions SET mode_override = NULL WHERE code = ?", (code,))

    def set_outcome(self, code: str, status: Status, message: str, *, kind: str, **post: Any) -> None:
        """Record what was done to a submission (after the remote call returned) and why."""
        unknown = set(post) - _OUTCOME_FIELDS
        if unknown:
            raise ValueError(f"unknown outcome fields: {sorted(unknown)}")
        assignments = ["status = ?", "message = ?", "processed_at = ?"]
        values: list[Any] = [status.value, message, self._store.now()]
        for name, value in post.items():
            assignments.append(f"{name} = ?")
            values.append(value.value if isinstance(value, PostState) else value)
        with self._store.transaction() as db:
            db.execute(f"UPDATE submissions SET {', '.join(assignments)} WHERE code = ?", (*values, code))
            detail = {"status": status.value, "message": message, **jsonable(post)}
            insert_event(db, self._store.now(), code, kind, detail)

    def note(self, code: str, message: str, *, kind: str) -> None:
        """A new `Pesan` for a submission, with nothing done to it (its status and time stay)."""
        with self._store.transaction() as db:
            db.execute("UPDATE submissions SET message = ? WHERE code = ?", (message, code))
            insert_event(db, self._store.now(), code, kind, {"message": message})

    def set_published_hash(self, code: str, published_hash: str) -> None:
        with self._store.transaction() as db:
            db.execute("UPDATE submissions SET published_hash = ? WHERE code = ?", (published_hash, code))


@dataclass(frozen=True)
class Standing:
    """A story's status, post id and processing time as the ledger holds them."""

    status: Status
    post_id: str | None
    processed_at: datetime | None


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
        processed_at=when(row["processed_at"]),
        mode_override=row["mode_override"],
        seen=json.loads(row["seen"]) if row["seen"] else None,
        shown=json.loads(row["shown"]) if row["shown"] else None,
        archived_at=when(row["archived_at"]),
    )
