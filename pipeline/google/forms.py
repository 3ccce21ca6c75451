"""Google Forms v1 through googleapiclient: create a form, fill it in one batch, read it, publish it."""

from __future__ import annotations

from typing import Any

from .retry import RetryPolicy


class FormsClient:
    def __init__(self, service: Any, policy: RetryPolicy) -> None:
        self.forms = service.forms()
        self.policy = policy

    def create(self, title: str) -> dict[str, Any]:
        """A new, empty form (the API takes only a title at creation). Not idempotent: never retried blindly."""
        request = self.forms.create(body={"info": {"title": title, "documentTitle": title}})
        form: dict[str, Any] = self.policy.call(
            "forms.forms.create", lambda: request.execute(num_retries=0), idempotent=False
        )
        return form

    def get(self, form_id: str) -> dict[str, Any]:
        request = self.forms.get(formId=form_id)
        form: dict[str, Any] = self.policy.call("forms.forms.get", lambda: request.execute(num_retries=0))
        return form

    def batch_update(self, form_id: str, requests: list[dict[str, Any]], revision: str) -> dict[str, Any]:
        """All `requests` or none; `revision` makes a retry after a lost answer fail instead of adding twice."""
        body = {"requests": requests, "writeControl": {"requiredRevisionId": revision}}
        request = self.forms.batchUpdate(formId=form_id, body=body)
        answer: dict[str, Any] = self.policy.call(
            "forms.forms.batchUpdate", lambda: request.execute(num_retries=0), idempotent=False
        )
        return answer

    def set_publish_settings(self, form_id: str, body: dict[str, Any]) -> dict[str, Any]:
        request = self.forms.setPublishSettings(formId=form_id, body=body)
        answer: dict[str, Any] = self.policy.call(
            "forms.forms.setPublishSettings", lambda: request.execute(num_retries=0)
        )
        return answer
