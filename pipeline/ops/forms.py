"""`mymein init --form`: the news form (and, when enabled, the complaint and registration forms) built through
the Google Forms API, published, and the clicks the API cannot make listed; doctor's check of them.

Exactly one form per kind: its id is kept in the ledger (`meta.built_form`), with an intent written before
`forms.create` so that a run that died while Google created one is noticed instead of making a second. A
second run finds the kept form and only does what is still missing (its questions, in one atomic batch; its
publication); the questions are never added to a form that already has items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..app import FORMS_SCOPE, App
from ..config import Settings
from ..core.complaints import complaint_form_plan
from ..core.errors import MyMeInError
from ..core.form import FormLayout, news_form_plan
from ..core.form_build import FormPlan, build_requests, clicks, inspect, publish_request
from ..core.registration import registration_form_plan
from ..google.errors import GoogleApiError
from ..i18n import Text, _, localized
from ..ledger.meta import MetaValue
from .doctor_write import Check

CREATING = "creating"


class FormsError(MyMeInError):
    """A form cannot be built as things stand; the message says what to do."""


@dataclass
class BuiltForm:
    plan: FormPlan
    form_id: str
    spreadsheet_id: str
    created: bool = False
    filled: bool = False
    published_now: bool = False
    responder_uri: str = ""
    steps: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what the administrator changed that stops the build

    @property
    def edit_url(self) -> str:
        return f"https://docs.google.com/forms/d/{self.form_id}/edit"


def form_plans(settings: Settings) -> list[tuple[FormPlan, str]]:
    """Each form this configuration reads, with the spreadsheet its responses must be linked to."""
    plans = [(news_form_plan(settings.form.columns), settings.form.spreadsheet_id)]
    if settings.complaints.enabled:
        plans.append((complaint_form_plan(), settings.complaints.spreadsheet_id))
    if settings.registration.enabled:
        plans.append((registration_form_plan(), settings.registration.spreadsheet_id))
    return plans


def granted_forms_scope(settings: Settings) -> bool:
    """Whether the owner's token may build forms (the sandbox's may always)."""
    path = settings.google.oauth_token_file
    if path is None:
        return bool(settings.google.endpoint)
    import json

    try:
        scopes = json.loads(path.read_text(encoding="utf-8")).get("scopes", [])
    except (OSError, ValueError):
        return False
    return FORMS_SCOPE in scopes or (bool(settings.google.endpoint) and not scopes)


def build_forms(app: App, *, retry: bool = False) -> list[BuiltForm]:
    if not granted_forms_scope(app.settings):
        raise FormsError(
            Text(
                "the blog owner's token (google.oauth_token_file) does not allow building forms; run "
                "`mymein auth --client-secret FILE --forms` as the blog's owner, then `mymein init --form` again"
            )
        )
    return [_ensure(app, plan, spreadsheet_id, retry=retry) for plan, spreadsheet_id in form_plans(app.settings)]


def _ensure(app: App, plan: FormPlan, spreadsheet_id: str, *, retry: bool) -> BuiltForm:
    assert app.forms is not None
    kept = app.ledger.meta.built_form(plan.kind)
    form_id = kept.get() or ""
    form = None
    if form_id == CREATING and not retry:
        raise FormsError(
            Text(
                "an earlier `mymein init --form` stopped while Google was creating the {kind} form, so one titled "
                "{title} may exist in the blog owner's Google Drive: delete it there (or keep it and delete "
                "nothing), then run `mymein init --form --retry-form`",
                kind=plan.kind,
                title=repr(plan.title),
            )
        )
    if form_id and form_id != CREATING:
        try:
            form = app.forms.get(form_id)
        except GoogleApiError as exc:
            if not exc.not_found:
                raise
            form = None  # deleted by hand: a new one takes its place, there is no second
    built = BuiltForm(plan, form_id, spreadsheet_id)
    if form is None:
        form = _create(app, plan, kept)
        built.created = True
    built.form_id = str(form["formId"])
    findings = inspect(plan, form)
    if not findings.built:
        if form.get("items"):
            missing = [t for t in dict.fromkeys(plan.titles) if t not in {i.get("title") for i in form["items"]}]
            built.problems.append(
                f"the form has questions, but none titled {', '.join(repr(t) for t in missing)}: name them so "
                "again in the Forms editor (the pipeline reads the responses sheet by these titles)"
            )
        else:
            app.forms.batch_update(built.form_id, build_requests(plan, app.regions), str(form["revisionId"]))
            built.filled = True
            form = app.forms.get(built.form_id)
            findings = inspect(plan, form)
    if not findings.published:
        app.forms.set_publish_settings(built.form_id, publish_request())
        built.published_now = True
        form = app.forms.get(built.form_id)
        findings = inspect(plan, form)
    built.responder_uri = str(form.get("responderUri") or "")
    built.steps = clicks(plan, built.form_id, spreadsheet_id, findings, _)
    return built


def _create(app: App, plan: FormPlan, kept: MetaValue) -> dict[str, Any]:
    assert app.forms is not None
    kept.set(CREATING)  # the intent: a crash before the id is kept is seen by the next run
    form = app.forms.create(plan.title)
    kept.set(str(form["formId"]))
    return form


# --- doctor ---------------------------------------------------------------------------------------------------
def form_checks(app: App) -> list[Check]:
    """For each form `mymein init --form` built: published, its upload question added, linked to the
    configured spreadsheet. A form made by hand is not looked at (its id is not known), only its sheet."""
    checks: list[Check] = []
    for plan, spreadsheet_id in form_plans(app.settings):
        form_id = app.ledger.meta.built_form(plan.kind).get()
        if not form_id or form_id == CREATING or app.forms is None:
            continue
        name = _("{kind} form").format(kind=plan.kind)
        try:
            form = app.forms.get(form_id)
        except GoogleApiError as exc:
            fix = (
                _("run `mymein init --form` (it makes the form again)")
                if exc.not_found
                else _("check that the token of `mymein auth --forms` belongs to the form's owner")
            )
            checks.append(Check(name, False, localized(exc), fix))
            continue
        findings = inspect(plan, form)
        steps = clicks(plan, form_id, spreadsheet_id, findings, _)
        if not findings.published:
            steps.insert(0, _("run `mymein init --form` (it publishes the form)"))
        if steps:
            checks.append(Check(name, False, f"https://docs.google.com/forms/d/{form_id}/edit", "; ".join(steps)))
        else:
            done = _("{url}: published, photo and sheet linked").format(url=form.get("responderUri", form_id))
            checks.append(Check(name, True, done))
    return checks


def photo_column_check(app: App) -> list[Check]:
    """The news form's responses sheet has the photo column (the upload question is added by hand); a warning,
    as news without photos still goes out. Nothing when the sheet cannot be read (its own check says why)."""
    try:
        tab = app.responses.locate()
        header = app.responses.read_tail(tab, 2, 1)[0]
        layout = FormLayout.from_header(header, app.settings.form.columns)
    except (MyMeInError, ValueError):
        return []
    title = app.settings.form.columns["photos"][0]
    if "photos" in layout.columns:
        return [
            Check(
                _("form photo question"),
                True,
                _("the responses sheet has the {title} column").format(title=repr(title)),
            )
        ]
    return [
        Check(
            _("form photo question"),
            True,
            _("the responses sheet has no {title} column: the form asks for no photo").format(title=repr(title)),
            _("add a File upload question titled {title} to the news form (Forms UI: + → File upload)").format(
                title=repr(title)
            ),
            warning=True,
        )
    ]
