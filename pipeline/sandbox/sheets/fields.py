"""Field masks (`fields=sheets.properties(sheetId,title)`, `gridProperties/frozenRowCount`): parse, filter, merge."""

from __future__ import annotations

import copy
from typing import Any

from ..errors import bad_request

Tree = dict[str, Any]
ALL = "*"


def parse_mask(text: str) -> Tree:
    """A mask -> a tree of field names; a leaf holds `{"*": {}}`, meaning the whole field."""
    tree: Tree = {}
    pos = _parse_list(text, 0, tree)
    if pos != len(text):
        raise bad_request(f"Invalid field selection {text}")
    return tree


def _parse_list(text: str, pos: int, tree: Tree) -> int:
    while True:
        pos = _parse_item(text, pos, tree)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return pos


def _parse_item(text: str, pos: int, tree: Tree) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    start = pos
    while pos < len(text) and text[pos] not in ",()./ ":
        pos += 1
    name = text[start:pos]
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if not name:
        raise bad_request(f"Invalid field selection {text}")
    if name == ALL:
        tree[ALL] = {}
        return pos
    node: Tree = tree.setdefault(name, {})
    if pos < len(text) and text[pos] in "./":
        return _parse_item(text, pos + 1, node)
    if pos < len(text) and text[pos] == "(":
        pos = _parse_list(text, pos + 1, node)
        if pos >= len(text) or text[pos] != ")":
            raise bad_request(f"Invalid field selection {text}")
        return pos + 1
    node[ALL] = {}
    return pos


def subtree(tree: Tree | None, *path: str) -> Tree | None:
    """The part of a mask under `path`; None means "everything" (no mask, or a whole field above)."""
    node = tree
    for name in path:
        if node is None or ALL in node:
            return None
        nxt = node.get(name)
        if nxt is None:
            return {}
        node = nxt
    if node is not None and ALL in node:
        return None
    return node


def mentions(tree: Tree | None, *path: str) -> bool:
    node = tree
    for name in path:
        if node is None or ALL in node:
            return True
        if name not in node:
            return False
        node = node[name]
    return True


def apply_mask(value: Any, tree: Tree | None) -> Any:
    """Keep only the masked fields of a response."""
    if tree is None or ALL in tree:
        return value
    if isinstance(value, list):
        return [apply_mask(item, tree) for item in value]
    if isinstance(value, dict):
        return {k: apply_mask(v, tree[k]) for k, v in value.items() if k in tree}
    return value


def merge_masked(target: dict[str, Any], source: dict[str, Any], tree: Tree) -> None:
    """Copy the masked fields of `source` into `target`; a masked field absent from `source` is cleared."""
    if ALL in tree:
        target.clear()
        target.update(copy.deepcopy(source))
        return
    for name, sub in tree.items():
        if ALL in sub:
            if name in source and source[name] is not None:
                target[name] = copy.deepcopy(source[name])
            else:
                target.pop(name, None)
            continue
        inner = source.get(name)
        child = target.get(name)
        if not isinstance(child, dict):
            child = {}
        merge_masked(child, inner if isinstance(inner, dict) else {}, sub)
        if child:
            target[name] = child
        else:
            target.pop(name, None)


def require_fields(request: dict[str, Any], where: str) -> Tree:
    text = request.get("fields")
    if not text:
        raise bad_request(f"Invalid {where}: At least one field must be updated, but 'fields' is empty.")
    return parse_mask(str(text))
