"""The layering rules of DESIGN.md, checked on the source: the core does no I/O, only app.py builds clients."""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parents[2] / "pipeline"
IO_MODULES = {"gspread", "googleapiclient", "google", "requests", "sqlite3", "httplib2", "socket", "urllib", "http"}
CLIENT_BUILDERS = {"build", "AuthorizedSession", "Client"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_core_imports_no_io_library() -> None:
    offenders = {
        str(path.relative_to(PIPELINE)): sorted(imported_roots(path) & IO_MODULES)
        for path in (PIPELINE / "core").glob("*.py")
        if imported_roots(path) & IO_MODULES
    }
    assert offenders == {}


def test_google_clients_are_built_only_in_app_py() -> None:
    builders: list[str] = []
    for path in PIPELINE.rglob("*.py"):
        if path.name == "app.py" or "sandbox" in path.parts or path.name == "transport.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                owner = node.func.value if isinstance(node.func, ast.Attribute) else None
                if name in CLIENT_BUILDERS and not (isinstance(owner, ast.Name) and owner.id in {"self", "click"}):
                    builders.append(f"{path.relative_to(PIPELINE)}:{node.lineno} {name}()")
    assert builders == []
