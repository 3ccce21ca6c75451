"""Hostile input, private by default, on plain values: the refusal of a photo nobody uploaded, the upload
folders of config.yaml, the template sandbox, and addresses kept out of what is logged."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_settings
from pipeline.core.photo_check import PhotoInfo, photo_problem
from pipeline.features.notices import shown_key
from pipeline.outputs.render import Renderer, TemplateFailed, TemplateNotFound

from .test_config import MINIMAL, write

MB = 1_000_000
SALARY = PhotoInfo("1SalaryFileId0000000000", "Gaji pegawai 2026.xlsx", "application/vnd.ms-excel", MB)


def test_a_file_from_outside_the_upload_folders_is_refused_by_its_id_never_its_name() -> None:
    problem = photo_problem(SALARY.file_id, SALARY, 10 * MB, uploaded=False)
    assert problem is not None
    assert SALARY.file_id in problem and "bukan unggahan formulir" in problem and "Foto" in problem
    assert "Gaji" not in problem and "xlsx" not in problem and "ms-excel" not in problem


def test_a_missing_file_is_said_missing_first_and_an_uploaded_one_is_judged_as_before() -> None:
    assert "tidak dapat dibuka" in (photo_problem("1Gone", None, 10 * MB, uploaded=False) or "")
    fine = PhotoInfo("1Fine", "panen.jpg", "image/jpeg", MB, ("1Folder",))
    assert photo_problem("1Fine", fine, 10 * MB, uploaded=True) is None
    assert "bukan foto" in (photo_problem(SALARY.file_id, SALARY, 10 * MB, uploaded=True) or "")


def test_upload_folders_take_ids_or_the_folder_links_an_administrator_copies(tmp_path: Path) -> None:
    folder = "1AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    text = MINIMAL + (
        "photos:\n  upload_folders:\n"
        f"    - {folder}\n"
        f"    - https://drive.google.com/drive/folders/{folder}X?usp=sharing\n"
        f"    - https://drive.google.com/drive/u/0/folders/{folder}Y\n"
    )
    settings = load_settings(write(tmp_path, text))
    assert settings.photos.upload_folders == [folder, folder + "X", folder + "Y"]
    assert load_settings(write(tmp_path, MINIMAL)).photos.upload_folders == []


def test_an_upload_folder_that_is_not_a_drive_folder_names_the_key(tmp_path: Path) -> None:
    for wrong in (
        "Foto Berita (File responses)",
        "https://example.com/folders/abc",
        "https://drive.google.com/open?id=1AbCdEfGhIjKlMn",
    ):
        with pytest.raises(ConfigError) as caught:
            load_settings(write(tmp_path, MINIMAL + f"photos:\n  upload_folders: ['{wrong}']\n"))
        assert "photos.upload_folders" in str(caught.value) and "folder id" in str(caught.value)


def _override(tmp_path: Path, name: str, source: str) -> Renderer:
    (tmp_path / name).write_text(source, encoding="utf-8")
    return Renderer(tmp_path)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ code.__class__ }}",
    ],
)
def test_an_override_template_cannot_reach_python_internals(tmp_path: Path, source: str) -> None:
    renderer = _override(tmp_path, "notice-published.txt.j2", "Judul\n" + source + "\n")
    with pytest.raises(TemplateFailed) as caught:
        renderer.text("notice-published.txt.j2", code="MM-1", title="t", operator="o", desa="d", kecamatan="k", link="")
    message = str(caught.value)
    assert f"template 'notice-published.txt.j2' ({tmp_path / 'notice-published.txt.j2'}) was refused" in message
    assert "unsafe" in message and f"remove it from {tmp_path}" in message


def test_the_sandbox_keeps_escaping_strictness_and_the_not_found_error(tmp_path: Path) -> None:
    renderer = _override(tmp_path, "page.html.j2", "<p>{{ text }}</p>")
    assert renderer.render("page.html.j2", text="<script>") == "<p>&lt;script&gt;</p>"
    with pytest.raises(TemplateFailed) as caught:
        renderer.render("page.html.j2")
    assert "'text' is undefined" in str(caught.value) and "failed" in str(caught.value)
    with pytest.raises(TemplateNotFound):
        renderer.render("nothing.html.j2")
    assert issubclass(TemplateNotFound, TemplateFailed)


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("published:MM-20261122-0001", "published:MM-20261122-0001"),
        ("reminder:2026-11-22:petugas@balangankab.example", "reminder:2026-11-22:…"),
        ("complaint_forwarded:PG-20261122-0001:7:pupr@balangankab.example", "complaint_forwarded:PG-20261122-0001:7:…"),
        ("complaint_reminder:2026-11-25:Kadis.PUPR+x@mail.example.go.id", "complaint_reminder:2026-11-25:…"),
    ],
)
def test_notice_keys_are_logged_without_the_addresses_inside_them(key: str, shown: str) -> None:
    assert shown_key(key) == shown
