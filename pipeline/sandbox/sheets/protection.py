"""spreadsheets.batchUpdate requests that guard and mark cells: protected ranges, conditional formats, filters."""

from __future__ import annotations

import copy
from typing import Any

from .fields import merge_masked, require_fields
from .grid import (
    Sheet,
)
from .handler import Invalid, box_in
from .resource import grid_range_out
from .store import (
    Book,
    fresh_object_id,
    require_sheet_id,
    sheets_of,
)


def add_protected_range(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    given = body.get("protectedRange") or {}
    grid_range = given.get("range") or {}
    sheet, _found = box_in(book, grid_range, where)
    protected_id = given.get("protectedRangeId") or fresh_object_id(book)
    stored: dict[str, Any] = {"protectedRangeId": protected_id, "range": dict(grid_range)}
    stored["range"].setdefault("sheetId", sheet["properties"]["sheetId"])
    if given.get("description"):
        stored["description"] = given["description"]
    if given.get("warningOnly"):
        stored["warningOnly"] = True
        if given.get("editors"):
            raise Invalid("Editors cannot be set on a warning-only protected range.")
    stored["requestingUserCanEdit"] = True
    editors = given.get("editors") or {}
    users = [u for u in editors.get("users") or [] if u]
    groups = [g for g in editors.get("groups") or [] if g]
    reply = copy.deepcopy(stored)
    reply["range"] = grid_range_out(reply["range"])
    reply["editors"] = {k: v for k, v in (("users", users), ("groups", groups)) if v}
    if not stored.get("warningOnly"):
        # The owner always stays an editor; Google lists the caller (here: a placeholder address).
        stored["editors"] = {"users": sorted({*users, "example@example.com"}), **({"groups": groups} if groups else {})}
    else:
        stored["editors"] = {"users": ["example@example.com"]}
    sheet.setdefault("protectedRanges", []).append(stored)
    return {"addProtectedRange": {"protectedRange": reply}}


def _find_protected(book: Book, protected_id: Any) -> tuple[Sheet, dict[str, Any]]:
    for sheet in sheets_of(book):
        for protected in sheet.get("protectedRanges", []):
            if protected["protectedRangeId"] == protected_id:
                return sheet, protected
    raise Invalid(f"No protected range with id: {protected_id}")


def delete_protected_range(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet, protected = _find_protected(book, body.get("protectedRangeId"))
    sheet["protectedRanges"].remove(protected)
    if not sheet["protectedRanges"]:
        del sheet["protectedRanges"]
    return {}


def update_protected_range(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    given = body.get("protectedRange") or {}
    _sheet, protected = _find_protected(book, given.get("protectedRangeId"))
    mask = require_fields(body, where)
    mask.pop("protectedRangeId", None)
    merge_masked(protected, given, mask)
    return {}


def add_conditional_format_rule(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    rule = copy.deepcopy(body.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges:
        raise Invalid("A conditional format rule needs at least one range.")
    sheet, _box_found = box_in(book, ranges[0], where)
    rules = sheet.setdefault("conditionalFormats", [])
    index = int(body.get("index", len(rules)))
    rules.insert(min(index, len(rules)), rule)
    return {}


def delete_conditional_format_rule(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet = require_sheet_id(book, body.get("sheetId", 0), where)
    rules = sheet.get("conditionalFormats", [])
    index = int(body.get("index", 0))
    if not 0 <= index < len(rules):
        raise Invalid(f"No conditional format on sheet {body.get('sheetId', 0)} at index {index}")
    rule = rules.pop(index)
    if not rules:
        sheet.pop("conditionalFormats", None)
    return {"deleteConditionalFormatRule": {"rule": rule}}


def set_basic_filter(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    given = copy.deepcopy(body.get("filter") or {})
    sheet, _found = box_in(book, given.get("range"), where)
    given["range"] = grid_range_out(given.get("range") or {})
    sheet["basicFilter"] = given
    return {}


def clear_basic_filter(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet = require_sheet_id(book, body.get("sheetId", 0), where)
    sheet.pop("basicFilter", None)
    return {}
