"""Every message of the command line has both languages, the shipped `.mo` is the `.po` compiled, and the
language follows MYMEIN_LANG, then the locale."""

from __future__ import annotations

import re
import string

import pytest

from pipeline import i18n
from scripts.i18n_catalog import MO_FILE, compiled, extract, read_catalog, untranslated


def test_every_message_has_a_non_empty_indonesian_translation() -> None:
    found = extract()
    assert len(found) > 100  # the help of every command, doctor, status, the sync summary
    assert untranslated(read_catalog(), found) == [], "run `make catalogs` and translate the new messages"


def test_the_catalog_holds_no_message_the_code_no_longer_uses() -> None:
    assert {m.id for m in read_catalog() if m.id} == set(extract())


def test_translations_keep_every_placeholder() -> None:
    for message in read_catalog():
        if message.id:
            fields = {f for _, f, _, _ in string.Formatter().parse(message.id) if f}
            assert fields == {f for _, f, _, _ in string.Formatter().parse(message.string) if f}, message.id


def test_the_shipped_mo_is_the_po_compiled() -> None:
    import gettext

    with MO_FILE.open("rb") as handle:
        shipped = {k: v for k, v in gettext.GNUTranslations(handle)._catalog.items() if k}  # type: ignore[attr-defined]
    assert shipped == compiled(read_catalog()), "run `make catalogs`"


@pytest.mark.parametrize(
    ("env", "language"),
    [
        ({}, "en"),
        ({"LANG": "id_ID.UTF-8"}, "id"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}, "id"),
        ({"LANGUAGE": "id:en", "LANG": "C.UTF-8"}, "id"),
        ({"MYMEIN_LANG": "id", "LANG": "en_US.UTF-8"}, "id"),
        ({"MYMEIN_LANG": "en", "LANG": "id_ID.UTF-8"}, "en"),
        ({"LANG": "idx_XX"}, "en"),
    ],
)
def test_the_language_follows_mymein_lang_then_the_locale(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], language: str
) -> None:
    for name in ("MYMEIN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert i18n.language() == language
    shown = i18n._("{passed} of {total} checks passed")
    assert (shown == "{passed} dari {total} pemeriksaan lulus") == (language == "id")


def test_logs_stay_english() -> None:
    """No log call goes through the catalog: log lines are read later, by whoever maintains the server."""
    from pathlib import Path

    root = Path(i18n.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\blog\w*\.\w+\(\s*_\(", text), path


def test_every_translated_call_names_its_message_literally() -> None:
    """`_(x)` or `Text(x)` with a computed `x` escapes extraction: allowed only where `x` is marked `N_` (or is
    click's own help, extracted from the decorators) elsewhere."""
    import ast
    from pathlib import Path

    allowed = {
        ("pipeline/i18n.py", "localized"),  # a Text's template, itself extracted where the Text is made
        ("pipeline/i18n.py", "help_text"),  # click help, extracted from docstrings and help=
        ("pipeline/ops/status.py", "format_status"),  # the notice states, marked N_ beside it
        ("pipeline/ops/doctor.py", "_form_sheet"),  # names marked N_ at the call sites and in FORM_WORDS
        ("pipeline/cycle/outcome.py", "extras"),  # the templates, marked N_ beside it
        ("pipeline/cli/deploy.py", "auth"),  # ops.auth.TESTING_NOTE, marked N_
        ("pipeline/cli/translated.py", "_click_gettext"),  # click's messages, marked N_ in CLICK_MESSAGES
        ("pipeline/cli/translated.py", "_click_ngettext"),  # the same
        ("pipeline/core/message.py", "_remade"),  # a copy of a Text, whose template was extracted where it was made
        ("pipeline/ops/rebuild.py", "_refuse_if_held"),  # the refusals, marked N_ at the call sites
    }
    root = Path(i18n.__file__).parent.parent
    found = set()
    for path in (root / "pipeline").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for call in [n for n in ast.walk(function) if isinstance(n, ast.Call)]:
                name = call.func.id if isinstance(call.func, ast.Name) else ""
                if name in ("_", "Text") and call.args and not isinstance(call.args[0], ast.Constant):
                    found.add((str(path.relative_to(root)), function.name))
    assert found <= allowed, found - allowed


def test_core_text_renders_nested_texts_and_errors_with_any_lookup() -> None:
    """`core.message.Text` is pure: the catalog lookup is passed in, and reaches the values made of `Text` too."""
    from pipeline.core.errors import StateError
    from pipeline.core.message import Text

    inner = Text("blog")
    outer = Text("the {name} is {state}: {error}", name=inner, state="gone", error=StateError(Text("blog")))
    assert outer == "the blog is gone: blog" and outer.template == "the {name} is {state}: {error}"
    words = {"the {name} is {state}: {error}": "{name} {state}: {error}", "blog": "BLOG"}
    assert outer.render(lambda m: words.get(m, m)) == "BLOG gone: BLOG"
    assert StateError("plain").text() == "plain" and isinstance(StateError(inner).text(), Text)


def test_a_core_text_survives_copy_and_pickle_with_braces_in_its_values() -> None:
    import copy
    import pickle

    from pipeline.core.message import Text

    made = Text("{api}: HTTP {status}: {message}", api="sheets", status=400, message='Unknown name "{x}"')
    for again in (copy.deepcopy(made), pickle.loads(pickle.dumps(made))):
        assert again == made and again.template == made.template and again.params == made.params
