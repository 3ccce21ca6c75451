"""config.yaml validation: errors name the key and say how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_settings
from pipeline.core.model import Mode

MINIMAL = """
form:
  spreadsheet_id: FORM
review:
  spreadsheet_id: REVIEW
blogger:
  blog_id: 123
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_config_gets_documented_defaults(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, MINIMAL))
    assert settings.timezone == "Asia/Makassar"
    assert settings.review.worksheet == "Berita"
    assert settings.review.default_mode is Mode.LIVE
    assert settings.blogger.blog_id == "123"
    assert settings.state_dir == (tmp_path / "state").resolve()
    assert settings.google.endpoint is None
    assert "Cap waktu" in settings.form.columns["timestamp"]


def test_the_example_config_in_the_repository_is_valid() -> None:
    settings = load_settings(Path(__file__).resolve().parents[2] / "config.yaml")
    assert settings.form.columns["title"] == ["Judul Berita"]


def test_partial_overrides_keep_the_other_defaults(tmp_path: Path) -> None:
    text = MINIMAL + "  \nreview_extra: 1\n"
    with pytest.raises(ConfigError, match="review_extra: is not a known key"):
        load_settings(write(tmp_path, text))
    settings = load_settings(
        write(
            tmp_path,
            MINIMAL.replace("  spreadsheet_id: REVIEW", "  spreadsheet_id: REVIEW\n  headers:\n    approve: Setuju"),
        )
    )
    assert settings.review.headers["approve"] == "Setuju"
    assert settings.review.headers["reject"] == "Tolak"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (MINIMAL.replace("blogger:\n  blog_id: 123\n", ""), "blogger: is required"),
        (MINIMAL + "timezone: Mars/Olympus\n", "timezone: .*IANA"),
        (MINIMAL + "google:\n  endpoint: localhost:8765\n", "google.endpoint: .*URL"),
        (MINIMAL.replace("spreadsheet_id: REVIEW", "spreadsheet_id: REVIEW\n  default_mode: Langsung"), "default_mode"),
        ("- a\n- b\n", "mapping"),
        ("form: [", "not valid YAML"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, text))


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"copy the example config\.yaml"):
        load_settings(tmp_path / "nope.yaml")
