"""What the review tab needs so officers work comfortably and safely, as Sheets batchUpdate requests.

Planned from what the tab already has, so preparing it twice adds nothing twice: protections and colour
rules are looked for before they are added; validations, formats and widths are set to the same values.
Data rows are never written: rules and formats cover whole columns below the header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.model import Mode, Status
from ..core.review import CHECKBOX_ROLES, PIPELINE_OWNED

HEADER_COLOR = {"red": 0.85, "green": 0.92, "blue": 0.83}
MODE_RULE: dict[str, Any] = {
    "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": m.value} for m in Mode]},
    "showCustomUi": True,
    "strict": True,
}
SCHEDULE_RULE: dict[str, Any] = {
    "condition": {"type": "DATE_IS_VALID"},
    "inputMessage": "Tanggal dan jam terbit, contoh 2026-12-01 08:00 (waktu setempat).",
    "strict": False,  # a warning, not a refusal: the cycle explains an unreadable date in `Pesan`
}
SCHEDULE_FORMAT = {"numberFormat": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}}
STATUS_COLORS: dict[Status, dict[str, float]] = {
    Status.PUBLISHED: {"red": 0.85, "green": 0.94, "blue": 0.82},
    Status.SCHEDULED: {"red": 0.81, "green": 0.89, "blue": 0.97},
    Status.DRAFT: {"red": 0.81, "green": 0.89, "blue": 0.97},
    Status.NEEDS_FIX: {"red": 0.99, "green": 0.9, "blue": 0.8},
    Status.DUPLICATE: {"red": 1.0, "green": 0.95, "blue": 0.8},
    Status.FAILED: {"red": 0.96, "green": 0.8, "blue": 0.8},
    Status.REJECTED: {"red": 0.9, "green": 0.9, "blue": 0.9},
    Status.RETRACTED: {"red": 0.9, "green": 0.9, "blue": 0.9},
}
WIDTHS = {
    "code": 150,
    "received": 130,
    "kecamatan": 110,
    "desa": 130,
    "operator": 140,
    "email": 180,
    "title": 260,
    "body": 420,
    "photos": 180,
    "labels": 120,
    "approve": 70,
    "reject": 70,
    "mode": 90,
    "schedule": 140,
    "note": 220,
    "status": 120,
    "link": 220,
    "post_id": 120,
    "processed": 130,
    "message": 340,
}


def protection_note(header: str) -> str:
    return f"Kolom {header} diisi otomatis oleh MyMeIn"


def review_tab_requests(
    sheet: Mapping[str, Any], columns: Mapping[str, int], headers: Mapping[str, str], *, full: bool = True
) -> list[dict[str, Any]]:
    """Requests that give the review tab its header style, checkboxes, dropdown, protections and, with
    `full`, the date-time column, status colours and column widths. `sheet` is the tab as
    `spreadsheets.get` describes it (properties, protectedRanges, conditionalFormats)."""
    sheet_id = int(sheet["properties"]["sheetId"])
    requests: list[dict[str, Any]] = [
        {
            "updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount",
            }
        },
        {
            "repeatCell": {
                "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1},
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}, "backgroundColor": HEADER_COLOR}},
                "fields": "userEnteredFormat(textFormat,backgroundColor)",
            }
        },
    ]
    for role in CHECKBOX_ROLES:
        if role in columns:
            requests.append(set_validation(sheet_id, columns[role], {"condition": {"type": "BOOLEAN"}}))
    requests.append(set_validation(sheet_id, columns["mode"], MODE_RULE))
    described = {p.get("description") for p in sheet.get("protectedRanges", [])}
    for role in PIPELINE_OWNED:
        if protection_note(headers[role]) not in described:
            requests.append(_protect(sheet_id, columns[role], protection_note(headers[role])))
    if not full:
        return requests
    schedule = columns["schedule"]
    requests.append(set_validation(sheet_id, schedule, SCHEDULE_RULE))
    requests.append(
        {
            "repeatCell": {
                "range": _column(sheet_id, schedule),
                "cell": {"userEnteredFormat": SCHEDULE_FORMAT},
                "fields": "userEnteredFormat.numberFormat",
            }
        }
    )
    coloured = _coloured_statuses(sheet.get("conditionalFormats", []))
    for status, color in STATUS_COLORS.items():
        if status.value not in coloured:
            requests.append(_status_color(sheet_id, columns["status"], status, color))
    for role, pixels in WIDTHS.items():
        index = columns[role]
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": index, "endIndex": index + 1},
                    "properties": {"pixelSize": pixels},
                    "fields": "pixelSize",
                }
            }
        )
    return requests


def plain_tab_requests(sheet_id: int) -> list[dict[str, Any]]:
    """A frozen, bold header row for the other tabs (Rekap, Operator, Arsip)."""
    return [
        {
            "updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount",
            }
        },
        {
            "repeatCell": {
                "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1},
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        },
    ]


def set_validation(sheet_id: int, column: int, rule: dict[str, Any]) -> dict[str, Any]:
    return {"setDataValidation": {"range": _column(sheet_id, column), "rule": rule}}


def _column(sheet_id: int, column: int) -> dict[str, Any]:
    return {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": column, "endColumnIndex": column + 1}


def _protect(sheet_id: int, column: int, description: str) -> dict[str, Any]:
    return {
        "addProtectedRange": {
            "protectedRange": {
                "range": {"sheetId": sheet_id, "startColumnIndex": column, "endColumnIndex": column + 1},
                "description": description,
                "warningOnly": True,
            }
        }
    }


def _status_color(sheet_id: int, column: int, status: Status, color: dict[str, float]) -> dict[str, Any]:
    return {
        "addConditionalFormatRule": {
            "index": 0,
            "rule": {
                "ranges": [_column(sheet_id, column)],
                "booleanRule": {
                    "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": status.value}]},
                    "format": {"backgroundColor": color},
                },
            },
        }
    }


def _coloured_statuses(rules: Sequence[Mapping[str, Any]]) -> set[str]:
    found: set[str] = set()
    for rule in rules:
        condition = rule.get("booleanRule", {}).get("condition", {})
        if condition.get("type") == "TEXT_EQ":
            found.update(str(v.get("userEnteredValue", "")) for v in condition.get("values", []))
    return found
