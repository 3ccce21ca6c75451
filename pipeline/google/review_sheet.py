"""The officers' review sheet: read it whole, create its header when empty, append rows, write changed cells."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.model import Mode
from ..core.review import CHECKBOX_ROLES, PIPELINE_OWNED, column_letter
from .errors import GoogleApiError
from .sheets_values import SheetValues, quote_sheet

HEADER_COLOR = {"red": 0.85, "green": 0.92, "blue": 0.83}


@dataclass(frozen=True)
class CellWrite:
    row: int  # 1-based sheet row, from this cycle's read
    column: int  # 0-based column index
    value: Any


class ReviewSheet:
    def __init__(self, values: SheetValues, worksheet: str) -> None:
        self.values = values
        self.worksheet = worksheet

    def read(self) -> list[list[Any]]:
        try:
            return self.values.get(quote_sheet(self.worksheet))
        except GoogleApiError as exc:
            if exc.status == 400 and "parse range" in exc.message:
                self._add_tab()
                return []
            raise

    def _add_tab(self) -> None:
        self.values.structure([{"addSheet": {"properties": {"title": self.worksheet}}}])

    def create_header(self, headers: Mapping[str, str]) -> list[str]:
        """Write the header row of an empty sheet and set up checkboxes, the mode dropdown and protections."""
        header = list(headers.values())
        self.values.update(f"{quote_sheet(self.worksheet)}!A1", [header])
        meta = self.values.metadata("sheets.properties(sheetId,title,gridProperties)")
        sheet = next(s["properties"] for s in meta.get("sheets", []) if s["properties"]["title"] == self.worksheet)
        sheet_id = int(sheet["sheetId"])
        roles = list(headers)
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
            requests.append(_validation(sheet_id, roles.index(role), {"condition": {"type": "BOOLEAN"}}))
        mode_values = [{"userEnteredValue": m.value} for m in Mode]
        requests.append(
            _validation(
                sheet_id,
                roles.index("mode"),
                {
                    "condition": {"type": "ONE_OF_LIST", "values": mode_values},
                    "showCustomUi": True,
                    "strict": True,
                },
            )
        )
        for role in PIPELINE_OWNED:
            index = roles.index(role)
            requests.append(
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {
                                "sheetId": sheet_id,
                                "startColumnIndex": index,
                                "endColumnIndex": index + 1,
                            },
                            "description": f"Kolom {headers[role]} diisi otomatis oleh MyMeIn",
                            "warningOnly": True,
                        }
                    }
                }
            )
        self.values.structure(requests)
        return header

    def append(self, rows: Sequence[list[Any]]) -> None:
        if rows:
            self.values.append(self.worksheet, list(rows))

    def write(self, cells: Sequence[CellWrite]) -> None:
        """All changed cells in one values.batchUpdate call."""
        if not cells:
            return
        tab = quote_sheet(self.worksheet)
        data = [
            {"range": f"{tab}!{column_letter(c.column)}{c.row}", "values": [[c.value]]}
            for c in sorted(cells, key=lambda c: (c.row, c.column))
        ]
        self.values.batch_update(data)


def _validation(sheet_id: int, column: int, rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "setDataValidation": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": 1,
                "startColumnIndex": column,
                "endColumnIndex": column + 1,
            },
            "rule": rule,
        }
    }
