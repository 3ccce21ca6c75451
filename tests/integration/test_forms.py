"""`mymein init --form`: the forms built through the (emulated) Forms API, once, published, with the clicks the
API cannot make printed and checked by doctor; the sandbox holds requests to the discovery document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.sandbox.server import Sandbox

from .world import World, make_world, stats


def _cli(world: World, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(world.config), *args])
    return result.exit_code, result.output


def _form_id(output: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith("news form "))
    return line.rsplit("/d/", 1)[1].split("/")[0]


def _form(world: World, form_id: str) -> dict[str, Any]:
    answer = requests.get(f"{world.endpoint}/v1/forms/{form_id}", timeout=10)
    answer.raise_for_status()
    form: dict[str, Any] = answer.json()
    return form


def _choices(item: dict[str, Any]) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = item["questionItem"]["question"]["choiceQuestion"]["options"]
    return options


def test_the_news_form_is_built_once_with_a_desa_list_per_kecamatan(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [])
    code, output = _cli(world, "init", "--form")
    assert code == 0, output
    assert "news form created" in output and "published" in output
    assert "File upload" in output and "'Foto Berita'" in output and "Link to Sheets" in output
    form = _form(world, _form_id(output))
    items = form["items"]
    by_id = {item["itemId"]: item for item in items}
    titles = [item.get("title") for item in items]
    assert titles[:2] == ["Nama Operator KIM", "Kecamatan"] and titles[-2:] == ["Judul Berita", "Isi Berita"]
    kecamatan = items[1]
    assert kecamatan["questionItem"]["question"]["required"] is True
    # Each kecamatan leads to its own section, whose Desa dropdown lists only its villages and goes on to Berita.
    for option in _choices(kecamatan):
        section = by_id[option["goToSectionId"]]
        assert "pageBreakItem" in section and section["title"] == f"Kecamatan {option['value']}"
        desa = items[items.index(section) + 1]
        assert desa["title"] == "Desa"
        last = {by_id[o["goToSectionId"]]["title"] for o in _choices(desa)}
        assert last == {"Berita"}
    juai = next(o for o in _choices(kecamatan) if o["value"] == "Juai")
    juai_desa = items[items.index(by_id[juai["goToSectionId"]]) + 1]
    assert "Muara Ninian" in [o["value"] for o in _choices(juai_desa)]
    assert "Batumandi" not in [o["value"] for o in _choices(juai_desa)]
    assert len(_choices(kecamatan)) == 8
    assert form["settings"]["emailCollectionType"] == "VERIFIED"
    assert form["publishSettings"]["publishState"] == {"isPublished": True, "isAcceptingResponses": True}
    assert any("Paling banyak 150 karakter" in item.get("description", "") for item in items)

    code, again = _cli(world, "init", "--form")
    assert code == 0 and "news form found" in again and "questions added" not in again
    assert stats(world.endpoint)["forms.forms.create"] == 1
    assert stats(world.endpoint)["forms.forms.batchUpdate"] == 1


def test_doctor_checks_the_two_clicks(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [])
    _, output = _cli(world, "init", "--form")
    form_id = _form_id(output)
    _, report = _cli(world, "doctor")
    assert "[FAIL] news form" in report and "File upload" in report and "Link to Sheets" in report
    # The administrator's two clicks in the Forms UI.
    click = f"{world.endpoint}/_sandbox/forms/{form_id}"
    requests.post(f"{click}/upload-question", json={"title": "Foto Berita", "after": "Isi Berita"}, timeout=10)
    requests.post(f"{click}/link-sheet", json={"spreadsheetId": world.form_id}, timeout=10)
    _, report = _cli(world, "doctor")
    assert "[ok  ] news form" in report and "photo and sheet linked" in report
    assert "[ok  ] form photo question" in report  # the world's sheet has the Foto Berita column
    _, again = _cli(world, "init", "--form")
    assert "still to do by hand" not in again


def test_a_run_that_died_creating_the_form_never_makes_a_second_blindly(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [])
    rule = {"match": "forms.forms.create", "times": 1, "drop": True, "after_effect": True}
    requests.post(f"{world.endpoint}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
    code, output = _cli(world, "init", "--form")
    assert code != 0 and "Traceback" not in output
    code, output = _cli(world, "init", "--form")
    assert code != 0 and "stopped while Google was creating the news form" in output
    assert "--retry-form" in output
    assert stats(world.endpoint)["forms.forms.create"] == 1
    code, output = _cli(world, "init", "--retry-form")
    assert code == 0 and "news form created" in output
    assert stats(world.endpoint)["forms.forms.create"] == 2


def test_complaint_and_registration_forms_when_enabled(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [])
    extra = (
        f"complaints:\n  enabled: true\n  spreadsheet_id: {world.form_id}\n"
        f"registration:\n  enabled: true\n  spreadsheet_id: {world.form_id}\n"
        "notices:\n  enabled: true\n  sender: kim@balangankab.example\n  smtp_host: 127.0.0.1\n"
    )
    world.config.write_text(world.config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    code, output = _cli(world, "init", "--form")
    assert code == 0, output
    assert "complaints form created" in output and "registration form created" in output
    assert "'Foto Pendukung'" in output  # the complaint form's photo, by hand
    registration = output.split("registration form created")[1]
    assert "File upload" not in registration  # the registration form asks for no file


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"info": {"title": "X"}, "items": [{"title": "Q", "pageBreakItem": {}}]}, "Only info.title"),
        ({"info": {"title": "X"}, "formId": "abc"}, "Output only"),
        ({"info": {"title": "X", "subtitle": "Y"}}, "not in the forms discovery schema"),
        ({"info": {"title": ""}}, "info.title is required"),
    ],
)
def test_the_sandbox_refuses_what_forms_create_refuses(sandbox: Sandbox, body: dict[str, Any], said: str) -> None:
    answer = requests.post(f"{sandbox.url}/v1/forms", json=body, timeout=10)
    assert answer.status_code == 400 and said in answer.json()["error"]["message"]


def test_the_sandbox_refuses_upload_questions_and_jumps_to_non_sections(sandbox: Sandbox) -> None:
    form = requests.post(f"{sandbox.url}/v1/forms", json={"info": {"title": "X"}}, timeout=10).json()
    assert form["publishSettings"]["publishState"]["isPublished"] is False  # API forms start unpublished
    url = f"{sandbox.url}/v1/forms/{form['formId']}:batchUpdate"

    def create(item: dict[str, Any]) -> requests.Response:
        body = {"requests": [{"createItem": {"item": item, "location": {"index": 0}}}]}
        return requests.post(url, json=body, timeout=10)

    upload = create({"title": "Foto", "questionItem": {"question": {"fileUploadQuestion": {"types": ["IMAGE"]}}}})
    assert upload.status_code == 400 and "file upload" in upload.json()["error"]["message"]
    choice = {"type": "DROP_DOWN", "options": [{"value": "A", "goToSectionId": "deadbeef"}]}
    jump = create({"title": "K", "questionItem": {"question": {"choiceQuestion": choice}}})
    assert jump.status_code == 400 and "not the item id of a section" in jump.json()["error"]["message"]
    typo = create({"title": "K", "questionItem": {"question": {"textQuestoin": {}}}})
    assert typo.status_code == 400
    # Nothing of a refused batch stays.
    assert "items" not in requests.get(f"{sandbox.url}/v1/forms/{form['formId']}", timeout=10).json()
