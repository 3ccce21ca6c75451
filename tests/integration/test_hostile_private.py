"""Hostile input, private by default: only what operators uploaded is shared, and only as long as a story shows
it; state and secrets stay with the service's user; the sandbox serves no page a stranger's upload could
script, and takes orders only from this machine.

Each test plays the attack through the sandbox (real gspread, googleapiclient and HTTP) and checks that it is
contained and that the other stories flow on.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner, Result
from google.oauth2 import credentials as user_credentials
from googleapiclient.errors import HttpError

from pipeline.app import App, build_app
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.infra.lock import LOCK_FILE
from pipeline.ledger import LEDGER_FILE
from pipeline.ops.auth import write_private
from pipeline.ops.daemon import Worker
from pipeline.sandbox.credentials import throwaway_service_account, throwaway_user_token
from pipeline.sandbox.demo_data import DEMO_PHOTOS, png_bytes
from pipeline.sandbox.drive import ROOT_ID
from pipeline.sandbox.seed import create_folder, upload_file
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox
from .test_complaints import PUPR, Clock, Desk, _complaint, _officer_enters, _rows
from .test_pipeline import officer_sets, records_by_code, review_sheet
from .test_sandbox_blogger_drive import service
from .world import World, blog_posts, make_world, response_row

NO_SLEEP = RetryPolicy(sleep=lambda _: None)
DINKES = "dinkes@balangankab.example"


def _link(file_id: str) -> str:
    return f"https://drive.google.com/open?id={file_id}"


def _links(*file_ids: str) -> str:
    return ", ".join(_link(f) for f in file_ids)


def _photo(endpoint: str, name: str, parent: str | None = None, key: str = "panen") -> str:
    with requests.Session() as http:
        return upload_file(http, endpoint, name, png_bytes(DEMO_PHOTOS[key]), "image/png", parent=parent)


def _folder(endpoint: str, name: str, parent: str | None = None) -> str:
    with requests.Session() as http:
        return create_folder(http, endpoint, name, parent=parent)


def _form_folders(endpoint: str) -> tuple[str, str]:
    """A form's upload folders as Google Forms makes them: one for the form, one per upload question inside."""
    form = _folder(endpoint, "Formulir Berita KIM (File responses)")
    return form, _folder(endpoint, "Foto Berita (File responses)", form)


def _permissions(endpoint: str, file_id: str) -> list[dict[str, Any]]:
    params = {"fields": "permissions(id,type,role,emailAddress)"}
    listed = requests.get(f"{endpoint}/drive/v3/files/{file_id}/permissions", params=params, timeout=10)
    listed.raise_for_status()
    permissions: list[dict[str, Any]] = listed.json()["permissions"]
    return permissions


def _public(endpoint: str, file_id: str) -> bool:
    return any(p["type"] == "anyone" for p in _permissions(endpoint, file_id))


def _readers(endpoint: str, file_id: str) -> list[str]:
    return sorted(str(p.get("emailAddress")) for p in _permissions(endpoint, file_id) if p["type"] == "user")


def _upload_folders(world: World, *folders: str) -> None:
    lines = "".join(f"    - {folder}\n" for folder in folders)
    world.config.write_text(world.config.read_text(encoding="utf-8") + f"photos:\n  upload_folders:\n{lines}")


@pytest.fixture
def opened() -> Iterator[list[App]]:
    apps: list[App] = []
    yield apps
    for app in apps:
        app.close()


def _open(world: World, opened: list[App]) -> App:
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    opened.append(app)
    return app


def _hidden(endpoint: str, file_id: str) -> None:
    """The service account loses access to the file (its owner stops sharing it)."""
    response = requests.post(f"{endpoint}/_sandbox/files/{file_id}/access", json={"readable": False}, timeout=10)
    response.raise_for_status()


