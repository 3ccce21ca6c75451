"""The ledger's schema: named migrations, applied in order, each in one transaction, each once.

Never edit a released migration: a ledger that has applied it will not see the change. Add the next one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from .store import Store


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


def _m013_social_shares(db: sqlite3.Connection) -> None:
    # Each share of a story to Facebook or Telegram, from its intent on; one current share per story and channel.
    _run_script(
        db,
        """
        CREATE TABLE social_shares (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL,
            channel TEXT NOT NULL,
            state TEXT NOT NULL,
            link TEXT NOT NULL,
            remote_id TEXT,
            url TEXT,
            photo INTEGER NOT NULL DEFAULT 0,
            digest TEXT NOT NULL,
            error TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX social_shares_current ON social_shares (code, channel)
            WHERE state IN ('sending', 'live', 'uncertain', 'dismissed');
        CREATE INDEX social_shares_sent ON social_shares (sent_at) WHERE sent_at IS NOT NULL
        """,
    )


# Named migrations, applied in order inside one transaction each; never edit a released one.
def _m014_directory(db: sqlite3.Connection) -> None:
    # The directory-and-bulletin change (#19): the weekly bulletin goes to every KIM as an e-mail with the PDF
    # attached. A notice names the file it carries (its path when queued), read when the e-mail is sent.
    _run_script(db, "ALTER TABLE notices ADD COLUMN attachment TEXT")


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
    ("013_social_shares", _m013_social_shares),
    ("014_directory", _m014_directory),
]


def migrate(store: Store) -> None:
    """Apply the migrations this ledger has not applied yet, in order, one transaction each."""
    store.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in store.db.execute("SELECT name FROM schema_migrations")}
    for name, step in MIGRATIONS:
        if name in done:
            continue
        with store.transaction() as db:
            step(db)
            db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, store.now()))


def schema_version(store: Store) -> int:
    """How many migrations this ledger has applied."""
    return int(store.db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0])
