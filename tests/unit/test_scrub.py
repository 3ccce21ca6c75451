"""What a field trace keeps and what it replaces: plain values in, scrubbed values out (pipeline/google/scrub.py)."""

from __future__ import annotations

import base64
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from pipeline.google.scrub import Scrubber

VOCABULARY = {"Kode", "Judul", "Status", "Terbit", "Menunggu", "Juai", "Desa Juai", "Kode berita"}


def scrubber() -> Scrubber:
    return Scrubber(VOCABULARY)


def test_the_same_text_gets_the_same_placeholder_and_other_texts_others() -> None:
    s = scrubber()
    first = s.cell("Budi Santoso")
    assert first == s.cell("Budi Santoso") == "text-0001"
    assert s.cell("Siti Aminah") == "text-0002"


def test_placeholders_keep_the_length_class_of_the_original() -> None:
    s = scrubber()
    story = "Warga desa bergotong royong. " * 40  # 1,160 characters
    placeholder = s.cell(story)
    assert placeholder.startswith("text-0001") and len(placeholder) == 1024
    assert len(s.cell("Judul yang agak panjang sekali")) == 16


def test_codes_statuses_headers_dates_numbers_and_region_names_are_kept() -> None:
    s = scrubber()
    for kept in ("MM-20261122-0007", "PG-20261122-0001", "KIM-6311-0001", "Terbit", "menunggu", "Kode", "Juai"):
        assert s.cell(kept) == kept
    for kept in ("2026-11-22 08:01", "22/11/2026", "10:30", "42", "TRUE", "", "7706273476706534553"):
        assert s.cell(kept) == kept
    assert s.cell_number(46348.33402778) == 46348.33402778 and s.cell_number(3) == 3


def test_addresses_phone_numbers_and_foreign_links_become_placeholders() -> None:
    s = scrubber()
    assert s.cell("Operator1@Example.com") == "person-0001@example.com"
    assert s.cell("operator1@example.com") == "person-0001@example.com"  # addresses compare case-insensitively
    assert s.cell("0812-3456-7890") == "900000000001" and s.cell("6311012345678901").startswith("9")
    assert s.cell("0812-34-5678").startswith("9")  # shaped like a date, but a date has a four-digit year
    assert s.cell_number(81234567890) == 90000000004  # a phone typed as a number: the same digit count
    assert s.cell("https://facebook.com/budi.santoso") == "https://example.invalid/link-0001"


def test_drive_ids_are_replaced_wherever_they_appear() -> None:
    s = scrubber()
    photo = "1AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    s.learn("sheets", "/v4/spreadsheets/1SheetSheetSheetSheetSheetSheet0/values/A1", None)
    s.learn("sheets", "/v4/spreadsheets/x/values/A1", {"values": [[f"https://drive.google.com/open?id={photo}"]]})
    assert s.cell(f"https://drive.google.com/open?id={photo}") == "https://drive.google.com/open?id=file-0001"
    assert s.request_url(f"/drive/v3/files/{photo}?fields=id", api="drive") == "/drive/v3/files/file-0001?fields=id"
    assert s.structural("1SheetSheetSheetSheetSheetSheet0") == "spreadsheet-0001"


def test_a_post_keeps_its_structure_and_code_and_loses_its_words() -> None:
    s = scrubber()
    html = (
        '<div class="mymein-berita"><p class="byline"><strong>Budi</strong>, KIM Desa Juai</p>'
        '<p>Warga &amp; pemuda bergotong royong.</p><img src="https://lh3.googleusercontent.com/d/X=w1600" alt="Panen">'
        '<hr><p class="kode-berita"><small>Kode berita: MM-20261122-0001</small></p></div>'
    )
    out = s.html(html)
    assert "Budi" not in out and "royong" not in out and "Panen" not in out
    assert '<p class="kode-berita"><small>Kode berita: MM-20261122-0001</small></p>' in out
    assert out.startswith('<div class="mymein-berita"><p class="byline"><strong>text-0001</strong>')
    assert s.html(html) == out  # the same content scrubs the same way (a post read back matches the one sent)


def test_blog_post_addresses_keep_the_blog_and_lose_the_slug_made_of_the_title() -> None:
    s = scrubber()
    post = s.url("https://kim-balangan.blogspot.com/2026/11/warga-juai-gotong-royong.html")
    assert post == "https://kim-balangan.blogspot.com/2026/11/post-0001.html"
    assert s.body("blogger", {"kind": "blogger#blog", "url": "https://berita.example.go.id/"})["url"] == (
        "https://berita.example.go.id/"
    )


