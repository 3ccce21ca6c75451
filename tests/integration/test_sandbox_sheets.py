"""The Sheets v4 emulator driven by the real gspread client over HTTP, plus a replay of recorded traffic."""

from __future__ import annotations

import json
from typing import Any

import gspread
import pytest
import requests
from google.oauth2.credentials import Credentials
from gspread.utils import InsertDataOption, ValueInputOption, ValueRenderOption

from pipeline.google.transport import authorized_session
from pipeline.sandbox.conformance import DEFAULT_DATA
from pipeline.sandbox.server import Sandbox

pytestmark = pytest.mark.integration

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
# Recorded real Sheets traffic (gspread cassettes, MIT; see pipeline/sandbox/conformance_data/README.md).
CONFORMANCE = DEFAULT_DATA


@pytest.fixture
def gc(sandbox: Sandbox) -> gspread.Client:
    session = authorized_session(Credentials(token="test"), sandbox.url)  # type: ignore[no-untyped-call]
    return gspread.Client(auth=None, session=session)  # type: ignore[arg-type]


def create(gc: gspread.Client, title: str = "Review", **extra: Any) -> gspread.Spreadsheet:
    body: dict[str, Any] = {"properties": {"title": title}, **extra}
    created = gc.http_client.request("post", SHEETS, json=body).json()
    return gc.open_by_key(created["spreadsheetId"])


def raw(gc: gspread.Client, method: str, path: str, **kwargs: Any) -> requests.Response:
    """A request that must not raise, to look at error answers."""
    session = gc.http_client.session
    return session.request(method, f"{SHEETS}{path}", **kwargs)


def test_create_and_get_have_googles_defaults(gc: gspread.Client) -> None:
    sh = create(gc, "Defaults")
    meta = sh.fetch_sheet_metadata()
    assert meta["properties"]["title"] == "Defaults"
    assert meta["properties"]["locale"] == "en_US"
    assert meta["properties"]["timeZone"] == "Etc/GMT"
    assert meta["sheets"] == [
        {
            "properties": {
                "sheetId": 0,
                "title": "Sheet1",
                "index": 0,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": 1000, "columnCount": 26},
            }
        }
    ]
    assert meta["spreadsheetUrl"].endswith(f"/d/{sh.id}/edit")


def test_create_honours_given_sheets_and_properties(gc: gspread.Client) -> None:
    body = {
        "properties": {"title": "Form", "locale": "id_ID", "timeZone": "Asia/Makassar"},
        "sheets": [
            {"properties": {"title": "Jawaban Formulir 1", "gridProperties": {"rowCount": 5, "columnCount": 3}}}
        ],
    }
    created = gc.http_client.request("post", SHEETS, json=body).json()
    assert created["properties"]["timeZone"] == "Asia/Makassar"
    sheet = created["sheets"][0]["properties"]
    assert (sheet["title"], sheet["sheetId"], sheet["gridProperties"]) == (
        "Jawaban Formulir 1",
        0,
        {"rowCount": 5, "columnCount": 3},
    )


def test_fields_mask_limits_the_answer(gc: gspread.Client) -> None:
    sh = create(gc)
    meta = gc.http_client.spreadsheets_get(sh.id, params={"fields": "properties.timeZone,sheets.properties.title"})
    assert meta == {"properties": {"timeZone": "Etc/GMT"}, "sheets": [{"properties": {"title": "Sheet1"}}]}
    meta = gc.http_client.spreadsheets_get(sh.id, params={"fields": "sheets.properties(sheetId,title)"})
    assert meta == {"sheets": [{"properties": {"sheetId": 0, "title": "Sheet1"}}]}


def test_raw_keeps_text_user_entered_types_it(gc: gspread.Client) -> None:
    ws = create(gc).sheet1
    row = ["=SUM(1,2)", "0042", "TRUE", "2020-01-01", '=IMPORTXML("http://x","//a")', 7, True]
    ws.update([row], "A1", value_input_option=ValueInputOption.raw)
    ws.update([row], "A2", value_input_option=ValueInputOption.user_entered)
    formula = ws.get("A1:G2", value_render_option=ValueRenderOption.formula)
    assert formula[0] == ["=SUM(1,2)", "0042", "TRUE", "2020-01-01", '=IMPORTXML("http://x","//a")', 7, True]
    assert formula[1] == ["=SUM(1,2)", 42, True, 43831, '=IMPORTXML("http://x","//a")', 7, True]
    unformatted = ws.get("A1:G2", value_render_option=ValueRenderOption.unformatted)
    assert unformatted[0][:4] == ["=SUM(1,2)", "0042", "TRUE", "2020-01-01"]
    assert unformatted[1][1:4] == [42, True, 43831]
    shown = ws.get("A2:G2")
    assert shown[0][1:4] == ["42", "TRUE", "2020-01-01"]
    assert shown[0][5:] == ["7", "TRUE"]


