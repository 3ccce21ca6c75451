"""What the review and Pengaduan tabs need so officers work comfortably and safely, as Sheets batchUpdate
requests.

Planned from what the tab already has, so preparing it twice adds nothing twice: protections and colour
rules are looked for before they are added; validations, formats and widths are set to the same values.
Data rows are never written: rules and formats cover whole columns below the header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.complaints import PIPELINE_ROLES as COMPLAINT_PIPELINE_ROLES
from ..core.complaints import TAB_HEADERS as COMPLAINT_HEADERS
from ..core.complaints import ComplaintStatus
from ..core.model import Mode, Status
from ..core.review import CHECKBOX_ROLES, PIPELINE_OWNED
from ..core.text import fold
from .sheets_values import quote_sheet

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

COMPLAINT_STATUS_COLORS: dict[ComplaintStatus, dict[str, float]] = {
    ComplaintStatus.RECEIVED: {"red": 1.0, "green": 0.95, "blue": 0.8},  # waiting for an officer
    ComplaintStatus.FORWARDED: {"red": 0.81, "green": 0.89, "blue": 0.97},  # waiting for the department
    ComplaintStatus.ANSWERED: {"red": 0.85, "green": 0.94, "blue": 0.82},
    ComplaintStatus.CLOSED: {"red": 0.9, "green": 0.9, "blue": 0.9},
}
COMPLAINT_WIDTHS = {
    "code": 150,
    "received": 130,
    "name": 150,
    "contact": 140,
    "desa": 130,
    "kecamatan": 110,
    "category": 120,
    "text": 420,
    "photos": 180,
    "department": 220,
    "answer": 360,
    "done": 70,
    "note": 220,
    "status": 110,
    "forwarded": 130,
    "answered": 130,
    "message": 340,
}
DEPARTMENT_WIDTHS = {"nama skpd": 300, "email": 240, "kontak": 160}


def protection_note(header: str) -> str:
    return f"Kolom {header} diisi otomatis oleh MyMeIn"


def review_tab_requests(
    sheet: Mapping[str, Any], columns: Mapping[str, int], headers: Mapping[str, str], *, full: bool = True
) -> list[dict[str, Any]]:
    """Requests that give the review tab its header style, checkboxes, dropdown, protections and, with
    `full`, the date-time column, status colours and column widths. `sheet` is the tab as
    `spreadsheets.get` describes it (properties, protectedRanges, conditionalFormats)."""
    sheet_id = int(sheet["properties"]["sheetId"])
    requests = _working_header(sheet_id)
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
            requests.append(_status_color(sheet_id, columns["status"], status.value, color))
    requests += [_width(sheet_id, columns[role], pixels) for role, pixels in WIDTHS.items()]
    return requests


def department_rule(departments_tab: str) -> dict[str, Any]:
    """The `SKPD` dropdown: the names in the first column of the departments tab, below its header. Not strict,
    so an officer may type a department not listed yet; the cycle then explains in `Pesan`."""
    return {
        "condition": {
            "type": "ONE_OF_RANGE",
            "values": [{"userEnteredValue": f"={quote_sheet(departments_tab)}!A2:A"}],
        },
        "showCustomUi": True,
        "strict": False,
    }


def complaint_tab_requests(
    sheet: Mapping[str, Any], columns: Mapping[str, int], departments_tab: str
) -> list[dict[str, Any]]:
    """Requests that give the Pengaduan tab its header style, the `SKPD` dropdown, the `Selesai` checkbox,
    warning-only protection of the pipeline's columns, a colour per status and column widths. `columns` has
    every role of `core.complaints.TAB_HEADERS`; `sheet` is the tab as `spreadsheets.get` describes it."""
    sheet_id = int(sheet["properties"]["sheetId"])
    requests = _working_header(sheet_id)
    requests.append(set_validation(sheet_id, columns["department"], department_rule(departments_tab)))
    requests.append(set_validation(sheet_id, columns["done"], {"condition": {"type": "BOOLEAN"}}))
    described = {p.get("description") for p in sheet.get("protectedRanges", [])}
    for role in COMPLAINT_PIPELINE_ROLES:
        note = protection_note(COMPLAINT_HEADERS[role])
        if note not in described:
            requests.append(_protect(sheet_id, columns[role], note))
    coloured = _coloured_statuses(sheet.get("conditionalFormats", []))
    for status, color in COMPLAINT_STATUS_COLORS.items():
        if status.value not in coloured:
            requests.append(_status_color(sheet_id, columns["status"], status.value, color))
    requests += [_width(sheet_id, columns[role], pixels) for role, pixels in COMPLAINT_WIDTHS.items()]
    return requests


def departments_tab_requests(sheet_id: int, header: Sequence[str]) -> list[dict[str, Any]]:
    """The SKPD tab: a frozen bold header and room for long department names and addresses (columns found by
    their folded header, so a reordered tab keeps sensible widths)."""
    requests = plain_tab_requests(sheet_id)
    for index, name in enumerate(header):
        pixels = DEPARTMENT_WIDTHS.get(fold(name))
        if pixels is not None:
            requests.append(_width(sheet_id, index, pixels))
    return requests


def plain_tab_requests(sheet_id: int) -> list[dict[str, Any]]:
    """A frozen, bold header row for the other tabs (Rekap, Operator, Arsip)."""
    return _header(sheet_id, None)


def _working_header(sheet_id: int) -> list[dict[str, Any]]:
    """The header of a tab officers work in: frozen, bold, coloured."""
    return _header(sheet_id, HEADER_COLOR)


def _header(sheet_id: int, colour: dict[str, Any] | None) -> list[dict[str, Any]]:
    look: dict[str, Any] = {"textFormat": {"bold": True}}
    fields = "userEnteredFormat.textFormat.bold"
    if colour is not None:
        look["backgroundColor"] = colour
        fields = "userEnteredFormat(textFormat,backgroundColor)"
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
                "cell": {"userEnteredFormat": look},
                "fields": fields,
            }
        },
    ]


def _width(sheet_id: int, index: int, pixels: int) -> dict[str, Any]:
    return {
        "updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": index, "endIndex": index + 1},
            "properties": {"pixelSize": pixels},
            "fields": "pixelSize",
        }
    }


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


def _status_color(sheet_id: int, column: int, status: str, color: dict[str, float]) -> dict[str, Any]:
    return {
        "addConditionalFormatRule": {
            "index": 0,
            "rule": {
                "ranges": [_column(sheet_id, column)],
                "booleanRule": {
                    "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": status}]},
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
