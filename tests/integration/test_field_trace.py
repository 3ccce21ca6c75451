"""`mymein --trace DIR`: a traced run against the sandbox leaves a private, scrubbed trace that replays cleanly.

The world here has everything a regency's first day has: a service-account key and an owner token refreshed at
the token endpoint, a photo in the form's upload folder, notices through Gmail, an approval and a rejection with
a note. The trace is then searched for every secret and every word a person typed into that world.
"""

from __future__ import annotations

import base64
import json
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from pipeline.app import build_app, officer_sheets_client
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.google.trace import FieldTrace
from pipeline.sandbox.conformance import main as conformance_main
from pipeline.sandbox.credentials import throwaway_service_account, throwaway_user_token
from pipeline.sandbox.demo_data import DEMO_PHOTOS, png_bytes
from pipeline.sandbox.seed import create_folder, upload_file
from pipeline.sandbox.server import Sandbox
from pipeline.sandbox.trace_replay import TOKEN_EXCHANGE, replay_traces

from .test_pipeline import officer_sets
from .world import World, blogger_service, make_world, response_row

pytestmark = pytest.mark.integration

NOTE = "Foto kurang jelas, mohon kirim ulang Pak Budi"
PHOTO_NAME = "IMG_20261122_0801 - Operator 1.png"
SENDER = "kim@balangankab.example"
OLD_TITLE = "Jadwal vaksinasi di Puskesmas Juai"
OLD_TEXT = "Vaksinasi dibuka untuk warga lanjut usia setiap hari Senin."


@dataclass
class Traced:
    world: World
    folder: Path  # the trace folder
    secrets: list[str]  # nothing of these may appear in a trace
    texts: list[str]


