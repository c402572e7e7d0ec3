"""Fixtures: a hostile portal on 127.0.0.1 and a fake internal service on 127.0.0.2, one per test."""

from __future__ import annotations

import pytest

from tests.crawler.hostile import SECRET, HostileServer, make_pdf


@pytest.fixture()
def portal():
    with HostileServer("127.0.0.1") as server:
        yield server


@pytest.fixture()
def internal():
    """A fake internal service on another loopback address, holding a secret (as a valid PDF)."""
    with HostileServer("127.0.0.2") as server:
        server.pdf("/secret.pdf", make_pdf(SECRET.decode()))
        yield server
