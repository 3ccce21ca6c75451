"""A mistyped village reaches the officer's `Pesan` and the operator's notice with the closest official names."""

from __future__ import annotations

from pathlib import Path

from pipeline.cycle import run_cycle
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox
from .test_notices import Clock, _app, _body, _world
from .test_pipeline import officer_sets, records_by_code, review_sheet
from .world import response_row


def test_the_closest_names_reach_pesan_and_the_notice(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    rows = [response_row(1, desa="Muara Ninan"), response_row(2, kecamatan="Batumandi", desa="Riwa")]
    app = _app(_world(sandbox, tmp_path, port, rows), Clock())
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        records = records_by_code(sheet)
        first, second = records["MM-20261122-0001"], records["MM-20261122-0002"]
        assert first["Status"] == "Perlu perbaikan" and "Mungkin maksudnya: Muara Ninian?" in first["Pesan"]
        assert second["Status"] == "Perlu perbaikan" and "Mungkin maksudnya: Batu Mandi?" in second["Pesan"]
        [notice] = mail.to("operator1@example.com")
        assert "Mungkin maksudnya: Muara Ninian?" in _body(notice)
        [notice] = mail.to("operator2@example.com")
        assert "Mungkin maksudnya: Batu Mandi?" in _body(notice)
        # The officer takes the suggestion: the row goes on, and no second notice is sent.
        officer_sets(sheet, "MM-20261122-0001", Desa="Muara Ninian")
        run_cycle(app)
        assert records_by_code(sheet)["MM-20261122-0001"]["Status"] == "Menunggu"
        assert len(mail.to("operator1@example.com")) == 1
    finally:
        app.close()
