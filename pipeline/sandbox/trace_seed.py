"""Seeding a sandbox for a field trace's replay (`trace_replay.py`): the world as it was before the run.

A trace starts in the middle of a regency's world: its spreadsheets, photos and blog existed before the run. The
sandbox gets what the trace shows of that world before the run touched it: the tabs and cells each spreadsheet
was read with, the photos' metadata and sharing, the blog and the posts it listed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ..core.endpoints import api_of
from .conformance import endpoint_of
from .demo_data import DEMO_PHOTOS, png_bytes
from .drive import FOLDER
from .server import Sandbox
from .sheets.a1 import A1Error, parse_cells, split_sheet
from .sheets.defaults import DEFAULT_COLUMNS, DEFAULT_ROWS
from .sheets.store import sheet_by_title
from .sheets.values import WriteOptions, write_block


def item_path(item: dict[str, Any]) -> str:
    return urlsplit(str(item["request"]["url"])).path


def _segments(item: dict[str, Any]) -> list[str]:
    return [unquote(s) for s in item_path(item).split("/")]


def _after(segments: list[str], name: str) -> str | None:
    for i, segment in enumerate(segments[:-1]):
        if segment == name:
            return segments[i + 1].split(":")[0] or None
    return None


def _ok(item: dict[str, Any]) -> bool:
    response = item.get("response")
    return isinstance(response, dict) and int(response["status"]) < 400


def _body(item: dict[str, Any]) -> Any:
    """The recorded answer's JSON, or None (no answer, no body, or bytes that were not kept)."""
    response = item.get("response")
    return response.get("json") if isinstance(response, dict) else None


@dataclass
class _Tab:
    title: str
    properties: dict[str, Any] = field(default_factory=dict)
    rows_seen: int = 0  # the grid's size as open-ended reads revealed it (clipped to the grid)
    cols_seen: int = 0
    protected: list[Any] | None = None
    conditional: list[Any] | None = None
    cells: list[tuple[int, int, list[list[Any]]]] = field(default_factory=list)
    touched: bool = False  # written by the run: later reads show the run's work, not the world before it


@dataclass
class _Book:
    properties: dict[str, Any] = field(default_factory=dict)
    tabs: dict[str, _Tab] = field(default_factory=dict)
    reshaped: bool = False  # after the run's first batchUpdate, metadata is the run's work
    exists: bool = False
    added: set[str] = field(default_factory=set)  # tabs the run made itself: replayed, never seeded

    def tab(self, title: str) -> _Tab:
        return self.tabs.setdefault(title, _Tab(title))

    def by_id(self, sheet_id: Any) -> _Tab | None:
        for tab in self.tabs.values():
            if tab.properties.get("sheetId") == sheet_id:
                return tab
        return None


def seed(sandbox: Sandbox, items: list[dict[str, Any]]) -> None:
    _seed_sheets(sandbox, [i for i in items if api_of(item_path(i)) == "sheets"])
    _seed_drive(sandbox, [i for i in items if api_of(item_path(i)) == "drive"])
    _seed_blogger(sandbox, [i for i in items if api_of(item_path(i)) == "blogger"])


def _read_ranges(item: dict[str, Any], endpoint: str) -> list[str]:
    if endpoint == "values.get":
        return [unquote(item_path(item).split("/values/", 1)[-1])]
    query = parse_qs(urlsplit(str(item["request"]["url"])).query, keep_blank_values=True)
    return query.get("ranges", [])


def _title_of(text: str) -> str | None:
    try:
        return split_sheet(text)[0]
    except A1Error:
        return None


def _seed_sheets(sandbox: Sandbox, items: list[dict[str, Any]]) -> None:
    books: dict[str, _Book] = {}
    created: set[str] = set()
    for item in items:
        spreadsheet_id = _after(_segments(item), "spreadsheets")
        request, body = item["request"], _body(item)
        endpoint = endpoint_of(request)
        if endpoint == "spreadsheets.create" and _ok(item) and isinstance(body, dict):
            created.add(str(body.get("spreadsheetId")))
        if spreadsheet_id is None or spreadsheet_id in created or not _ok(item):
            continue
        book = books.setdefault(spreadsheet_id, _Book())
        book.exists = True
        if endpoint == "spreadsheets.get" and isinstance(body, dict):
            if not book.reshaped:
                _take_metadata(book, body)
        elif endpoint in ("values.get", "values.batchGet") and isinstance(body, dict):
            ranges = body.get("valueRanges") if endpoint == "values.batchGet" else [body]
            for asked, got in zip(_read_ranges(item, endpoint), ranges or [], strict=False):
                _take_values(book, asked, got)
        else:
            _mark_written(book, endpoint, request)
    for spreadsheet_id, book in books.items():
        if book.exists:
            _build_book(sandbox, spreadsheet_id, book)


