"""Fixtures every test folder may use: a throw-away PostgreSQL server, a database per test, and
`catalogue_url`, which runs a test once per database the catalogue supports (SQLite, a file in the test's
folder; PostgreSQL, a fresh database on the session's server)."""

from __future__ import annotations

import pytest

from tests.postgresql import postgresql_server, postgresql_url  # noqa: F401 - fixtures

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(params=DATABASES)
def catalogue_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalogue.sqlite3'}"
    return request.getfixturevalue("postgresql_url")
