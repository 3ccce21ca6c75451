"""The command line in the administrator's language: with MYMEIN_LANG=id (or an id_* locale) help, doctor, init,
sync and status speak Indonesian; otherwise English. Officers' words (statuses, the sheet) are the same in both."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.i18n import Text, localized
from pipeline.sandbox.server import Sandbox

from .world import make_world, response_row

INDONESIAN = {"MYMEIN_LANG": "id"}
ENGLISH = {"MYMEIN_LANG": "", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def test_help_in_indonesian_and_in_english() -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["--help"], env=INDONESIAN).output
    assert "Penggunaan: main" in shown and "Opsi:" in shown and "Perintah:" in shown
    assert "Tampilkan pesan ini lalu keluar." in shown
    assert "Jalankan satu siklus" in shown  # `sync`, shortened in the list of commands
    sync = runner.invoke(main, ["sync", "--help"], env={"LANG": "id_ID.UTF-8", "MYMEIN_LANG": ""}).output
    assert "Jalankan satu siklus: ambil jawaban baru" in sync and "satu siklus; tidak mengubah apa" in sync
    english = runner.invoke(main, ["sync", "--help"], env=ENGLISH).output
    assert "Usage: main sync" in english and "Run one cycle: ingest new responses" in english


def test_doctor_init_sync_and_status_in_indonesian(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, ["--config", str(world.config), *args], env=INDONESIAN)
        return result.output

    init = run("init")
    assert f"spreadsheet pemeriksaan {world.review_id} siap" in init and "tab dibuat: Rekap, Operator" in init
    doctor = run("doctor")
    assert "[ok  ] berkas konfigurasi" in doctor and "[ok  ] zona waktu: Asia/Makassar: sekarang" in doctor
    assert "dapat ditulis" in doctor and "pemeriksaan lulus" in doctor
    sync = run("sync")
    assert "selesai: ambil 1, antre 1" in sync and "1 baris ditambahkan" in sync
    held = runner.invoke(main, ["--config", str(world.config), "sync"], env=INDONESIAN).output
    assert "terbit 0" in held
    status = run("status")
    assert "Status kiriman:" in status and "Menunggu" in status and "Postingan baru hari ini: 0" in status
    # The same commands, in English.
    english = runner.invoke(main, ["--config", str(world.config), "doctor"], env=ENGLISH).output
    assert "[ok  ] config file" in english and "checks passed" in english


def test_a_top_level_error_in_indonesian_and_english(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.yaml"
    result = CliRunner().invoke(main, ["--config", str(missing), "sync"], env=INDONESIAN)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"Galat: berkas konfigurasi {missing} tidak ditemukan: salin contoh config.yaml" in result.output
    english = CliRunner().invoke(main, ["--config", str(missing), "sync"], env=ENGLISH)
    assert f"Error: config file {missing} not found: copy the example config.yaml" in english.output


def test_an_error_message_stays_english_for_the_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """`Text`: English as a string (what a log line or a test sees), Indonesian where the CLI shows it."""
    monkeypatch.setenv("MYMEIN_LANG", "id")
    error = ValueError(Text("{path} does not exist", path="/etc/x"))
    assert str(error) == "/etc/x does not exist" and f"{error}" == "/etc/x does not exist"
    assert localized(error) == "/etc/x tidak ada"
    assert localized(ValueError("plain")) == "plain"


def test_the_summary_extras_are_english_for_the_log_and_indonesian_on_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.cycle.outcome import CycleReport
    from pipeline.i18n import localize

    report = CycleReport()
    report.complaints = 2
    report.still_held.append("MM-20261122-0001")
    monkeypatch.setenv("MYMEIN_LANG", "id")
    [extra] = report.extras()
    assert extra == "2 complaints received" and localize(extra) == "2 pengaduan diterima"
    held = report.held_line()
    assert held == "1 row still held (Perlu perbaikan): MM-20261122-0001"
    assert localize(held) == "1 baris masih ditahan (Perlu perbaikan): MM-20261122-0001"


def test_social_doctor_checks_and_commands_in_indonesian(sandbox: Sandbox, tmp_path: Path) -> None:
    import requests

    from .test_social import CHAT, PAGE, social_yaml

    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    world.config.write_text(world.config.read_text(encoding="utf-8") + social_yaml(tmp_path, sandbox.url))
    page = {"id": PAGE, "name": "Diskominfo Balangan", "token": "page-token-sandbox", "scopes": ["pages_show_list"]}
    requests.post(f"{sandbox.url}/_sandbox/facebook/pages", json=page, timeout=10).raise_for_status()
    chat = {"chat": CHAT, "bot_can_post": False}
    requests.post(f"{sandbox.url}/_sandbox/telegram/chats", json=chat, timeout=10).raise_for_status()
    runner = CliRunner()
    config = ["--config", str(world.config)]
    assert runner.invoke(main, [*config, "init"], env=INDONESIAN).exit_code == 0
    doctor = runner.invoke(main, [*config, "doctor"], env=INDONESIAN).output
    assert "token halaman Facebook: halaman" in doctor and "token tidak memiliki pages_manage_posts" in doctor
    assert "bukan administrator yang boleh mengirim" in doctor and "sebagai administrator (docs/deploy.md" in doctor
    assert "Facebook page token" not in doctor and "Telegram bot" not in doctor
    listed = runner.invoke(main, [*config, "social", "list", "--state", "uncertain"], env=INDONESIAN)
    assert listed.output == "tidak ada kiriman ke media sosial dengan keadaan uncertain\n"
    missing = runner.invoke(main, [*config, "social", "dismiss", "999"], env=INDONESIAN)
    assert missing.exit_code == 1
    assert "galat: tidak ada kiriman ke media sosial #999; `mymein social list` menampilkan daftarnya" in missing.output
    english = runner.invoke(main, [*config, "doctor"], env=ENGLISH).output
    assert "Facebook page token" in english and "not an administrator that may post" in english
