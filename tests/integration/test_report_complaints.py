"""The monev report with complaints (pengaduan): counts per category and department in the HTML, one more PDF
page, and never the complainant's personal data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader

from pipeline.config import load_settings
from pipeline.core.model import Submission
from pipeline.infra.regions_file import load_regions
from pipeline.ledger import Ledger
from pipeline.outputs.render import Renderer
from pipeline.outputs.report import build_report, write_files

NOW = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
CONFIG = """
form:
  spreadsheet_id: FORM
review:
  spreadsheet_id: REVIEW
blogger:
  blog_id: 123
"""
NAME, CONTACT, TEXT = "Rahmat Hidayatullah", "0812-5555-0101", "Jembatan gantung di RT 3 putus sejak Senin."


def _complaint(
    ledger: Ledger,
    seq: int,
    received_at: str,
    category: str,
    department: str = "",
    status: str = "Diterima",
    steps: tuple[str | None, str | None, str | None] = (None, None, None),
) -> None:
    """A complaint as `complaints.collect` and the officers' steps leave it; `steps` are when it was
    forwarded, answered and closed."""
    day = received_at[:10]
    ledger._db.execute(
        """INSERT INTO complaints (code, response_key, day, seq, received_at, name, contact, reply_to, kecamatan,
           desa, place_note, category, text, photos, status, department, forwarded_at, answered_at, closed_at,
           created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Juai', 'Juai', '', ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            f"PG-{day.replace('-', '')}-{seq:04d}",
            f"key-{day}-{seq}",
            day,
            seq,
            received_at,
            NAME,
            CONTACT,
            "rahmat@example.com",
            category,
            TEXT,
            json.dumps([]),
            status,
            department,
            *steps,
            received_at,
        ),
    )


def _pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def test_complaints_add_a_section_and_a_page_without_personal_data(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    settings = load_settings(config)  # Asia/Makassar: the form's times carry +08:00
    regions = load_regions()
    ledger = Ledger(tmp_path / "ledger.sqlite3", clock=lambda: NOW)
    story = Submission(datetime(2026, 11, 3, 1, 0, tzinfo=UTC), "a@example.com", "Juai", "Juai", "Siti", "B", "I.", ())
    ledger.add_submission("s1", story, date(2026, 11, 3))
    renderer = Renderer()

    plain = build_report(ledger, settings, regions, "2026-11", NOW)
    assert plain.complaints is None
    without = write_files(plain, renderer, tmp_path / "plain", "Portal Uji")
    assert "Pengaduan masyarakat" not in without.html.read_text(encoding="utf-8")

    # Two to the PUPR (forwarded after 2 h and 4 h, answered 24 h and 6 h later), one to health, one waiting.
    pupr_steps = [
        ("2026-11-03T03:00:00+00:00", "2026-11-04T03:00:00+00:00", "2026-11-04T05:00:00+00:00"),
        ("2026-11-03T06:00:00+00:00", "2026-11-03T12:00:00+00:00", None),
    ]
    _complaint(ledger, 1, "2026-11-03T09:00:00+08:00", "Jalan dan jembatan", "Dinas PUPR", "Selesai", pupr_steps[0])
    _complaint(ledger, 2, "2026-11-03T10:00:00+08:00", "Jalan dan jembatan", "Dinas PUPR", "Ditanggapi", pupr_steps[1])
    forwarded = ("2026-11-10T01:00:00+00:00", None, None)
    _complaint(ledger, 1, "2026-11-10T08:00:00+08:00", "Kesehatan", "Dinas Kesehatan", "Diteruskan", forwarded)
    # The month's edges in local time; compared as text with the bounds in UTC (Nov 30 16:00), the first would
    # fall out of November and the second into it.
    _complaint(ledger, 1, "2026-11-30T20:00:00+08:00", "Kesehatan")
    _complaint(ledger, 1, "2026-10-31T23:30:00+08:00", "Pendidikan", "Dinas Pendidikan")

    report = build_report(ledger, settings, regions, "2026-11", NOW)
    assert report.complaints is not None and report.complaints.total.complaints == 4
    written = write_files(report, renderer, tmp_path / "full", "Portal Uji")
    html = written.html.read_text(encoding="utf-8")

    assert "Pengaduan masyarakat" in html and "Median jam sampai diteruskan" in html
    pupr = '<td>Dinas PUPR</td><td class="n">2</td><td class="n">2</td><td class="n">2</td><td class="n">1</td>'
    assert pupr + '<td class="n">1</td><td class="n">3.0</td><td class="n">15.0</td>' in html
    health = '<td>Dinas Kesehatan</td><td class="n">1</td><td class="n">1</td><td class="n">0</td>'
    assert health in html
    assert '<td>(belum diteruskan)</td><td class="n">1</td><td class="n">0</td>' in html
    assert '<td>Jalan dan jembatan</td><td class="n">2</td>' in html
    assert '<td>Kesehatan</td><td class="n">2</td><td class="n">1</td>' in html
    assert '<td>Juai</td><td class="n">4</td>' in html
    assert "Dinas Pendidikan" not in html and "Pendidikan" not in html  # October's complaint

    for personal in (NAME, CONTACT, "rahmat@example.com", TEXT):
        assert personal not in html
    assert written.pages == without.pages + 1
    assert _pages(written.pdf) == _pages(without.pdf) + 1
    last = PdfReader(written.pdf).pages[-1].extract_text()
    assert "Pengaduan masyarakat" in last and "Dinas PUPR" in last
    assert NAME not in last and CONTACT not in last
    ledger.close()


def test_inactive_kims_are_the_registered_ones_once_kims_register(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    settings = load_settings(config)
    regions = load_regions()
    ledger = Ledger(tmp_path / "ledger.sqlite3", clock=lambda: NOW)
    every_village = build_report(ledger, settings, regions, "2026-11", NOW)
    assert len(every_village.inactive) == len(regions.villages)  # nobody registers: every village may have one
    for seq, (kecamatan, desa) in enumerate([("Juai", "Juai"), ("Batu Mandi", "Lok Batu")], start=1):
        ledger._db.execute(
            """INSERT INTO registrations (response_key, email, kecamatan, desa, seq, number, row, state, created_at)
               VALUES (?, 'op@example.com', ?, ?, ?, ?, '[]', 'written', ?)""",
            (f"k{seq}", kecamatan, desa, seq, f"KIM-6311-{seq:04d}", NOW.isoformat()),
        )
    ledger._db.execute(
        """INSERT INTO registrations (response_key, email, kecamatan, desa, message, row, state, created_at)
           VALUES ('refused', 'x@example.com', 'Juai', 'Desa Khayalan', 'tidak ada', '[]', 'refused', ?)""",
        (NOW.isoformat(),),
    )
    story = Submission(datetime(2026, 11, 30, 1, 0, tzinfo=UTC), "a@example.com", "Juai", "Juai", "Siti", "B", "I.", ())
    ledger.add_submission("s1", story, date(2026, 11, 30))
    registered = build_report(ledger, settings, regions, "2026-11", NOW)
    assert registered.active == [("Juai", "Juai")]
    assert registered.inactive == [("Batu Mandi", "Lok Batu")]
    ledger.close()
