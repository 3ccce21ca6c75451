"""E-mail addresses typed into forms and sheets: exactly one mailbox, or none.

An answer such as `a@x.id,b@y.org`, `Nama <a@x.id>` or one carrying a line break would send a notice to
several people, or to someone the operator did not mean: every address the pipeline mails to passes here.
"""

from __future__ import annotations

import re
from email.utils import getaddresses, parseaddr

# What an officer reads when a notice cannot be sent to the address given.
INVALID_ADDRESS = "alamat e-mail tidak valid"

# RFC 5321's limits: 64 characters before the @, 254 in all.
_LOCAL_MAX = 64
_ADDRESS_MAX = 254
# The dot-atom of RFC 5322 without quoting, comments or IP-literal domains: what mail clients give users.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def one_address(value: str) -> str | None:
    """`value` as one plain address (`name@domain.tld`, trimmed), or None when it is anything else: empty,
    several addresses, a display name or angle brackets, quotes or comments, control characters or spaces
    inside, a domain without a dot or with a numeric top level."""
    text = value.strip()
    if not text or len(text) > _ADDRESS_MAX or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return None
    # The standard library's reading must agree: one mailbox, no name, the whole text.
    if getaddresses([text]) != [("", text)] or parseaddr(text) != ("", text):
        return None
    local, at, domain = text.rpartition("@")
    if not at or len(local) > _LOCAL_MAX or not _LOCAL.fullmatch(local):
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return None
    return text
