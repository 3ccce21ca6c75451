"""The baseline for scripts/bench.py: the pipeline as common gspread tutorials write it. Deliberately naive.

Every cycle reads both sheets whole with `get_all_records`, appends new responses with one `append_row`
call each, and marks each published row with one `update_cell` call per cell. It is here to be measured
against, never to be used.
"""

from __future__ import annotations

from typing import Any

import gspread
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from pipeline.app import officer_sheets_client
from pipeline.config import Settings
from pipeline.google.transport import RequestsHttp, authorized_session
from tests.integration.world import response_row

HEADER = ["Timestamp", "Email", "Judul", "Isi", "Setujui", "Status", "Tautan"]


class TutorialPipeline:
    def __init__(self, settings: Settings, form_id: str, review_id: str) -> None:
        client: gspread.Client = officer_sheets_client(settings)
        self.form = client.open_by_key(form_id).worksheet("Form Responses 1")
        self.review = client.open_by_key(review_id).worksheet("Review")
        endpoint = settings.google.endpoint or ""
        http = RequestsHttp(authorized_session(Credentials(token="sandbox"), endpoint), 60)
        self.blogger: Any = build(
            "blogger", "v3", http=http, client_options={"api_endpoint": endpoint + "/"}, static_discovery=True
        )
        self.blog_id = settings.blogger.blog_id

    def seed_review(self, size: int, chunk: int = 5000) -> None:
        """The state after every response was copied over, written in bulk (not timed)."""
        self.review.update([HEADER], "A1")
        for start in range(1, size + 1, chunk):
            rows = []
            for n in range(start, min(size + 1, start + chunk)):
                answer = response_row(n)
                rows.append([answer[0], answer[1], answer[5], answer[6], False, "Menunggu", ""])
            self.review.append_rows(rows, value_input_option="RAW", table_range="A1")

    def cycle(self) -> None:
        responses = self.form.get_all_records()
        review = self.review.get_all_records()
        seen = {(str(r["Timestamp"]), str(r["Email"])) for r in review}
        for answer in responses:
            key = (str(answer["Timestamp"]), str(answer["Email Address"]))
            if key not in seen:
                copied = [answer["Timestamp"], answer["Email Address"], answer["Judul Berita"], answer["Isi Berita"]]
                self.review.append_row([*copied, False, "Menunggu", ""], value_input_option="RAW")
                seen.add(key)
        status_col, link_col = HEADER.index("Status") + 1, HEADER.index("Tautan") + 1
        for number, row in enumerate(review, start=2):
            if str(row["Setujui"]).upper() == "TRUE" and row["Status"] != "Terbit":
                body = {"title": row["Judul"], "content": f"<p>{row['Isi']}</p>"}
                post = self.blogger.posts().insert(blogId=self.blog_id, body=body).execute()
                self.review.update_cell(number, status_col, "Terbit")
                self.review.update_cell(number, link_col, post["url"])

    def close(self) -> None:
        self.blogger.close()
