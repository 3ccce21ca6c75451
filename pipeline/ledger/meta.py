"""The `meta` table: small values the pipeline keeps between cycles (bookmarks, watermarks, when something was
last checked), each under a named key.

Every key the pipeline keeps has a named accessor here, and every module asks for its value by name. The keys
are stored in existing ledgers: never change one (`tests/unit/test_ledger_tables.py` pins them); add a new
accessor for a new value.
"""

from __future__ import annotations

from datetime import date, datetime

from .store import Store


class MetaValue:
    """One value of the `meta` table, by its key."""

    def __init__(self, store: Store, key: str) -> None:
        self._store = store
        self.key = key

    def get(self) -> str | None:
        row = self._store.db.execute("SELECT value FROM meta WHERE key = ?", (self.key,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, value: str) -> None:
        self._store.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (self.key, value))

    def time(self) -> datetime | None:
        """The time kept under this key, None when none is kept (or an empty one)."""
        text = self.get()
        return datetime.fromisoformat(text) if text else None

    def due(self, now: datetime, seconds: float) -> bool:
        """Whether `seconds` have passed since the time kept under this key (always, when none is kept)."""
        last = self.time()
        return last is None or (now - last).total_seconds() >= seconds


class Meta:
    def __init__(self, store: Store) -> None:
        self._store = store

    def value(self, key: str) -> MetaValue:
        """Any key (for `Ledger.get_meta` / `set_meta`, which take the key as it is stored)."""
        return MetaValue(self._store, key)

    # --- the form's responses sheet (cycle: ingest) -------------------------------------------------------
    def responses_tab(self, spreadsheet: str) -> MetaValue:
        """The responses tab's title and time zone (`title\\tzone`)."""
        return self.value(f"responses_tab:{spreadsheet}")

    def responses_bookmark(self, spreadsheet: str) -> MetaValue:
        """How far ingest has read the responses sheet (`core.bookmark.Bookmark`)."""
        return self.value(f"responses_bookmark:{spreadsheet}")

    # --- the review spreadsheet ---------------------------------------------------------------------------
    def review_header(self, spreadsheet: str) -> MetaValue:
        """The review tab's header row as last read (JSON)."""
        return self.value(f"review_header:{spreadsheet}")

    def tab(self, spreadsheet: str, kind: str) -> MetaValue:
        """A tab followed by its sheet id: `{"id", "title", "configured"}` (JSON); '' once forgotten."""
        return self.value(f"tab:{spreadsheet}:{kind}")

    def legacy_tab(self, kind: str, spreadsheet: str, title: str) -> MetaValue:
        """A tab's sheet id by title, as ledgers kept it before tabs were followed by id (read only)."""
        return self.value(f"{kind}:{spreadsheet}\t{title}")

    @property
    def read_gate(self) -> MetaValue:
        """What the last full read saw (`core.read_gate.GateMemory`, JSON): Drive's versions of the watched
        spreadsheets, when, and whether the cycle left nothing to do."""
        return self.value("read_gate")

    # --- Blogger -------------------------------------------------------------------------------------------
    @property
    def blogger_paused_until(self) -> MetaValue:
        """The quota day until which no post is inserted (the daily cap was reached)."""
        return self.value("blogger_paused_until")

    @property
    def blogger_state_checked_at(self) -> MetaValue:
        """When the blog was last asked which waiting posts went live."""
        return self.value("blogger_state_checked_at")

    @property
    def blogger_posts_gone(self) -> MetaValue:
        """Watched posts the blog no longer has (JSON list of post ids)."""
        return self.value("blogger_posts_gone")

    @property
    def recovery_looked_at_blog(self) -> MetaValue:
        """When a fresh ledger looked at the blog for posts it lacks (once)."""
        return self.value("recovery_looked_at_blog")

    def api_calls(self, day: date) -> MetaValue:
        """Google requests per method on a local day (JSON object), for `mymein status`."""
        return self.value(f"api_calls:{day.isoformat()}")

    # --- side forms and tabs -------------------------------------------------------------------------------
    @property
    def comments_checked_at(self) -> MetaValue:
        return self.value("comments_checked_at")

    @property
    def complaints_checked_at(self) -> MetaValue:
        return self.value("complaints_checked_at")

    @property
    def registrations_checked_at(self) -> MetaValue:
        return self.value("registrations_checked_at")

    # --- the public KIM directory (a page of the blog) -------------------------------------------------------
    @property
    def directory_page(self) -> MetaValue:
        """The directory page as last written: `{"id", "url", "digest"}` (JSON); the digest says what it shows."""
        return self.value("directory_page")

    @property
    def directory_checked_at(self) -> MetaValue:
        """When the Operator tab and the blog were last looked at for the directory."""
        return self.value("directory_checked_at")

    @property
    def directory_stale(self) -> MetaValue:
        """Set when a KIM's row was written to the Operator tab: the directory is looked at in the same cycle."""
        return self.value("directory_stale")

    def built_form(self, kind: str) -> MetaValue:
        """The Google Form `mymein init --form` made (`news`, `complaints`, `registration`): its id, or
        `creating` while Google was asked to create it (a crash there leaves it, for the next run to see)."""
        return self.value(f"built_form:{kind}")

    # --- notices, reports, periodic jobs -------------------------------------------------------------------
    @property
    def notices_watermark(self) -> MetaValue:
        """The id of the last event notices were queued from."""
        return self.value("notices_event_id")

    @property
    def report_months(self) -> MetaValue:
        """The months reported on (JSON list), kept on the `Rekap` tab."""
        return self.value("report_months")

    def job_done(self, name: str) -> MetaValue:
        """When a periodic job (`monev 2026-11`, `bulletin 2026-W48`) was made."""
        return self.value(f"job_done:{name}")

    def job_failed(self, name: str) -> MetaValue:
        """When a periodic job last failed (tried again an hour later)."""
        return self.value(f"job_failed:{name}")
