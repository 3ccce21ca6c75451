"""The layering rules of DESIGN.md, checked on the source: the core does no I/O, only app.py builds clients,
no module outgrows what a reader takes in at once, and everything the package reads ships in the wheel.

The import contracts between the layers (docs/architecture.md) are import-linter's, in pyproject.toml, run by
`make lint`.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "pipeline"
MAX_MODULE_LINES = 500
# Being split under issue #18 by the engineer who owns it; remove the line when the split lands.
OVERSIZED_FOR_NOW: set[str] = set()  # every module under 500 lines (#18); name one here only with a reason
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


# --- the ledger owns all SQL (issue #18) ------------------------------------------------------------------
# SQL as this code base writes it: upper-case keywords, in a string literal (f-strings included).
SQL_TEXT = re.compile(
    r"\b(SELECT\b[\s\S]+?\bFROM|INSERT\s+(OR\s+[A-Z]+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+(TABLE|INDEX|UNIQUE\s+INDEX)|ALTER\s+TABLE|DROP\s+(TABLE|INDEX)|PRAGMA\s+\w+)\b"
)
SQL_CALLS = {"execute", "executemany", "executescript"}
CONNECTION_ATTRIBUTES = {"db", "_db", "_store"}


def _string_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        # each {placeholder} stands for a name: f"UPDATE {table} SET ..." is a statement too
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "x" for v in node.values
        )
    return None


def sql_offences(source: str) -> list[str]:
    """Where a module speaks SQL or reaches for the ledger's connection: sqlite3 imported, an `execute` call
    given a statement (googleapiclient's `request.execute(num_retries=0)` takes none), `executemany` or
    `executescript`, an SQL statement in a string, or a `.db` / `._db` / `._store` attribute."""
    tree = ast.parse(source)
    inner = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    found: list[str] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(name.split(".")[0] == "sqlite3" for name in names):
                found.append(f"{line}: imports sqlite3")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            if node.func.attr != "execute" or node.args:
                found.append(f"{line}: .{node.func.attr}(...)")
        elif isinstance(node, ast.Attribute) and node.attr in CONNECTION_ATTRIBUTES:
            found.append(f"{line}: .{node.attr}")
        elif id(node) not in inner and (text := _string_text(node)) is not None and SQL_TEXT.search(text):
            found.append(f"{line}: SQL in a string: {' '.join(text.split())[:60]!r}")
    return sorted(found, key=lambda offence: int(offence.split(":")[0]))


def test_the_sql_detector_finds_what_it_is_meant_to() -> None:
    bad = '''
import sqlite3
from sqlite3 import Row
rows = app.ledger.db.execute("SELECT code FROM complaints")
tx.execute(query, (1,))
db.executemany(f"UPDATE {table} SET state = ? WHERE id = ?", [])
app.ledger._store
note = """INSERT OR IGNORE INTO notices (key) VALUES (?)"""
gone = f"DELETE FROM comments WHERE id = {x}"
'''
    assert [offence.split(":")[0] for offence in sql_offences(bad)] == [
        "2",  # import sqlite3
        "3",  # from sqlite3 import Row
        "4",  # .db
        "4",  # .execute("SELECT ...")
        "4",  # "SELECT ... FROM"
        "5",  # tx.execute(query, ...)
        "6",  # .executemany
        "6",  # f"UPDATE {table} SET"
        "7",  # ._store
        "8",  # INSERT OR IGNORE INTO
        "9",  # f"DELETE FROM"
    ]
    harmless = """
result = request.execute(num_retries=0)
page = self.comments.listByBlog(blogId=1).execute(num_retries=0)
text = "Officers select the department from the dropdown; update the sheet, then delete from the tab."
"""
    assert sql_offences(harmless) == []


def test_all_sql_lives_in_the_ledger_package() -> None:
    offenders = {
        str(path.relative_to(PIPELINE)): found
        for path in sorted(PIPELINE.rglob("*.py"))
        if not {"ledger", "sandbox"} & set(path.relative_to(PIPELINE).parts)
        and (found := sql_offences(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
