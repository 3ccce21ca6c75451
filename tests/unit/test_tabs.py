"""Which tab is ours: known by id, renames followed, strangers under our name refused."""

from __future__ import annotations

from pipeline.core.tabs import KnownTab, TabMove, locate

OURS = KnownTab(7, "Berita", "Berita")


def test_our_tab_under_its_name_is_the_same() -> None:
    found = locate(OURS, "Berita", [(7, "Berita"), (8, "Arsip")], "review tab")
    assert (found.move, found.tab, found.note) == (TabMove.SAME, OURS, "")


def test_a_renamed_tab_is_followed_once_and_then_is_the_same() -> None:
    found = locate(OURS, "Berita", [(7, "Berita Lama")], "review tab")
    assert found.move is TabMove.RENAMED and found.tab == KnownTab(7, "Berita Lama", "Berita")
    assert found.note == "review tab 'Berita' was renamed to 'Berita Lama'; following it"
    again = locate(found.tab, "Berita", [(7, "Berita Lama")], "review tab")
    assert (again.move, again.note) == (TabMove.SAME, "")


def test_a_new_tab_under_our_name_while_ours_exists_is_a_conflict() -> None:
    found = locate(OURS, "Berita", [(7, "Berita Lama"), (9, "Berita")], "review tab")
    assert found.move is TabMove.CONFLICT and found.tab is None and "mymein init" in found.note


def test_a_changed_config_while_the_old_tab_holds_the_rows_is_a_conflict() -> None:
    found = locate(OURS, "Berita 2027", [(7, "Berita")], "review tab")
    assert found.move is TabMove.CONFLICT and "the config now names 'Berita 2027'" in found.note


def test_renaming_the_tab_and_the_config_together_is_followed() -> None:
    found = locate(OURS, "Berita 2027", [(7, "Berita 2027")], "review tab")
    assert found.move is TabMove.RENAMED and found.tab == KnownTab(7, "Berita 2027", "Berita 2027")


def test_a_deleted_tab_is_made_again_or_a_tab_under_the_name_is_used() -> None:
    assert locate(OURS, "Berita", [(8, "Arsip")], "review tab").move is TabMove.MISSING
    found = locate(OURS, "Berita", [(9, "Berita")], "review tab")
    assert found.move is TabMove.ADOPTED and found.tab == KnownTab(9, "Berita", "Berita")
    assert "was deleted" in found.note


def test_a_first_look_adopts_the_configured_tab_quietly() -> None:
    found = locate(None, "Berita", [(3, "Berita")], "review tab")
    assert (found.move, found.tab, found.note) == (TabMove.ADOPTED, KnownTab(3, "Berita", "Berita"), "")
    assert locate(None, "Berita", [], "review tab").move is TabMove.MISSING