# --- 1. Drive: share only what operators uploaded -------------------------------------------------------------
def test_only_files_in_the_forms_upload_folders_are_shared_and_the_rest_hold_their_row(
    sandbox: Sandbox, tmp_path: Path, opened: list[App]
) -> None:
    url = sandbox.url
    form, question = _form_folders(url)
    uploaded = _photo(url, "panen.png", question)  # two levels below the listed form folder
    other_form_question = _folder(url, "Foto Kegiatan (File responses)")
    direct = _photo(url, "pasar.png", other_form_question, key="pasar")  # right in a listed folder
    salary = _photo(url, "Gaji pegawai 2026.png")  # an image the service account can read, nobody uploaded
    old = _folder(url, "lama", question)
    too_deep = _photo(url, "arsip.png", old)  # three levels down: not a form's upload
    private_folder = _folder(url, "Pribadi")
    behind = _photo(url, "pribadi.png", private_folder)
    _hidden(url, private_folder)  # its file is shared with the service account, its folder is not
    rows = [
        response_row(1, photos=_link(uploaded)),
        response_row(2, photos=_link(salary)),
        response_row(3, photos=_links(direct, salary)),
        response_row(4, photos=_link(too_deep)),
        response_row(5, photos=_link(behind)),
    ]
    world = make_world(url, tmp_path, rows)
    _upload_folders(world, form, other_form_question)
    app = _open(world, opened)
    run_cycle(app)
    sheet = review_sheet(app)
    codes = [f"MM-20261122-000{n}" for n in range(1, 6)]
    for code in codes:
        officer_sets(sheet, code, Setujui="TRUE")
    run_cycle(app)
    shown = records_by_code(sheet)
    assert shown[codes[0]]["Status"] == "Terbit" and _public(url, uploaded)
    for code, refused in zip(codes[1:], (salary, salary, too_deep, behind), strict=True):
        row = shown[code]
        assert row["Status"] == "Perlu perbaikan", (code, row["Pesan"])
        assert refused in row["Pesan"] and "bukan unggahan formulir" in row["Pesan"]
    # The refusal names the link the operator sent, never what the file is called.
    assert "Gaji" not in shown[codes[1]]["Pesan"] and "pribadi" not in shown[codes[4]]["Pesan"]
    for file_id in (salary, direct, too_deep, behind):  # a row with one stranger's file shares none of its photos
        assert _permissions(url, file_id) == []
    [post] = blog_posts(url, world.blog_id)
    assert uploaded in post["content"] and salary not in post["content"]

    officer_sets(sheet, codes[2], Foto=_link(direct))  # the officer takes the stranger's file out
    run_cycle(app)
    assert records_by_code(sheet)[codes[2]]["Status"] == "Terbit" and _public(url, direct)
    assert _permissions(url, salary) == []


def test_without_upload_folders_sharing_is_as_before_and_doctor_warns_naming_the_key(
    sandbox: Sandbox, tmp_path: Path, opened: list[App]
) -> None:
    photo = _photo(sandbox.url, "panen.png")
    world = make_world(sandbox.url, tmp_path, [response_row(1, photos=_link(photo))])
    assert CliRunner().invoke(main, ["--config", str(world.config), "init"]).exit_code == 0
    doctor = CliRunner().invoke(main, ["--config", str(world.config), "doctor"])
    assert doctor.exit_code == 0, doctor.output
    assert "[warn] photo upload folders: photos.upload_folders is empty" in doctor.output
    assert "any image the service account can read" in doctor.output
    assert "fix: list the form's upload folder (its Drive folder id) under photos.upload_folders" in doctor.output
    app = _open(world, opened)
    run_cycle(app)
    officer_sets(review_sheet(app), "MM-20261122-0001", Setujui="TRUE")
    run_cycle(app)
    assert records_by_code(review_sheet(app))["MM-20261122-0001"]["Status"] == "Terbit" and _public(sandbox.url, photo)


