"""Which Drive files a story or a complaint may share, and taking shares back without taking a photo off
another story that still shows it.

A link in `Foto` can name any file the service account can read; with `photos.upload_folders` set, only files
the form's upload question put in those folders are ever shared.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from ..app import App
from ..core.photo_check import photo_problem
from ..core.text import counted

log = logging.getLogger("mymein.photos")


def refusal(app: App, file_id: str) -> str | None:
    """Why this file may not go on the blog (an Indonesian sentence for the operator), or None."""
    info = app.photos.info(file_id)
    folders = app.settings.photos.upload_folders
    uploaded = not folders or info is None or app.photos.within(info.parents, folders)
    return photo_problem(file_id, info, app.settings.photos.max_bytes, uploaded=uploaded)


def uploaded(app: App, file_id: str) -> bool:
    """Whether the file came through a form's upload question (always, when no upload folder is configured:
    then no call is made)."""
    folders = app.settings.photos.upload_folders
    if not folders:
        return True
    info = app.photos.info(file_id)
    return info is not None and app.photos.within(info.parents, folders)


def unshare(app: App, code: str, file_ids: Iterable[str]) -> None:
    """Take back the link sharing of these files for `code`. A file another story still shares stays public:
    an operator who copies a published photo's link into a story of their own cannot take it off the first
    story by having theirs withdrawn. Either way the ledger notes it as no longer shared for `code`."""
    for file_id in dict.fromkeys(file_ids):
        others = sorted(app.ledger.sharers(file_id) - {code})
        payload = {"file_id": file_id, **({"kept_for": others} if others else {})}
        with app.ledger.intended(code, "unshare", payload):
            if not others:
                app.photos.unshare(file_id)


def unshare_replaced(app: App, code: str, current: Iterable[str]) -> None:
    """Photos shared for `code` that its row no longer lists (an officer replaced or removed them)."""
    keep = set(current)
    replaced = [file_id for file_id in app.ledger.shared_files(code) if file_id not in keep]
    if replaced:
        log.info("%s: %s no longer in the story made private", code, counted(len(replaced), "photo"))
        unshare(app, code, replaced)
