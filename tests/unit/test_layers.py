"""The layering rules of DESIGN.md, checked on the source: the core does no I/O, only app.py builds clients,
no module outgrows what a reader takes in at once, and everything the package reads ships in the wheel.

The import contracts between the layers (docs/architecture.md) are import-linter's, in pyproject.toml, run by
`make lint`.
"""

from __future__ import annotations

import ast
import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "pipeline"
MAX_MODULE_LINES = 500
# Being split under issue #18 by the engineer who owns it; remove the line when the split lands.
OVERSIZED_FOR_NOW = {
    "ledger/__init__.py",  # every SQL statement into pipeline/ledger/ modules
}
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


def test_no_module_is_over_500_lines() -> None:
    oversized = {}
    for path in PIPELINE.rglob("*.py"):
        name = path.relative_to(PIPELINE).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES and name not in OVERSIZED_FOR_NOW:
            oversized[name] = lines
    assert oversized == {}, f"split these by what they do (docs/architecture.md): {oversized}"


def test_every_file_the_package_reads_ships_in_the_wheel() -> None:
    """Templates, the region list, the conformance recordings: each non-Python file under pipeline/ matches a
    package-data pattern of pyproject.toml (`make install-check` then proves the installed package runs)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["pipeline"]
    data = [
        path.relative_to(PIPELINE).as_posix()
        for path in PIPELINE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    assert data, "pipeline/ holds templates and data"
    left_out = [name for name in data if not any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)]
    assert left_out == []
