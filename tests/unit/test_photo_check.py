"""Which Drive files may be embedded in a post, and the reason given to the operator when not."""

from __future__ import annotations

from pipeline.core.photo_check import PhotoInfo, photo_problem

MB = 1_000_000


def test_browser_images_within_the_limit_are_fine() -> None:
    for mime in ("image/jpeg", "image/png", "image/webp", "image/gif"):
        assert photo_problem("f", PhotoInfo("f", "a", mime, 2 * MB), 10 * MB) is None


def test_missing_wrong_type_and_too_large_each_get_a_reason() -> None:
    assert "tidak dapat dibuka" in (photo_problem("f1", None, 10 * MB) or "")
    heic = photo_problem("f", PhotoInfo("f", "IMG_1.HEIC", "image/heic", MB), 10 * MB)
    assert heic is not None and "IMG_1.HEIC" in heic and "JPEG" in heic
    pdf = photo_problem("f", PhotoInfo("f", "surat.pdf", "application/pdf", MB), 10 * MB)
    assert pdf is not None and "bukan foto" in pdf
    big = photo_problem("f", PhotoInfo("f", "besar.jpg", "image/jpeg", 25 * MB), 10 * MB)
    assert big is not None and "25.0 MB" in big
