"""The one error every command knows: a mistake in the sheets or the state that the pipeline will not guess
about. The cycle stops before it changes anything, with one line that names what to do."""

from __future__ import annotations


class StopCycle(Exception):
    """Stop here, with one line for the administrator (English) naming the command or the fix."""
