"""Shared fixtures: a real sandbox server on a free loopback port, and clients built the way the app builds them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from pipeline.sandbox.server import Sandbox


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
