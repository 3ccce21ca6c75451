"""Google Forms v1: `forms.create`, `forms.batchUpdate`, `forms.get`, `forms.setPublishSettings`, as the
discovery document and the API reference describe them, and the two clicks the API cannot make.

What the real API refuses, the sandbox refuses too, with a 400: a body outside the discovery schema, output-only
fields, anything but a title at creation, a file-upload question (the API cannot create one), a choice option
that jumps to an item that is not a section, a stale `writeControl` revision. Forms created after
31 January 2026 start unpublished, as Google's do. The Forms UI's clicks an administrator makes by hand (adding
the upload question, linking the responses spreadsheet) are `/_sandbox/forms/{formId}/...` orders.
"""

from __future__ import annotations

import copy
import secrets
from datetime import UTC, datetime
from typing import Any

from .discovery import discovery
from .errors import ApiError, bad_request, not_found
from .routing import Request, Response, Router
from .state import SandboxState

# Forms created through the API after this moment start unpublished (Google's announcement, 2026).
UNPUBLISHED_FROM = datetime(2026, 1, 31, tzinfo=UTC)
ITEM_KINDS = ("questionItem", "pageBreakItem", "textItem", "imageItem", "videoItem", "questionGroupItem")
QUESTION_KINDS = (
    "choiceQuestion",
    "textQuestion",
    "scaleQuestion",
    "dateQuestion",
    "timeQuestion",
    "fileUploadQuestion",
    "rowQuestion",
    "ratingQuestion",
)
SETTINGS_MASK = {"emailCollectionType", "quizSettings", "quizSettings.isQuiz"}
INFO_MASK = {"title", "description"}
_ID = r"(?P<formId>[A-Za-z0-9_-]+)"


def _hex_id() -> str:
    return secrets.token_hex(4)


def _mask(text: object, allowed: set[str], what: str) -> list[str]:
    fields = [f.strip() for f in str(text or "").split(",") if f.strip()]
    if not fields:
        raise bad_request(f"{what}: updateMask cannot be empty")
    for name in fields:
        if name != "*" and name not in allowed:
            raise bad_request(f"{what}: invalid field mask path {name!r}")
    return sorted(allowed) if "*" in fields else fields


class FormsApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.described = discovery("forms")

    @property
    def _forms(self) -> dict[str, dict[str, Any]]:
        forms: dict[str, dict[str, Any]] = self.state.ns("forms")
        return forms

    def register(self, router: Router) -> None:
        router.add("POST", r"^/v1/forms$", "forms.forms.create", self.create)
        router.add("POST", rf"^/v1/forms/{_ID}:batchUpdate$", "forms.forms.batchUpdate", self.batch_update)
        router.add("POST", rf"^/v1/forms/{_ID}:setPublishSettings$", "forms.forms.setPublishSettings", self.publish)
        router.add("GET", rf"^/v1/forms/{_ID}$", "forms.forms.get", self.get)
        router.add("POST", rf"^/_sandbox/forms/{_ID}/upload-question$", "", self.click_upload_question)
        router.add("POST", rf"^/_sandbox/forms/{_ID}/link-sheet$", "", self.click_link_sheet)

    # --- helpers ------------------------------------------------------------------------------------------
    def _body(self, req: Request, method_id: str) -> dict[str, Any]:
        body = req.json()
        if not isinstance(body, dict):
            raise bad_request("Invalid JSON payload received. Expected an object.")
        problems = self.described.request_problems(method_id, body)
        if problems:
            raise bad_request(f"Invalid JSON payload received. {problems[0]}")
        return body

    def _form(self, req: Request) -> dict[str, Any]:
        form = self._forms.get(req.params["formId"])
        if form is None:
            raise not_found()
        return form

    # --- the API ------------------------------------------------------------------------------------------
    def create(self, req: Request) -> Response:
        body = self._body(req, "forms.forms.create")
        # Output only in the schema, yet the one field besides the title that forms.create copies (its description).
        read_only = [f for f in self.described.read_only_fields("Form", body) if f != "info.documentTitle"]
        if read_only:
            raise bad_request(f"Output only field(s) cannot be set: {', '.join(read_only)}")
        info = body.get("info") or {}
        extra = [k for k in body if k != "info"] + [f"info.{k}" for k in info if k not in ("title", "documentTitle")]
        if extra:
            raise bad_request(
                f"Only info.title and info.document_title can be set when creating a form, not {', '.join(extra)}; "
                "add items and settings with batchUpdate"
            )
        title = str(info.get("title") or "")
        if not title.strip():
            raise bad_request("info.title is required")
        form_id = self.state.new_token_id(44)
        unpublished = req.flag("unpublished") or self.state.now() >= UNPUBLISHED_FROM
        form: dict[str, Any] = {
            "formId": form_id,
            "info": {"title": title, "documentTitle": str(info.get("documentTitle") or title)},
            "settings": {"emailCollectionType": "DO_NOT_COLLECT"},
            "revisionId": "00000001",
            "responderUri": f"{req.base_url}/_sandbox/forms/{form_id}/viewform",
            "publishSettings": {
                "publishState": {"isPublished": not unpublished, "isAcceptingResponses": not unpublished}
            },
        }
        self._forms[form_id] = form
        return Response(json=form)

    def get(self, req: Request) -> Response:
        return Response(json=self._form(req))

    def batch_update(self, req: Request) -> Response:
        form = self._form(req)
        body = self._body(req, "forms.forms.batchUpdate")
        required = (body.get("writeControl") or {}).get("requiredRevisionId")
        if required is not None and required != form["revisionId"]:
            raise ApiError(400, "The revision ID does not match the latest revision.", "FAILED_PRECONDITION")
        requests = body.get("requests") or []
        if not requests:
            raise bad_request("requests: at least one request is required")
        work = copy.deepcopy(form)  # the whole batch applies, or nothing does
        replies = [self._apply(work, request, index) for index, request in enumerate(requests)]
        work["revisionId"] = f"{int(form['revisionId']) + 1:08d}"
        self._forms[form["formId"]] = work
        answer: dict[str, Any] = {"replies": replies, "writeControl": {"requiredRevisionId": work["revisionId"]}}
        if body.get("includeFormInResponse"):
            answer["form"] = work
        return Response(json=answer)

    def publish(self, req: Request) -> Response:
        form = self._form(req)
        body = self._body(req, "forms.forms.setPublishSettings")
        state = (body.get("publishSettings") or {}).get("publishState")
        if not isinstance(state, dict) or "isPublished" not in state or "isAcceptingResponses" not in state:
            raise bad_request(
                "publish_settings.publish_state: both is_published and is_accepting_responses must be set"
            )
        mask = str(body.get("updateMask") or "publishState")
        if mask not in ("publishState", "publish_state", "*"):
            raise bad_request(f"invalid field mask path {mask!r}")
        published = bool(state["isPublished"])
        form["publishSettings"] = {
            "publishState": {
                "isPublished": published,
                "isAcceptingResponses": published and bool(state["isAcceptingResponses"]),
            }
        }
        return Response(json={"formId": form["formId"], "publishSettings": form["publishSettings"]})

    # --- one request of a batch -----------------------------------------------------------------------------
    def _apply(self, form: dict[str, Any], request: dict[str, Any], index: int) -> dict[str, Any]:
        kinds = [k for k in request if request[k] is not None]
        if len(kinds) != 1:
            raise bad_request(f"requests[{index}]: exactly one kind of request must be set")
        kind = kinds[0]
        spec = request[kind]
        items: list[dict[str, Any]] = form.setdefault("items", [])
        if kind == "createItem":
            return {"createItem": self._create_item(form, items, spec, index)}
        if kind == "deleteItem":
            at = self._index(spec, len(items) - 1, index)
            items.pop(at)
            return {}
        if kind == "updateSettings":
            settings = spec.get("settings") or {}
            for name in _mask(spec.get("updateMask"), SETTINGS_MASK, f"requests[{index}].updateSettings"):
                top = name.split(".")[0]
                if top in settings:
                    form.setdefault("settings", {})[top] = settings[top]
                else:
                    form.setdefault("settings", {}).pop(top, None)
            return {}
        if kind == "updateFormInfo":
            info = spec.get("info") or {}
            for name in _mask(spec.get("updateMask"), INFO_MASK, f"requests[{index}].updateFormInfo"):
                form["info"][name] = info.get(name, "")
            return {}
        raise bad_request(f"requests[{index}]: {kind} is not emulated by the sandbox")

    @staticmethod
    def _index(spec: dict[str, Any], last: int, index: int) -> int:
        at = (spec.get("location") or {}).get("index")
        if not isinstance(at, int) or not 0 <= at <= last:
            raise bad_request(f"requests[{index}]: location.index must be between 0 and {last}")
        return at

    def _create_item(
        self, form: dict[str, Any], items: list[dict[str, Any]], spec: dict[str, Any], index: int
    ) -> dict[str, Any]:
        where = f"requests[{index}].createItem"
        item = copy.deepcopy(spec.get("item") or {})
        at = self._index(spec, len(items), index)
        kinds = [k for k in ITEM_KINDS if k in item]
        if len(kinds) != 1:
            raise bad_request(f"{where}.item: exactly one kind of item must be set")
        used = {i["itemId"] for i in items}
        item_id = str(item.get("itemId") or _hex_id())
        if item_id in used:
            raise bad_request(f"{where}.item.item_id {item_id} is already used in the form")
        item["itemId"] = item_id
        reply: dict[str, Any] = {"itemId": item_id}
        if kinds[0] == "questionItem":
            question = (item["questionItem"] or {}).get("question")
            if not isinstance(question, dict):
                raise bad_request(f"{where}.item.question_item.question is required")
            question_kinds = [k for k in QUESTION_KINDS if k in question]
            if len(question_kinds) != 1:
                raise bad_request(f"{where}: a question must have exactly one kind")
            if question_kinds[0] == "fileUploadQuestion":
                raise bad_request(f"{where}: file upload questions cannot be created through the API")
            if question_kinds[0] == "choiceQuestion":
                self._check_choice(question["choiceQuestion"], items, where)
            question["questionId"] = str(question.get("questionId") or _hex_id())
            reply["questionId"] = [question["questionId"]]
        items.insert(at, item)
        return reply

    @staticmethod
    def _check_choice(choice: dict[str, Any], items: list[dict[str, Any]], where: str) -> None:
        kind = choice.get("type")
        if kind in (None, "CHOICE_TYPE_UNSPECIFIED"):
            raise bad_request(f"{where}: choice_question.type is required")
        options = choice.get("options") or []
        if not options:
            raise bad_request(f"{where}: choice_question.options cannot be empty")
        values = [str(o.get("value") or "") for o in options]
        if any(not v.strip() for v in values):
            raise bad_request(f"{where}: an option's value cannot be empty")
        if len(set(values)) != len(values):
            raise bad_request(f"{where}: duplicate option values are not allowed")
        sections = {i["itemId"] for i in items if "pageBreakItem" in i}
        for option in options:
            jumps = "goToSectionId" in option or "goToAction" in option
            if jumps and kind not in ("RADIO", "DROP_DOWN"):
                raise bad_request(f"{where}: section navigation is allowed only for RADIO and DROP_DOWN")
            if "goToSectionId" in option and "goToAction" in option:
                raise bad_request(f"{where}: an option takes go_to_action or go_to_section_id, not both")
            target = option.get("goToSectionId")
            if target is not None and target not in sections:
                raise bad_request(f"{where}: go_to_section_id {target} is not the item id of a section in the form")

    # --- the administrator's clicks in the Forms UI -----------------------------------------------------------
    def click_upload_question(self, req: Request) -> Response:
        """`+` → File upload, titled as asked, images only, after the item named `after` (or last)."""
        form = self._form(req)
        body = req.json()
        title = str(body.get("title") or "")
        if not title:
            raise bad_request('expected {"title": ..., "after": "<item title>" (optional)}')
        items: list[dict[str, Any]] = form.setdefault("items", [])
        titles = [str(i.get("title", "")) for i in items]
        after = str(body.get("after") or "")
        at = titles.index(after) + 1 if after in titles else len(items)
        question = {
            "questionId": _hex_id(),
            "required": bool(body.get("required", False)),
            "fileUploadQuestion": {"folderId": self.state.new_token_id(33), "types": ["IMAGE"], "maxFiles": 5},
        }
        items.insert(at, {"itemId": _hex_id(), "title": title, "questionItem": {"question": question}})
        form["revisionId"] = f"{int(form['revisionId']) + 1:08d}"
        return Response(json=form)

    def click_link_sheet(self, req: Request) -> Response:
        """Responses → Link to Sheets → Select existing spreadsheet."""
        form = self._form(req)
        spreadsheet_id = str(req.json().get("spreadsheetId") or "")
        if not spreadsheet_id:
            raise bad_request('expected {"spreadsheetId": ...}')
        form["linkedSheetId"] = spreadsheet_id
        return Response(json=form)