def test_cheap_formulas_get_a_value(gc: gspread.Client) -> None:
    ws = create(gc).sheet1
    ws.update([["=4/2", "= 1 / 1024", "=1/0"]], "A1", value_input_option=ValueInputOption.user_entered)
    assert ws.get("A1:C1") == [["2", "0.0009765625", "#DIV/0!"]]
    assert ws.get("A1:B1", value_render_option=ValueRenderOption.unformatted) == [[2, 0.0009765625]]


def test_get_trims_and_normalises_ranges(gc: gspread.Client) -> None:
    sh = create(gc)
    ws = sh.sheet1
    ws.update([["A1", "B1", "", "D1"], ["", "b2", "", ""], ["", "", "", ""], ["A4", "B4", "", "D4"]], "A1")
    whole = sh.values_get("'Sheet1'")
    assert whole["range"] == "Sheet1!A1:Z1000"
    assert whole["values"] == [["A1", "B1", "", "D1"], ["", "b2"], [], ["A4", "B4", "", "D4"]]
    assert sh.values_get("Sheet1!D4:A1")["range"] == "Sheet1!A1:D4"
    empty = sh.values_get("Sheet1!F10:G12")
    assert empty == {"range": "Sheet1!F10:G12", "majorDimension": "ROWS"}
    columns = sh.values_get("Sheet1!A1:B", params={"majorDimension": "COLUMNS"})
    assert columns["range"] == "Sheet1!A1:B1000"
    assert columns["values"] == [["A1", "", "", "A4"], ["B1", "b2", "", "B4"]]


def test_sheet_names_with_spaces_are_quoted_when_echoed(gc: gspread.Client) -> None:
    sh = create(gc)
    ws = sh.add_worksheet("Form Responses 1", rows=10, cols=3)
    result = ws.update([["Timestamp", "Email Address"]], "A1")
    assert result["updatedRange"] == "'Form Responses 1'!A1:B1"
    assert sh.values_get("'Form Responses 1'")["range"] == "'Form Responses 1'!A1:C10"
    # Unquoted names with spaces are accepted too, as Google accepts them.
    response = raw(gc, "GET", f"/{sh.id}/values/Form Responses 1!A1:B1")
    assert response.status_code == 200
    assert response.json()["values"] == [["Timestamp", "Email Address"]]


def test_append_to_empty_sheet_then_after_the_table(gc: gspread.Client) -> None:
    ws = create(gc).sheet1
    first = ws.append_row(["Kode", "Judul"], table_range="A1")
    assert "tableRange" not in first
    assert first["updates"]["updatedRange"] == "Sheet1!A1:B1"
    second = ws.append_rows([["MM-1", "Satu"], ["MM-2", ""]], table_range="A1")
    assert second["tableRange"] == "Sheet1!A1:B1"
    assert second["updates"]["updatedRange"] == "Sheet1!A2:B3"
    third = ws.append_row(["MM-3", "Tiga"], table_range="A1", insert_data_option=InsertDataOption.insert_rows)
    assert third["tableRange"] == "Sheet1!A1:B3"
    assert third["updates"]["updatedRange"] == "Sheet1!A4:B4"
    assert ws.get_all_values() == [["Kode", "Judul"], ["MM-1", "Satu"], ["MM-2", ""], ["MM-3", "Tiga"]]
    # OVERWRITE wrote into existing empty rows; INSERT_ROWS added one row to the grid.
    grid = ws.spreadsheet.fetch_sheet_metadata()["sheets"][0]["properties"]["gridProperties"]
    assert grid["rowCount"] == 1001


def test_append_after_a_table_with_gaps(gc: gspread.Client) -> None:
    ws = create(gc).sheet1
    ws.update([["x", "", "y"]], "A1")
    # Whole-sheet range: the last table of row 1 is C1 (B1 is empty), as recorded from Google.
    whole = ws.append_row(["a", "", "b"])
    assert whole["tableRange"] == "Sheet1!C1"
    assert whole["updates"]["updatedRange"] == "Sheet1!C2:E2"
    # Anchored at A1: the table is the block around A1, with a hole inside a row.
    ws2 = create(gc).sheet1
    ws2.update([["h1", "h2", "h3"], ["1", "", "3"], ["", "", "6"]], "A1")
    anchored = ws2.append_row(["7", "8", "9"], table_range="A1")
    assert anchored["tableRange"] == "Sheet1!A1:C3"
    assert anchored["updates"]["updatedRange"] == "Sheet1!A4:C4"