def test_doctor_checks_each_upload_folder_exists_is_a_folder_and_is_readable(sandbox: Sandbox, tmp_path: Path) -> None:
    url = sandbox.url
    form, _ = _form_folders(url)
    a_photo = _photo(url, "panen.png", form)
    unshared = _folder(url, "Tidak dibagikan")
    _hidden(url, unshared)
    world = make_world(url, tmp_path, [])
    assert CliRunner().invoke(main, ["--config", str(world.config), "init"]).exit_code == 0
    _upload_folders(world, form, "1NoSuchFolderAnywhere", a_photo, unshared)
    result = CliRunner().invoke(main, ["--config", str(world.config), "doctor"])
    assert result.exit_code == 1
    assert "[FAIL] photo upload folders:" in result.output
    assert "1NoSuchFolderAnywhere: not found or not shared with the service account" in result.output
    assert f"{unshared}: not found or not shared with the service account" in result.output
    assert f"{a_photo}: 'panen.png' is a file, not a folder" in result.output
    assert "fix: share each folder with the service account (Viewer is enough)" in result.output
    assert "photos.upload_folders" in result.output

    _upload_folders_only(world, form)
    result = CliRunner().invoke(main, ["--config", str(world.config), "doctor"])
    assert result.exit_code == 0, result.output
    assert "[ok  ] photo upload folders: 'Formulir Berita KIM (File responses)'" in result.output


def _upload_folders_only(world: World, *folders: str) -> None:
    text = world.config.read_text(encoding="utf-8").split("photos:\n", 1)[0]
    world.config.write_text(text, encoding="utf-8")
    _upload_folders(world, *folders)


def test_photos_an_officer_takes_out_of_a_published_story_go_private_and_the_others_stay(
    sandbox: Sandbox, tmp_path: Path, opened: list[App]
) -> None:
    url = sandbox.url
    form, question = _form_folders(url)
    first, second, third, other = (_photo(url, f"{n}.png", question) for n in ("a", "b", "c", "d"))
    rows = [response_row(1, photos=_links(first, second)), response_row(2, photos=_link(other))]
    world = make_world(url, tmp_path, rows)
    _upload_folders(world, form)
    app = _open(world, opened)
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")
    officer_sets(sheet, "MM-20261122-0002", Setujui="TRUE")
    run_cycle(app)
    assert all(_public(url, f) for f in (first, second, other))

    officer_sets(sheet, "MM-20261122-0001", Foto=_links(second, third))  # one replaced, one kept
    report = run_cycle(app)
    assert report.count("update") == 1 and report.errors == []
    [post] = [p for p in blog_posts(url, world.blog_id) if "MM-20261122-0001" in p["content"]]
    assert third in post["content"] and first not in post["content"]
    assert not _public(url, first) and _public(url, second) and _public(url, third) and _public(url, other)

    officer_sets(sheet, "MM-20261122-0001", Foto="")  # every photo taken out: the post goes on without
    run_cycle(app)
    assert not any(_public(url, f) for f in (first, second, third)) and _public(url, other)
    assert records_by_code(sheet)["MM-20261122-0001"]["Status"] == "Terbit"


def test_a_photo_another_story_still_shows_stays_public_when_a_copycat_story_is_withdrawn(
    sandbox: Sandbox, tmp_path: Path, opened: list[App]
) -> None:
    """An operator copies a published post's image link into a story of their own: withdrawing that story must
    not take the photo off the first one."""
    url = sandbox.url
    form, question = _form_folders(url)
    photo = _photo(url, "panen.png", question)
    world = make_world(url, tmp_path, [response_row(1, photos=_link(photo))])
    _upload_folders(world, form)
    app = _open(world, opened)
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")
    run_cycle(app)
    image = f"https://lh3.googleusercontent.com/d/{photo}=w1600"  # as anyone reads it in the post's HTML
    from .world import append_responses

    append_responses(url, world.form_id, [response_row(2, title="Berita tiruan", photos=image)])
    run_cycle(app)
    officer_sets(sheet, "MM-20261122-0002", Setujui="TRUE")
    run_cycle(app)
    officer_sets(sheet, "MM-20261122-0002", Setujui="FALSE")
    run_cycle(app)
    shown = records_by_code(sheet)
    assert shown["MM-20261122-0002"]["Status"] == "Ditarik"
    assert shown["MM-20261122-0001"]["Status"] == "Terbit" and _public(url, photo)
    officer_sets(sheet, "MM-20261122-0001", Tolak="TRUE")  # the first story withdrawn too: now nobody shows it
    run_cycle(app)
    assert not _public(url, photo)


