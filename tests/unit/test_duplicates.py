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


def _long_body(seed: int, length: int = 20_000) -> str:
    """Indonesian-looking text over one small vocabulary: the worst case for a character-by-character matcher."""
    sentence = "warga desa juai gotong royong saluran irigasi meter sabtu pagi kepala dipimpin panen padi"
    words = sentence.split()
    return " ".join(f"{words[(i * seed) % len(words)]}{(i * seed) % 89}" for i in range(length // 5))[:length]


def test_the_longest_bodies_are_told_apart_or_matched_like_short_ones() -> None:
    body = _long_body(1)
    retyped = body.replace("juai", "Juai", 50).replace("sabtu", "sabtu tadi", 20)
    earlier = [Earlier("MM-20261120-0003", "Judul satu", body)]
    assert near_duplicate_of("Judul dua", retyped, earlier, 0.9) == "MM-20261120-0003"
    assert near_duplicate_of("Judul dua", _long_body(7), earlier, 0.9) is None


def test_punctuation_and_case_do_not_hide_a_repeat() -> None:
    assert similarity("Gotong royong, di Juai!", "gotong royong di juai") == 1.0
    assert similarity("", "") == 1.0 and similarity("Panen", "") == 0.0


def test_only_the_most_recent_candidates_are_compared() -> None:
    others = [
        Earlier(f"MM-20261120-{n:04d}", f"Rapat {n} soal anggaran {n * 7}", f"Isi lain nomor {n}.") for n in range(40)
    ]
    repeat = Earlier("MM-20261119-0001", "Gotong royong bersihkan saluran irigasi", BODY)
    assert near_duplicate_of("Judul baru", BODY, [repeat, *others], 0.9) == "MM-20261119-0001"
    assert near_duplicate_of("Judul baru", BODY, [*others, repeat], 0.9) is None  # past MAX_CANDIDATES