def test_append_grows_the_grid(gc: gspread.Client) -> None:
    sh = create(gc)
    ws = sh.add_worksheet("Small", rows=2, cols=2)
    ws.append_rows([["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]], table_range="A1")
    grid = sh.fetch_sheet_metadata()["sheets"][1]["properties"]["gridProperties"]
    assert grid == {"rowCount": 3, "columnCount": 3}


def test_batch_get_and_batch_update(gc: gspread.Client) -> None:
    sh = create(gc)
    ws = sh.sheet1
    result = ws.batch_update(
        [{"range": "A1:B1", "values": [["a", "b"]]}, {"range": "D4", "values": [[1]]}],
    )
    assert result["totalUpdatedCells"] == 3
    assert result["totalUpdatedSheets"] == 1
    assert [r["updatedRange"] for r in result["responses"]] == ["Sheet1!A1:B1", "Sheet1!D4"]
    got = ws.batch_get(["A1:B1", "D4", "Z9"])
    assert [list(v) for v in got] == [[["a", "b"]], [["1"]], []]


def test_clear_and_batch_clear(gc: gspread.Client) -> None:
    sh = create(gc)
    ws = sh.sheet1
    ws.update([["a", "b"], ["c", "d"]], "A1")
    assert ws.batch_clear(["A1", "B2"])["clearedRanges"] == ["Sheet1!A1", "Sheet1!B2"]
    assert ws.get_all_values() == [["", "b"], ["c", ""]]
    assert ws.clear()["clearedRange"] == "Sheet1!A1:Z1000"
    assert "values" not in sh.values_get("Sheet1")


def test_checkbox_validation_and_booleans(gc: gspread.Client) -> None:
    sh = create(gc)
    rule = {
        "setDataValidation": {
            "range": {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 1, "endColumnIndex": 2},
            "rule": {"condition": {"type": "BOOLEAN"}},
        }
    }
    assert sh.batch_update({"requests": [rule]})["replies"] == [{}]
    ws = sh.sheet1
    ws.update([[True], [False]], "B2")
    ws.update([["TRUE"]], "B4", value_input_option=ValueInputOption.user_entered)
    assert ws.get("B2:B4") == [["TRUE"], ["FALSE"], ["TRUE"]]
    assert ws.get("B2:B4", value_render_option=ValueRenderOption.unformatted) == [[True], [False], [True]]
    grid = sh.fetch_sheet_metadata(params={"ranges": "Sheet1!B2", "includeGridData": "true"})
    cell = grid["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["userEnteredValue"] == {"boolValue": True}
    assert cell["formattedValue"] == "TRUE"
    assert cell["dataValidation"] == {"condition": {"type": "BOOLEAN"}}


def test_sort_range_moves_rows_with_their_validation(gc: gspread.Client) -> None:
    sh = create(gc)
    ws = sh.sheet1
    ws.update([["Kode", "Setujui"], ["c", True], ["a", False], ["b", ""]], "A1")
    sh.batch_update(
        {
            "requests": [
                {
                    "setDataValidation": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 1,
                            "endRowIndex": 2,
                            "startColumnIndex": 1,
                            "endColumnIndex": 2,
                        },
                        "rule": {"condition": {"type": "BOOLEAN"}},
                    }
                }
            ]
        }
    )
    ws.sort((1, "asc"), range="A2:B4")
    assert ws.get_all_values() == [["Kode", "Setujui"], ["a", "FALSE"], ["b", ""], ["c", "TRUE"]]
    grid = sh.fetch_sheet_metadata(
        params={"ranges": "Sheet1!B4", "fields": "sheets.data.rowData.values.dataValidation"}
    )
    assert grid["sheets"][0]["data"][0]["rowData"][0]["values"][0] == {
        "dataValidation": {"condition": {"type": "BOOLEAN"}}
    }
    ws.sort((1, "des"), range="A2:B4")
    assert ws.col_values(1) == ["Kode", "c", "b", "a"]


def test_insert_and_delete_rows(gc: gspread.Client) -> None:
    ws = create(gc).sheet1
    ws.update([["1"], ["2"], ["3"]], "A1")
    ws.insert_rows([["new"]], row=2)
    assert ws.col_values(1) == ["1", "new", "2", "3"]
    assert ws.row_count == 1001
    ws.delete_rows(1, 2)
    assert ws.col_values(1) == ["2", "3"]
    assert ws.row_count == 999


def test_move_dimension_of_a_column(gc: gspread.Client) -> None:
    sh = create(gc)
    ws = sh.sheet1
    ws.update([["a", "b", "c"], ["1", "2", "3"]], "A1")
    request = {
        "moveDimension": {
            "source": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
            "destinationIndex": 3,
        }
    }
    sh.batch_update({"requests": [request]})
    assert ws.get_all_values() == [["b", "c", "a"], ["2", "3", "1"]]


def test_add_sheet_and_protected_range(gc: gspread.Client) -> None:
    sh = create(gc)
    ws = sh.add_worksheet("Berita", rows=10, cols=5)
    assert ws.index == 1
    reply = sh.batch_update(
        {
            "requests": [
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": ws.id, "startColumnIndex": 4, "endColumnIndex": 5},
                            "description": "Kolom Status",
                            "warningOnly": True,
                        }
                    }
                }
            ]
        }
    )
    protected = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    assert protected["warningOnly"] is True
    assert isinstance(protected["protectedRangeId"], int)
    meta = sh.fetch_sheet_metadata()
    assert meta["sheets"][1]["protectedRanges"][0]["description"] == "Kolom Status"
    assert "protectedRanges" not in meta["sheets"][0]
    sh.batch_update({"requests": [{"deleteProtectedRange": {"protectedRangeId": protected["protectedRangeId"]}}]})
    assert "protectedRanges" not in sh.fetch_sheet_metadata()["sheets"][1]


