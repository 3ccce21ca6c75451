"""Scrubbing a field trace: everything personal or secret becomes a stable placeholder, the structure stays.

A trace leaves the regency's server for a developer, so what it keeps is decided by allow-list: Google's own
structure (ranges, enums, fields, statuses), the pipeline's vocabulary (headers, tab names, statuses, modes,
region names), codes (`MM-…`, `PG-…`, `KIM-…`), dates, small numbers and booleans. Every other string typed by
a person (names, titles, stories, notes, file names, phone numbers) and every address, token and key becomes a
placeholder. The same original always gets the same placeholder within one trace, so a developer (and the
replay) can follow a story from the form to the sheet to the post.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from collections.abc import Iterable
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from .scrub_bodies import BLOG_POST_URL, SECRET_FIELDS, ApiBodies

# Reference codes of stories, complaints and registered KIMs carry meaning and nothing personal.
CODE = re.compile(r"\b(?:MM|PG)-\d{8}-\d{4,}\b|\bKIM-\d{2,6}-\d{3,}\b")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# A date has its year in four digits, first or last (so `0812-34-5678`, a phone number, is no date).
_DATE = re.compile(
    r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})"
    r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
    r"|^\d{1,2}[:.]\d{2}(?:[:.]\d{2})?$"
)
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
# Phone numbers and NIK (16 digits) are personal; Blogger's ids (19 digits) and counts are not.
_PHONE = re.compile(r"^\+?[\d\s().-]{7,}$")
_ENUM = re.compile(r"^[A-Z][A-Z0-9_]*$")
# A Drive id in the links the form, the sheet and the posts carry (`open?id=`, `/d/ID`, `thumbnail?id=`).
_DRIVE_LINK_ID = re.compile(r"(?:[?&]id=|/d/|/folders/|/file/d/)([A-Za-z0-9_-]{20,})")
_GOOGLE_URL = re.compile(
    r"^https?://(?:[a-z0-9-]+\.)*(?:google\.com|googleapis\.com|googleusercontent\.com|blogspot\.com|blogger\.com)"
    r"(?:[:/?#]|$)",
    re.IGNORECASE,
)
_URL = re.compile(r"^https?://", re.IGNORECASE)
_PUNCTUATION = " \t\r\n.,:;!?()[]\"'-–—/"

# Length classes of text placeholders: a 3,000-character story stays a long cell, a name stays short.
_LENGTH_CLASSES = (16, 64, 256, 1024, 4096, 16384)
_PLACEHOLDER_PAD = "_"
MIN_ID_LENGTH = 10


def fold(value: str) -> str:
    """Case- and space-insensitive key, as the pipeline compares headers and region names."""
    return " ".join(value.split()).casefold()


class Scrubber:
    """One trace's placeholders: each category numbers its originals in the order they are first met."""

    def __init__(self, keep: Iterable[str] = ()) -> None:
        self.keep = {fold(w) for w in keep if w and w.strip()}
        self._maps: dict[str, dict[str, str]] = {}
        self._ids: dict[str, str] = {}
        self._id_pattern: re.Pattern[str] | None = None
        self._bodies = ApiBodies(self)

    # --- placeholders ------------------------------------------------------------------------------------------
    def _stable(self, category: str, original: str, make: Any) -> str:
        table = self._maps.setdefault("=" + category, {})
        if original not in table:
            table[original] = make(len(table) + 1)
        return table[original]

    def text(self, original: str, category: str = "text") -> str:
        """`text-0001`, padded to the original's length class (so limits and sizes stay of the same order)."""

        def make(n: int) -> str:
            label = f"{category}-{n:04d}"
            size = max((c for c in _LENGTH_CLASSES if c <= len(original)), default=0)
            return label + _PLACEHOLDER_PAD * max(0, size - len(label))

        return self._stable(category, original, make)

    def email(self, original: str) -> str:
        address = unquote(original).casefold()
        return self._stable("email", address, lambda n: f"person-{n:04d}@example.com")

    def secret(self, original: str, category: str = "secret") -> str:
        return self._stable("secret:" + category, original, lambda n: f"{category}-{n:04d}")

    def phone(self, original: str) -> str:
        digits = sum(ch.isdigit() for ch in original)
        plus = "+" if original.strip().startswith("+") else ""
        return self._stable("phone", original, lambda n: plus + "9" + str(n).zfill(max(digits - 1, 4)))

    def file_name(self, original: str) -> str:
        extension = re.search(r"\.[A-Za-z0-9]{1,5}$", original)
        return self._stable("file", original, lambda n: f"file-{n:04d}" + (extension.group(0) if extension else ""))

    def slug(self, original: str) -> str:
        """The end of a post's address, which Blogger makes from its title."""
        return self._stable("post", original, lambda n: f"post-{n:04d}")

    def link(self, original: str) -> str:
        return self._stable("link", original, lambda n: f"https://example.invalid/link-{n:04d}")

    def known_texts(self) -> dict[str, str]:
        """Personal strings seen so far and their placeholders (to clean Google's error messages)."""
        found: dict[str, str] = {}
        for category, table in self._maps.items():
            if category.startswith("=") and not category.startswith(("=secret", "=id:")):
                found.update({k: v for k, v in table.items() if len(k) >= 4})
        return found

    # --- ids ---------------------------------------------------------------------------------------------------
    def learn_id(self, raw: str, category: str) -> None:
        """A spreadsheet, Drive file or permission id: replaced wherever it appears, since a link-shared
        spreadsheet or photo can be opened by anyone who holds its id."""
        # Google's ids are long random tokens, so replacing them inside any string is safe; a short word in an id's
        # place (`root`, `me`, a typo) is no id, and replacing it everywhere would garble the trace.
        if len(raw) < MIN_ID_LENGTH or raw in self._ids or raw == "anyoneWithLink":
            return
        self._ids[raw] = self._stable("id:" + category, raw, lambda n: f"{category}-{n:04d}")
        self._id_pattern = None

    def ids(self, value: str) -> str:
        if not self._ids:
            return value
        if self._id_pattern is None:
            alternatives = sorted(self._ids, key=len, reverse=True)
            self._id_pattern = re.compile("|".join(re.escape(a) for a in alternatives))
        return self._id_pattern.sub(lambda m: self._ids[m.group(0)], value)

    def learn_ids_in_text(self, value: str) -> None:
        for found in _DRIVE_LINK_ID.finditer(value):
            self.learn_id(found.group(1), "file")

    # --- strings -----------------------------------------------------------------------------------------------
    def structural(self, value: str) -> str:
        """Google's structure (a range, an enum, a field mask, a message): only addresses and ids change."""
        value = self.ids(value)
        return _EMAIL.sub(lambda m: self.email(m.group(0)), value)

    def message(self, value: str) -> str:
        value = self.structural(value)
        for original, placeholder in sorted(self.known_texts().items(), key=lambda kv: -len(kv[0])):
            if original in value:
                value = value.replace(original, placeholder)
        return value

    def url(self, value: str) -> str:
        """A URL: Google's and a blog post's (ids and the slug made of the title replaced) kept; anyone else's
        (an operator's Facebook page, a link in a story) is a placeholder."""
        if not (_GOOGLE_URL.match(value) or BLOG_POST_URL.search(value)):
            return self.link(value)
        value = self.structural(value)
        return BLOG_POST_URL.sub(lambda m: m.group(1) + self.slug(m.group(2)) + m.group(3), value)

    def kept(self, value: str) -> bool:
        """Whether a person's string carries only meaning, nothing personal: vocabulary, a code, a date, a number."""
        stripped = value.strip()
        if not stripped or fold(stripped) in self.keep or stripped.upper() in ("TRUE", "FALSE"):
            return True
        if CODE.fullmatch(stripped) or _DATE.match(stripped):
            return True
        if _NUMBER.match(stripped):
            digits = sum(ch.isdigit() for ch in stripped)
            return digits <= 6 or digits >= 17
        return False

    def cell(self, value: str) -> str:
        """What a person typed (a cell, a title, a label): kept only when `kept`, else a placeholder."""
        if self.kept(value):
            return value
        stripped = value.strip()
        if _EMAIL.fullmatch(stripped):
            return self.email(stripped)
        if _URL.match(stripped):
            return self.url(stripped)
        if ", " in stripped:
            # A list (photo links, labels): kept part by part only when every part is.
            parts = stripped.split(", ")
            if all(self.kept(p) or _URL.match(p.strip()) or _EMAIL.fullmatch(p.strip()) for p in parts):
                return ", ".join(self.cell(p) for p in parts)
        if _PHONE.match(stripped) and sum(ch.isdigit() for ch in stripped) >= 7:
            return self.phone(stripped)
        return self.text(value)

    def cell_number(self, value: float) -> float | int:
        """A number in a cell: a phone number or NIK typed as a number is personal; dates and counts are not."""
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            magnitude = abs(int(value))
            if 10**6 <= magnitude < 10**16:
                return int(self.phone(str(magnitude)))
        return value

    def prose(self, value: str) -> str:
        """Running text (an HTML text node): codes and vocabulary kept, every other stretch a placeholder."""
        out: list[str] = []
        last = 0
        for found in CODE.finditer(value):
            out.append(self._stretch(value[last : found.start()]))
            out.append(found.group(0))
            last = found.end()
        out.append(self._stretch(value[last:]))
        return "".join(out)

    def _stretch(self, value: str) -> str:
        core = value.strip(_PUNCTUATION)
        if not core or self.kept(core):
            return value
        start = value.index(core)
        return value[:start] + self.text(core) + value[start + len(core) :]

    def html(self, value: str) -> str:
        """Post content: tags, classes and the `kode-berita` footer kept; text and foreign links replaced."""
        rewriter = _HtmlRewriter(self)
        rewriter.feed(value)
        rewriter.close()
        return "".join(rewriter.out)

    def mail(self, raw: str) -> str:
        """A Gmail `raw` message rebuilt: addresses and subject as placeholders, the body as one placeholder."""
        try:
            message = message_from_bytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), policy=default_policy)
        except (binascii.Error, ValueError):
            return self.secret(raw, "raw")
        rebuilt = EmailMessage()
        for header in ("From", "To", "Cc", "Bcc", "Reply-To"):
            if message[header]:
                addresses = [a for _, a in getaddresses([str(message[header])]) if a]
                rebuilt[header] = ", ".join(self.email(a) for a in addresses)
        if message["Subject"] is not None:
            rebuilt["Subject"] = self.prose(" ".join(str(message["Subject"]).split()))
        for header in ("Date", "Content-Language"):
            if message[header]:
                rebuilt[header] = str(message[header])
        part = message.get_body(preferencelist=("plain", "html"))
        body = part.get_content() if part is not None else ""
        rebuilt.set_content(self.text(body) if body.strip() else body)
        return base64.urlsafe_b64encode(rebuilt.as_bytes()).decode("ascii")

    def request_url(self, url: str, *, api: str) -> str:
        """Path and query as sent, percent-encoding kept where nothing changed."""
        parts = urlsplit(url)
        path = "/".join(self._path_segment(s) for s in parts.path.split("/"))
        query = "&".join(self._query_item(item, api) for item in parts.query.split("&")) if parts.query else ""
        return urlunsplit(("", "", path, query, ""))

    def _path_segment(self, segment: str) -> str:
        decoded = unquote(segment)
        scrubbed = self.structural(decoded)
        return segment if scrubbed == decoded else quote(scrubbed, safe="!'()*:@,;=$&+")

    def _query_item(self, item: str, api: str) -> str:
        name, sep, raw_value = item.partition("=")
        value = unquote(raw_value.replace("+", " "))
        if name in SECRET_FIELDS:
            scrubbed = self.secret(value, name)
        elif api == "blogger" and name in ("q", "labels"):
            scrubbed = ",".join(self.cell(v) for v in value.split(",")) if name == "labels" else self.cell(value)
        elif api == "blogger" and name == "path":
            scrubbed = self.structural(value)
            if found := BLOG_POST_URL.search("https://x" + value):
                scrubbed = value.replace(found.group(2), self.slug(found.group(2)))
        else:
            scrubbed = self.structural(value)
        return item if scrubbed == value else f"{name}{sep}{quote(scrubbed, safe='')}"

    # --- JSON bodies, per API (scrub_bodies.py) ---------------------------------------------------------------
    def body(self, api: str, obj: Any) -> Any:
        return self._bodies.body(api, obj)

    # --- learning ids (first pass over the whole trace) --------------------------------------------------------
    def learn(self, api: str, path: str, obj: Any) -> None:
        """Ids to replace, from a request path and a JSON body, before anything is scrubbed."""
        segments = [unquote(s) for s in path.split("/")]
        for i, segment in enumerate(segments[:-1]):
            following = segments[i + 1].split(":")[0]
            if api == "sheets" and segment == "spreadsheets" and following:
                self.learn_id(following, "spreadsheet")
            if api == "drive" and segment == "files" and following:
                self.learn_id(following, "file")
            if api == "drive" and segment == "permissions" and following:
                self.learn_id(following, "permission")
        self._learn_body(api, obj)

    def _learn_body(self, api: str, obj: Any, key: str | None = None) -> None:
        if isinstance(obj, dict):
            if api == "drive" and obj.get("kind") in (None, "drive#permission") and _looks_like_permission(obj):
                if isinstance(obj.get("id"), str):
                    self.learn_id(obj["id"], "permission")
            elif api == "drive" and isinstance(obj.get("id"), str) and key != "error":
                self.learn_id(obj["id"], "file")
            for k, v in obj.items():
                if k == "spreadsheetId" and isinstance(v, str):
                    self.learn_id(v, "spreadsheet")
                elif k in ("fileId", "folderId") and isinstance(v, str):
                    self.learn_id(v, "file")
                elif k == "parents" and isinstance(v, list):
                    for parent in v:
                        if isinstance(parent, str):
                            self.learn_id(parent, "file")
                elif k == "permissionId" and isinstance(v, str):
                    self.learn_id(v, "permission")
                else:
                    self._learn_body(api, v, k)
        elif isinstance(obj, list):
            for v in obj:
                self._learn_body(api, v, key)
        elif isinstance(obj, str):
            self.learn_ids_in_text(obj)


