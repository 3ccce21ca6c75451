"""Finds anything executable in HTML the way a browser would parse it, not by searching for substrings."""

from __future__ import annotations

import re
from html.parser import HTMLParser

DANGEROUS_TAGS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "form",
    "input",
    "base",
    "link",
    "meta",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value is not None:
                # Browsers ignore whitespace and control characters inside a scheme (`java\tscript:`).
                url = re.sub(r"[\x00-\x20]", "", value).lower()
                if re.match(r"^[a-z][a-z0-9+.-]*:", url) and not url.startswith(("http://", "https://")):
                    self.problems.append(f"{tag}[{name}={value!r}]")
            if name == "style":
                self.problems.append(f"{tag}[style]")


def executable_parts(html: str) -> list[str]:
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.problems
