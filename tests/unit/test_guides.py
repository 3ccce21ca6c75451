"""The Indonesian guides cannot drift from the software: every picture they show exists, every status the pipeline
writes is explained with the colour `mymein init` gives it, every word `Mode` accepts is listed, and every e-mail
an operator can receive is named by its subject."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.core.complaints import ComplaintStatus
from pipeline.core.model import MODE_SYNONYMS, Mode, Status
from pipeline.features.notices import REGISTRATION_TEMPLATES
from pipeline.google.sheet_setup import COMPLAINT_STATUS_COLORS, STATUS_COLORS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GUIDES = ("panduan-operator.md", "panduan-petugas.md", "panduan-admin.md")
TEMPLATES = ROOT / "pipeline" / "outputs" / "templates"
# The colours of sheet_setup, as the guide names them; a new colour fails here until the guide says it.
COLOUR_WORDS = {
    None: "putih",
    (0.85, 0.94, 0.82): "hijau muda",
    (0.81, 0.89, 0.97): "biru muda",
    (0.99, 0.9, 0.8): "jingga muda",
    (1.0, 0.95, 0.8): "kuning muda",
    (0.96, 0.8, 0.8): "merah muda",
    (0.9, 0.9, 0.9): "abu-abu",
}
# The e-mails an operator (or a KIM applying) receives: published, needs fixing, rejected, registered, refused.
OPERATOR_TEMPLATES = (
    "notice-published.txt.j2",
    "notice-needs-fix.txt.j2",
    "notice-rejected.txt.j2",
    *REGISTRATION_TEMPLATES.values(),
)


def _text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", GUIDES)
def test_every_picture_and_local_link_of_a_guide_exists(name: str) -> None:
    text = _text(name)
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    if name != "panduan-admin.md":
        assert images, f"{name} shows no screenshot"
    for image in images:
        path = DOCS / image
        assert path.is_file(), f"{name} shows {image}, which does not exist (make screenshots)"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size < 200_000
    for link in re.findall(r"(?<!!)\[[^\]]*\]\(([^)\s#]+\.md)(?:#[^)]*)?\)", text):
        assert (DOCS / link).is_file(), f"{name} links to {link}, which does not exist"


def _status_rows(text: str) -> dict[str, list[str]]:
    """The guide's table rows that start with a status in backticks: status -> the row's other cells."""
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        found = re.match(r"^\| `([^`]+)` \|(.*)\|$", line)
        if found:
            rows[found.group(1)] = [cell.strip() for cell in found.group(2).split("|")]
    return rows


def _word(colour: dict[str, float] | None) -> str:
    key = None if colour is None else (colour["red"], colour["green"], colour["blue"])
    assert key in COLOUR_WORDS, f"colour {key} has no name in the guide's test: name it and explain it"
    return COLOUR_WORDS[key]


def test_every_status_is_explained_with_its_colour() -> None:
    rows = _status_rows(_text("panduan-petugas.md"))
    for status in Status:
        assert status.value in rows, f"panduan-petugas.md does not explain the status {status.value!r}"
        assert rows[status.value][0] == _word(STATUS_COLORS.get(status)), status
    for complaint in ComplaintStatus:
        assert complaint.value in rows, f"panduan-petugas.md does not explain the status {complaint.value!r}"
        assert rows[complaint.value][0] == _word(COMPLAINT_STATUS_COLORS[complaint]), complaint


def test_every_mode_and_every_word_mode_accepts_is_listed() -> None:
    text = _text("panduan-petugas.md")
    for mode in Mode:
        assert f"| `{mode.value}` |" in text
    for word in MODE_SYNONYMS:
        assert f"`{word}`" in text, f"panduan-petugas.md does not list the Mode word {word!r}"


@pytest.mark.parametrize("template", OPERATOR_TEMPLATES)
def test_every_e_mail_an_operator_receives_is_named(template: str) -> None:
    subject = (TEMPLATES / template).read_text(encoding="utf-8").splitlines()[0]
    words = max(re.split(r"\{\{.*?\}\}|\{%.*?%\}", subject), key=len).strip(" :")
    assert len(words) > 8 and words in _text("panduan-operator.md"), f"{template}: {words!r} not in the guide"


def test_the_readme_links_every_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in GUIDES:
        assert f"(docs/{name})" in readme
