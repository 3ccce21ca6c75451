"""What a cycle did, for the log and the CLI: one outcome per row acted on, counts, and the warnings."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..i18n import N_, Text

log = logging.getLogger("mymein.sync")

BLOG = "blogger"  # the service a refused owner token holds back: `CycleReport.down` is keyed by it
_ABOUT = re.compile(r"^((?:MM|PG)-\d{8}-\d{4,}):")


@dataclass(frozen=True)
class CycleWarning:
    """One thing the administrator should know about a cycle: what it says (English), what it is about (a story's
    or complaint's code, a notice, a service; empty for the cycle as a whole), and whether a service refused us
    (the administrator must act before the cycle can do all its work)."""

    text: str
    about: str = ""
    service_down: bool = False

    def __str__(self) -> str:
        return self.text


@dataclass(slots=True)  # one per row acted on: a cycle that rejects 100,000 rows keeps them all
class Outcome:
    code: str
    action: str
    status: str
    message: str
    link: str = ""


@dataclass
class CycleReport:
    dry_run: bool = False
    quiet: bool = False  # Drive said nothing changed: the sheets were not read (cycle/gate.py)
    more: bool = False  # work left for the next cycle by `schedule.rows_per_cycle` (ingest, archive)
    ingested: int = 0
    queued: int = 0
    restored: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    rows_added: int = 0  # rows appended to the review tab (new and put back), which write no cell of their own
    cells_written: int = 0
    archived: int = 0
    warnings: list[CycleWarning] = field(default_factory=list)
    settled: set[str] = field(default_factory=set)  # rows with nothing to do this cycle
    notices: list[str] = field(default_factory=list)  # keys of the e-mails sent
    comments: int = 0  # readers' comments found on the blog
    registered: int = 0  # KIMs given a registration number
    complaints: int = 0  # complaints received from the complaint form
    down: dict[str, str] = field(default_factory=dict)  # service -> why it refused us this cycle (one line)
    waiting: int = 0  # stories that wait for a service that is down
    adopted: int = 0  # stories the ledger lacked, adopted from the review sheet and the blog
    # Rows that stay `Perlu perbaikan` for the reason already told: summed up in one line, not announced again.
    still_held: list[str] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)  # links of the social-media shares made this cycle

    def warn(self, text: str, about: str = "", *, service_down: bool = False) -> None:
        """Note a warning; a text that starts with a code (`MM-...: ...`) is about that story."""
        if not about and (found := _ABOUT.match(text)):
            about = found.group(1)
        self.warnings.append(CycleWarning(text, about, service_down))

    def warn_all(self, texts: Iterable[str], about: str = "") -> None:
        for text in texts:
            self.warn(text, about)

    @property
    def errors(self) -> list[str]:
        """The warnings' texts, in order: a copy to read (adding to it changes nothing; warn with `warn`)."""
        return [w.text for w in self.warnings]

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    def extras(self) -> list[str]:
        """What the cycle did besides the news rows, for the log (English) and the CLI (`i18n.localize`); empty
        when nothing."""
        done = (
            (
                self.adopted,
                N_("{count} story or complaint adopted from the sheets and the blog (the ledger lacked it)"),
                N_("{count} stories and complaints adopted from the sheets and the blog (the ledger lacked them)"),
            ),
            (self.complaints, N_("{count} complaint received"), N_("{count} complaints received")),
            (self.registered, N_("{count} KIM registered"), N_("{count} KIMs registered")),
            (self.comments, N_("{count} comment copied"), N_("{count} comments copied")),
            (len(self.notices), N_("{count} e-mail sent"), N_("{count} e-mails sent")),
            (len(self.shared), N_("{count} social-media share made"), N_("{count} social-media shares made")),
        )
        return [Text(one if n == 1 else many, count=n) for n, one, many in done if n]

    def held_line(self, shown: int = 10) -> str:
        """One line for the rows still held, instead of their hold repeated every cycle; empty when none."""
        codes = sorted(self.still_held)
        if not codes:
            return ""
        listed = ", ".join(codes[:shown])
        if len(codes) > shown:
            return Text(
                "{count} rows still held (Perlu perbaikan): {codes}, and {more} more",
                count=len(codes),
                codes=listed,
                more=len(codes) - shown,
            )
        if len(codes) == 1:
            return Text("{count} row still held (Perlu perbaikan): {codes}", count=1, codes=listed)
        return Text("{count} rows still held (Perlu perbaikan): {codes}", count=len(codes), codes=listed)
