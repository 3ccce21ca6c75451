"""The command line's words in the administrator's language: Indonesian when `MYMEIN_LANG=id` or the locale is
`id_*`, English otherwise (`MYMEIN_LANG=en` forces English). Logs stay English, for whoever reads them later.

The messages are gettext catalogs under `pipeline/locale/` (domain `mymein`), extracted and compiled with Babel
by `make catalogs` (`scripts/i18n_catalog.py`); the compiled `.mo` ships as package data, and a test holds it to
the `.po` and every message to a non-empty Indonesian translation. The language is looked up each time a message
is shown, never at import, so click's help strings (kept in English in the code, `N_`) are translated when the
help is printed (`pipeline/cli/translated.py`).
"""

from __future__ import annotations

import gettext
import inspect
import os
from functools import cache
from pathlib import Path

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


class Text(str):
    """A message that is English as a string (for logs, `str(exc)`, tests) and knows its template, so the command
    line can show it in the administrator's language: `ConfigError(Text("{path} not found", path=path))`."""

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> Text:
        made = super().__new__(cls, template.format(**params))
        made.template = template
        made.params = params
        return made

    def localized(self) -> str:
        return _(self.template).format(**self.params)


def localized(exc: BaseException) -> str:
    """An exception's message in the administrator's language when it was made with `Text`, else as it is."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first.localized() if isinstance(first, Text) else str(exc)


def localize(text: str) -> str:
    """A `Text` in the administrator's language; any other string as it is."""
    return text.localized() if isinstance(text, Text) else text
