"""The public KIM directory: a page of the sandbox blog, through the real googleapiclient; one page ever, changed
once when the list changes, and what operators typed shown as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from googleapiclient.errors import HttpError

from pipeline.app import App, build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.core.directory import PAGE_MARKER
from pipeline.core.registry import OPERATOR_HEADER
from pipeline.cycle import run_cycle
from pipeline.features import directory
from pipeline.google.retry import RetryPolicy
from pipeline.outputs.report import make_monthly_report
from pipeline.sandbox.blogger import html_problem
from pipeline.sandbox.server import Sandbox

from ..htmlcheck import executable_parts
from .test_pipeline import officer_sets, review_sheet
from .test_registration import HEADER, _application
from .world import append_responses, blogger_service, create_spreadsheet, make_world, response_row, stats

DIRECTORY_YAML = "kim_directory:\n  enabled: true\n  check_seconds: 3600\n"
PAGE_CALLS = ("blogger.pages.insert", "blogger.pages.update", "blogger.pages.list", "blogger.pages.get")


def _pages(endpoint: str, blog_id: str) -> list[dict[str, Any]]:
    service = blogger_service(endpoint)
    try:
        listing = service.pages().list(blogId=blog_id, status=["LIVE", "DRAFT"], view="ADMIN").execute()
    finally:
        service.close()
    items: list[dict[str, Any]] = listing.get("items", [])
    return items


def _page_calls(endpoint: str) -> dict[str, int]:
    calls = stats(endpoint)
    return {name: calls.get(name, 0) for name in PAGE_CALLS if calls.get(name)}


def _operator_tab(app: App, rows: list[list[str]]) -> None:
    """The Operator tab as an officer fills it by hand in the browser."""
    book = officer_sheets_client(app.settings).open_by_key(app.settings.review.spreadsheet_id)
    tab = book.add_worksheet("Operator", rows=50, cols=len(OPERATOR_HEADER))
    tab.update([OPERATOR_HEADER, *rows], "A1", raw=True)


def _app(config: Path) -> App:
    return build_app(load_settings(config), policy=RetryPolicy(sleep=lambda _: None))


def test_sandbox_pages_answer_as_the_discovery_document_says(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [])
    service = blogger_service(fresh_sandbox.url)
    pages = service.pages()
    try:
        draft = pages.insert(
            blogId=world.blog_id, body={"title": "Draf", "content": "<p>x</p>"}, isDraft=True
        ).execute()
        assert draft["status"] == "DRAFT" and draft["kind"] == "blogger#page"
        live = pages.insert(blogId=world.blog_id, body={"title": "Direktori KIM", "content": "<p>a</p>"}).execute()
        assert live["url"].endswith("/p/direktori-kim.html") and live["status"] == "LIVE"
        # A reader sees live pages only; a draft needs the author's view.
        with pytest.raises(HttpError) as reader:
            pages.get(blogId=world.blog_id, pageId=draft["id"]).execute()
        assert reader.value.resp.status == 404
        assert pages.get(blogId=world.blog_id, pageId=draft["id"], view="ADMIN").execute()["title"] == "Draf"
        listed = pages.list(blogId=world.blog_id, fetchBodies=False).execute()["items"]
        assert [p["id"] for p in listed] == [live["id"]] and "content" not in listed[0]
        with pytest.raises(HttpError) as forbidden:
            pages.list(blogId=world.blog_id, status=["DRAFT"]).execute()
        assert forbidden.value.resp.status == 403
        changed = pages.update(
            blogId=world.blog_id, pageId=live["id"], body={"title": "Direktori KIM", "content": "<p>b</p>"}
        ).execute()
        assert changed["content"] == "<p>b</p>" and changed["url"] == live["url"]
        published = pages.update(
            blogId=world.blog_id, pageId=draft["id"], body={"title": "Draf", "content": "<p>y</p>"}, publish=True
        ).execute()
        assert published["status"] == "LIVE"
        assert pages.revert(blogId=world.blog_id, pageId=draft["id"]).execute()["status"] == "DRAFT"
        assert pages.publish(blogId=world.blog_id, pageId=draft["id"]).execute()["status"] == "LIVE"
        patched = pages.patch(blogId=world.blog_id, pageId=draft["id"], body={"title": "Lain"}).execute()
        assert (patched["title"], patched["content"]) == ("Lain", "<p>y</p>")
        with pytest.raises(HttpError) as unclosed:
            pages.update(blogId=world.blog_id, pageId=live["id"], body={"title": "x", "content": "<div>"}).execute()
        assert unclosed.value.resp.status == 400
        pages.delete(blogId=world.blog_id, pageId=draft["id"], useTrash=True).execute()
        trashed = pages.get(blogId=world.blog_id, pageId=draft["id"], view="ADMIN").execute()
        assert trashed["status"] == "SOFT_TRASHED" and "trashed" in trashed
        pages.delete(blogId=world.blog_id, pageId=draft["id"]).execute()
        with pytest.raises(HttpError) as gone:
            pages.get(blogId=world.blog_id, pageId=draft["id"], view="ADMIN").execute()
        assert gone.value.resp.status == 404
        blog = service.blogs().get(blogId=world.blog_id).execute()
        assert blog["pages"]["totalItems"] == 1
    finally:
        service.close()
    # Parameters the discovery document does not list are refused as Google does.
    wrong = requests.get(f"{fresh_sandbox.url}/v3/blogs/{world.blog_id}/pages", params={"orderBy": "x"}, timeout=10)
    assert wrong.status_code == 400
    shown = requests.get(f"{fresh_sandbox.url}/_sandbox/blogs/{world.blog_id}/p/direktori-kim.html", timeout=10)
    assert shown.status_code == 200 and "<p>b</p>" in shown.text
    assert fresh_sandbox.app.schema_violations == []


def test_the_directory_page_appears_and_changes_once_when_a_kim_registers(
    fresh_sandbox: Sandbox, tmp_path: Path
) -> None:
    endpoint = fresh_sandbox.url
    form = create_spreadsheet(endpoint, "Pendaftaran KIM", "Form Responses 1")
    append_responses(endpoint, form, [HEADER, _application(1, "Juai", "Juai", "KIM Juai Maju")])
    world = make_world(endpoint, tmp_path, [response_row(1, kecamatan="Juai", desa="Juai")])
    registration = f"registration:\n  enabled: true\n  spreadsheet_id: {form}\n  check_seconds: 0\n"
    world.config.write_text(world.config.read_text(encoding="utf-8") + registration + DIRECTORY_YAML, "utf-8")
    app = _app(world.config)
    try:
        run_cycle(app)  # the KIM is numbered and written to the Operator tab; the story is queued and published
        [page] = _pages(endpoint, world.blog_id)
        assert page["title"] == "Direktori KIM" and PAGE_MARKER in page["content"]
        assert "KIM Juai Maju" in page["content"] and "KIM-6311-0001" in page["content"]
        assert "op1@example.com" not in page["content"] and "0812" not in page["content"]  # personal data
        requests.post(f"{endpoint}/_sandbox/stats/reset", timeout=10).raise_for_status()
        for _ in range(2):
            run_cycle(app)
        assert _page_calls(endpoint) == {}  # nothing changed, nothing asked: the check is hourly
        append_responses(endpoint, form, [_application(2, "Lok Batu", "Batu Mandi", "KIM Lok Batu")])
        run_cycle(app)
        run_cycle(app)
        assert _page_calls(endpoint) == {"blogger.pages.update": 1}
        # Forced again with nothing new: the digest matches, no call to the blog's pages.
        assert directory.refresh(app, [], force=True) is not None
        assert _page_calls(endpoint) == {"blogger.pages.update": 1}
        [page] = _pages(endpoint, world.blog_id)
        assert "KIM Lok Batu" in page["content"] and "Kecamatan Batu Mandi" in page["content"]
        shown = requests.get(
            page["url"].replace(page["url"].split("/p/")[0], f"{endpoint}/_sandbox/blogs/{world.blog_id}")
        )
        assert shown.status_code == 200 and "KIM Lok Batu" in shown.text
    finally:
        app.close()
    assert fresh_sandbox.app.schema_violations == []


def test_the_directory_counts_a_kims_recent_stories_and_shows_typed_text_as_text(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    world = make_world(
        sandbox.url, tmp_path, [response_row(1), response_row(2), response_row(3, kecamatan="Awayan", desa="Awayan")]
    )
    world.config.write_text(world.config.read_text(encoding="utf-8") + DIRECTORY_YAML, "utf-8")
    app = _app(world.config)
    try:
        _operator_tab(
            app,
            [
                [
                    "a@example.com",
                    "Ani",
                    "KIM Juai <script>alert(1)</script>",
                    "juai",
                    "JUAI",
                    "0812",
                    "kim.juai",
                    "javascript:alert(1)",
                    'https://youtube.com/@kimjuai" onmouseover="x',
                    "@kim_juai",
                    "KIM-6311-0001",
                ],
                [
                    "b@example.com",
                    "Budi",
                    "KIM Awayan",
                    "Awayan",
                    "Awayan",
                    "",
                    "",
                    "instagram.com/kim.awayan",
                    "",
                    "",
                    "",
                ],
                ["c@example.com", "Cici", "", "", "Juai", "", "", "", "", "", ""],  # no village yet: not a KIM
            ],
        )
        run_cycle(app)  # queued
        sheet = review_sheet(app)
        for code in [r["Kode"] for r in sheet.get_all_records()]:
            officer_sets(sheet, str(code), Setujui=True)
        run_cycle(app)  # published, and the directory was looked at (its first time) in the first cycle
        outcome = directory.refresh(app, [], force=True)
        assert outcome is not None and (outcome.kims, outcome.stories) == (2, 3)
        [page] = _pages(sandbox.url, world.blog_id)
        html = page["content"]
        assert html_problem(html) is None and executable_parts(html) == []
        assert "&lt;script&gt;" in html and "javascript:" not in html.replace("Instagram: javascript:alert(1)", "")
        assert 'href="https://www.facebook.com/kim.juai"' in html and 'href="https://instagram.com/kim.awayan"' in html
        assert 'href="https://www.tiktok.com/@kim_juai"' in html and 'href="https://youtube.com' not in html
        assert "2 berita dalam 30 hari terakhir" in html and "1 berita dalam 30 hari terakhir" in html
        assert html.index("Kecamatan Awayan") < html.index("Kecamatan Juai")
        assert "Cici" not in html and "a@example.com" not in html
    finally:
        app.close()


def test_a_lost_ledger_or_a_lost_answer_never_makes_a_second_page(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    endpoint = fresh_sandbox.url
    world = make_world(endpoint, tmp_path, [])
    world.config.write_text(world.config.read_text(encoding="utf-8") + DIRECTORY_YAML, "utf-8")
    app = _app(world.config)
    try:
        _operator_tab(app, [["a@example.com", "Ani", "KIM Juai", "Juai", "Juai", "", "", "", "", "", "1"]])
        # The insert reaches the blog but its answer is lost.
        rule = {"match": "blogger.pages.insert", "drop": True, "after_effect": True}
        requests.post(f"{endpoint}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
        errors: list[str] = []
        assert directory.refresh(app, errors, force=True) is None and errors
        requests.delete(f"{endpoint}/_sandbox/faults", timeout=10).raise_for_status()
        outcome = directory.refresh(app, [], force=True)
        assert outcome is not None and outcome.action == "adopted"
        assert len(_pages(endpoint, world.blog_id)) == 1
        # The ledger forgets the page, and an officer renamed nothing: found by its marker, not made again.
        app.ledger.meta.directory_page.set("")
        _operator_tab_row(app, ["d@example.com", "Dedi", "KIM Awayan", "Awayan", "Awayan", "", "", "", "", "", "2"])
        outcome = directory.refresh(app, [], force=True)
        assert outcome is not None and outcome.action == "updated"
        assert len(_pages(endpoint, world.blog_id)) == 1
        # Someone deleted the page in Blogger: made once again, remembered.
        service = blogger_service(endpoint)
        service.pages().delete(blogId=world.blog_id, pageId=outcome.page_id).execute()
        service.close()
        _operator_tab_row(app, ["e@example.com", "Eka", "KIM Paringin", "Paringin", "Paringin", "", "", "", "", "", ""])
        again = directory.refresh(app, [], force=True)
        assert again is not None and again.action == "inserted" and again.page_id != outcome.page_id
        assert len(_pages(endpoint, world.blog_id)) == 1
        assert directory.page_url(app) == again.url
        # The monthly report links to it.
        now = app.clock()
        made = make_monthly_report(app.ledger, app.settings, app.regions, app.renderer, now.strftime("%Y-%m"), now)
        assert f'href="{again.url}"' in made.files.html.read_text(encoding="utf-8")
    finally:
        app.close()
    assert _page_calls(endpoint)["blogger.pages.insert"] == 2


def _operator_tab_row(app: App, row: list[str]) -> None:
    book = officer_sheets_client(app.settings).open_by_key(app.settings.review.spreadsheet_id)
    book.worksheet("Operator").append_row(row, value_input_option="RAW", table_range="A1")


def test_no_operator_tab_changes_nothing_on_the_blog(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [])
    world.config.write_text(world.config.read_text(encoding="utf-8") + DIRECTORY_YAML, "utf-8")
    app = _app(world.config)
    try:
        assert directory.refresh(app, [], force=True) is None
        assert _pages(sandbox.url, world.blog_id) == []
    finally:
        app.close()


def test_a_broken_override_template_holds_the_page_back_in_one_line_and_the_cycle_goes_on(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "directory.html.j2").write_text("<div>{{ no_such_value }}</div>\n", encoding="utf-8")
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    config = world.config.read_text(encoding="utf-8") + DIRECTORY_YAML + f"templates_dir: {templates}\n"
    world.config.write_text(config, encoding="utf-8")
    app = _app(world.config)
    try:
        _operator_tab(app, [["a@example.com", "Ani", "KIM Juai", "Juai", "Juai", "", "", "", "", "", "1"]])
        report = run_cycle(app)
        assert report.ingested == 1
        [line] = [e for e in report.errors if "directory" in e]
        assert "directory.html.j2" in line and "no_such_value" in line
        assert _pages(sandbox.url, world.blog_id) == []
    finally:
        app.close()
