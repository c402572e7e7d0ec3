"""Real servers some tests run against (Elasticsearch, PostgreSQL): where one cannot start, the tests that
need it skip with the reason, except in CI (CI=true), where they must run and fail instead."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(service: str, reason: str) -> None:
    """Skip (or, in CI, fail) the test that needs `service`, saying why it could not run."""
    if in_ci():
        pytest.fail(f"{service} is required in CI but {reason}", pytrace=False)
    pytest.skip(f"{service} unavailable: {reason}")
