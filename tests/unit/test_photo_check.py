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


def test_a_photo_with_too_many_pixels_is_refused_with_its_dimensions() -> None:
    bomb = PhotoInfo("f", "panen.png", "image/png", 70_000, width=15_000, height=15_000)
    reason = photo_problem("f", bomb, 10 * MB) or ""
    assert "panen.png" in reason and "15000 × 15000 piksel" in reason and "Kecilkan" in reason
    wide = PhotoInfo("f", "panorama.jpg", "image/jpeg", 2 * MB, width=12_000, height=1_000)
    assert "12000 × 1000 piksel" in (photo_problem("f", wide, 10 * MB) or "")
    # A 50-megapixel phone photo (8160 × 6120) and a photo whose size Drive has not measured yet pass.
    assert photo_problem("f", PhotoInfo("f", "hp.jpg", "image/jpeg", 9 * MB, width=8160, height=6120), 10 * MB) is None
    assert photo_problem("f", PhotoInfo("f", "baru.jpg", "image/jpeg", MB), 10 * MB) is None
