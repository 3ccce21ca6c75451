"""The words a field trace keeps in cells and posts: they carry the pipeline's meaning and nothing personal.

Headers, tab names, statuses, modes, checkbox words and the regency's kecamatan and desa names are what a
developer needs to read a trace (which column, which state, which village failed validation); everything else
a person typed becomes a placeholder (`pipeline/google/scrub.py`).
"""

from __future__ import annotations

from ..config import Settings
from ..core import complaints, registration, registry
from ..core.model import MODE_SYNONYMS, Mode, Status
from ..core.officer_input import CHECKED, UNCHECKED
from ..core.regions import RegionDirectory
from ..core.review import DEFAULT_HEADERS, OPTIONAL_HEADERS
from ..features.comments import HEADER as COMMENTS_HEADER
from ..outputs.report import SUMMARY_HEADER

# Fixed text of the post template's footer and byline, which recovery after a crash reads back.
TEMPLATE_WORDS = ("Kode berita", "Operator KIM", "KIM Desa", "Kecamatan")


def words_to_keep(settings: Settings, regions: RegionDirectory) -> set[str]:
    words: set[str] = {*TEMPLATE_WORDS, *CHECKED, *UNCHECKED, *MODE_SYNONYMS}
    words |= {s.value for s in Status} | {m.value for m in Mode} | {s.value for s in complaints.ComplaintStatus}
    words |= {*DEFAULT_HEADERS.values(), *OPTIONAL_HEADERS.values(), *settings.review.headers.values()}
    words |= {*complaints.TAB_HEADERS.values(), *complaints.DEPARTMENT_HEADER, *registry.OPERATOR_HEADER}
    words |= {*COMMENTS_HEADER, *SUMMARY_HEADER}
    for names in (*settings.form.columns.values(), *complaints.FORM_COLUMNS.values(), *registration.COLUMNS.values()):
        words.update(names)
    review, complaint = settings.review, settings.complaints
    words |= {review.worksheet, review.archive_worksheet, review.summary_worksheet, review.operator_worksheet}
    words |= {complaint.worksheet, complaint.tab, complaint.departments_tab, complaint.archive_tab}
    words |= {settings.form.worksheet or "", settings.comments.worksheet, settings.registration.worksheet}
    for village in regions.villages:
        # As cells hold them, and as post labels name them (`labels_for` in core/post.py).
        words |= {village.kecamatan, village.desa, f"Kecamatan {village.kecamatan}", f"Desa {village.desa}"}
    return {w for w in words if w}
