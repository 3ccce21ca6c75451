"""The command line's words in the administrator's language: Indonesian when `MYMEIN_LANG=id` or the locale is
`id_*`, English otherwise (`MYMEIN_LANG=en` forces English). Logs stay English, for whoever reads them later.

The messages are gettext catalogs under `pipeline/locale/` (domain `mymein`), extracted and compiled with Babel
by `make catalogs` (`scripts/i18n_catalog.py`); the compiled `.mo` ships as package data, and a test holds it to
the `.po` and every message to a non-empty Indonesian translation. The language is looked up each time a message
is shown, never at import, so click's help strings (kept in English in the code, `N_`) are translated when the
help is printed (`pipeline/cli/translated.py`).

Error lines are `Text` (`pipeline/core/message.py`, so the Google adapters can build them too): English as
strings, shown translated by `localized`/`localize`.
"""

from __future__ import annotations

import gettext
import inspect
import os
from functools import cache
from pathlib import Path

from .core.errors import MyMeInError
from .core.message import Text

__all__ = ["LANGUAGES", "N_", "Text", "_", "help_text", "language", "localize", "localized"]

DOMAIN = "mymein"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "id")
# The locale variables in gettext's order of precedence; the first one set decides.
_LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language() -> str:
    """`id` or `en`, from MYMEIN_LANG, else from the locale."""
    forced = os.environ.get("MYMEIN_LANG", "").strip().lower()
    if forced:
        return "id" if forced.startswith("id") else "en"
    for name in _LOCALE_VARS:
        value = os.environ.get(name, "").strip()
        if value:
            first = value.split(":")[0].lower()
            return "id" if first == "id" or first.startswith(("id_", "id.", "id@")) else "en"
    return "en"


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """`message` in the administrator's language (English when it has no translation)."""
    return _catalog(language()).gettext(message)


def N_(message: str) -> str:
    """Marks `message` for the catalog without translating it: it is translated where it is shown."""
    return message


def help_text(text: str | None) -> str | None:
    """A docstring or `help=` as click keeps it, in the administrator's language (looked up as click shows it:
    indentation removed)."""
    if not text:
        return text
    cleaned = inspect.cleandoc(text)
    translated = _(cleaned)
    return text if translated == cleaned else translated


def localized(exc: BaseException) -> str:
    """An exception's message in the administrator's language when it was made with `Text`, else as it is."""
    if isinstance(exc, MyMeInError):
        return localize(exc.text())
    first = exc.args[0] if len(exc.args) == 1 else None
    return localize(first) if isinstance(first, Text) else str(exc)


def localize(text: str) -> str:
    """A `Text` in the administrator's language; any other string as it is."""
    return text.render(_) if isinstance(text, Text) else text
