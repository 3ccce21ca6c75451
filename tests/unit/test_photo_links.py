"""Photo links: only Google Drive files can go on the blog; anything else in `Foto` is named, never dropped."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.core.model import FormResponse
from pipeline.core.photos import drive_file_id, file_ids, photo_link_problems, split_links
from pipeline.core.validate import normalise
from pipeline.infra.regions_file import load_regions

WITA = ZoneInfo("Asia/Makassar")
BASE_TIME = datetime(2026, 11, 22, 8, 0, tzinfo=WITA)
DRIVE = "https://drive.google.com/open?id=1AbCdEfGhIjKlMnOp"


@pytest.mark.parametrize(
    "link",
    [
        DRIVE,
        "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing",
        "drive.google.com/open?id=1AbCdEfGhIjKlMnOp",
        "https://docs.google.com/uc?export=view&id=1AbCdEfGhIjKlMnOp",
        "https://drive.usercontent.google.com/download?id=1AbCdEfGhIjKlMnOp&export=view",
        "https://drive.google.com/thumbnail?id=1AbCdEfGhIjKlMnOp&sz=w1600",
        "https://drive.google.com/u/0/open?id=1AbCdEfGhIjKlMnOp&usp=drive_fs",
        "https://lh3.googleusercontent.com/d/1AbCdEfGhIjKlMnOp=w1600",  # copied from a post we made
        "1AbCdEfGhIjKlMnOpQrStUvWxYz",
    ],
)
def test_drive_links_give_their_file(link: str) -> None:
    assert drive_file_id(link) in ("1AbCdEfGhIjKlMnOp", "1AbCdEfGhIjKlMnOpQrStUvWxYz")


@pytest.mark.parametrize(
    "link",
    [
        "https://example.com/foto.jpg",
        "https://example.com/foto.php?id=1AbCdEfGhIjKlMnOp",  # an id parameter elsewhere is not a Drive file
        "https://drive.google.com.example.net/open?id=1AbCdEfGhIjKlMnOp",
        "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp",  # a folder, not a photo
        "https://photos.app.goo.gl/AbCdEf123",
        "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEh/s1600/foto.jpg",
        "foto kegiatan",
    ],
)
def test_other_links_and_text_are_not_drive_files(link: str) -> None:
    assert drive_file_id(link) is None


def test_the_answer_is_split_into_links_and_text_stays_whole() -> None:
    assert split_links(f"{DRIVE}, https://drive.google.com/open?id=2ZyXwVuTsRqPoNmLk") == (
        DRIVE,
        "https://drive.google.com/open?id=2ZyXwVuTsRqPoNmLk",
    )
    assert split_links(f"{DRIVE}\nhttps://example.com/a.jpg https://example.com/b.jpg") == (
        DRIVE,
        "https://example.com/a.jpg",
        "https://example.com/b.jpg",
    )
    assert split_links("tidak ada") == ("tidak ada",)
    assert split_links(f"{DRIVE} foto kegiatan") == (DRIVE, "foto kegiatan")
    assert split_links(" - ") == () and split_links(None) == () and split_links("") == ()


def test_only_drive_links_are_fine() -> None:
    assert photo_link_problems((DRIVE,)) == () and photo_link_problems(()) == ()
    [problem] = photo_link_problems((DRIVE, "https://example.com/foto.jpg", "tidak ada"))
    assert '"https://example.com/foto.jpg"' in problem and '"tidak ada"' in problem
    assert "unggah" in problem and "formulir" in problem and "hapus" in problem and "kolom Foto" in problem


def _response(photos: str) -> FormResponse:
    return FormResponse(
        received_at=BASE_TIME,
        email="siti@example.com",
        kecamatan="Juai",
        desa="Juai",
        operator="Siti",
        title="Gotong royong",
        body="Warga bergotong royong membersihkan saluran air desa.",
        photos=split_links(photos),
    )


def test_a_form_answer_with_a_link_not_on_drive_is_queued_to_be_fixed_and_keeps_the_link() -> None:
    submission = normalise(_response(f"{DRIVE}, https://example.com/foto.jpg"), load_regions())
    assert not submission.is_valid
    assert submission.photos == (DRIVE, "https://example.com/foto.jpg")
    assert submission.problems == photo_link_problems(submission.photos)
    assert file_ids(submission.photos) == ("1AbCdEfGhIjKlMnOp",)


def test_a_form_answer_with_drive_links_only_is_valid_and_canonical() -> None:
    submission = normalise(_response("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view"), load_regions())
    assert submission.is_valid and submission.photos == (DRIVE,)