def _take_metadata(book: _Book, body: dict[str, Any]) -> None:
    book.properties.update({k: v for k, v in (body.get("properties") or {}).items() if k not in book.properties})
    for sheet in body.get("sheets") or []:
        props = sheet.get("properties") or {}
        title = props.get("title")
        tab = book.tab(str(title)) if title is not None else book.by_id(props.get("sheetId"))
        if tab is None:
            continue
        for key, value in props.items():
            tab.properties.setdefault(key, copy.deepcopy(value))
        if "protectedRanges" in sheet and tab.protected is None:
            tab.protected = copy.deepcopy(sheet["protectedRanges"])
        if "conditionalFormats" in sheet and tab.conditional is None:
            tab.conditional = copy.deepcopy(sheet["conditionalFormats"])


def _take_values(book: _Book, asked: str, got: Any) -> None:
    if not isinstance(got, dict) or not isinstance(got.get("range"), str):
        return
    try:
        title, cells = split_sheet(got["range"])
        bounds = parse_cells(cells or "A1")
    except A1Error:
        return
    if title is None:
        return
    if title in book.added:
        return
    tab = book.tab(title)
    if tab.touched:
        return
    open_rows = open_cols = True  # a whole tab
    try:
        _, asked_cells = split_sheet(asked)
        if asked_cells is not None and asked_cells != title:
            asked_bounds = parse_cells(asked_cells)
            open_rows, open_cols = asked_bounds.end_row is None, asked_bounds.end_col is None
            # A bounded read answered with a shorter range was clipped to the grid (ingest reads in chunks).
            if asked_bounds.end_row is not None and bounds.end_row is not None:
                open_rows = bounds.end_row < asked_bounds.end_row
    except A1Error:
        pass
    if open_rows and bounds.end_row is not None:
        tab.rows_seen = max(tab.rows_seen, bounds.end_row)
    if open_cols and bounds.end_col is not None:
        tab.cols_seen = max(tab.cols_seen, bounds.end_col)
    values = got.get("values")
    if isinstance(values, list) and values and got.get("majorDimension", "ROWS") == "ROWS":
        tab.cells.append((bounds.start_row or 0, bounds.start_col or 0, values))


