"""Whether a Drive file can be shown in a blog post: uploaded through the form, an image type browsers
display, not too large."""

from __future__ import annotations

from dataclasses import dataclass

BROWSER_IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
# A small file can claim a huge picture (a decompression bomb): decoding 15000 x 15000 pixels takes hundreds of
# MB and Pillow refuses it outright. These admit every phone camera's photo up to 50 megapixels (8160 x 6120).
MAX_SIDE_PX = 10_000
MAX_PIXELS = 50_000_000
# Google Forms keeps uploads in `<question> (File responses)` inside `<form> (File responses)`: a file counts
# as uploaded when the listed folder is its own folder or that folder's parent.
UPLOAD_FOLDER_LEVELS = 2


@dataclass(frozen=True)
class PhotoInfo:
    file_id: str
    name: str
    mime_type: str
    size: int | None
    parents: tuple[str, ...] = ()  # the folders Drive shows this account (none when it may not see them)
    width: int | None = None  # from Drive's imageMediaMetadata; None until Drive has measured the picture
    height: int | None = None


def photo_problem(
    file_id: str,
    info: PhotoInfo | None,
    max_bytes: int,
    accepted: tuple[str, ...] = BROWSER_IMAGE_TYPES,
    *,
    uploaded: bool = True,
) -> str | None:
    """An Indonesian sentence the officer can forward to the operator, or None when the photo is fine.

    `uploaded` False: the file is not in the form's upload folders. It is then named only by the id the
    operator sent, never by its name or type: the sentence reaches the operator, and the file may be anyone's.
    """
    if info is None:
        return (
            f"Foto {file_id} tidak dapat dibuka (terhapus atau tidak dibagikan). "
            "Minta operator mengunggah ulang, atau hapus tautannya dari kolom Foto."
        )
    if not uploaded:
        return (
            f"Foto {file_id} bukan unggahan formulir berita, jadi tidak dibagikan. Minta operator mengunggah foto "
            "lewat pertanyaan unggah foto di formulir, atau hapus tautannya dari kolom Foto."
        )
    if info.mime_type not in accepted:
        kinds = ", ".join(t.split("/")[1].upper() for t in accepted)
        return f"Berkas '{info.name}' bukan foto yang bisa tampil di blog ({info.mime_type}); gunakan {kinds}."
    if info.size is not None and info.size > max_bytes:
        return (
            f"Foto '{info.name}' terlalu besar ({info.size / 1_000_000:.1f} MB, "
            f"paling besar {max_bytes / 1_000_000:.0f} MB)."
        )
    if (
        info.width
        and info.height
        and (max(info.width, info.height) > MAX_SIDE_PX or info.width * info.height > MAX_PIXELS)
    ):
        return (
            f"Foto '{info.name}' terlalu besar ({info.width} × {info.height} piksel; paling besar {MAX_SIDE_PX} "
            f"piksel per sisi dan {MAX_PIXELS // 1_000_000} megapiksel). Kecilkan ukurannya lalu unggah ulang."
        )
    return None
