"""Photos on Drive: share exactly one file with anyone who has the link, and take that back."""

from __future__ import annotations

from typing import Any

from ..core.photo_check import PhotoInfo
from .errors import GoogleApiError
from .retry import RetryPolicy

# Drive gives the "anyone" permission this fixed id (permissions resource reference).
ANYONE_PERMISSION_ID = "anyoneWithLink"


class DrivePhotos:
    def __init__(self, service: Any, policy: RetryPolicy) -> None:
        self.permissions = service.permissions()
        self.files = service.files()
        self.policy = policy

    def info(self, file_id: str) -> PhotoInfo | None:
        """The file's name, type and size; None when it does not exist or the account cannot read it."""
        request = self.files.get(fileId=file_id, fields="id,name,mimeType,size,imageMediaMetadata(width,height)")
        try:
            meta: dict[str, Any] = self.policy.call("drive.files.get", lambda: request.execute(num_retries=0))
        except GoogleApiError as exc:
            if exc.not_found:
                return None
            raise
        size = meta.get("size")
        picture = meta.get("imageMediaMetadata") or {}
        return PhotoInfo(
            file_id,
            str(meta.get("name", "")),
            str(meta.get("mimeType", "")),
            int(size) if size else None,
            width=_pixels(picture.get("width")),
            height=_pixels(picture.get("height")),
        )

    def download(self, file_id: str) -> bytes | None:
        """The file's bytes (a photo for the printed bulletin); None when it is gone or unreadable."""
        request = self.files.get_media(fileId=file_id)
        try:
            content = self.policy.call("drive.files.get", lambda: request.execute(num_retries=0))
        except GoogleApiError as exc:
            if exc.not_found:
                return None
            raise
        return content if isinstance(content, bytes) else None

    def reachable(self) -> None:
        """One cheap listing: raises when the Drive API is off for the project or the account is refused."""
        request = self.files.list(pageSize=1, fields="files(id)")
        self.policy.call("drive.files.list", lambda: request.execute(num_retries=0))

    def share(self, file_id: str) -> None:
        body = {"type": "anyone", "role": "reader"}
        request = self.permissions.create(fileId=file_id, body=body, fields="id")
        self.policy.call("drive.permissions.create", lambda: request.execute(num_retries=0))

    def share_with(self, file_id: str, email: str) -> None:
        """Let one person read the file (a complaint's photo, for the department it is forwarded to). No
        e-mail from Drive: the forwarding e-mail already carries the link."""
        body = {"type": "user", "role": "reader", "emailAddress": email}
        request = self.permissions.create(fileId=file_id, body=body, fields="id", sendNotificationEmail=False)
        self.policy.call("drive.permissions.create", lambda: request.execute(num_retries=0))

    def unshare(self, file_id: str) -> None:
        request = self.permissions.delete(fileId=file_id, permissionId=ANYONE_PERMISSION_ID)
        try:
            self.policy.call("drive.permissions.delete", lambda: request.execute(num_retries=0))
        except GoogleApiError as exc:
            if not exc.not_found:  # already private: nothing to take back
                raise


def _pixels(value: object) -> int | None:
    """A dimension from Drive's imageMediaMetadata, when it gave one."""
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None
