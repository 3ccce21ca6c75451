"""The forms `mymein init --form` builds, as plain request bodies, and the responses sheet they produce: one
`Desa` column per kecamatan, of which a response fills one."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pipeline.config_sections import DEFAULT_FORM_COLUMNS
from pipeline.core.complaints import complaint_form_plan, read_complaints
from pipeline.core.form import FormLayout, news_form_plan
from pipeline.core.form_build import build_requests, clicks, inspect, section_id
from pipeline.core.registration import read_applications, registration_form_plan
from pipeline.infra.regions_file import BUILTIN_REGIONS, load_regions

WITA = ZoneInfo("Asia/Makassar")
REGIONS = load_regions(BUILTIN_REGIONS)


def test_the_batch_makes_the_sections_before_the_choices_that_jump_to_them() -> None:
    plan = news_form_plan(DEFAULT_FORM_COLUMNS)
    made: set[str] = set()
    for request in build_requests(plan, REGIONS):
        item = request.get("createItem", {}).get("item")
        if item is None:
            continue
        for option in item.get("questionItem", {}).get("question", {}).get("choiceQuestion", {}).get("options", []):
            assert option["goToSectionId"] in made
        if "pageBreakItem" in item:
            made.add(item["itemId"])
    assert len(made) == 9  # eight kecamatan and the Berita section


def test_the_built_titles_are_the_ones_the_sheet_is_read_by() -> None:
    columns = {**DEFAULT_FORM_COLUMNS, "title": ["Judul"], "photos": ["Foto"]}
    plan = news_form_plan(columns)
    assert "Judul" in plan.titles and plan.upload == "Foto"
    assert complaint_form_plan().upload == "Foto Pendukung"
    assert registration_form_plan().upload == ""
    assert section_id(plan, "Juai") == section_id(plan, "juai") != section_id(plan, "Halong")


def test_what_is_left_by_hand_is_read_from_the_form() -> None:
    plan = news_form_plan(DEFAULT_FORM_COLUMNS)
    empty = inspect(plan, {"formId": "F", "items": []})
    assert not empty.built and not empty.upload and empty.linked_sheet == ""
    assert len(clicks(plan, "F", "SHEET", empty)) == 2
    upload = {"title": "Foto Berita", "questionItem": {"question": {"fileUploadQuestion": {}}}}
    done = inspect(plan, {"formId": "F", "items": [upload], "linkedSheetId": "SHEET"})
    assert done.upload and clicks(plan, "F", "SHEET", done) == []
    elsewhere = inspect(plan, {"formId": "F", "items": [upload], "linkedSheetId": "OTHER"})
    assert "now linked to OTHER" in clicks(plan, "F", "SHEET", elsewhere)[0]


def test_a_response_fills_one_of_the_desa_columns() -> None:
    header = ["Timestamp", "Email Address", "Nama Operator KIM", "Kecamatan", "Desa", "Desa", "Desa", "Judul Berita"]
    header += ["Isi Berita", "Foto Berita"]
    layout = FormLayout.from_header(header, DEFAULT_FORM_COLUMNS)
    row = [46000.5, "a@b.c", "Op", "Juai", "", "Muara Ninian", "", "Judul", "Isi berita yang cukup panjang.", ""]
    response = layout.parse(row, WITA)
    assert response is not None and response.desa == "Muara Ninian"
    # A sheet with one Desa column reads, and is keyed, as it always was.
    single = FormLayout.from_header([h for i, h in enumerate(header) if i not in (5, 6)], DEFAULT_FORM_COLUMNS)
    assert single.repeated == {}


def test_complaints_and_registrations_read_the_filled_desa_column() -> None:
    complaint_header = ["Timestamp", "Nama Pelapor", "Kontak", "Kecamatan", "Desa", "Desa", "Kategori"]
    complaint_header += ["Isi Pengaduan"]
    rows = [complaint_header, [46000.5, "Warga", "0812", "Juai", "", "Juai", "Lainnya", "Jalan rusak."]]
    [complaint] = read_complaints(rows, WITA)
    assert complaint.desa == "Juai"
    registration_header = ["Timestamp", "Email Address", "Nama Operator", "Nama KIM", "Kecamatan", "Desa", "Desa"]
    rows = [registration_header, [46000.5, "a@b.c", "Op", "KIM", "Halong", "", "Halong"]]
    [application] = read_applications(rows, WITA)
    assert application.desa == "Halong"
