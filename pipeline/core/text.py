"""Cleaning text typed on a phone: Unicode NFC, no control or zero-width characters, tidy whitespace."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

# Zero-width and bidi-control characters survive copy-paste from chat apps and break matching and layout.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _drop_controls(text: str) -> str:
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def clean_line(value: object) -> str:
    """A one-line field (title, names): NFC, no invisible characters, single spaces, trimmed."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = _INVISIBLE.sub("", text)
    text = _drop_controls(text.replace("\r", " ").replace("\n", " "))
    return _SPACES.sub(" ", text).strip()


def clean_body(value: object) -> str:
    """A multi-line field: like `clean_line` per line, keeping paragraph breaks (at most one blank line)."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _drop_controls(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def fold(value: str) -> str:
    """A key for case- and space-insensitive comparison of names (`Batu  mandi` ~ `Batu Mandi`)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip().casefold()


def paragraphs(body: str) -> list[str]:
    """Body text split into paragraphs at blank lines; single line breaks stay inside a paragraph."""
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def answer_key(value: object) -> str:
    """A key for a one-word answer typed by hand (a mode, a checkbox look-alike): case, every space (inner ones,
    non-breaking ones), invisible characters and trailing dots do not count, so `Ter bit.` ~ `terbit`."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    text = _INVISIBLE.sub("", text)
    return re.sub(r"\s+", "", text).rstrip(".").casefold()


class _PlainText(HTMLParser):
    """The text a browser would show for a fragment: tags gone, entities decoded, script and style dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


_HIDDEN_TAGS = {"script", "style"}
_TAG_START = re.compile(r"<(?=[A-Za-z!/?])")
_PLAIN_ROUNDS = 4


def plain_text(value: object) -> str:
    """A title or a label as plain text (`Berita <b>tebal</b>` -> `Berita tebal`, `a &amp; b` -> `a & b`).

    Themes print a post's title and labels into the page as they are: markup must not leave us in them.
    Decoding entities can reveal markup (`&lt;b&gt;`), so the text is read again until nothing changes; what
    still looks like the start of a tag after that loses its `<`.
    """
    text = clean_line(value)
    for _ in range(_PLAIN_ROUNDS):
        parser = _PlainText()
        parser.feed(text)
        parser.close()
        plain = clean_line("".join(parser.parts))
        if plain == text:
            break
        text = plain
    return clean_line(_TAG_START.sub("", text))


# Wide enough for the addresses the pipeline itself writes into notice keys and mail errors.
_ADDRESS = re.compile(r"([^\s@:<>,;\"'()\[\]{}]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def mask_addresses(text: str) -> str:
    """E-mail addresses in `text` cut to their first character and domain (`o***@example.com`): enough to tell
    notices apart in a status, not to write to anyone."""
    return _ADDRESS.sub(lambda m: f"{m.group(1)[0]}***@{m.group(2)}", text)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 e-mail`, `2 e-mails`, `0 cells`: a count with its noun in the right number (English, for the CLI
    and the logs; Indonesian nouns take no plural)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
