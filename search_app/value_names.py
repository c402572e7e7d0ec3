"""Display names of indexed values that the catalogue names (councils), and what a search says of a filter
value the archive does not hold.

The fields are those declared with `catalogue_names` in index_config/fields.py; the names are read from
the catalogue at request time, so renaming a council needs no reindex. This module only reads: it never
writes the catalogue nor talks to an engine.
"""

from __future__ import annotations

from collections.abc import Callable

from archive import Catalogue
from index_config.fields import CATALOGUE_NAMED, FIELDS_BY_NAME
from search_app.query import SearchQuery

ValueNames = dict[str, dict[str, str]]  # field name -> indexed value -> display name

# Each catalogue list a field may be named by, as {value: name}.
_LISTS: dict[str, Callable[[Catalogue], dict[str, str]]] = {
    "councils": lambda catalogue: {row["slug"]: row["name"] for row in catalogue.councils()},
}


def catalogue_value_names(catalogue: Catalogue) -> ValueNames:
    """For every field declared with catalogue names: each value the archive holds, with its name."""
    return {f.name: _LISTS[f.catalogue_names](catalogue) for f in CATALOGUE_NAMED}


def unknown_value_warnings(query: SearchQuery, value_names: ValueNames) -> list[str]:
    """In Spanish, one warning per filter value the catalogue does not hold, naming the values it does."""
    return [warning for name, names in value_names.items() for value in query.filters.get(name, [])
            if (warning := unknown_value_warning(name, value, names))]


def unknown_value_warning(name: str, value: str, names: dict[str, str]) -> str | None:
    """In Spanish, that the archive holds no such value of the field, and which it holds; None if it does."""
    if value in names:
        return None
    noun = FIELDS_BY_NAME[name].label.lower()
    known = ", ".join(f"{slug} ({names[slug]})" for slug in sorted(names))
    return (f"El archivo no tiene ningún {noun} «{value[:40]}»"
            + (f"; los que tiene: {known}." if known else "; todavía no tiene ninguno."))
