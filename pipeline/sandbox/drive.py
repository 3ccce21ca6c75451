"""Drive v3 emulator: files (metadata, uploads, downloads), spreadsheets as files, and sharing permissions."""

from __future__ import annotations

import copy
import hashlib
import json
import struct
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from .errors import ApiError, bad_request
from .routing import Request, Response, Router
from .sheets import SheetsApi
from .state import SandboxState

SPREADSHEET = "application/vnd.google-apps.spreadsheet"
FOLDER = "application/vnd.google-apps.folder"
FILE = r"^/drive/v3/files/(?P<file>[^/]+)"
DEFAULT_FIELDS = ("kind", "id", "name", "mimeType")
PERMISSION_FIELDS = ("kind", "id", "type", "role")
ANYONE_ID = "anyoneWithLink"  # Drive's fixed id for the "anyone with the link" permission
# My Drive's own folder: `root` is its alias in requests; answers give its id, as Drive does.
ROOT_ID = "0AMyMeInSandboxRootFolderUk9PVA"
ROOT_ALIASES = ("root", ROOT_ID)


def _file_not_found(file_id: str) -> ApiError:
    return ApiError(404, f"File not found: {file_id}.", "NOT_FOUND", reason="notFound")


def _image_size(content: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG, GIF, WebP (VP8X/VP8L) or JPEG header, when cheap to read."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP" and len(content) >= 30:
        if content[12:16] == b"VP8X":
            return 1 + int.from_bytes(content[24:27], "little"), 1 + int.from_bytes(content[27:30], "little")
        if content[12:16] == b"VP8L":
            bits = int.from_bytes(content[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if content.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                return None
            marker, length = content[i + 1], int.from_bytes(content[i + 2 : i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return None


def sniff(content: bytes) -> str:
    if content.startswith(b"\x89PNG"):
        return "image/png"
    if content.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if content[:4] == b"GIF8":
        return "image/gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content.startswith(b"%PDF"):
        return "application/pdf"
    return "application/octet-stream"


def _grantee_id(email: object) -> str:
    """Drive gives a person one permission id, the same on every file: derived here from the address."""
    if not isinstance(email, str) or not email.strip():
        return ""
    return str(int(hashlib.sha256(email.strip().casefold().encode()).hexdigest(), 16))[:20]


def select_fields(resource: dict[str, Any], fields: str | None, default: tuple[str, ...]) -> dict[str, Any]:
    """Drive's partial responses, for top-level names and `name(sub,fields)` groups."""
    if fields is None:
        return {k: resource[k] for k in default if k in resource}
    if fields.strip() == "*":
        return dict(resource)
    chosen: dict[str, Any] = {}
    depth, start = 0, 0
    parts: list[str] = []
    for i, ch in enumerate(fields):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(fields[start:i])
            start = i + 1
    parts.append(fields[start:])
    for part in (p.strip() for p in parts if p.strip()):
        name, _, inner = part.partition("(")
        name = name.split("/")[0]
        if name not in resource:
            continue
        value = resource[name]
        if inner and isinstance(value, list):
            sub = inner.rstrip(")")
            value = [select_fields(v, sub, ()) if isinstance(v, dict) else v for v in value]
        elif inner and isinstance(value, dict):
            value = select_fields(value, inner.rstrip(")"), ())
        chosen[name] = value
    return chosen


class DriveApi:
    def __init__(self, state: SandboxState, sheets: SheetsApi) -> None:
        self.state = state
        self.sheets = sheets
        sheets.on_created = self._register_spreadsheet
        sheets.on_changed = self.touch
        # `POST /_sandbox/drive/signal {"delayed": true}`: files.get keeps answering each file's version and
        # modifiedTime as they were when the delay began (Drive is reported to lag behind Sheets edits by
        # minutes), until `{"delayed": false}`. None: no delay.
        self._held: dict[str, tuple[str, str]] | None = None

    @property
    def _files(self) -> dict[str, Any]:
        files: dict[str, Any] = self.state.ns("drive").setdefault("files", {})
        return files

    def _new_file(self, file_id: str, name: str, mime: str, parents: list[str] | None = None) -> dict[str, Any]:
        now = self.state.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
        record: dict[str, Any] = {
            "kind": "drive#file",
            "id": file_id,
            "name": name,
            "mimeType": mime,
            "parents": parents or [ROOT_ID],
            "createdTime": now,
            "modifiedTime": now,
            "version": "1",
            "trashed": False,
            "webViewLink": f"https://drive.google.com/file/d/{file_id}/view?usp=drivesdk",
            "permissions": [],
            "_readable": True,
        }
        self._files[file_id] = record
        return record

    def seed_file(self, file_id: str, metadata: dict[str, Any], content: bytes | None = None) -> dict[str, Any]:
        """A file under a given id with the metadata a field trace recorded (the replay rebuilds the files a run
        read); an existing record (a spreadsheet's) takes the metadata on."""
        with self.state.lock:
            record: dict[str, Any] | None = self._files.get(file_id)
            if record is None:
                parents = [str(p) for p in metadata.get("parents") or []]
                mime = str(metadata.get("mimeType") or "application/octet-stream")
                record = self._new_file(file_id, str(metadata.get("name") or "file"), mime, parents or None)
            for key, value in metadata.items():
                if key not in ("kind", "id"):
                    record[key] = copy.deepcopy(value)
            if content is not None:
                self.state.put_blob(file_id, content)
            self.state.dirty = True
            return record

    def _register_spreadsheet(self, spreadsheet_id: str, title: str) -> None:
        if spreadsheet_id not in self._files:
            record = self._new_file(spreadsheet_id, title, SPREADSHEET)
            record["webViewLink"] = f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit?usp=drivesdk"

    def touch(self, file_id: str) -> None:
        """A change to the file by anyone (a Sheets write, a rename): Drive gives it a higher version and a new
        modifiedTime. While the signal is delayed, what files.get shows stays as it was."""
        record = self._files.get(file_id)
        if record is None:
            return
        version, modified = str(record.get("version") or "1"), str(record["modifiedTime"])
        if self._held is not None:
            self._held.setdefault(file_id, (version, modified))
        record["version"] = str(int(version) + 1)
        record["modifiedTime"] = self.state.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def delay_signal(self, delayed: bool) -> None:
        self._held = {} if delayed else None

    def _file(self, file_id: str) -> dict[str, Any]:
        record: dict[str, Any] | None = self._files.get(file_id)
        if record is None or not record.get("_readable", True):
            raise _file_not_found(file_id)
        return record

    def _root(self) -> dict[str, Any]:
        return {"kind": "drive#file", "id": ROOT_ID, "name": "My Drive", "mimeType": FOLDER}

    def _visible_parents(self, record: dict[str, Any]) -> list[str]:
        """The parents this account may see: Drive leaves out a folder that was not shared with the caller
        (a file shared on its own shows no parents at all)."""
        shown: list[str] = []
        for parent in record.get("parents", []):
            if parent in ROOT_ALIASES:
                shown.append(ROOT_ID)
            elif (folder := self._files.get(parent)) is not None and folder.get("_readable", True):
                shown.append(str(parent))
        return shown

    def _parents_for(self, metadata: dict[str, Any]) -> list[str]:
        """A new file's parent, checked as Drive v3 checks it: one at most, an existing folder."""
        parents = metadata.get("parents")
        if parents is None or parents == []:
            return [ROOT_ID]
        if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
            raise bad_request("Invalid value for parents: expected a list of folder ids.")
        if len(parents) > 1:
            # A file has one folder since September 2020; more answers 403 (seen in users' reports).
            raise ApiError(403, "Increasing the number of parents is not allowed", reason="cannotAddParent")
        if parents[0] in ROOT_ALIASES:
            return [ROOT_ID]
        parent = self._file(parents[0])  # 404 "File not found: ID." when missing or not shared with us
        if parent["mimeType"] != FOLDER:
            raise ApiError(400, "The specified parent is not a folder.", reason="invalid")
        return [str(parent["id"])]

    def _public(self, record: dict[str, Any]) -> dict[str, Any]:
        public = {k: v for k, v in record.items() if not k.startswith("_")}
        public.setdefault("version", "1")  # files kept by an older sandbox
        if self._held is not None and record["id"] in self._held:
            public["version"], public["modifiedTime"] = self._held[record["id"]]
        public.pop("parents", None)
        parents = self._visible_parents(record)
        if parents:
            public["parents"] = parents
        if record["mimeType"] == SPREADSHEET:
            # A spreadsheet's title lives in its Sheets book; a rename through Sheets (updateSpreadsheetProperties)
            # shows as the Drive name, as on Google.
            title = self.sheets.spreadsheet_title(str(record["id"]))
            if title is not None:
                public["name"] = title
        return public

    def file_content(self, file_id: str) -> tuple[bytes, str] | None:
        record = self._files.get(file_id)
        content = self.state.get_blob(file_id)
        if record is None or content is None:
            return None
        return content, str(record["mimeType"])

    # --- routes -------------------------------------------------------------------------------------------
    def register(self, router: Router) -> None:
        router.add("POST", r"^/drive/v3/files$", "drive.files.create", self.create)
        router.add("POST", r"^/upload/drive/v3/files$", "drive.files.create", self.upload)
        router.add("GET", r"^/drive/v3/files$", "drive.files.list", self.list)
        router.add("GET", FILE + r"$", "drive.files.get", self.get)
        router.add("PATCH", FILE + r"$", "drive.files.update", self.update)
        router.add("DELETE", FILE + r"$", "drive.files.delete", self.delete)
        router.add("POST", FILE + r"/copy$", "drive.files.copy", self.copy)
        router.add("GET", FILE + r"/comments$", "drive.comments.list", self.list_comments)
        router.add("POST", FILE + r"/permissions$", "drive.permissions.create", self.create_permission)
        router.add("GET", FILE + r"/permissions$", "drive.permissions.list", self.list_permissions)
        router.add(
            "DELETE", FILE + r"/permissions/(?P<perm>[^/]+)$", "drive.permissions.delete", self.delete_permission
        )
        router.add("POST", r"^/_sandbox/files/(?P<file>[^/]+)/access$", "", self.set_access)
        router.add("POST", r"^/_sandbox/drive/signal$", "", self.set_signal, mutates=False)

    def _create(self, metadata: dict[str, Any], content: bytes | None, content_type: str | None) -> dict[str, Any]:
        name = str(metadata.get("name") or "Untitled")
        mime = str(metadata.get("mimeType") or content_type or (content is not None and sniff(content)) or "")
        parents = self._parents_for(metadata)
        if mime == SPREADSHEET:
            created = self.sheets.create_spreadsheet(name)
            spreadsheet: dict[str, Any] = self._files[str(created["spreadsheetId"])]
            spreadsheet["parents"] = parents
            return spreadsheet
        file_id = self.state.new_token_id(33)
        record = self._new_file(file_id, name, mime or "application/octet-stream", parents)
        if content is not None:
            self.state.put_blob(file_id, content)
            record["size"] = str(len(content))
            record["md5Checksum"] = hashlib.md5(content).hexdigest()
            size = _image_size(content)
            if size is not None:
                record["imageMediaMetadata"] = {"width": size[0], "height": size[1]}
                record["thumbnailLink"] = f"https://lh3.googleusercontent.com/drive-storage/{file_id}=s220"
        return record

    def create(self, req: Request) -> Response:
        metadata = req.json()
        if not isinstance(metadata, dict):
            raise bad_request("Invalid file metadata")
        record = self._create(metadata, None, None)
        return Response(json=select_fields(self._public(record), req.arg("fields"), DEFAULT_FIELDS))

    def upload(self, req: Request) -> Response:
        kind = req.arg("uploadType") or "media"
        content_type = req.headers.get("content-type", "")
        if kind == "media":
            record = self._create({}, req.body, content_type.split(";")[0] or None)
        elif kind == "multipart":
            message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + req.body)
            parts = list(message.iter_parts())
            if len(parts) != 2:
                raise bad_request("Multipart upload needs a metadata part and a media part")
            raw_metadata = parts[0].get_payload(decode=True)
            media = parts[1].get_payload(decode=True)
            if not isinstance(raw_metadata, bytes) or not isinstance(media, bytes):
                raise bad_request("Multipart upload parts must carry bytes")
            record = self._create(json.loads(raw_metadata or b"{}"), media, parts[1].get_content_type())
        else:
            raise bad_request(f"Unsupported uploadType: {kind}")
        return Response(json=select_fields(self._public(record), req.arg("fields"), DEFAULT_FIELDS))

    def copy(self, req: Request) -> Response:
        source = self._public(self._file(req.params["file"]))
        metadata = req.json()
        name = (metadata.get("name") if isinstance(metadata, dict) else None) or f"Copy of {source['name']}"
        if source["mimeType"] == SPREADSHEET:
            copied_id = self.sheets.copy_spreadsheet(str(source["id"]), str(name))
            if copied_id is None:
                raise _file_not_found(str(source["id"]))
            record = self._files[copied_id]
        else:
            # Drive v3: a copy without `parents` goes where the source is, as far as the caller can see.
            record = self._new_file(
                self.state.new_token_id(33), str(name), str(source["mimeType"]), source.get("parents")
            )
            content = self.state.get_blob(str(source["id"]))
            if content is not None:
                self.state.put_blob(str(record["id"]), content)
            for key in ("size", "md5Checksum", "imageMediaMetadata"):
                if key in source:
                    record[key] = source[key]
        return Response(json=select_fields(self._public(record), req.arg("fields"), DEFAULT_FIELDS))

    def list_comments(self, req: Request) -> Response:
        self._file(req.params["file"])
        # Nobody comments inside the sandbox: an empty list, as Google gives for a new file.
        resource = {"kind": "drive#commentList", "comments": []}
        return Response(json=select_fields(resource, req.arg("fields"), ("kind", "comments")))

    def get(self, req: Request) -> Response:
        if req.params["file"] in ROOT_ALIASES:
            return Response(json=select_fields(self._root(), req.arg("fields"), DEFAULT_FIELDS))
        record = self._file(req.params["file"])
        if req.arg("alt") == "media":
            content = self.state.get_blob(record["id"])
            if content is None:
                raise ApiError(403, "Only files with binary content can be downloaded.", reason="fileNotDownloadable")
            return Response(body=content, content_type=str(record["mimeType"]))
        return Response(json=select_fields(self._public(record), req.arg("fields"), DEFAULT_FIELDS))

    def list(self, req: Request) -> Response:
        query = req.arg("q") or ""
        records = [r for r in self._files.values() if r.get("_readable", True)]
        for clause in (c.strip() for c in query.split(" and ") if c.strip()):
            field, _, value = clause.partition("=")
            value = value.strip().strip("'")
            field = field.strip()
            if field == "mimeType":
                records = [r for r in records if r["mimeType"] == value]
            elif field == "name":
                records = [r for r in records if r["name"] == value]
            elif field == "trashed":
                records = [r for r in records if str(r.get("trashed", False)).lower() == value]
            elif " in parents" in clause:
                parent = clause.split(" in parents")[0].strip().strip("'")
                parent = ROOT_ID if parent in ROOT_ALIASES else parent
                records = [r for r in records if parent in self._visible_parents(r)]
        size = int(req.arg("pageSize") or 100)
        start = int(req.arg("pageToken") or 0)
        page = records[start : start + size]
        fields = req.arg("fields")
        inner = None
        if fields and "files(" in fields:
            inner = fields.split("files(", 1)[1].rsplit(")", 1)[0]
        result: dict[str, Any] = {
            "kind": "drive#fileList",
            "incompleteSearch": False,
            "files": [select_fields(self._public(r), inner, DEFAULT_FIELDS) for r in page],
        }
        if start + size < len(records):
            result["nextPageToken"] = str(start + size)
        return Response(json=result)

    def update(self, req: Request) -> Response:
        record = self._file(req.params["file"])
        body = req.json()
        if "name" in body:
            record["name"] = str(body["name"])
            if record["mimeType"] == SPREADSHEET:
                self.sheets.rename_spreadsheet(record["id"], record["name"])
            self.touch(str(record["id"]))
        return Response(json=select_fields(self._public(record), req.arg("fields"), DEFAULT_FIELDS))

    def delete(self, req: Request) -> Response:
        record = self._file(req.params["file"])
        if record["mimeType"] == SPREADSHEET:
            self.sheets.delete_spreadsheet(record["id"])
        self.state.delete_blob(record["id"])
        del self._files[record["id"]]
        return Response(status=204)

    def create_permission(self, req: Request) -> Response:
        record = self._file(req.params["file"])
        body = req.json()
        kind, role = body.get("type"), body.get("role")
        if kind not in ("user", "group", "domain", "anyone") or role not in (
            "owner",
            "organizer",
            "fileOrganizer",
            "writer",
            "commenter",
            "reader",
        ):
            raise bad_request("The permission type or role is invalid.")
        perm_id = (
            ANYONE_ID if kind == "anyone" else _grantee_id(body.get("emailAddress")) or self.state.new_numeric_id(20)
        )
        permission = {"kind": "drive#permission", "id": perm_id, "type": kind, "role": role}
        if body.get("emailAddress"):
            permission["emailAddress"] = body["emailAddress"]
        record["permissions"] = [p for p in record["permissions"] if p["id"] != perm_id] + [permission]
        return Response(json=select_fields(permission, req.arg("fields"), PERMISSION_FIELDS))

    def list_permissions(self, req: Request) -> Response:
        """Pages of a file's permissions; each with only kind, id, type and role unless `fields` asks for
        more (an address must be asked for as `permissions(emailAddress)`)."""
        record = self._file(req.params["file"])
        try:
            size = min(int(req.arg("pageSize") or 100), 100)
            start = int(req.arg("pageToken") or 0)
        except ValueError as exc:
            raise bad_request("Invalid page token.") from exc
        permissions: list[dict[str, Any]] = record["permissions"]
        page = permissions[start : start + size]
        fields = req.arg("fields")
        if fields is None:
            page = [select_fields(p, None, PERMISSION_FIELDS) for p in page]
        resource: dict[str, Any] = {"kind": "drive#permissionList", "permissions": page}
        if start + size < len(permissions):
            resource["nextPageToken"] = str(start + size)
        return Response(json=resource if fields is None else select_fields(resource, fields, ()))

    def delete_permission(self, req: Request) -> Response:
        record = self._file(req.params["file"])
        kept = [p for p in record["permissions"] if p["id"] != req.params["perm"]]
        if len(kept) == len(record["permissions"]):
            raise ApiError(404, f"Permission not found: {req.params['perm']}.", "NOT_FOUND", reason="notFound")
        record["permissions"] = kept
        return Response(status=204)

    def set_access(self, req: Request) -> Response:
        record = self._files.get(req.params["file"])
        if record is None:
            raise _file_not_found(req.params["file"])
        record["_readable"] = bool(req.json().get("readable", True))
        return Response(json={"id": record["id"], "readable": record["_readable"]})

    def set_signal(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("delayed"), bool):
            raise bad_request('expected {"delayed": true} or {"delayed": false}')
        self.delay_signal(bool(body["delayed"]))  # handlers run under the state's lock
        return Response(json={"delayed": self._held is not None})
