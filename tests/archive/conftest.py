"""The catalogue suite runs against every database the catalogue supports (`catalogue_url`, tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from archive import Catalogue, open_catalogue


@pytest.fixture()
def archive(catalogue_url) -> Iterator[Catalogue]:
    catalogue = open_catalogue(catalogue_url)
    yield catalogue
    catalogue.close()
