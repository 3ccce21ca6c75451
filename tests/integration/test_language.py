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


def test_google_errors_inside_the_indonesian_frame_and_english_in_the_log(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    wrong = "1NoSuchSpreadsheetHereAtAll00000000000000"
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(text.replace(f"spreadsheet_id: {world.review_id}", f"spreadsheet_id: {wrong}"))
    runner = CliRunner()
    shown = runner.invoke(main, ["--config", str(world.config), "sync"], env=INDONESIAN)
    assert shown.exit_code == 1 and "Traceback" not in shown.output
    assert f"galat: spreadsheet pemeriksaan (review.spreadsheet_id: {wrong}) tidak ditemukan: periksa " in shown.output
    assert "dan bagikan dengan " in shown.output and " sebagai Editor" in shown.output
    english = runner.invoke(main, ["--config", str(world.config), "sync"], env=ENGLISH).output
    assert f"error: the review spreadsheet (review.spreadsheet_id: {wrong}) was not found: check" in english
    assert "share it with " in english and " as Editor" in english


def test_google_and_rebuild_lines_are_english_strings_with_an_indonesian_face(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.google.errors import CredentialsRefused, GoogleApiError, Resource
    from pipeline.ops.forms import FormsError
    from pipeline.ops.rebuild import RebuildRefused

    monkeypatch.setenv("MYMEIN_LANG", "id")
    refused = CredentialsRefused("blogger.posts.insert", "invalid_grant: Token has been expired or revoked.")
    assert str(refused).startswith("Google refused the blog owner's token (google.oauth_token_file) (invalid_grant")
    assert localized(refused).startswith("Google menolak token pemilik blog (google.oauth_token_file) (invalid_grant")
    assert "jalankan `mymein auth` untuk masuk lagi" in localized(refused)
    gone = GoogleApiError("sheets.values.get", 404, "Requested entity was not found.")
    gone.resource = Resource(Text("form responses spreadsheet"), "form.spreadsheet_id", "1abc", Text("x"))
    assert (
        str(gone)
        == "the form responses spreadsheet (form.spreadsheet_id: 1abc) was not found: check form.spreadsheet_id, and x"
    )
    assert localized(gone).startswith("spreadsheet jawaban formulir (form.spreadsheet_id: 1abc) tidak ditemukan")
    unreachable = GoogleApiError("sheets.values.get", 0, "[Errno 111] Connection refused")
    assert localized(unreachable).startswith("Google tidak dapat dihubungi: [Errno 111] Connection refused; periksa")
    held = RebuildRefused(
        Text(
            "the ledger already holds {count} submissions; move {path} away first if it is damaged",
            count=3,
            path="/s/l.db",
        )
    )
    assert str(held).startswith("the ledger already holds 3") and localized(held).startswith(
        "ledger sudah berisi 3 kiriman"
    )
    nested = RebuildRefused(Text("complaints cannot be rebuilt: {error}", error=gone))
    assert localized(nested) == "pengaduan tidak dapat disusun kembali: " + localized(gone)
    forms = FormsError(
        Text(
            "the blog owner's token (google.oauth_token_file) does not allow building forms; run "
            "`mymein auth --client-secret FILE --forms` as the blog's owner, then `mymein init --form` again"
        )
    )
    assert "does not allow building forms" in str(forms) and "tidak mengizinkan pembuatan formulir" in localized(forms)


def test_click_usage_errors_in_indonesian_and_english() -> None:
    runner = CliRunner()
    unknown = runner.invoke(main, ["sink"], env=INDONESIAN)
    assert unknown.exit_code == 2 and "Coba 'main --help' untuk bantuan." in unknown.output
    assert "Galat: Tidak ada perintah 'sink'." in unknown.output
    option = runner.invoke(main, ["sync", "--dry"], env=INDONESIAN).output
    assert "Galat: Tidak ada opsi '--dry'. Mungkin maksudnya '--dry-run'?" in option
    missing = runner.invoke(main, ["social", "dismiss"], env=INDONESIAN).output
    assert "Galat: Argumen belum diberikan: 'NUMBER...'." in missing
    choice = runner.invoke(main, ["social", "list", "--state", "x"], env=INDONESIAN).output
    assert "Galat: Nilai tidak sah untuk '--state': 'x' bukan salah satu dari 'sending'" in choice
    english = runner.invoke(main, ["sync", "--dry"], env=ENGLISH).output
    assert "Error: No such option '--dry'. Did you mean '--dry-run'?" in english and "Try 'main sync --help'" in english


def test_a_setup_error_from_below_the_cli_in_indonesian(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(text.replace(f"state_dir: {tmp_path / 'state'}", f"state_dir: {tmp_path / 'a-file'}"))
    runner = CliRunner()
    shown = runner.invoke(main, ["--config", str(world.config), "sync"], env=INDONESIAN)
    assert shown.exit_code != 0 and "Traceback" not in shown.output
    assert f"state_dir {tmp_path / 'a-file'} tidak dapat dipakai (" in shown.output, shown.output
    assert "jadikan folder yang dapat ditulis pengguna ini" in shown.output
    english = runner.invoke(main, ["--config", str(world.config), "sync"], env=ENGLISH).output
    assert f"state_dir {tmp_path / 'a-file'} cannot be used (" in english


def test_the_mail_check_in_indonesian(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    notices = (
        "notices:\n  enabled: true\n  sender: kim@balangankab.example\n  smtp_host: 127.0.0.1\n"
        "  smtp_port: 9\n  starttls: false\n"  # the discard port: nobody answers
    )
    world.config.write_text(world.config.read_text(encoding="utf-8") + notices, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(world.config), "init"], env=INDONESIAN).exit_code == 0
    doctor = runner.invoke(main, ["--config", str(world.config), "doctor"], env=INDONESIAN).output
    assert "surel (SMTP): tidak dapat terhubung ke 127.0.0.1:9: " in doctor, doctor
    english = runner.invoke(main, ["--config", str(world.config), "doctor"], env=ENGLISH).output
    assert "cannot connect to 127.0.0.1:9: " in english


def test_bulletin_option_errors_in_indonesian(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    runner = CliRunner()
    config = ["--config", str(world.config), "bulletin"]
    unknown = runner.invoke(main, [*config, "--kecamatan", "Nowhere"], env=INDONESIAN)
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output
    assert "galat: tidak ada kecamatan 'Nowhere' di daftar wilayah; yang dikenal: " in unknown.output
    week = runner.invoke(main, [*config, "--week", "2026-48"], env=INDONESIAN).output
    assert "Galat: Nilai tidak sah untuk --week: '2026-48' bukan minggu ISO seperti 2026-W48" in week
    english = runner.invoke(main, [*config, "--kecamatan", "Nowhere"], env=ENGLISH).output
    assert "error: no kecamatan 'Nowhere' in the region list; known: " in english


def test_a_cycle_warning_in_indonesian_on_screen(sandbox: Sandbox, tmp_path: Path) -> None:
    from pipeline.app import officer_sheets_client
    from pipeline.config import load_settings

    from .test_pipeline import officer_sets
    from .world import blog_posts, delete_post

    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    runner = CliRunner()

    def sync(env: dict[str, str]) -> str:
        result = runner.invoke(main, ["--config", str(world.config), "sync"], env=env)
        assert "Traceback" not in result.output
        return result.output

    sync(ENGLISH)
    sheet = officer_sheets_client(load_settings(world.config)).open_by_key(world.review_id).worksheet("Berita")
    officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE", Mode="Draf")
    sync(ENGLISH)
    [draft] = blog_posts(world.endpoint, world.blog_id)
    delete_post(world.endpoint, world.blog_id, draft["id"])
    shown = sync(INDONESIAN)
    said = f"MM-20261122-0001: postingan {draft['id']} sudah tidak ada di blog (dihapus di Blogger?)"
    assert f"peringatan: {said}" in shown, shown