def _sheet_ids(obj: Any) -> Iterator[Any]:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "sheetId":
                yield value
            else:
                yield from _sheet_ids(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _sheet_ids(value)


def _mark_written(book: _Book, endpoint: str, request: dict[str, Any]) -> None:
    body = request.get("json")
    titles: list[str | None] = []
    if endpoint in ("values.update", "values.append", "values.clear"):
        titles.append(_title_of(unquote(urlsplit(request["url"]).path.split("/values/", 1)[-1].split(":")[0])))
    elif endpoint == "values.batchUpdate" and isinstance(body, dict):
        titles += [_title_of(str(d.get("range", ""))) for d in body.get("data") or [] if isinstance(d, dict)]
    elif endpoint == "values.batchClear" and isinstance(body, dict):
        titles += [_title_of(str(r)) for r in body.get("ranges") or []]
    elif endpoint.startswith("batchUpdate"):
        book.reshaped = True
        changes = body.get("requests") if isinstance(body, dict) else None
        for change in changes if isinstance(changes, list) else []:
            added = change.get("addSheet") if isinstance(change, dict) else None
            title = (added.get("properties") or {}).get("title") if isinstance(added, dict) else None
            if isinstance(title, str):
                book.added.add(title)
        for sheet_id in _sheet_ids(body):
            tab = book.by_id(sheet_id)
            if tab is not None:
                tab.touched = True
    for title in titles:
        if title is not None:
            book.tab(title).touched = True


def _build_book(sandbox: Sandbox, spreadsheet_id: str, book: _Book) -> None:
    specs = []
    kept = [t for t in book.tabs.values() if t.title not in book.added]
    ordered = sorted(kept, key=lambda t: int(t.properties.get("index", len(book.tabs))))
    for tab in ordered:
        props = {k: copy.deepcopy(v) for k, v in tab.properties.items() if k != "index"}
        props["title"] = tab.title
        grid = props.setdefault("gridProperties", {})
        needed_rows = max([r + len(v) for r, _, v in tab.cells] or [0])
        needed_cols = max([c + max((len(x) for x in v), default=0) for _, c, v in tab.cells] or [0])
        grid.setdefault("rowCount", max(tab.rows_seen or DEFAULT_ROWS, needed_rows))
        grid.setdefault("columnCount", max(tab.cols_seen or DEFAULT_COLUMNS, needed_cols))
        specs.append({"properties": props})
    created = sandbox.app.sheets.seed_spreadsheet(
        spreadsheet_id, {"properties": copy.deepcopy(book.properties), "sheets": specs or [{}]}
    )
    with sandbox.app.state.lock:
        for tab in ordered:
            sheet = sheet_by_title(created, tab.title)
            if sheet is None:
                continue
            if tab.protected:
                sheet["protectedRanges"] = copy.deepcopy(tab.protected)
            if tab.conditional:
                sheet["conditionalFormats"] = copy.deepcopy(tab.conditional)
            for row, col, values in tab.cells:
                # RAW: what was read back unformatted is stored as it came (text stays text, numbers numbers).
                write_block(created, sheet, row, col, [list(v) for v in values], WriteOptions("RAW"))


def _seed_drive(sandbox: Sandbox, items: list[dict[str, Any]]) -> None:
    files: dict[str, dict[str, Any]] = {}
    permissions: dict[str, list[Any]] = {}
    changed: set[str] = set()
    created: set[str] = set()
    media: set[str] = set()
    for item in items:
        request, body = item["request"], _body(item)
        endpoint = endpoint_of(request)
        if endpoint in ("files.create", "files.copy") and _ok(item) and isinstance(body, dict):
            created.add(str(body.get("id")))
        file_id = _after(_segments(item), "files")
        if file_id is None or file_id in created or not _ok(item):
            continue
        record = files.setdefault(file_id, {})
        if endpoint.startswith("permissions.") and endpoint != "permissions.list":
            changed.add(file_id)
        if endpoint == "files.get" and body is None:
            media.add(file_id)
        elif endpoint == "files.get" and isinstance(body, dict):
            for key, value in body.items():
                record.setdefault(key, copy.deepcopy(value))
        elif endpoint == "permissions.list" and isinstance(body, dict) and file_id not in changed:
            permissions.setdefault(file_id, copy.deepcopy(body.get("permissions") or []))
    parents = {str(p) for r in files.values() for p in r.get("parents") or []} - set(files) - created
    for folder in sorted(parents):
        sandbox.app.drive.seed_file(folder, {"name": "folder", "mimeType": FOLDER})
    photo = png_bytes(next(iter(DEMO_PHOTOS.values())))  # the bytes are not in the trace: any picture will do
    for file_id, record in files.items():
        metadata = {k: v for k, v in record.items() if k != "permissions"}
        if file_id in permissions:
            metadata["permissions"] = permissions[file_id]
        sandbox.app.drive.seed_file(file_id, metadata, photo if file_id in media else None)


def _posts_in(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    if body.get("kind") == "blogger#post":
        return [body]
    return [p for p in body.get("items") or [] if isinstance(p, dict) and p.get("kind") == "blogger#post"]


def _seed_blogger(sandbox: Sandbox, items: list[dict[str, Any]]) -> None:
    blogs: dict[str, dict[str, Any]] = {}
    posts: dict[str, dict[str, dict[str, Any]]] = {}
    inserted: set[str] = set()
    changed: set[str] = set()
    for item in items:
        request, body = item["request"], _body(item)
        endpoint = endpoint_of(request)
        blog_id = _after(_segments(item), "blogs")
        if blog_id is None or blog_id == "byurl" or not _ok(item):
            continue
        blog = blogs.setdefault(blog_id, {})
        if endpoint == "blogs.get" and isinstance(body, dict):
            for key, value in body.items():
                blog.setdefault(key, value)
        post_id = _after(_segments(item), "posts")
        if endpoint in ("posts.patch", "posts.update", "posts.publish", "posts.revert", "posts.delete") and post_id:
            changed.add(post_id)
        if endpoint == "posts.insert" and isinstance(body, dict):
            inserted.add(str(body.get("id")))
            continue
        for post in _posts_in(body):
            if str(post.get("id")) in inserted | changed:
                continue
            seen = posts.setdefault(blog_id, {}).setdefault(str(post["id"]), {})
            for key, value in post.items():
                seen.setdefault(key, value)
    for blog_id, blog in blogs.items():
        known = list(posts.get(blog_id, {}).values())
        stamps = [str(p["published"]) for p in known if p.get("published")]
        offset = _offset_hours(stamps[0]) if stamps else 8
        if not blog.get("url"):
            urls = [str(p["url"]) for p in known if p.get("url")]
            if urls:
                blog["url"] = urls[0].split("/" + stamps[0][:4] + "/", 1)[0] if stamps else urls[0]
        sandbox.app.blogger.seed_blog(blog_id, blog, offset_hours=offset, created=min(stamps, default=""))
        for post in known:
            sandbox.app.blogger.seed_post(blog_id, post)


def _offset_hours(stamp: str) -> int:
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return 8
    offset = moment.utcoffset()
    return int(offset.total_seconds() // 3600) if offset is not None else 0
