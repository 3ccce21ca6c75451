"""Scrubbing the JSON bodies of a field trace, API by API: Google's structure stays, what a person wrote or an
address or a secret becomes a placeholder of the `Scrubber` (`scrub.py`), which holds the placeholders."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scrub import Scrubber

# A post's address: the blog's own part is public, the slug is made of the story's title.
BLOG_POST_URL = re.compile(r"(https?://[^/\s\"'<>]+/\d{4}/\d{2}/)([^/\s\"'<>?#]+?)(\.html)")
# Drive mime types whose `name` an administrator gave (folders, the spreadsheets): not a person's upload.
NAMED_BY_ADMIN = ("application/vnd.google-apps.folder", "application/vnd.google-apps.spreadsheet")
# Query parameters and form fields that are credentials wherever they appear.
SECRET_FIELDS = frozenset(
    {
        "key",
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "client_id",
        "assertion",
        "code",
        "code_verifier",
        "private_key",
        "private_key_id",
        "password",
    }
)
# Keys of Google's error bodies and OAuth errors: kept, since they say what went wrong, but any text the
# trace already knows as personal is replaced inside them (Sheets quotes an offending cell in its message).
MESSAGE_KEYS = frozenset({"message", "error_description", "description"})


class ApiBodies:
    """Walks a request's or response's JSON with the rules of its API; every string goes through `scrub`."""

    def __init__(self, scrub: Scrubber) -> None:
        self.scrub = scrub

    def body(self, api: str, obj: Any) -> Any:
        walk = {
            "sheets": self._sheets,
            "drive": self._drive,
            "blogger": self._blogger,
            "gmail": self._gmail,
            "oauth": self._oauth,
        }.get(api, self._other)
        return walk(obj)

    def _error(self, obj: Any, key: str | None = None) -> Any:
        if isinstance(obj, dict):
            return {k: self._error(v, k) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._error(v, key) for v in obj]
        if isinstance(obj, str):
            return self.scrub.message(obj) if key in MESSAGE_KEYS else self.scrub.structural(obj)
        return obj

    def _with_error(self, obj: dict[str, Any]) -> dict[str, Any] | None:
        if isinstance(obj.get("error"), dict):
            return {k: (self._error(v) if k == "error" else v) for k, v in obj.items()}
        return None

    def _other(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            if (errored := self._with_error(obj)) is not None:
                return errored
            return {k: (self.scrub.secret(str(v), k) if k in SECRET_FIELDS else self._other(v)) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._other(v) for v in obj]
        if isinstance(obj, str):
            return self.scrub.structural(obj)
        return obj

    def _oauth(self, obj: Any) -> Any:
        if not isinstance(obj, dict):
            return self._other(obj)
        out: dict[str, Any] = {}
        for key, value in obj.items():
            if key in SECRET_FIELDS or key.endswith("_token"):
                out[key] = self.scrub.secret(str(value), key)
            elif key in MESSAGE_KEYS:
                out[key] = self.scrub.message(str(value))
            else:
                out[key] = self._other(value)
        return out

    # Sheets: structure everywhere, except cell contents (a ValueRange's `values`, a CellData's value fields).
    def _sheets(self, obj: Any, key: str | None = None) -> Any:
        if isinstance(obj, dict):
            if key is None and (errored := self._with_error(obj)) is not None:
                return errored
            return {k: self._sheets_item(k, v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._sheets(v, key) for v in obj]
        if isinstance(obj, str):
            return self.scrub.structural(obj)
        return obj

    def _sheets_item(self, key: str, value: Any) -> Any:
        if key == "values" and isinstance(value, list) and any(isinstance(row, list) for row in value):
            return [[self._cell_scalar(c) for c in row] if isinstance(row, list) else row for row in value]
        if key in ("userEnteredValue", "effectiveValue") and isinstance(value, dict):
            return {k: self._cell_scalar(v) if k != "errorValue" else self._error(v) for k, v in value.items()}
        if key in ("formattedValue", "note", "hyperlink") and isinstance(value, str):
            return self.scrub.cell(value)
        if key == "textFormatRuns" and isinstance(value, list):
            return [self._sheets(run) for run in value]
        if key == "uri" and isinstance(value, str):
            return self.scrub.url(value)
        return self._sheets(value, key)

    def _cell_scalar(self, value: Any) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float):
            return self.scrub.cell_number(value)
        if isinstance(value, str):
            return self.scrub.cell(value)
        return self._sheets(value)

    def _drive(self, obj: Any, key: str | None = None) -> Any:
        if isinstance(obj, dict):
            if key is None and (errored := self._with_error(obj)) is not None:
                return errored
            kind = obj.get("mimeType") if isinstance(obj.get("mimeType"), str) else None
            return {k: self._drive_item(k, v, kind) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._drive(v, key) for v in obj]
        if isinstance(obj, str):
            return self.scrub.structural(obj)
        return obj

    def _drive_item(self, key: str, value: Any, mime: str | None) -> Any:
        if isinstance(value, str):
            if key == "name":
                return self.scrub.structural(value) if mime in NAMED_BY_ADMIN else self.scrub.file_name(value)
            if key == "originalFilename":
                return self.scrub.file_name(value)
            if key == "displayName":
                return self.scrub.text(value, "name")
            if key == "description":
                return self.scrub.cell(value)
            if key in ("photoLink", "iconLink", "thumbnailLink"):
                # thumbnailLink carries a token of its own: whoever holds it sees the photo for a while.
                return self.scrub.link(value)
            if key.endswith("Link"):
                return self.scrub.url(value)
        if key == "imageMediaMetadata" and isinstance(value, dict):
            # Camera, time and place a photo was taken (GPS) are personal; its size is what the pipeline uses.
            return {k: v for k, v in value.items() if k in ("width", "height", "rotation")}
        return self._drive(value, key)

    def _blogger(self, obj: Any, key: str | None = None) -> Any:
        if isinstance(obj, dict):
            if key is None and (errored := self._with_error(obj)) is not None:
                return errored
            return {k: self._blogger_item(k, v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._blogger(v, key) for v in obj]
        if isinstance(obj, str):
            return self.scrub.structural(obj)
        return obj

    def _blogger_item(self, key: str, value: Any) -> Any:
        if key == "author" and isinstance(value, dict):
            # Whoever wrote a post or a comment: a Google profile, personal on every field.
            return {
                k: (
                    self.scrub.text(str(v), "name")
                    if k == "displayName"
                    else self.scrub.secret(str(v), "profile")
                    if k == "id"
                    else self._blogger_author_field(v)
                )
                for k, v in value.items()
            }
        if isinstance(value, str):
            if key == "content":
                return self.scrub.html(value)
            if key in ("title", "titleLink", "customMetaData"):
                return self.scrub.cell(value) if key != "titleLink" else self.scrub.url(value)
            if key == "url":
                # A post's address (its slug is made of the title) or the blog's own, which is public.
                return self.scrub.url(value) if BLOG_POST_URL.search(value) else self.scrub.structural(value)
        if key == "labels" and isinstance(value, list):
            return [self.scrub.cell(v) if isinstance(v, str) else v for v in value]
        if key == "location" and isinstance(value, dict):
            return {
                k: (self.scrub.text(str(v)) if k == "name" else 0 if k in ("lat", "lng") else "")
                for k, v in value.items()
            }
        if key == "images" and isinstance(value, list):
            return [{k: self.scrub.url(v) if isinstance(v, str) else v for k, v in i.items()} for i in value]
        return self._blogger(value, key)

    def _blogger_author_field(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (self.scrub.link(v) if isinstance(v, str) and v else v) for k, v in value.items()}
        return self.scrub.link(value) if isinstance(value, str) and value else value

    def _gmail(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            if (errored := self._with_error(obj)) is not None:
                return errored
            out: dict[str, Any] = {}
            for key, value in obj.items():
                if key == "raw" and isinstance(value, str):
                    out[key] = self.scrub.mail(value)
                elif key in ("id", "threadId", "labelIds", "historyId", "sizeEstimate", "internalDate"):
                    out[key] = value
                elif isinstance(value, str):
                    out[key] = self.scrub.text(value)
                else:
                    out[key] = self._gmail(value)
            return out
        if isinstance(obj, list):
            return [self._gmail(v) for v in obj]
        return obj