def _looks_like_permission(obj: dict[str, Any]) -> bool:
    return obj.get("kind") == "drive#permission" or ("role" in obj and "type" in obj)


class _HtmlRewriter(HTMLParser):
    """Re-emits a post's HTML tag by tag; text and the attributes that hold text or foreign links are scrubbed."""

    # Attributes that say how a thing looks or behaves, never what a person wrote.
    KEPT_ATTRIBUTES = frozenset(
        {"class", "id", "style", "loading", "width", "height", "target", "rel", "type", "lang", "dir", "border"}
    )

    def __init__(self, scrubber: Scrubber) -> None:
        super().__init__(convert_charrefs=True)
        self.scrubber = scrubber
        self.out: list[str] = []

    def _attributes(self, attrs: list[tuple[str, str | None]]) -> str:
        parts = []
        for name, value in attrs:
            if value is None:
                parts.append(f" {name}")
                continue
            if name in ("href", "src"):
                value = self.scrubber.url(value) if _URL.match(value) else self.scrubber.link(value)
            elif name not in self.KEPT_ATTRIBUTES:
                value = self.scrubber.prose(value)
            parts.append(f' {name}="{html.escape(value, quote=True)}"')
        return "".join(parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(f"<{tag}{self._attributes(attrs)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(f"<{tag}{self._attributes(attrs)} />")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(self.scrubber.prose(data), quote=False))

    # Comments, declarations and processing instructions may hold text; a post needs none of them.
    def handle_comment(self, data: str) -> None:
        return

    def handle_decl(self, decl: str) -> None:
        return

    def handle_pi(self, data: str) -> None:
        return


def parse_json(content: bytes) -> Any:
    """A body as JSON, or None when it is not JSON (then the trace keeps only its size)."""
    try:
        return json.loads(content)
    except ValueError:
        return None
