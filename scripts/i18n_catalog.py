"""The command line's message catalog, with Babel: `make catalogs` extracts every message, merges it into
`pipeline/locale/id/LC_MESSAGES/mymein.po` (translations kept, new messages added empty, gone ones dropped) and
compiles the `.mo` that ships in the package.

Messages are what `_()` and `N_()` mark anywhere under `pipeline/`, and, in `pipeline/cli/`, the docstrings of
click commands and the `help=` texts of their options (click shows those as help; `pipeline/cli/translated.py`
translates them when shown). Keys are the texts as click shows them: indentation removed (`inspect.cleandoc`).

    python scripts/i18n_catalog.py          # extract, merge, compile
    python scripts/i18n_catalog.py --check  # exit 1 listing messages without an Indonesian translation
"""

from __future__ import annotations

import argparse
import ast
import gettext
import inspect
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
PO_FILE = PACKAGE / "locale" / "id" / "LC_MESSAGES" / "mymein.po"
MO_FILE = PO_FILE.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "Text": None}
CLICK_DECORATORS = {"command", "group"}
CLICK_HELP_CALLS = {"option", "argument", "command", "group", "version_option"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        return _name(node.func)
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def click_messages(path: Path) -> Iterator[tuple[int, str]]:
    """Docstrings of click commands and `help=` texts of click decorators, as click shows them."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(_name(d) in CLICK_DECORATORS for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.lineno, doc
        if isinstance(node, ast.Call) and _name(node.func) in CLICK_HELP_CALLS:
            for keyword in node.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
                    yield keyword.value.lineno, inspect.cleandoc(str(keyword.value.value))


def extract() -> dict[str, list[tuple[str, int]]]:
    """Every message of the command line: msgid -> where it is used."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for lineno, message, _comments, _context in extract_from_file("python", path, keywords=KEYWORDS):
            if isinstance(message, str) and message:
                found.setdefault(message, []).append((where, lineno))
        if path.parent.name == "cli":
            for lineno, message in click_messages(path):
                found.setdefault(message, []).append((where, lineno))
    return found


def read_catalog(path: Path = PO_FILE) -> Catalog:
    if not path.exists():
        return Catalog(locale="id", domain="mymein")
    with path.open("rb") as handle:
        return read_po(handle, locale="id", domain="mymein")


def merged(found: dict[str, list[tuple[str, int]]], old: Catalog) -> Catalog:
    catalog = Catalog(locale="id", domain="mymein", project="MyMeIn", fuzzy=False)
    for msgid in sorted(found):
        kept = old.get(msgid)
        string = kept.string if kept is not None and not kept.fuzzy else ""
        catalog.add(msgid, string, locations=found[msgid])
    return catalog


def untranslated(catalog: Catalog, found: dict[str, list[tuple[str, int]]]) -> list[str]:
    return [msgid for msgid in sorted(found) if not (catalog.get(msgid) and catalog[msgid].string)]


def compiled(catalog: Catalog) -> dict[str, str]:
    """The catalog as gettext reads it back from a compiled `.mo`."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return {k: v for k, v in gettext.GNUTranslations(buffer)._catalog.items() if k}  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report messages without a translation")
    args = parser.parse_args()
    found = extract()
    catalog = merged(found, read_catalog())
    missing = untranslated(catalog, found)
    if args.check:
        for msgid in missing:
            print(f"untranslated: {msgid!r}")
        return 1 if missing else 0
    PO_FILE.parent.mkdir(parents=True, exist_ok=True)
    with PO_FILE.open("wb") as handle:
        write_po(handle, catalog, width=120, omit_header=False, sort_output=True)
    with MO_FILE.open("wb") as handle:
        write_mo(handle, catalog)
    print(f"{len(found)} messages, {len(missing)} without Indonesian; wrote {PO_FILE} and {MO_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