@pytest.fixture
def desk(sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]) -> Iterator[Desk]:
    mail, port = inbox
    opened = Desk(sandbox, tmp_path, mail, port, Clock())
    yield opened
    requests.delete(f"{sandbox.url}/_sandbox/faults", timeout=10)
    for app in opened.apps:
        app.close()


def test_a_rerouted_complaint_s_photos_are_taken_back_from_the_first_department(desk: Desk) -> None:
    url = desk.sandbox.url
    form, question = _form_folders(url)
    photo = _photo(url, "jalan.png", question)
    stranger = _photo(url, "Data pegawai.png")
    rows = [
        _complaint(1, "", "", "Juai", "Juai", "Jalan desa berlubang.", _link(photo)),
        _complaint(2, "", "", "Juai", "Juai", "Lampu jalan mati.", _link(stranger)),
    ]
    app, _ = desk.open(rows, extra=f"photos:\n  upload_folders: [{form}]\n")
    run_cycle(app)
    desk.departments(app, ("Dinas PUPR", PUPR), ("Dinas Kesehatan", DINKES))
    _officer_enters(app, "PG-20261122-0001", SKPD="Dinas PUPR")
    _officer_enters(app, "PG-20261122-0002", SKPD="Dinas PUPR")
    run_cycle(app)
    assert _readers(url, photo) == [PUPR] and _permissions(url, stranger) == []
    assert {r["Status"] for r in _rows(app).values()} == {"Diteruskan"}

    _officer_enters(app, "PG-20261122-0001", SKPD="Dinas Kesehatan")  # re-routed before any answer
    report = run_cycle(app)
    assert report.errors == []
    assert _readers(url, photo) == [DINKES]
    assert _rows(app)["PG-20261122-0001"]["Status"] == "Diteruskan" and len(desk.mail.to(DINKES)) == 1
    assert _rows(app)["PG-20261122-0002"]["Status"] == "Diteruskan"  # the other complaint flows on


