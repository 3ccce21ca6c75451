"""Domain values: statuses, publish modes, form responses, submissions and review rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .text import answer_key


class Status(StrEnum):
    """What the officer reads in the `Status` column."""

    WAITING = "Menunggu"
    NEEDS_FIX = "Perlu perbaikan"
    DUPLICATE = "Duplikat"
    DRAFT = "Draf"
    SCHEDULED = "Terjadwal"
    PUBLISHED = "Terbit"
    REJECTED = "Ditolak"
    RETRACTED = "Ditarik"
    FAILED = "Gagal"
    WAITING_FACT_CHECK = "Menunggu cek fakta"
    WAITING_HEAD = "Menunggu Kabid"


class Mode(StrEnum):
    """The officer's choice in the `Mode` dropdown."""

    LIVE = "Terbit"
    DRAFT = "Draf"
    SCHEDULED = "Jadwal"

    @classmethod
    def parse(cls, text: str, default: Mode) -> Mode | None:
        """The `Mode` cell: blank is `default`; a dropdown value or one of `MODE_SYNONYMS` (case, spaces and
        trailing dots aside) is that mode; anything else is None, never a guess: the row waits for the officer."""
        key = answer_key(text)
        if not key:
            return default
        for mode in cls:
            if answer_key(mode.value) == key:
                return mode
        return MODE_SYNONYMS.get(key)


# The one list of words `Mode` accepts besides its dropdown values (keys as `answer_key` gives them): what
# officers write when the dropdown is bypassed (a paste, the mobile app, an English habit). Short on purpose:
# a word not listed (`Publikasi`, a typo) holds the row rather than being guessed, since a wrong guess publishes.
MODE_SYNONYMS: dict[str, Mode] = {
    "draft": Mode.DRAFT,
    "konsep": Mode.DRAFT,
    "publish": Mode.LIVE,
    "terbitkan": Mode.LIVE,
    "tayang": Mode.LIVE,
    "tayangkan": Mode.LIVE,
    "live": Mode.LIVE,
    "terjadwal": Mode.SCHEDULED,
    "jadwalkan": Mode.SCHEDULED,
    "dijadwalkan": Mode.SCHEDULED,
    "schedule": Mode.SCHEDULED,
    "scheduled": Mode.SCHEDULED,
}


@dataclass(frozen=True)
class FormResponse:
    """One row of the responses sheet, mapped to fields but not yet checked."""

    received_at: datetime
    email: str
    kecamatan: str
    desa: str
    operator: str
    title: str
    body: str
    photos: tuple[str, ...]


@dataclass(frozen=True)
class Submission:
    """A response after normalisation; `problems` says, in Indonesian, why it cannot be published yet."""

    received_at: datetime
    email: str
    kecamatan: str
    desa: str
    operator: str
    title: str
    body: str
    photos: tuple[str, ...]
    problems: tuple[str, ...] = ()

    @property
    def is_valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ReviewRow:
    """One data row of the review sheet as the officer left it. `row_number` is only where it is now."""

    row_number: int
    code: str
    kecamatan: str
    desa: str
    operator: str
    email: str
    title: str
    body: str
    photos: tuple[str, ...]
    labels: tuple[str, ...]
    approve: bool
    reject: bool
    mode_text: str
    schedule_text: str
    note: str
    pipeline_cells: dict[str, str] = field(default_factory=dict)
    received_text: str = ""  # `Diterima` as shown; only a rebuilt ledger needs it
    fact_checked: bool = False  # `Cek fakta`, when that column is switched on
    head_approved: bool = False  # `Setujui Kabid`, when two approvals are required
    officer: dict[str, object] = field(default_factory=dict)  # the officer's cells as read (role -> raw value)
    # The officer's checkboxes that could not be read, one Indonesian sentence each; such a box counts as unticked
    # above, and `decide` holds the row rather than act on it.
    unreadable: tuple[str, ...] = ()
    share: bool | None = None  # `Sebar`: spread to social media; None on a sheet without that column


@dataclass(frozen=True)
class PostRef:
    """A Blogger post as the pipeline tracks it: id, public URL (empty for drafts) and Blogger's status."""

    post_id: str
    url: str
    state: str
    content: str = ""
    title: str = ""
    published: datetime | None = None


@dataclass(frozen=True)
class ReaderComment:
    """A reader's comment on a post of the blog, as Blogger gives it (content is HTML)."""

    comment_id: str
    post_id: str
    published: datetime
    author: str
    content: str
