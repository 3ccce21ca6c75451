"""What a response looks like on the wire: gzip-compressed when the client asks as Google's APIs require.

Google's performance guides: a client receives gzip-encoded responses only when it sends
`Accept-Encoding: gzip` *and* a User-Agent that contains the string `gzip` (e.g. `my program (gzip)`).
Either alone gets the plain body, so the sandbox asks for both too.
"""

from __future__ import annotations

import gzip

# Bodies Google compresses: its JSON and text answers. Media (a photo's bytes) is already compressed.
_TEXTUAL = ("application/json", "text/")
# gzip's level 6 is zlib's default, what web servers use; the exact level Google uses is not documented.
LEVEL = 6


def wants_gzip(headers: dict[str, str]) -> bool:
    """Whether a request (lower-cased header names) asked for gzip the way Google requires."""
    accepted = {part.split(";")[0].strip().lower() for part in headers.get("accept-encoding", "").split(",")}
    return "gzip" in accepted and "gzip" in headers.get("user-agent", "").lower()


def encode(payload: bytes, content_type: str, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """The bytes to send for `payload` and the headers that say how they are encoded."""
    if not payload or not wants_gzip(headers) or not content_type.startswith(_TEXTUAL):
        return payload, {}
    return gzip.compress(payload, compresslevel=LEVEL, mtime=0), {"Content-Encoding": "gzip"}
