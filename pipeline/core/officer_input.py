"""What officers type into the sheets' own cells, read strictly and kindly: the words a checkbox accepts, and the
sentences that tell an officer a cell was not understood.

A cell the pipeline cannot read is never guessed: the row is held (`Perlu perbaikan`) with one of these
sentences until the officer says it plainly. They are the officer's own slips, not the operator's:
`operator_reason` keeps them out of the operator's notices. The words `Mode` accepts are `model.MODE_SYNONYMS`;
the layouts `Jadwal` accepts are listed at `decide.parse_schedule`.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from .model import Mode
from .text import answer_key, clean_line

# A real checkbox gives a boolean; these are its look-alikes, typed or pasted (keys as `answer_key` gives them).
# `x` and `v` are how a tick is written by hand; `benar`/`salah` are TRUE/FALSE in an Indonesian-language sheet.
CHECKED = frozenset({"true", "ya", "iya", "y", "yes", "1", "✓", "✔", "☑", "x", "v", "benar"})
UNCHECKED = frozenset({"false", "tidak", "tdk", "n", "no", "0", "", "salah"})

SCHEDULE_PROBLEM = (
    "Mode Jadwal dipilih tetapi kolom Jadwal kosong atau tidak terbaca "
    "(contoh: 2026-12-01 08:00 atau 01/12/2026 08.00)."
)
# `{typed}` is what the officer typed, quoted back; the other fields are ours.
_MODE = 'Mode "{typed}" tidak dikenal; pilih {choices}.'
_CHECKBOX = 'Kolom {header} berisi "{typed}", yang tidak dipahami; centang atau kosongkan kotaknya.'
_STALE_SCHEDULE = (
    "Jadwal {when} sudah lewat lebih dari sehari; perbaiki Jadwal, atau pilih Mode Terbit untuk menerbitkan sekarang."
)
_SHOWN_MAX = 40  # of what the officer typed, quoted back: a pasted paragraph would drown the message


def read_checkbox(value: object) -> bool | None:
    """True or False for a tick, an untick, a blank or a clear look-alike; None when it cannot be told."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value) if value in (0, 1) else None
    key = answer_key(value)
    if key in CHECKED:
        return True
    if key in UNCHECKED:
        return False
    return None


def _shown(value: object) -> str:
    text = clean_line(value).replace('"', "'")
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


def _choices() -> str:
    names = [mode.value for mode in Mode]
    return f"{', '.join(names[:-1])} atau {names[-1]}"


def mode_problem(text: str) -> str:
    return _MODE.format(typed=_shown(text), choices=_choices())


def checkbox_problem(header: str, value: object) -> str:
    return _CHECKBOX.format(header=header, typed=_shown(value))


def stale_schedule_problem(when: datetime, tz: tzinfo) -> str:
    return _STALE_SCHEDULE.format(when=when.astimezone(tz).strftime("%Y-%m-%d %H:%M"))


def _sentence(template: str) -> str:
    """A regex for every sentence the template can make. What the officer typed is quoted with its `"` made `'`;
    our own fields hold no full stop, so a match never reaches back into the sentence before it."""
    pattern = ""
    for literal, field in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
        pattern += re.escape(literal)
        if field:
            pattern += '[^"\n]*' if field == "typed" else '[^".\n]*?'
    return pattern


_SLIPS = re.compile(
    "|".join([re.escape(SCHEDULE_PROBLEM), *(_sentence(t) for t in (_MODE, _CHECKBOX, _STALE_SCHEDULE))])
)


def operator_reason(message: str) -> str:
    """What of a hold's message is the operator's to fix: the officer's slips taken out ('' when only those)."""
    return re.sub(r"\s+", " ", _SLIPS.sub(" ", message)).strip()
