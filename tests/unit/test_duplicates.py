"""Near-identical submissions: a retyped title or body is the same story; a different story is not."""

from __future__ import annotations

from pipeline.core.duplicates import Earlier, near_duplicate_of, similarity

BODY = (
    "Warga Desa Juai bergotong royong membersihkan saluran irigasi sepanjang 500 meter pada Sabtu pagi, "
    "dipimpin kepala desa."
)


def test_similarity_folds_case_and_spaces_and_is_zero_for_different_text() -> None:
    assert similarity("Gotong  Royong di Juai", "gotong royong di juai") == 1.0
    assert similarity("Panen raya padi", "Rapat anggaran desa tahun depan") < 0.5


def test_a_retyped_title_or_body_is_a_near_duplicate() -> None:
    earlier = [Earlier("MM-20261120-0003", "Gotong royong bersihkan saluran irigasi", BODY)]
    assert near_duplicate_of("Gotong Royong Bersihkan Saluran Irigasi!", "Lain sama sekali.", earlier, 0.9) == (
        "MM-20261120-0003"
    )
    retyped = BODY.replace("Sabtu pagi", "sabtu pagi tadi").replace("500", "lima ratus")
    assert near_duplicate_of("Kerja bakti warga", retyped, earlier, 0.85) == "MM-20261120-0003"


def test_a_different_story_or_a_short_body_is_not() -> None:
    earlier = [Earlier("MM-20261120-0003", "Gotong royong bersihkan saluran irigasi", BODY)]
    assert near_duplicate_of("Posyandu balita bulan November", "Kegiatan posyandu di balai desa.", earlier, 0.9) is None
    short = [Earlier("MM-20261120-0004", "Judul lain", "Singkat.")]
    assert near_duplicate_of("Judul baru", "Singkat.", short, 0.9) is None