def test_freeze_and_title_via_update_sheet_properties(gc: gspread.Client) -> None:
    sh = create(gc)
    request = {
        "updateSheetProperties": {
            "properties": {"sheetId": 0, "title": "Berita", "gridProperties": {"frozenRowCount": 1}},
            "fields": "title,gridProperties.frozenRowCount",
        }
    }
    sh.batch_update({"requests": [request]})
    props = sh.fetch_sheet_metadata()["sheets"][0]["properties"]
    assert props["title"] == "Berita"
    assert props["gridProperties"] == {"rowCount": 1000, "columnCount": 26, "frozenRowCount": 1}


def test_include_grid_data_shows_formula_vs_string(gc: gspread.Client) -> None:
    sh = create(gc)
    ws = sh.sheet1
    ws.update([["=1+1"]], "A1", value_input_option=ValueInputOption.user_entered)
    ws.update([["=1+1"]], "B1", value_input_option=ValueInputOption.raw)
    grid = sh.fetch_sheet_metadata(params={"ranges": "Sheet1!A1:B1", "includeGridData": "true"})
    formula, text = grid["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert formula["userEnteredValue"] == {"formulaValue": "=1+1"}
    assert formula["effectiveValue"] == {"numberValue": 2}
    assert formula["formattedValue"] == "2"
    assert text["userEnteredValue"] == {"stringValue": "=1+1"}
    assert text["formattedValue"] == "=1+1"


def test_errors_look_like_googles(gc: gspread.Client) -> None:
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open_by_key("no-such-spreadsheet")
    sh = create(gc)
    response = raw(gc, "GET", f"/{sh.id}/values/%27Nope%27%21A1")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Unable to parse range: 'Nope'!A1"
    response = raw(
        gc, "PUT", f"/{sh.id}/values/Sheet1!A1001", params={"valueInputOption": "RAW"}, json={"values": [[1]]}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Range ('Sheet1'!A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    response = raw(gc, "POST", f"/{sh.id}:batchUpdate", json={"requests": [{"frobnicate": {}}]})
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_batch_update_is_all_or_nothing(gc: gspread.Client) -> None:
    sh = create(gc)
    bad = {"deleteSheet": {"sheetId": 12345}}
    response = raw(
        gc, "POST", f"/{sh.id}:batchUpdate", json={"requests": [{"addSheet": {"properties": {"title": "X"}}}, bad]}
    )
    assert response.status_code == 400
    assert [w.title for w in sh.worksheets()] == ["Sheet1"]


def test_public_interface_for_drive_and_views(sandbox: Sandbox) -> None:
    api = sandbox.app.sheets
    seen: list[tuple[str, str]] = []
    previous = api.on_created
    api.on_created = lambda sid, title: seen.append((sid, title))
    try:
        created = api.create_spreadsheet("Laporan")
    finally:
        api.on_created = previous
    sid = created["spreadsheetId"]
    assert seen == [(sid, "Laporan")]
    assert created["sheets"][0]["properties"]["gridProperties"] == {"rowCount": 1000, "columnCount": 26}
    assert api.rename_spreadsheet(sid, "Laporan Bulanan")
    listed = [s for s in api.list_spreadsheets() if s["id"] == sid]
    assert listed == [{"id": sid, "title": "Laporan Bulanan", "sheets": ["Sheet1"]}]
    assert api.formatted_grid(sid, "Sheet1") == []
    assert api.delete_spreadsheet(sid)
    assert not api.delete_spreadsheet(sid)


# ---- replay of recorded real traffic -------------------------------------------------------------

REPLAYED = [
    "WorksheetTest.test_append_row_with_empty_value.json",
    "WorksheetTest.test_append_row_with_empty_value_and_table_range.json",
    "WorksheetTest.test_insert_row.json",
    "WorksheetTest.test_get_all_values_date_time_render_options.json",
    "WorksheetTest.test_update_cells_noncontiguous.json",
    "WorksheetTest.test_batch_clear.json",
    "WorksheetTest.test_get_notes_2nd_sheet.json",
    "SpreadsheetTest.test_values_batch_get.json",
]
IGNORED_KEYS = {"spreadsheetUrl", "createdTime", "modifiedTime", "etag", "defaultFormat", "spreadsheetTheme"}


def _remap(value: Any, ids: dict[Any, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _remap(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_remap(v, ids) for v in value]
    if not isinstance(value, bool) and isinstance(value, int | str) and value in ids:
        return ids[value]
    return value


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in IGNORED_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


@pytest.mark.parametrize("name", REPLAYED)
def test_replay_of_recorded_traffic(sandbox: Sandbox, http: requests.Session, name: str) -> None:
    interactions = json.loads((CONFORMANCE / name).read_text(encoding="utf-8"))
    run = [i for i in interactions if i["run"] == 0]
    http.headers["Authorization"] = "Bearer test"
    ids: dict[Any, Any] = {}
    for step, interaction in enumerate(run):
        request, recorded = interaction["request"], interaction["response"]
        if request["host"] != "sheets.googleapis.com":
            if request["method"] == "POST" and request["url"].startswith("/drive/v3/files?"):
                made = http.post(
                    f"{sandbox.url}/v4/spreadsheets", json={"properties": {"title": request["json"]["name"]}}
                )
                ids[recorded["json"]["id"]] = made.json()["spreadsheetId"]
            continue
        path = request["url"]
        for old, new in ids.items():
            if isinstance(old, str):
                path = path.replace(old, new)
        body = _remap(request["json"], ids) if request["json"] is not None else None
        answer = http.request(request["method"], sandbox.url + path, json=body)
        got = answer.json()
        for want_reply, got_reply in zip(recorded["json"].get("replies", []), got.get("replies", []), strict=False):
            if "addSheet" in want_reply:
                ids[want_reply["addSheet"]["properties"]["sheetId"]] = got_reply["addSheet"]["properties"]["sheetId"]
        assert answer.status_code == recorded["status"], (step, path, got)
        if recorded["status"] < 400:
            assert _strip(got) == _strip(_remap(recorded["json"], ids)), (step, path)


def test_append_cells_lands_after_the_last_row_with_data_and_grows_the_grid(gc: gspread.Client) -> None:
    book = create(gc)
    ws = book.sheet1
    ws.update([["a"], [""], ["c"]], "A1")
    ws.resize(rows=3)
    rows = [
        {"values": [{"userEnteredValue": {"stringValue": "=1+1"}}, {"userEnteredValue": {"boolValue": False}}]},
        {
            "values": [
                {},
                {"userEnteredValue": {"boolValue": True}},
                {"dataValidation": {"condition": {"type": "BOOLEAN"}}},
            ]
        },
    ]
    book.batch_update({"requests": [{"appendCells": {"sheetId": ws.id, "rows": rows, "fields": "*"}}]})
    assert ws.get_all_values() == [["a", ""], ["", ""], ["c", ""], ["=1+1", "FALSE"], ["", "TRUE"]]
    assert book.get_worksheet_by_id(ws.id).row_count == 5
    bad = {"requests": [{"appendCells": {"sheetId": 999, "rows": rows, "fields": "*"}}]}
    with pytest.raises(gspread.exceptions.APIError, match="No grid with id"):
        book.batch_update(bad)
