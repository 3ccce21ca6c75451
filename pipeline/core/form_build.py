"""The forms operators and citizens fill in (news, complaints, KIM registration), as Google Forms API requests.

Each form asks its questions under the titles the pipeline reads its responses sheet by (`form.columns` for
news, `core.complaints.FORM_COLUMNS`, `core.registration.COLUMNS`), so the linked sheet matches without any
mapping. The place is asked in two steps: a Kecamatan dropdown whose every choice jumps (section navigation) to
that kecamatan's section, holding a Desa dropdown of its villages only; each Desa choice jumps on to the last
section, so no one walks through the other kecamatan. Every Desa question has the same title, so the sheet
gets one `Desa` column per kecamatan, of which a response fills one (`core.form` reads the filled one).

Pure: plans and request bodies; `ops.forms` sends them. What the API cannot do (a file-upload question, the
link to a spreadsheet) is listed for the administrator as clicks in the Forms UI.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .regions import RegionDirectory
from .text import fold

Kind = Literal["short", "paragraph", "choice"]
# `VERIFIED`: the respondent signs in and Google records the account's address (news and registration are
# matched to the Operator tab by it); `RESPONDER_INPUT`: a citizen types one, no Google account needed.
EmailCollection = Literal["VERIFIED", "RESPONDER_INPUT", "DO_NOT_COLLECT"]


@dataclass(frozen=True)
class Question:
    title: str
    kind: Kind = "short"
    required: bool = False
    hint: str = ""  # the item's description: what to write and how long it may be
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormPlan:
    """One form: questions before the place, the place (Kecamatan → Desa), questions after it."""

    kind: str  # "news", "complaints", "registration": the key its id is kept under
    title: str
    description: str
    before: tuple[Question, ...]
    after: tuple[Question, ...]
    kecamatan: str = "Kecamatan"
    desa: str = "Desa"
    email: EmailCollection = "VERIFIED"
    upload: str = ""  # the file-upload question to add by hand ('' when the form has none)
    last_section: str = "Isi"

    @property
    def titles(self) -> list[str]:
        return [q.title for q in (*self.before, *self.after)] + [self.kecamatan, self.desa]


def section_id(plan: FormPlan, name: str) -> str:
    """The item id a section gets: eight hex digits like Google's own, the same for the same plan and name, so
    the batch that creates the sections can already point the choices at them."""
    return hashlib.sha256(f"{plan.kind}\0{fold(name)}".encode()).hexdigest()[:8]


def _question(question: Question) -> dict[str, Any]:
    body: dict[str, Any] = {"required": question.required}
    if question.kind == "choice":
        body["choiceQuestion"] = {"type": "DROP_DOWN", "options": [{"value": c} for c in question.choices]}
    else:
        body["textQuestion"] = {"paragraph": question.kind == "paragraph"}
    item: dict[str, Any] = {"title": question.title, "questionItem": {"question": body}}
    if question.hint:
        item["description"] = question.hint
    return item


def _create(item: dict[str, Any], index: int) -> dict[str, Any]:
    return {"createItem": {"item": item, "location": {"index": index}}}


def build_requests(plan: FormPlan, regions: RegionDirectory) -> list[dict[str, Any]]:
    """The one `forms.batchUpdate` that turns an empty form into `plan`: applied whole or not at all, so a
    form is either empty (build it) or complete (leave it)."""
    kecamatan = regions.kecamatan_names
    if not kecamatan:
        raise ValueError("the region list is empty: there is no kecamatan to offer")
    last = section_id(plan, "\0last")
    requests: list[dict[str, Any]] = [
        {
            "updateFormInfo": {
                "info": {"title": plan.title, "description": plan.description},
                "updateMask": "title,description",
            }
        },
        {"updateSettings": {"settings": {"emailCollectionType": plan.email}, "updateMask": "emailCollectionType"}},
    ]
    items: list[dict[str, Any]] = [_question(q) for q in plan.before]
    # The sections first (the choices below must point at sections that exist), in the form's order.
    sections: list[dict[str, Any]] = []
    for name in kecamatan:
        sections.append(
            {
                "itemId": section_id(plan, name),
                "title": f"Kecamatan {name}",
                "description": f"Pilih desa atau kelurahan di Kecamatan {name}.",
                "pageBreakItem": {},
            }
        )
    sections.append({"itemId": last, "title": plan.last_section, "pageBreakItem": {}})
    for index, item in enumerate([*items, *sections, *(_question(q) for q in plan.after)]):
        requests.append(_create(item, index))
    # Then the jumps: the Kecamatan dropdown after the first questions, each Desa dropdown in its section.
    choose = {
        "title": plan.kecamatan,
        "description": "Pilih kecamatan; pertanyaan berikutnya memuat desa di kecamatan itu saja.",
        "questionItem": {
            "question": {
                "required": True,
                "choiceQuestion": {
                    "type": "DROP_DOWN",
                    "options": [{"value": k, "goToSectionId": section_id(plan, k)} for k in kecamatan],
                },
            }
        },
    }
    requests.append(_create(choose, len(items)))
    for number, name in enumerate(kecamatan):
        villages = sorted({v.desa for v in regions.villages_in(name)}, key=fold)
        desa = {
            "title": plan.desa,
            "questionItem": {
                "question": {
                    "required": True,
                    "choiceQuestion": {
                        "type": "DROP_DOWN",
                        "options": [{"value": v, "goToSectionId": last} for v in villages],
                    },
                }
            },
        }
        # Where its section now stands: after the first questions, the Kecamatan dropdown and the earlier
        # sections with their Desa dropdowns.
        requests.append(_create(desa, len(items) + 1 + 2 * number + 1))
    return requests


def publish_request() -> dict[str, Any]:
    """Published and taking responses (forms made through the API after January 2026 start unpublished)."""
    return {"publishSettings": {"publishState": {"isPublished": True, "isAcceptingResponses": True}}}


@dataclass(frozen=True)
class FormFindings:
    """What `forms.get` shows of a form: whether the API's part is done, and the two clicks' part."""

    built: bool  # the questions are there
    published: bool
    upload: bool  # the file-upload question was added (or the form needs none)
    linked_sheet: str  # the linked responses spreadsheet's id, '' when none


def inspect(plan: FormPlan, form: Mapping[str, Any]) -> FormFindings:
    items: Sequence[Mapping[str, Any]] = form.get("items") or []
    titles = {fold(str(i.get("title", ""))) for i in items}
    built = all(fold(t) in titles for t in plan.titles)
    uploads = [
        i
        for i in items
        if "fileUploadQuestion" in ((i.get("questionItem") or {}).get("question") or {})
        and fold(str(i.get("title", ""))) == fold(plan.upload)
    ]
    state = (form.get("publishSettings") or {}).get("publishState") or {}
    # A legacy form has no publishSettings: it is published as it always was.
    published = not form.get("publishSettings") or bool(state.get("isPublished") and state.get("isAcceptingResponses"))
    return FormFindings(built, published, not plan.upload or bool(uploads), str(form.get("linkedSheetId") or ""))


def _same(text: str) -> str:
    return text


def clicks(
    plan: FormPlan, form_id: str, spreadsheet_id: str, findings: FormFindings, _: Callable[[str], str] = _same
) -> list[str]:
    """The steps left for the administrator in the Forms UI, in the administrator's language (`_` translates;
    the messages are in the CLI's catalog)."""
    edit = f"https://docs.google.com/forms/d/{form_id}/edit"
    steps: list[str] = []
    if not findings.upload:
        step = _(
            "open {edit}, go to the last section ({section}), click + (Add question), choose 'File upload', title "
            "it {title} (specific file types: Image; up to 5 files) — the Forms API cannot create file-upload "
            "questions"
        )
        steps.append(step.format(edit=edit, section=repr(plan.last_section), title=repr(plan.upload)))
    if findings.linked_sheet != spreadsheet_id:
        if findings.linked_sheet:
            step = _(
                "in {edit} open Responses (now linked to {linked}) → Link to Sheets → Select existing spreadsheet "
                "→ {target} — the Forms API cannot link a form to a spreadsheet"
            )
        else:
            step = _(
                "in {edit} open Responses → Link to Sheets → Select existing spreadsheet → {target} — the Forms "
                "API cannot link a form to a spreadsheet"
            )
        steps.append(step.format(edit=edit, linked=findings.linked_sheet, target=spreadsheet_id))
    return steps
