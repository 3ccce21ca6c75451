"""The rapor: KIMs and kecamatan ranked by stories published; ties share a rank; quiet ones are ranked last."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.rapor import rank_kecamatan, rank_kims


@dataclass
class Counted:
    submissions: int
    published: int


def test_kims_rank_by_published_then_submissions_ties_share_a_rank_and_quiet_kims_come_last() -> None:
    by_desa = {
        ("Juai", "Juai"): Counted(5, 3),
        ("juai", "MUARA NINIAN"): Counted(3, 3),  # spelled otherwise than the registry: the same KIM
        ("Awayan", "Awayan"): Counted(4, 3),
        ("Halong", "Halong"): Counted(1, 1),
        ("Juai", "Desa Salah Ketik"): Counted(2, 0),  # no KIM and nothing published: not ranked
        ("Paringin", "Lasung Batu"): Counted(1, 1),  # no KIM on the list but published: ranked
    }
    villages = [
        ("Juai", "Juai"),
        ("Juai", "Muara Ninian"),
        ("Awayan", "Awayan"),
        ("Halong", "Halong"),
        ("Halong", "Binuang Santang"),
    ]
    kims = rank_kims(by_desa, villages)
    assert [(s.rank, s.name, s.published, s.submissions) for s in kims] == [
        (1, "Juai", 3, 5),
        (2, "Awayan", 3, 4),
        (3, "Muara Ninian", 3, 3),
        (4, "Halong", 1, 1),
        (4, "Lasung Batu", 1, 1),
        (6, "Binuang Santang", 0, 0),
    ]
    assert kims[0].published_share == 60 and kims[-1].published_share is None
    districts = rank_kecamatan(kims)
    assert [(s.rank, s.name, s.published, s.kims_publishing, s.kims) for s in districts] == [
        (1, "Juai", 6, 2, 2),
        (2, "Awayan", 3, 1, 1),
        (3, "Halong", 1, 1, 2),
        (3, "Paringin", 1, 1, 1),
    ]
    assert rank_kims({}, []) == [] and rank_kecamatan([]) == []