def test_credentials_never_stay_in_a_url_a_form_or_a_token_answer() -> None:
    s = scrubber()
    assert s.request_url("/v3/blogs/1/posts?key=AIzaSecret&maxResults=5", api="blogger") == (
        "/v3/blogs/1/posts?key=key-0001&maxResults=5"
    )
    form = s.body("oauth", {"grant_type": "refresh_token", "refresh_token": "1//0gSecret", "client_secret": "GOCSPX"})
    assert form == {
        "grant_type": "refresh_token",
        "refresh_token": "refresh_token-0001",
        "client_secret": "client_secret-0001",
    }
    answer = s.body("oauth", {"access_token": "ya29.x", "id_token": "eyJ", "expires_in": 3599, "token_type": "Bearer"})
    assert answer == {
        "access_token": "access_token-0001",
        "id_token": "id_token-0001",
        "expires_in": 3599,
        "token_type": "Bearer",
    }
    refused = s.body("oauth", {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    assert refused == {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}


def test_google_error_messages_are_kept_without_the_cell_they_quote() -> None:
    s = scrubber()
    s.cell("Cerita Pak Budi")
    error = {
        "error": {"code": 400, "message": 'Invalid value "Cerita Pak Budi" at row 3', "status": "INVALID_ARGUMENT"}
    }
    assert s.body("sheets", error)["error"]["message"] == 'Invalid value "text-0001" at row 3'


def test_sheets_structure_is_kept_and_only_cell_values_change() -> None:
    s = scrubber()
    request = {
        "requests": [
            {
                "appendCells": {
                    "sheetId": 0,
                    "rows": [
                        {
                            "values": [
                                {"userEnteredValue": {"stringValue": "Budi"}},
                                {"userEnteredValue": {"boolValue": False}},
                            ]
                        }
                    ],
                    "fields": "userEnteredValue,dataValidation",
                }
            },
            {
                "setDataValidation": {
                    "rule": {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Draf"}]}}
                }
            },
        ]
    }
    out = s.body("sheets", request)
    append = out["requests"][0]["appendCells"]
    assert append["rows"][0]["values"] == [
        {"userEnteredValue": {"stringValue": "text-0001"}},
        {"userEnteredValue": {"boolValue": False}},
    ]
    assert append["fields"] == "userEnteredValue,dataValidation"
    assert out["requests"][1] == request["requests"][1]
    values = s.body("sheets", {"range": "'Berita'!A1:C2", "values": [["Kode", "Judul"], ["MM-20261122-0001", "Budi"]]})
    assert values == {"range": "'Berita'!A1:C2", "values": [["Kode", "Judul"], ["MM-20261122-0001", "text-0001"]]}


def test_drive_file_names_owners_and_photo_places_are_personal_folders_are_not() -> None:
    s = scrubber()
    photo = s.body(
        "drive",
        {
            "name": "IMG_0001 - Budi Santoso.jpg",
            "mimeType": "image/jpeg",
            "owners": [{"displayName": "Budi Santoso", "emailAddress": "budi@gmail.com"}],
            "imageMediaMetadata": {"width": 800, "height": 600, "location": {"latitude": -2.3}, "cameraMake": "X"},
            "thumbnailLink": "https://lh3.googleusercontent.com/drive-storage/AJQWtSecret=s220",
        },
    )
    assert photo["name"] == "file-0001.jpg"
    assert photo["owners"] == [{"displayName": "name-0001", "emailAddress": "person-0001@example.com"}]
    assert photo["imageMediaMetadata"] == {"width": 800, "height": 600}
    assert photo["thumbnailLink"] == "https://example.invalid/link-0001"
    folder = {"name": "Foto Berita (File responses)", "mimeType": "application/vnd.google-apps.folder"}
    assert s.body("drive", folder) == folder


def test_a_gmail_message_keeps_its_shape_and_loses_its_words() -> None:
    s = scrubber()
    message = EmailMessage()
    message["From"] = "KIM Balangan <kim@balangankab.example>"
    message["To"] = "Budi <operator1@example.com>"
    message["Subject"] = "Berita Anda terbit: MM-20261122-0001"
    message.set_content("Halo Pak Budi, berita Anda tentang panen sudah terbit.")
    raw = base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")

    out = s.body("gmail", {"raw": raw})["raw"]

    rebuilt = message_from_bytes(base64.urlsafe_b64decode(out), policy=default)
    assert rebuilt["To"] == "person-0002@example.com" and rebuilt["From"] == "person-0001@example.com"
    assert "MM-20261122-0001" in str(rebuilt["Subject"]) and "Berita" not in str(rebuilt["Subject"])
    text = rebuilt.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Budi" not in text and text.startswith("text-")
