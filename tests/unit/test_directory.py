"""The KIM directory's content (pure): who is listed, how accounts become links, which stories count."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.core.directory import (
    Account,
    RecentStory,
    account,
    build_directory,
    kims_from_rows,
    page_digest,
    remembered,
)
from pipeline.core.regions import RegionDirectory, Village
from pipeline.core.registry import OPERATOR_HEADER

REGIONS = RegionDirectory([Village("1", "Batu Mandi", "Batumandi", "desa"), Village("2", "Juai", "Juai", "desa")])


def _row(**cells: str) -> list[str]:
    return [cells.get(name, "") for name in OPERATOR_HEADER]


def test_handles_addresses_and_bare_domains_become_links_and_anything_else_stays_text() -> None:
    assert account("Instagram", "@kim.juai") == Account("Instagram", "@kim.juai", "https://www.instagram.com/kim.juai/")
    assert account("Facebook", "facebook.com/kimjuai") == Account(
        "Facebook", "facebook.com/kimjuai", "https://facebook.com/kimjuai"
    )
    assert account("YouTube", "https://youtube.com/@kim")
    for hostile in ("javascript:alert(1)", "https://x.com/\"onclick='a'", "KIM Juai Official", "data:text/html,x"):
        found = account("TikTok", hostile)
        assert found is not None and found.url is None, hostile
    assert account("TikTok", "  ") is None


def test_one_kim_per_village_spelled_as_the_region_list_with_every_operators_accounts_once() -> None:
    rows = [
        list(reversed(OPERATOR_HEADER)),  # columns are found by name, in any order
        list(reversed(_row(KIM="KIM Batumandi", Desa="batumandi", Kecamatan="BATU MANDI", Instagram="@kim.bm"))),
        list(reversed(_row(Desa="Batumandi", Kecamatan="Batu Mandi", Instagram="@KIM.BM", Facebook="kimbm"))),
        list(reversed(_row(KIM="Tanpa desa", Kecamatan="Juai"))),
        list(reversed(_row(KIM="KIM Entah", Desa="Entah", **{"Nomor registrasi": "KIM-9"}))),
    ]
    kims = kims_from_rows(rows, REGIONS)
    assert [(k.kecamatan, k.desa, k.name, k.number) for k in kims] == [
        ("Batu Mandi", "Batumandi", "KIM Batumandi", ""),
        ("(tanpa kecamatan)", "Entah", "KIM Entah", "KIM-9"),
    ]
    assert [(a.network, a.text) for a in kims[0].accounts] == [("Instagram", "@kim.bm"), ("Facebook", "kimbm")]
    assert kims_from_rows([], REGIONS) == []


def test_stories_count_for_their_village_newest_first_and_the_digest_follows_the_text() -> None:
    kims = kims_from_rows([OPERATOR_HEADER, _row(KIM="KIM Juai", Desa="Juai", Kecamatan="Juai")], REGIONS)

    def story(day: int) -> RecentStory:
        return RecentStory(f"Berita {day}", f"https://b/{day}.html", datetime(2026, 11, day, tzinfo=UTC))

    stories = [("juai", "JUAI", story(d)) for d in (3, 9, 5, 7)] + [("Awayan", "Awayan", story(1))]
    directory = build_directory(kims, stories, latest=3)
    [entry] = directory.by_kecamatan["Juai"]
    assert entry.stories == 4 and [s.title for s in entry.latest] == ["Berita 9", "Berita 7", "Berita 5"]
    assert (directory.kims, directory.stories, directory.kecamatan_count) == (1, 4, 1)
    assert page_digest("Direktori", "<p>a</p>") == page_digest("Direktori", "<p>a</p>")
    assert page_digest("Direktori", "<p>a</p>") != page_digest("Direktori", "<p>b</p>")
    assert remembered('{"id": "1", "url": "u", "digest": "d"}') == {"id": "1", "url": "u", "digest": "d"}
    assert remembered("not json") == {} and remembered(None) == {} and remembered("[1]") == {}
