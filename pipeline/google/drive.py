"""Photos on Drive: share exactly one file with anyone who has the link (or with one person), and take that
back; tell whether a file lies in the form's upload folders."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from ..core.photo_check import UPLOAD_FOLDER_LEVELS, PhotoInfo
from .errors import GoogleApiError
from .retry import RetryPolicy

# Drive gives the "anyone" permission this fixed id (permissions resource reference).
ANYONE_PERMISSION_ID = "anyoneWithLink"
# Drive v3 answers only a few fields unless asked: `parents`, a picture's pixel size and a permission's
# `emailAddress` must be named.
INFO_FIELDS = "id,name,mimeType,size,parents,imageMediaMetadata(width,height)"
FOLDER_MIME = "application/vnd.google-apps.folder"


class DrivePhotos:
    def __init__(self, service: Any, policy: RetryPolicy) -> None:
        self.permissions = service.permissions()
        self.files = service.files()
        self.policy = policy

    def info(self, file_id: str) -> PhotoInfo | None:
        """The file's name, type, size, folders and pixel size; None when it does not exist or the account cannot
        read it."""
        meta = self._get(file_id, INFO_FIELDS)
        if meta is None:
            return None
        size = meta.get("size")
        picture = meta.get("imageMediaMetadata") or {}
        return PhotoInfo(
            file_id,
            str(meta.get("name", "")),
            str(meta.get("mimeType", "")),
            int(size) if size else None,
            tuple(str(p) for p in meta.get("parents", [])),
            width=_pixels(picture.get("width")),
            height=_pixels(picture.get("height")),
        )

    def version(self, file_id: str) -> str | None:
        """`version@modifiedTime` of a file (a spreadsheet: any edit raises both), from one small files.get;
        None when the file is gone or not shared with this account."""
        meta = self._get(file_id, "version,modifiedTime", all_drives=True)
        return None if meta is None else f"{meta.get('version', '')}@{meta.get('modifiedTime', '')}"

    def folder(self, folder_id: str) -> dict[str, Any] | None:
        """A folder's id, name and type as this account sees it; None when missing or not shared with it."""
        return self._get(folder_id, "id,name,mimeType")

    def within(self, parents: Sequence[str], folders: Collection[str], levels: int = UPLOAD_FOLDER_LEVELS) -> bool:
        """Whether a file with these `parents` lies in one of `folders`: in it, or `levels - 1` folders deeper
        at most. Each level climbed costs one files.get; a folder this account cannot see ends the climb."""
        level = tuple(parents)
        for depth in range(levels):
            if any(parent in folders for parent in level):
                return True
            if depth + 1 < levels:
                level = tuple(dict.fromkeys(up for parent in level for up in self._parents(parent)))
        return False

    def _parents(self, file_id: str) -> list[str]:
        meta = self._get(file_id, "parents")
        return [str(p) for p in meta.get("parents", [])] if meta else []

    def _get(self, file_id: str, fields: str, *, all_drives: bool = False) -> dict[str, Any] | None:
        """One files.get; None when the file is gone or not shared with this account."""
        extra = {"supportsAllDrives": True} if all_drives else {}
        request = self.files.get(fileId=file_id, fields=fields, **extra)
        try:
            meta: dict[str, Any] = self.policy.call("drive.files.get", lambda: request.execute(num_retries=0))
        except GoogleApiError as exc:
            if exc.not_found:
                return None
            raise
        return meta

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

    def is_public(self, file_id: str) -> bool:
        """Whether anyone with the link may read the file."""
        return any(p.get("type") == "anyone" for p in self._permissions(file_id))

    def images_in(self, folders: Sequence[str], levels: int = UPLOAD_FOLDER_LEVELS) -> Iterator[tuple[str, str]]:
        """(id, name) of the images in `folders` and the folders inside them, `levels` deep, the first page of
        each folder only: enough to find one photo to try, without walking a year of uploads."""
        level = list(folders)
        for _ in range(levels):
            inner: list[str] = []
            for folder in level:
                query = f"'{folder}' in parents and trashed = false"
                page = self._list_page(query)
                for item in page.get("files", []):
                    mime = str(item.get("mimeType", ""))
                    if mime == FOLDER_MIME:
                        inner.append(str(item["id"]))
                    elif mime.startswith("image/"):
                        yield str(item["id"]), str(item.get("name", ""))
            level = inner

    def _list_page(self, query: str) -> dict[str, Any]:
        request = self.files.list(q=query, pageSize=100, fields="files(id,name,mimeType)")
        page: dict[str, Any] = self.policy.call("drive.files.list", lambda: request.execute(num_retries=0))
        return page

    def unshare(self, file_id: str) -> None:
        self._delete_permission(file_id, ANYONE_PERMISSION_ID)

    def unshare_with(self, file_id: str, emails: Iterable[str]) -> None:
        """Take back what `share_with` gave these people (a department a complaint no longer goes to). Drive
        has no lookup by address in v3: the file's permissions are listed and theirs deleted."""
        wanted = {email.strip().casefold() for email in emails}
        if not wanted:
            return
        for permission in self._permissions(file_id):
            if permission.get("type") == "user" and str(permission.get("emailAddress", "")).casefold() in wanted:
                self._delete_permission(file_id, str(permission["id"]))

    def _permissions(self, file_id: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            try:
                page = self._permission_page(file_id, token)
            except GoogleApiError as exc:
                if exc.not_found:  # the file is gone, or no longer shared with us: nothing left to take back
                    return found
                raise
            found += page.get("permissions", [])
            token = page.get("nextPageToken")
            if not token:
                return found

    def _permission_page(self, file_id: str, token: str | None) -> dict[str, Any]:
        fields = "nextPageToken,permissions(id,type,emailAddress)"
        request = self.permissions.list(fileId=file_id, fields=fields, pageSize=100, pageToken=token)
        page: dict[str, Any] = self.policy.call("drive.permissions.list", lambda: request.execute(num_retries=0))
        return page

    def _delete_permission(self, file_id: str, permission_id: str) -> None:
        request = self.permissions.delete(fileId=file_id, permissionId=permission_id)
        try:
            self.policy.call("drive.permissions.delete", lambda: request.execute(num_retries=0))
        except GoogleApiError as exc:
            if not exc.not_found:  # already taken back: nothing to do
                raise


def _pixels(value: object) -> int | None:
    """A dimension from Drive's imageMediaMetadata, when it gave one."""
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None