def test_warnings_name_codes_never_a_complainant_s_or_a_department_s_address(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    photo = _photo(desk.sandbox.url, "jalan.png")
    app, _ = desk.open([_complaint(1, "warga1@example.com", "0812 1", "Juai", "Juai", "Satu.", _link(photo))])
    run_cycle(app)
    desk.departments(app, ("Dinas PUPR", PUPR))
    _officer_enters(app, "PG-20261122-0001", SKPD="Dinas PUPR")
    desk.fault({"match": "drive.permissions.create", "status": 400})  # an address without a Google account
    desk.mail.refuse.add(PUPR)  # and a mailbox that does not exist
    with caplog.at_level(logging.INFO, logger="mymein"):
        report = run_cycle(app)
    assert _rows(app)["PG-20261122-0001"]["Status"] == "Diteruskan"
    said = [r.getMessage() for r in caplog.records] + report.errors
    assert any("PG-20261122-0001" in line and "photos not shared" in line for line in said), said
    assert any("refused" in line for line in report.errors), report.errors
    assert not [line for line in said if "@" in line or "Warga 1" in line], said


# --- Drive as the sandbox emulates it ---------------------------------------------------------------------------
def test_the_sandbox_keeps_drive_folders_parents_and_permissions_as_drive_v3_does(sandbox: Sandbox) -> None:
    drive = service(sandbox.url, "drive", "v3", "/drive/v3/")
    try:
        folder_type = "application/vnd.google-apps.folder"
        folder = drive.files().create(body={"name": "Unggahan", "mimeType": folder_type}, fields="id").execute()["id"]
        assert drive.files().get(fileId=folder, fields="parents").execute() == {"parents": [ROOT_ID]}
        root = drive.files().get(fileId="root", fields="id,name,mimeType").execute()
        assert root == {"id": ROOT_ID, "name": "My Drive", "mimeType": folder_type}
        inside = _photo(sandbox.url, "a.png", folder)
        assert drive.files().get(fileId=inside, fields="id,parents").execute() == {"id": inside, "parents": [folder]}
        assert "parents" not in drive.files().get(fileId=inside).execute()  # not a default field

        def refused(parents: list[str]) -> HttpError:
            with pytest.raises(HttpError) as caught:
                drive.files().create(body={"name": "x", "mimeType": folder_type, "parents": parents}).execute()
            return caught.value

        missing = refused(["1NoSuchFolderAnywhere"])
        assert missing.resp.status == 404 and "File not found: 1NoSuchFolderAnywhere" in str(missing)
        not_folder = refused([inside])
        assert not_folder.resp.status == 400 and "The specified parent is not a folder" in str(not_folder)
        two = refused([folder, ROOT_ID])
        assert two.resp.status == 403 and "cannotAddParent" in str(two.content)

        _hidden(sandbox.url, folder)  # a file shared with us in a folder we cannot see: no parents at all
        assert drive.files().get(fileId=inside, fields="id,parents").execute() == {"id": inside}

        # Permissions: one per grantee; only kind, id, type and role unless more fields are asked for.
        body = {"type": "user", "role": "reader", "emailAddress": PUPR}
        first = drive.permissions().create(fileId=inside, body=body, sendNotificationEmail=False).execute()
        again = drive.permissions().create(fileId=inside, body=body, sendNotificationEmail=False).execute()
        assert first["id"] == again["id"]
        drive.permissions().create(fileId=inside, body={"type": "anyone", "role": "reader"}).execute()
        listed = drive.permissions().list(fileId=inside).execute()["permissions"]
        assert [sorted(p) for p in listed] == [["id", "kind", "role", "type"]] * 2
        page = drive.permissions().list(fileId=inside, pageSize=1, fields="nextPageToken,permissions(id)").execute()
        rest = drive.permissions().list(fileId=inside, pageToken=page["nextPageToken"], fields="*").execute()
        assert page["permissions"] == [{"id": first["id"]}] and "nextPageToken" not in rest
        assert [p.get("emailAddress") for p in rest["permissions"]] == [None]
        named = drive.permissions().list(fileId=inside, fields="permissions(id,emailAddress)").execute()
        assert named["permissions"][0] == {"id": first["id"], "emailAddress": PUPR}
    finally:
        drive.close()
    assert sandbox.app.schema_violations == []


# --- 2. Private by default --------------------------------------------------------------------------------------
@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The usual shell umask (022), whatever the test runner had; restored after."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _cli(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args])


def test_state_reports_and_heartbeat_are_kept_to_this_user_whatever_the_umask(
    sandbox: Sandbox, tmp_path: Path, loose_umask: None
) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    state = tmp_path / "state"
    app = build_app(load_settings(world.config), policy=NO_SLEEP)  # in-process, under umask 022
    try:
        Worker(app).cycle()  # a cycle as `mymein run` makes it, with its lock and heartbeat
        app.ledger.set_meta("probe", "x")  # the ledger is open: its -wal and -shm exist now
        assert _mode(state) == 0o700
        for name in (LEDGER_FILE, f"{LEDGER_FILE}-wal", f"{LEDGER_FILE}-shm", LOCK_FILE, "heartbeat"):
            assert _mode(state / name) == 0o600, name
    finally:
        app.close()

    result = _cli(world.config, "report", "--no-sheet", "--month", "2026-11")  # files made by matplotlib
    assert result.exit_code == 0, result.output
    reports = state / "reports"
    assert _mode(reports) == 0o700 and {_mode(f) for f in reports.iterdir()} == {0o600}
    assert os.umask(0o022) == 0o022  # the command's umask (077) did not outlive it


def test_a_ledger_left_readable_by_an_older_version_is_made_private_when_opened(
    sandbox: Sandbox, tmp_path: Path, loose_umask: None
) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    assert _cli(world.config, "sync").exit_code == 0
    ledger = tmp_path / "state" / LEDGER_FILE
    ledger.chmod(0o644)
    assert _cli(world.config, "status").exit_code == 0
    assert _mode(ledger) == 0o600


def _credentials(sandbox: Sandbox, world: World, folder: Path) -> tuple[Path, Path]:
    key, token = folder / "service-account.json", folder / "blogger-token.json"
    write_private(key, json.dumps(throwaway_service_account(f"{sandbox.url}/token")))
    write_private(token, json.dumps(throwaway_user_token(f"{sandbox.url}/token")))
    text = world.config.read_text(encoding="utf-8")
    text = text.replace("google:\n", f"google:\n  service_account_file: {key}\n  oauth_token_file: {token}\n", 1)
    world.config.write_text(text, encoding="utf-8")
    return key, token


def test_credential_files_other_users_can_read_stop_sync_and_run_with_the_chmod_fix(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    key, token = _credentials(sandbox, world, tmp_path)
    assert _mode(key) == 0o600 and _mode(token) == 0o600
    assert _cli(world.config, "sync").exit_code == 0

    key.chmod(0o644)
    for command in ("sync", "run"):
        result = _cli(world.config, command)
        assert result.exit_code == 2, result.output
        [line] = [x for x in result.output.splitlines() if x.strip()]
        assert f"google.service_account_file: {key} can be read by other users (mode 644)" in line
        assert line.endswith(f"chmod 600 {key}")
    key.chmod(0o600)
    token.chmod(0o640)
    result = _cli(world.config, "sync")
    assert result.exit_code == 2 and f"google.oauth_token_file: {token} can be read by other users" in result.output
    assert f"chmod 600 {token}" in result.output
    token.chmod(0o600)
    assert _cli(world.config, "sync").exit_code == 0


def test_secrets_are_written_without_following_a_link_planted_at_the_temporary_path(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch", encoding="utf-8")
    token = tmp_path / "secret" / "token.json"
    token.parent.mkdir()
    planted = token.with_name("token.json.tmp")
    planted.symlink_to(victim)
    write_private(token, json.dumps({"refresh_token": "r"}))
    assert victim.read_text(encoding="utf-8") == "do not touch"
    assert json.loads(token.read_text(encoding="utf-8")) == {"refresh_token": "r"} and _mode(token) == 0o600
    assert not planted.is_symlink() and not planted.exists()

    token.unlink()
    token.symlink_to(victim)  # a link planted at the token's own name is replaced, never written through
    write_private(token, json.dumps({"refresh_token": "s"}))
    assert victim.read_text(encoding="utf-8") == "do not touch" and not token.is_symlink()
    assert _mode(token) == 0o600


def test_an_override_template_reaching_for_python_internals_stops_with_a_clear_error(
    sandbox: Sandbox, tmp_path: Path, opened: list[App]
) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "post.html.j2").write_text("<p>{{ title }}</p>{{ ''.__class__.__mro__ }}\n", encoding="utf-8")
    world.config.write_text(f"templates_dir: {overrides}\n" + world.config.read_text(encoding="utf-8"))
    assert _cli(world.config, "sync").exit_code == 0
    officer_sets(review_sheet(_open(world, opened)), "MM-20261122-0001", Setujui="TRUE")
    result = _cli(world.config, "sync")
    assert result.exit_code == 1
    assert f"template 'post.html.j2' ({overrides / 'post.html.j2'}) was refused" in result.output
    assert "access to attribute '__class__' of 'str' object is unsafe" in result.output
    assert f"fix the template or remove it from {overrides}" in result.output
    assert blog_posts(world.endpoint, world.blog_id) == []


# --- 3. The sandbox's own endpoints ---------------------------------------------------------------------------
def test_the_sandbox_serves_only_images_from_its_drive_and_says_nosniff(sandbox: Sandbox) -> None:
    url = sandbox.url
    png = _photo(url, "panen.png")
    with requests.Session() as http:
        page = upload_file(http, url, "x.html", b"<script>fetch('/_sandbox/faults')</script>", "text/html")
        disguised = upload_file(http, url, "y.png", b"<html><script>alert(1)</script></html>", "image/png")
        vector = upload_file(
            http, url, "z.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "image/svg+xml"
        )
        image = http.get(f"{url}/_sandbox/drive/{png}", timeout=10)
        assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
        assert image.headers["X-Content-Type-Options"] == "nosniff"
        for refused in (page, disguised, vector):
            answer = http.get(f"{url}/_sandbox/drive/{refused}", timeout=10)
            assert answer.status_code == 404, refused
            assert "script" not in answer.text and answer.headers["Content-Type"].startswith("application/json")


def test_the_sandbox_takes_orders_only_as_json_addressed_to_this_machine(fresh_sandbox: Sandbox) -> None:
    url, port = fresh_sandbox.url, fresh_sandbox.port
    blogs, faults = f"{url}/_sandbox/blogs", f"{url}/_sandbox/faults"
    with requests.Session() as http:
        assert http.post(blogs, json={"name": "Portal"}, timeout=10).status_code == 200
        local = http.post(blogs, json={"name": "Lokal"}, headers={"Host": f"localhost:{port}"}, timeout=10)
        assert local.status_code == 200
        for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1:1"):
            rebound = http.post(blogs, json={"name": "x"}, headers={"Host": host}, timeout=10)
            assert rebound.status_code == 403, host
            assert rebound.json()["error"]["status"] == "PERMISSION_DENIED"
            assert "127.0.0.1" in rebound.json()["error"]["message"]
        plain = http.post(blogs, data='{"name": "x"}', headers={"Content-Type": "text/plain"}, timeout=10)
        form = http.post(faults, data={"rules": "x"}, timeout=10)
        for answer in (plain, form):
            assert answer.status_code == 400 and answer.json()["error"]["status"] == "INVALID_ARGUMENT"
            assert "Content-Type: application/json" in answer.json()["error"]["message"]
        other_site = http.post(blogs, json={"name": "x"}, headers={"Origin": "https://attacker.example"}, timeout=10)
        assert other_site.status_code == 403
        access = f"{url}/_sandbox/files/abc/access"
        assert http.post(access, data="readable=0", timeout=10).status_code == 400
        assert http.delete(faults, headers={"Host": "attacker.example"}, timeout=10).status_code == 403
        # No body is still fine where none is needed (DESIGN.md's fixed interface), and so is `{}`.
        assert http.post(f"{url}/_sandbox/stats/reset", timeout=10).status_code == 200
        assert http.post(f"{url}/_sandbox/stats/reset", json={}, timeout=10).status_code == 200
        assert http.delete(faults, timeout=10).status_code == 200
        # Reading stays open; only orders are guarded.
        assert http.get(f"{url}/_sandbox/stats", timeout=10).status_code == 200


def test_google_shaped_endpoints_still_answer_any_bearer_token(sandbox: Sandbox) -> None:
    drive = service(sandbox.url, "drive", "v3", "/drive/v3/", user_credentials.Credentials(token="anything"))
    try:
        assert drive.files().get(fileId="root", fields="id").execute() == {"id": ROOT_ID}
    finally:
        drive.close()
