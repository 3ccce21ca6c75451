"""The sandbox's fixed interface: state across restarts, stats, faults, Google-shaped errors for unknown paths."""

from __future__ import annotations

from pathlib import Path

import requests

from pipeline.sandbox.server import Sandbox

from .world import create_spreadsheet


def test_state_persists_across_restarts(tmp_path: Path) -> None:
    with Sandbox(state_dir=tmp_path) as first:
        sheet_id = create_spreadsheet(first.url, "Tetap", "Berita")
        requests.put(
            f"{first.url}/v4/spreadsheets/{sheet_id}/values/Berita!A1",
            params={"valueInputOption": "RAW"},
            json={"values": [["Kode"]]},
            timeout=10,
        ).raise_for_status()
        blog_id = requests.post(f"{first.url}/_sandbox/blogs", json={"name": "Blog"}, timeout=10).json()["id"]
        post = requests.post(
            f"{first.url}/v3/blogs/{blog_id}/posts", json={"title": "T", "content": "<p>x</p>"}, timeout=10
        ).json()
    with Sandbox(state_dir=tmp_path) as second:
        values = requests.get(f"{second.url}/v4/spreadsheets/{sheet_id}/values/Berita", timeout=10).json()
        assert values["values"] == [["Kode"]]
        again = requests.get(f"{second.url}/v3/blogs/{blog_id}/posts/{post['id']}", timeout=10).json()
        assert again["title"] == "T"


def test_stats_count_by_discovery_method_id_and_reset(fresh_sandbox: Sandbox) -> None:
    url = fresh_sandbox.url
    requests.post(f"{url}/_sandbox/stats/reset", timeout=10)
    create_spreadsheet(url, "S", "Berita")
    requests.get(f"{url}/v4/spreadsheets/nope", timeout=10)
    stats = requests.get(f"{url}/_sandbox/stats", timeout=10).json()
    assert stats["calls"] == {"sheets.spreadsheets.create": 1, "sheets.spreadsheets.get": 1}
    assert stats["bytes_sent"] > 0
    assert requests.post(f"{url}/_sandbox/stats/reset", timeout=10).json() == {
        "calls": {},
        "bytes_sent": 0,
        "bytes_decoded": 0,
    }


def test_faults_fire_after_n_calls_for_n_times_then_clear(fresh_sandbox: Sandbox) -> None:
    url = fresh_sandbox.url
    rule = {"match": "sheets.spreadsheets.get", "after": 1, "times": 2, "status": 429}
    requests.post(f"{url}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
    sheet_id = create_spreadsheet(url, "S", "Berita")
    codes = [requests.get(f"{url}/v4/spreadsheets/{sheet_id}", timeout=10).status_code for _ in range(4)]
    assert codes == [200, 429, 429, 200]
    error = requests.get(f"{url}/v4/spreadsheets/{sheet_id}", timeout=10)
    assert error.status_code == 200
    requests.post(f"{url}/_sandbox/faults", json={"rules": [{**rule, "after": 0, "times": 1}]}, timeout=10)
    body = requests.get(f"{url}/v4/spreadsheets/{sheet_id}", timeout=10).json()
    assert body["error"]["status"] == "RESOURCE_EXHAUSTED" and body["error"]["code"] == 429
    requests.delete(f"{url}/_sandbox/faults", timeout=10).raise_for_status()
    assert requests.get(f"{url}/v4/spreadsheets/{sheet_id}", timeout=10).status_code == 200


def test_a_seeded_storm_hits_about_its_share_of_calls_and_repeats_exactly(fresh_sandbox: Sandbox) -> None:
    url = fresh_sandbox.url
    sheet_id = create_spreadsheet(url, "S", "Berita")
    rule = {"match": "sheets.spreadsheets.get", "times": 10_000, "status": 503, "probability": 0.3, "seed": 7}

    def storm() -> list[int]:
        requests.post(f"{url}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
        return [requests.get(f"{url}/v4/spreadsheets/{sheet_id}", timeout=10).status_code for _ in range(200)]

    first = storm()
    assert 30 <= first.count(503) <= 90 and set(first) == {200, 503}
    assert storm() == first
    bad = requests.post(f"{url}/_sandbox/faults", json={"rules": [{**rule, "probability": 2}]}, timeout=10)
    assert bad.status_code == 400


def test_dropped_connection_is_a_connection_error(fresh_sandbox: Sandbox) -> None:
    url = fresh_sandbox.url
    requests.post(f"{url}/_sandbox/faults", json={"rules": [{"match": "*", "drop": True}]}, timeout=10)
    try:
        requests.get(f"{url}/v4/spreadsheets/x", timeout=10)
    except requests.ConnectionError:
        pass
    else:
        raise AssertionError("the connection should have been dropped")
    assert requests.get(f"{url}/v4/spreadsheets/x", timeout=10).status_code == 404


def test_unknown_path_gets_a_google_shaped_404(fresh_sandbox: Sandbox) -> None:
    response = requests.get(f"{fresh_sandbox.url}/v9/nothing", timeout=10)
    assert response.status_code == 404
    assert response.json()["error"]["status"] == "NOT_FOUND"
