"""The baseline for scripts/bench.py: the pipeline as common gspread tutorials write it. Deliberately naive.

Every cycle reads both sheets whole with `get_all_records`, appends each new response with its own
`append_row` call, publishes each approved row with `posts().insert` and marks it with one `update_cell`
call per cell (status, link). It is here to be measured against, never to be used: it has no ledger, no
reference codes, no retries, and finds rows by position.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gspread
import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from gspread.utils import ValueInputOption

from pipeline.app import officer_sheets_client
from pipeline.config import Settings
from pipeline.google.transport import RequestsHttp, authorized_session
from tests.integration.world import response_row

HEADER = ["Timestamp", "Email", "Judul", "Isi", "Setujui", "Status", "Tautan"]
FORM_TAB = "Form Responses 1"
REVIEW_TAB = "Review"


def _tutorial_agent(session: requests.Session) -> None:
    """A tutorial's client says it is python-requests: Google then answers uncompressed (it gzips only for a
    User-Agent containing "gzip"), so the baseline does not get the pipeline's gzip for free."""
    session.headers["User-Agent"] = requests.utils.default_user_agent()


def review_row(n: int) -> list[Any]:
    """The review row the baseline makes of response number `n`."""
    answer = response_row(n)
    return [answer[0], answer[1], answer[5], answer[6], False, "Menunggu", ""]


class TutorialPipeline:
    def __init__(self, settings: Settings, form_id: str, review_id: str) -> None:
        client: gspread.Client = officer_sheets_client(settings)
        _tutorial_agent(client.http_client.session)
        self.form = client.open_by_key(form_id).worksheet(FORM_TAB)
        self.review = client.open_by_key(review_id).worksheet(REVIEW_TAB)
        endpoint = settings.google.endpoint or ""
        token = Credentials(token="sandbox")  # type: ignore[no-untyped-call]  # the sandbox takes any token
        session = authorized_session(token, endpoint)
        _tutorial_agent(session)
        http = RequestsHttp(session, 60)
        self.blogger: Any = build(
            "blogger", "v3", http=http, client_options={"api_endpoint": endpoint + "/"}, static_discovery=True
        )
        self.blog_id = settings.blogger.blog_id
        self.appended = 0  # rows appended by the last cycle

    def seed_review(self, count: int, chunk: int = 5000) -> None:
        """The header and the rows of responses 1..count, as if earlier cycles had copied them (not timed)."""
        self.review.update([HEADER], "A1")
        for start in range(1, count + 1, chunk):
            rows = [review_row(n) for n in range(start, min(count + 1, start + chunk))]
            self.review.append_rows(rows, value_input_option=ValueInputOption.raw, table_range="A1")

    def cycle(self, after_reads: Callable[[], None] | None = None) -> None:
        """One polling cycle; `after_reads` lets the benchmark tell the reading apart from the appending."""
        responses = self.form.get_all_records()
        review = self.review.get_all_records()
        if after_reads is not None:
            after_reads()
        seen = {(str(r["Timestamp"]), str(r["Email"])) for r in review}
        self.appended = 0
        for answer in responses:
            key = (str(answer["Timestamp"]), str(answer["Email Address"]))
            if key not in seen:
                copied = [answer["Timestamp"], answer["Email Address"], answer["Judul Berita"], answer["Isi Berita"]]
                self.review.append_row([*copied, False, "Menunggu", ""], value_input_option=ValueInputOption.raw)
                seen.add(key)
                self.appended += 1
        status_col, link_col = HEADER.index("Status") + 1, HEADER.index("Tautan") + 1
        for number, row in enumerate(review, start=2):
            if str(row["Setujui"]).upper() == "TRUE" and row["Status"] != "Terbit":
                body = {"title": row["Judul"], "content": f"<p>{row['Isi']}</p>"}
                post = self.blogger.posts().insert(blogId=self.blog_id, body=body).execute()
                self.review.update_cell(number, status_col, "Terbit")
                self.review.update_cell(number, link_col, post["url"])

    def close(self) -> None:
        self.blogger.close()
