"""Blogger v3 and Drive v3 as their discovery documents describe them: the query parameters each method
accepts, and the shape of what it answers.

The documents are the ones google-api-python-client ships and builds its clients from, so a sandbox that
agrees with them agrees with the code the pipeline runs. Requests with an unknown parameter, a value outside
an enum or a malformed number are refused with Google's 400; responses are checked field by field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from .errors import ApiError

DOCUMENTS = {
    "blogger": "blogger.v3.json",
    "drive": "drive.v3.json",
    "gmail": "gmail.v1.json",
    "forms": "forms.v1.json",
}
# Recorded traffic shows Drive v3 answering 200 to files.get with a parameter files.get does not take
# (gspread sends `includeItemsFromAllDrives`): Drive ignores unknown parameters; Blogger is held to its list.
IGNORES_UNKNOWN = {"drive"}


@dataclass(frozen=True)
class Method:
    id: str
    parameters: dict[str, dict[str, Any]]  # the method's own, query and path
    response: str | None  # schema name
    request: str | None = None  # schema name of the body


class Discovery:
    def __init__(self, document: dict[str, Any]) -> None:
        self.name = str(document["name"])
        self.standard = dict(document.get("parameters", {}))
        self.schemas: dict[str, dict[str, Any]] = document.get("schemas", {})
        self.methods: dict[str, Method] = {}
        self._collect(document.get("resources", {}))

    def _collect(self, tree: dict[str, Any]) -> None:
        for resource in tree.values():
            for method in resource.get("methods", {}).values():
                ref = (method.get("response") or {}).get("$ref")
                body = (method.get("request") or {}).get("$ref")
                self.methods[method["id"]] = Method(method["id"], method.get("parameters", {}), ref, body)
            self._collect(resource.get("resources", {}))

    # --- requests ---------------------------------------------------------------------------------------
    def check_query(self, method_id: str, query: dict[str, list[str]]) -> None:
        """Raise Google's 400 for a parameter the method does not take or a value it cannot accept."""
        method = self.methods.get(method_id)
        if method is None:
            return
        for name, values in query.items():
            spec = method.parameters.get(name) or self.standard.get(name)
            if spec is None and self.name in IGNORES_UNKNOWN:
                continue
            if spec is None or spec.get("location") == "path":
                raise ApiError(
                    400,
                    f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
                    f"Field '{name}' could not be found in request message.",
                    "INVALID_ARGUMENT",
                    reason="invalid",
                )
            for index, value in enumerate(values):
                problem = _value_problem(spec, value)
                if problem:
                    where = f"{name}[{index}]" if spec.get("repeated") else name
                    raise ApiError(
                        400,
                        f"Invalid value at '{where}' ({problem}), \"{value}\"",
                        "INVALID_ARGUMENT",
                        reason="invalid",
                    )

    def request_problems(self, method_id: str, body: Any) -> list[str]:
        """Where a request body does not fit the method's request schema: unknown fields and wrong types (Google
        answers those with 400 `Unknown name` / `Invalid value`)."""
        method = self.methods.get(method_id)
        if method is None or method.request is None:
            return []
        problems: list[str] = []
        self._check(body, {"$ref": method.request}, method.request, problems)
        return problems

    def read_only_fields(self, schema: str, body: Any, path: str = "") -> list[str]:
        """The output-only fields (`readOnly` in the document) a request body sets, by path."""
        found: list[str] = []
        properties: dict[str, Any] = self.schemas.get(schema, {}).get("properties", {})
        if not isinstance(body, dict):
            return found
        for key, value in body.items():
            spec = properties.get(key, {})
            where = f"{path}.{key}" if path else key
            if spec.get("readOnly"):
                found.append(where)
            elif "$ref" in spec:
                found += self.read_only_fields(spec["$ref"], value, where)
        return found

    # --- responses --------------------------------------------------------------------------------------
    def response_problems(self, method_id: str, body: Any) -> list[str]:
        """Where `body` does not fit the method's response schema: unknown fields and wrong types."""
        method = self.methods.get(method_id)
        if method is None or method.response is None:
            return []
        problems: list[str] = []
        self._check(body, {"$ref": method.response}, method.response, problems)
        return problems

    def _check(self, value: Any, schema: dict[str, Any], path: str, problems: list[str]) -> None:
        if "$ref" in schema:
            schema = self.schemas[schema["$ref"]]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            if not isinstance(value, dict):
                problems.append(f"{path}: expected an object, got {type(value).__name__}")
                return
            properties: dict[str, Any] = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for key, item in value.items():
                if key in properties:
                    self._check(item, properties[key], f"{path}.{key}", problems)
                elif extra is not None:
                    self._check(item, extra, f"{path}.{key}", problems)
                else:
                    problems.append(f"{path}.{key}: not in the {self.name} discovery schema")
            return
        if kind == "array":
            if not isinstance(value, list):
                problems.append(f"{path}: expected an array, got {type(value).__name__}")
                return
            for index, item in enumerate(value):
                self._check(item, schema.get("items", {}), f"{path}[{index}]", problems)
            return
        problem = _scalar_problem(schema, value)
        if problem:
            problems.append(f"{path}: {problem}")


def _value_problem(spec: dict[str, Any], value: str) -> str | None:
    """A query parameter's value against its type and enum, as the request arrives (text)."""
    enum = spec.get("enum")
    if enum and value not in enum:
        return f"expected one of {', '.join(enum)}"
    kind = spec.get("type")
    if kind == "integer":
        try:
            number = int(value)
        except ValueError:
            return "TYPE_INT32"
        if "minimum" in spec and number < int(spec["minimum"]):
            return f"below the minimum {spec['minimum']}"
    if kind == "boolean" and value.lower() not in ("true", "false"):
        return "TYPE_BOOL"
    return None


def _scalar_problem(schema: dict[str, Any], value: Any) -> str | None:
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "any" or kind is None:
        return None
    if kind == "string":
        if not isinstance(value, str):
            return f"expected a string, got {type(value).__name__} {value!r}"
        if fmt in ("int64", "uint64") and not value.lstrip("-").isdigit():
            return f"expected an {fmt} as a string of digits, got {value!r}"
        if fmt == "date-time":
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return f"expected an RFC 3339 date-time, got {value!r}"
        if "enum" in schema and value not in schema["enum"]:
            return f"{value!r} is not one of {schema['enum']}"
        return None
    if kind == "integer":
        return None if isinstance(value, int) and not isinstance(value, bool) else f"expected an integer, got {value!r}"
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else f"expected a number, got {value!r}"
    if kind == "boolean":
        return None if isinstance(value, bool) else f"expected a boolean, got {value!r}"
    return None


@cache
def discovery(api: str) -> Discovery:
    """The discovery document of `api` (`blogger` or `drive`) that googleapiclient itself uses."""
    folder = resources.files("googleapiclient") / "discovery_cache" / "documents"
    return Discovery(json.loads((folder / DOCUMENTS[api]).read_text(encoding="utf-8")))


def for_method(method_id: str) -> Discovery | None:
    api = method_id.split(".", 1)[0]
    return discovery(api) if api in DOCUMENTS else None
