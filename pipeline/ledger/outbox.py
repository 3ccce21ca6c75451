"""The outbox: e-mails queued once by what they are about, their delivery state, and when to try again.

States: `pending` (to send, from `retry_at` on), `sending` (the request is on its way), `sent`, `failed`
(refused for good, not sent after `MAX_ATTEMPTS` attempts, or never sendable as its address is not one mailbox),
`uncertain` (the request left and its answer was lost, or a crash came while sending: it may have arrived, so it
is never resent by itself), `dismissed` (an administrator decided it is not to be sent). Only an administrator
moves a notice out of `uncertain`, `failed` or `dismissed` (`mymein notices resend` / `dismiss`).

Every change of state is a compare-and-set on the state it leaves (`ledger.notices`), so a command run while a
cycle sends never makes a notice go out twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from . import Ledger
from .notices import Notice

__all__ = ["DISMISSABLE", "MAX_ATTEMPTS", "RESENDABLE", "STATES", "Notice", "Outbox", "retry_delay"]

STATES = ("pending", "sending", "sent", "failed", "uncertain", "dismissed")
RESENDABLE = ("uncertain", "failed", "dismissed")
DISMISSABLE = ("pending", "uncertain", "failed")
# Attempts that certainly did not send: the first waits 5 minutes, each next one twice as long, at most 8 hours;
# the 12th failure gives up, about 42 hours after the first (a mail server's weekend is its administrator's
# to fix, and `mymein notices resend` sends a failed notice again).
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=8)


def retry_delay(attempts: int) -> timedelta:
    """How long a notice waits after its `attempts`-th attempt that did not send it."""
    doubled: timedelta = FIRST_RETRY * 2 ** max(0, attempts - 1)
    return min(LONGEST_RETRY, doubled)


class Outbox:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._notices = ledger.notices

    def enqueue(
        self,
        key: str,
        code: str | None,
        kind: str,
        recipient: str,
        subject: str,
        body: str,
        attachment: str | None = None,
    ) -> bool:
        """Queue a notice unless one with this key was ever queued (with the file `attachment` names, sent with
        it); True when it is new."""
        return self._notices.add(key, code, kind, recipient, subject, body, attachment)

    def refuse(self, key: str, code: str | None, kind: str, recipient: str, reason: str) -> bool:
        """Record, once, a notice that cannot be sent (e.g. to an unusable address), as `failed` with `reason`:
        nothing is sent, and `mymein status` shows it. True when it is new."""
        return self._notices.add_failed(key, code, kind, recipient, reason)

    def failures(self, limit: int = 10) -> list[Notice]:
        """The latest notices that failed, newest first."""
        return self._notices.latest_failed(limit)

    def pending(self, now: datetime | None = None) -> list[Notice]:
        """Notices to send now: pending, and past their `retry_at` when an earlier attempt did not send them."""
        return self._notices.due((now or self.ledger.clock()).isoformat())

    def find(self, handle: str) -> Notice | None:
        """A notice by its key, or by its number as `mymein notices list` shows it (`7` or `#7`)."""
        found = self._notices.by_key(handle)
        number = handle.removeprefix("#")
        if found is None and number.isdigit():
            found = self._notices.by_id(int(number))
        return found

    def listing(self, states: tuple[str, ...] = ()) -> list[Notice]:
        """Every notice, oldest first; with `states`, only those in them."""
        return self._notices.listing(states)

    def begin(self, notice: Notice) -> bool:
        """Claim a pending notice for sending; False when it is no longer pending (dismissed meanwhile)."""
        return self._notices.move(notice, ("pending",), "sending", attempts=notice.attempts + 1)

    def sent(self, notice: Notice) -> None:
        self._notices.move(notice, ("sending",), "sent", sent_at=self._now(), error=None, retry_at=None)

    def not_sent(self, notice: Notice, error: str) -> str:
        """The attempt certainly did not send it: back to `pending` after a pause, or `failed` after the last
        attempt. Returns the new state."""
        attempts = notice.attempts + 1  # this attempt, counted by `begin`
        if attempts >= MAX_ATTEMPTS:
            self._notices.move(
                notice, ("sending",), "failed", error=f"not sent after {attempts} attempts; last: {error}"
            )
            return "failed"
        retry_at = (self.ledger.clock() + retry_delay(attempts)).isoformat()
        self._notices.move(notice, ("sending",), "pending", error=error, retry_at=retry_at)
        return "pending"

    def failed(self, notice: Notice, error: str) -> None:
        self._notices.move(notice, ("sending",), "failed", error=error)

    def uncertain(self, notice: Notice, error: str) -> None:
        self._notices.move(notice, ("sending",), "uncertain", error=error)

    def settle_interrupted(self) -> list[str]:
        """Notices a crash caught while sending: marked uncertain, never resent by themselves. Returns their keys."""
        return self._notices.doubt_interrupted("the process stopped while sending, before the answer came")

    def requeue(self, notice: Notice) -> bool:
        """An administrator's resend: back to `pending` with fresh attempts, whatever it may have done before."""
        return self._notices.move(notice, RESENDABLE, "pending", attempts=0, retry_at=None)

    def dismiss(self, notice: Notice) -> bool:
        return self._notices.move(notice, DISMISSABLE, "dismissed", retry_at=None)

    def counts(self) -> dict[str, int]:
        return self._notices.counts()

    def _now(self) -> str:
        return self.ledger.clock().isoformat()
