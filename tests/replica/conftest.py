"""Fixtures for the replica tests: one default portal and one running server per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from replica import Portal, build_portal
from replica.server import ReplicaServer


@pytest.fixture(scope="session")
def portal() -> Portal:
    return build_portal()


@pytest.fixture(scope="session")
def server(portal: Portal) -> Iterator[ReplicaServer]:
    with ReplicaServer(portal) as running:
        yield running
