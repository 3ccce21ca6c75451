"""Shared fixtures: a real sandbox server on a free loopback port, and clients built the way the app builds them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from pipeline.sandbox.server import Sandbox


@pytest.fixture(autouse=True)
def _blogger_and_drive_answer_as_their_discovery_documents_say(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every Blogger and Drive response any sandbox gives in any test fits googleapiclient's schemas."""
    yield
    wrong = [r.getMessage() for r in caplog.get_records("call") if r.name == "mymein.sandbox.schema"]
    assert not wrong, "\n".join(wrong)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """One sandbox for the whole run; tests create their own spreadsheets and blogs so they do not collide."""
    with Sandbox() as running:
        yield running


@pytest.fixture
def fresh_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox of its own, for tests that count calls or inject faults."""
    with Sandbox(state_dir=tmp_path_factory.mktemp("sandbox")) as running:
        yield running


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
