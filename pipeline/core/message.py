"""`Text`: a message that is English as a string (for logs, `str(exc)`, tests) and keeps its template and values,
so the command line can show it in the administrator's language (`pipeline.i18n.localize`).

It lives in core so every layer, the Google adapters included, can build its error lines with it; looking the
template up in a catalog is I/O and stays in `pipeline/i18n.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import MyMeInError


class Text(str):
    """`ConfigError(Text("{path} not found", path=path))`. A value that is itself a `Text`, or one of the
    project's errors built from one, is translated too when the message is rendered in another language."""

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> Text:
        made = super().__new__(cls, template.format(**params))
        made.template = template
        made.params = params
        return made

    def __reduce__(self) -> tuple[object, ...]:
        # A copy or a pickle is made again from the template: str's own would pass the English text as a template,
        # which breaks on a brace in a value (a JSON error from Google) and loses the values.
        return (_remade, (self.template, self.params))

    def render(self, lookup: Callable[[str], str]) -> str:
        """The message with `lookup` (a catalog's gettext) applied to its template and to every `Text` value."""
        return lookup(self.template).format(**{k: _rendered(v, lookup) for k, v in self.params.items()})


def _rendered(value: object, lookup: Callable[[str], str]) -> object:
    if isinstance(value, MyMeInError):
        value = value.text()
    return value.render(lookup) if isinstance(value, Text) else value


def _remade(template: str, params: dict[str, object]) -> Text:
    return Text(template, **params)