def _cli(world: World, *args: str) -> str:
    result = CliRunner().invoke(main, ["--config", str(world.config), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _credentials(sandbox: Sandbox, world: World, folder: Path) -> dict[str, str]:
    key, token = throwaway_service_account(f"{sandbox.url}/token"), throwaway_user_token(f"{sandbox.url}/token")
    key["client_email"] = "mymein-trace@mymein-sandbox.iam.gserviceaccount.com"
    token.update(refresh_token="1//0trace-refresh-token", client_secret="GOCSPX-trace-secret")
    token["scopes"] = ["https://www.googleapis.com/auth/blogger", "https://www.googleapis.com/auth/gmail.send"]
    for name, content in (("sa.json", key), ("token.json", token)):
        path = folder / name
        path.write_text(json.dumps(content), encoding="utf-8")
        path.chmod(0o600)
    config = world.config.read_text(encoding="utf-8").replace(
        "google:\n",
        f"google:\n  service_account_file: {folder / 'sa.json'}\n  oauth_token_file: {folder / 'token.json'}\n",
    )
    world.config.write_text(config, encoding="utf-8")
    pem = key["private_key"].splitlines()
    return {
        "key body": pem[1],
        "key line": pem[len(pem) // 2],
        "service account": key["client_email"],
        "refresh token": token["refresh_token"],
        "client secret": token["client_secret"],
        "client id": token["client_id"],
    }


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Two traced cycles: the first ingests three stories, the second publishes one and rejects one."""
    folder = tmp_path_factory.mktemp("traced")
    with Sandbox() as sandbox:
        with requests.Session() as http:
            uploads = create_folder(http, sandbox.url, "Foto Berita (File responses)")
            photo = upload_file(
                http, sandbox.url, PHOTO_NAME, png_bytes(DEMO_PHOTOS["panen"]), "image/png", parent=uploads
            )
        rows = [
            response_row(1, photos=f"https://drive.google.com/open?id={photo}"),
            response_row(2),
            response_row(3, title=""),  # held: Perlu perbaikan, and its operator is told why
        ]
        world = make_world(sandbox.url, folder, rows)
        # The portal's older news, posted by hand before MyMeIn: the replay must rebuild it from the listing.
        blogger = blogger_service(sandbox.url)
        older = {"title": OLD_TITLE, "content": f"<p>{OLD_TEXT}</p>", "labels": ["Kecamatan Juai", "Pengumuman Bupati"]}
        blogger.posts().insert(blogId=world.blog_id, body=older).execute()
        blogger.close()
        secrets = _credentials(sandbox, world, folder)
        with world.config.open("a", encoding="utf-8") as config:
            config.write(f"photos:\n  upload_folders: [{uploads}]\n")
            config.write(f"notices:\n  enabled: true\n  transport: gmail\n  sender: {SENDER}\n")
        trace_dir = folder / "trace"
        assert "trace: " in _cli(world, "--trace", str(trace_dir), "sync")
        sheet = officer_sheets_client(load_settings(world.config)).open_by_key(world.review_id).worksheet("Berita")
        officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")
        officer_sets(sheet, "MM-20261122-0002", Tolak="TRUE", Catatan=NOTE)
        _cli(world, "--trace", str(trace_dir), "sync")
        ids = [photo, uploads, world.form_id, world.review_id]
        texts = [
            NOTE,
            PHOTO_NAME,
            OLD_TITLE,
            OLD_TEXT,
            "Pengumuman Bupati",
            "Operator 1",
            "Operator 3",
            "Berita nomor",
            "bergotong royong",
            "Paragraf kedua",
        ]
        texts += [f"operator{n}@example.com" for n in (1, 2, 3)] + [SENDER]
        yield Traced(world, trace_dir, [*secrets.values(), *ids], texts)


def _everything_in(folder: Path) -> str:
    """Every file's text, with each Gmail message decoded (its base64 would hide what it carries)."""
    text = ""
    for path in sorted(folder.iterdir()):
        content = path.read_text(encoding="utf-8")
        text += content
        if path.suffix == ".json":
            for item in json.loads(content):
                raw = (item["request"].get("json") or {}).get("raw")
                if raw:
                    text += base64.urlsafe_b64decode(raw + "==").decode("utf-8")
    return text


def test_a_traced_sync_leaves_one_private_file_per_run_and_an_index(traced: Traced) -> None:
    files = sorted(p.name for p in traced.folder.iterdir())
    assert (
        len(files) == 3
        and files[0] == "INDEX.tsv"
        and all(re.fullmatch(r"trace-\d{8}T\d{6}\.\d{3}Z(-\d+)?\.json", f) for f in files[1:])
    )
    for path in traced.folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(traced.folder.stat().st_mode) == 0o700
    index = (traced.folder / "INDEX.tsv").read_text(encoding="utf-8").splitlines()
    assert index[0] == "file\ttest\tmethod\tapi\tendpoint\tstatus"
    apis = {line.split("\t")[3] for line in index[1:]}
    assert apis == {"oauth", "sheets", "drive", "blogger", "gmail"}
    second = json.loads((traced.folder / files[2]).read_text(encoding="utf-8"))
    assert len(index) - 1 == len(json.loads((traced.folder / files[1]).read_text(encoding="utf-8"))) + len(second)
    insert = next(
        i for i in second if i["request"]["url"].startswith("/v3/blogs/") and i["request"]["method"] == "POST"
    )
    assert insert["request"]["host"] == "blogger.googleapis.com" and insert["response"]["status"] == 200
    assert (
        '<p class="kode-berita" data-kode="MM-20261122-0001"><small>Kode berita: MM-20261122-0001</small></p>'
        in insert["request"]["json"]["content"]
    )


def test_no_token_address_name_or_story_text_of_the_world_is_in_the_trace(traced: Traced) -> None:
    text = _everything_in(traced.folder)
    leaked = [s for s in traced.secrets + traced.texts if s in text]
    assert leaked == []
    assert re.search(r"sandbox-[A-Za-z0-9_-]{20,}", text) is None  # the access tokens the sandbox issued
    assert re.search(r"[\w.+-]+@(?!example\.com\b)[\w-]+\.[\w.]+", text) is None  # only placeholder addresses
    assert "person-0001@example.com" in text and "text-0001" in text
    # What carries meaning stays: headers, statuses, codes, region names.
    for kept in ("Kode", "Judul", "Perlu perbaikan", "Terbit", "Ditolak", "MM-20261122-0003", "Juai", "Kecamatan Juai"):
        assert kept in text, kept


def test_the_same_value_has_the_same_placeholder_through_a_run(traced: Traced) -> None:
    second = sorted(traced.folder.glob("trace-*.json"))[1]
    items = json.loads(second.read_text(encoding="utf-8"))
    insert = next(i for i in items if i["request"]["url"].startswith("/v3/blogs/") and i["request"]["method"] == "POST")
    title = insert["request"]["json"]["title"]
    form_read = next(
        i for i in items if "Form%20Responses" in i["request"]["url"] or "Form+Responses" in i["request"]["url"]
    )
    assert title.startswith("text-") and title in json.dumps(form_read["response"]["json"])
    photo_url = insert["request"]["json"]["content"].split('src="', 1)[1].split('"', 1)[0]
    assert photo_url == "https://lh3.googleusercontent.com/d/file-0001=w1600"


def test_replaying_the_trace_on_a_fresh_sandbox_matches_every_answer(traced: Traced) -> None:
    report = replay_traces(traced.folder)
    assert report.mismatches == []
    by_api = report.by_api()
    assert by_api["sheets"][0] == by_api["sheets"][1] >= 10
    assert set(by_api) == {"sheets", "drive", "blogger", "gmail"}
    assert all(matched == compared for matched, compared in by_api.values())
    # The older post was rebuilt from the listing the first cycle made, and the listing replays as recorded.
    first = json.loads(sorted(traced.folder.glob("trace-*.json"))[0].read_text(encoding="utf-8"))
    listing = next(i for i in first if i["request"]["url"].startswith("/v3/blogs/") and i["request"]["method"] == "GET")
    [older] = listing["response"]["json"]["items"]
    assert older["title"].startswith("text-") and older["content"].startswith("<p>text-")
    assert older["labels"][0] == "Kecamatan Juai" and older["labels"][1].startswith("text-")
    assert report.endpoints["blogger posts.list"].matched >= 1
    # Only the token exchanges stay out: the trace holds no credential to send.
    assert list(report.not_replayed) == [f"oauth: {TOKEN_EXCHANGE}"]


def test_the_replay_command_reports_the_table_and_what_was_not_replayed(
    traced: Traced, capsys: pytest.CaptureFixture[str]
) -> None:
    assert conformance_main([str(traced.folder)]) == 0
    out = capsys.readouterr().out
    assert "MISMATCH" not in out and "sheets values.batchGet" in out and "blogger posts.insert" in out
    assert re.search(r"^TOTAL: (\d+)/\1 interactions match \(100\.0%\) in 2 trace files; \d+ not replayed$", out, re.M)
    assert "oauth: token exchanges" in out


def test_a_changed_answer_in_a_trace_is_reported(traced: Traced, tmp_path: Path) -> None:
    """The replay is not vacuous: an answer Google would have given differently shows as a mismatch. (A tab's
    reads before the run wrote to it are the seed of the replay, so the changed read comes after a write.)"""
    first = sorted(traced.folder.glob("trace-*.json"))[0]
    items = json.loads(first.read_text(encoding="utf-8"))
    header_written = next(i for i, item in enumerate(items) if item["request"]["method"] == "PUT")
    read = next(
        i
        for i, item in enumerate(items)
        if i > header_written and "values:batchGet" in item["request"]["url"] and "Berita" in item["request"]["url"]
    )
    items[read]["response"]["json"]["valueRanges"][0]["values"][0][0] = "Kode Berita"
    (tmp_path / first.name).write_text(json.dumps(items), encoding="utf-8")

    report = replay_traces(tmp_path)

    assert [(m.index, m.endpoint) for m in report.mismatches] == [(read, "sheets values.batchGet")]
    assert "Kode Berita" in report.mismatches[0].detail


def test_a_passing_google_error_is_recorded_and_replayed_as_a_fault(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    rule = {"match": "sheets.spreadsheets.values.batchGet", "times": 1, "status": 503}
    requests.post(f"{sandbox.url}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
    trace = FieldTrace(tmp_path / "trace", "sync")
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None), trace=trace)
    try:
        run_cycle(app)
    finally:
        app.close()
        requests.delete(f"{sandbox.url}/_sandbox/faults", timeout=10).raise_for_status()
    path = trace.close()
    assert path is not None
    statuses = [i["response"]["status"] for i in json.loads(path.read_text(encoding="utf-8"))]
    assert 503 in statuses

    report = replay_traces(path)

    assert report.mismatches == [] and report.injected == 1


def test_a_command_without_google_calls_writes_no_trace(traced: Traced, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(traced.world.config), "--trace", str(tmp_path / "t"), "status"])
    assert result.exit_code == 0, result.output
    assert "nothing recorded" in result.output and not (tmp_path / "t").exists()


def test_a_trace_that_cannot_be_written_never_fails_the_run(traced: Traced, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(traced.world.config), "--trace", str(blocker / "t"), "sync"])
    assert result.exit_code == 0, result.output
    assert "done:" in result.output and "warning: the trace could not be written" in result.output
