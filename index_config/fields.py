"""The one list of indexed fields, and what the app does with each. Everything else is derived from it.

Two kinds of entries share one index: a *document* entry (all pages' text, for ranking, counting
and facets) and one *page* entry per page (for snippets with their page number).

Engines derive their schema and mappings from the index side of a Field (kind, analyzer, stored, facet,
sortable). The app derives from its other side: the query syntax's filters and their aliases
(search_app/query.py), the form and API parameters (search_app/service.py), each hit's fields and their
JSON keys (search_app/backends/base.py, both engines' hit builders), the export columns
(search_app/views/api.py), and the facet headings and value labels (search_app/views/search.py); a field
whose value names live in the catalogue (councils) says so, and search_app/value_names.py reads them.
A new filter on an indexed field is one `filter=Filter(...)` here, plus its test.
This module only declares; it imports nothing from the stages that read it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from index_config.analysis import EXACT

FieldKind = Literal["text", "keyword", "integer", "date"]
# How a typed filter value becomes the indexed one: "code" a slug with underscores (Orden del día ->
# orden_del_dia), "slug" a slug with hyphens (Uso de suelo -> uso-de-suelo), "folded" lowercase without
# accents, "typed" as typed (integer fields also check it is a number).
ValueForm = Literal["code", "slug", "folded", "typed"]

# The indexed values of session types and document kinds, with their Spanish labels (for facets, the
# form and citable titles).
SESSION_TYPES = {
    "ordinaria": "Ordinaria", "extraordinaria": "Extraordinaria", "solemne": "Solemne",
    "conmemorativa": "Conmemorativa", "inaugural": "Inaugural", "especial": "Especial",
    "preparatoria": "Preparatoria",
}
DOCUMENT_TYPES = {
    "acta": "Acta", "orden_del_dia": "Orden del día", "convocatoria": "Convocatoria", "informe": "Informe",
    "resolucion": "Resolución", "ordenanza": "Ordenanza",
}


@dataclass(frozen=True)
class Filter:
    """How people filter on a field: its names in the query syntax and in the form/API, and its values."""

    aliases: tuple[str, ...]  # query syntax (año:2024), as typed (matched folded); the first names it in messages
    parameters: tuple[str, ...] = ()  # form and API parameters (?session_type=), the first the form's own
    values: ValueForm = "typed"


@dataclass(frozen=True)
class Field:
    name: str
    kind: FieldKind
    analyzer: str | None = None
    stored: bool = True
    facet: bool = False
    sortable: bool = False
    # What the app does with it:
    filter: Filter | None = None
    hit: bool = False  # carried by every hit, under its name: the API's hit JSON, the page, the feed
    export: bool = False  # a column of the CSV and JSON Lines exports (in declaration order)
    label: str = ""  # Spanish, the facet's heading
    value_labels: dict[str, str] = dataclasses.field(default_factory=dict, hash=False, compare=False)
    names: str | None = None  # the field holding each value's display name, shown in facets (with accents)
    # Or the catalogue list naming each value (slug -> name), read by the app at request time: for values
    # whose names live in the archive, not the index (a council renamed needs no reindex). A filter value
    # the list does not hold answers nothing, with a warning naming the known values.
    catalogue_names: Literal["councils"] | None = None


FIELDS: tuple[Field, ...] = (
    Field("entry_id", "keyword"),                       # "d<document_id>" or "p<document_id>-<page>"
    Field("entry_kind", "keyword"),                     # "document" | "page"
    Field("document_id", "integer", sortable=True, hit=True, export=True),
    # The same id as a term, on every entry: a document's entries found (snippets) and deleted (re-indexing)
    # through the term dictionary; the embedded engine cannot look an integer up as a term.
    Field("document_ref", "keyword"),
    Field("page", "integer"),                           # 0 on document entries
    Field("title", "text", EXACT, hit=True, export=True),
    Field("text", "text", EXACT, stored=False),        # document entries: all pages
    Field("page_text", "text", EXACT),                  # page entries: that page
    Field("date", "date", sortable=True, hit=True, export=True),
    Field("year", "integer", facet=True, label="Año", filter=Filter(("año", "anio", "year"))),
    Field("session_type", "keyword", facet=True, label="Tipo de sesión", value_labels=SESSION_TYPES,
          filter=Filter(("tipo", "sesión", "session_type"), ("session_type", "tipo"), "code"),
          hit=True, export=True),
    Field("session_number", "integer", filter=Filter(("número", "number")), hit=True, export=True),
    Field("commission", "keyword", facet=True, label="Comisión", names="commission_name",  # slug; "" for plenary
          filter=Filter(("comisión", "commission"), ("commission", "comision"), "slug"), hit=True, export=True),
    Field("commission_name", "keyword", hit=True, export=True),
    Field("document_type", "keyword", facet=True, label="Documento", value_labels=DOCUMENT_TYPES,
          filter=Filter(("documento", "doc", "document_type"), ("document_type", "documento"), "code"),
          hit=True, export=True),
    Field("council", "keyword", facet=True, label="Concejo", catalogue_names="councils",  # the source's slug
          filter=Filter(("concejo", "council"), ("concejo", "council"), "slug"), hit=True, export=True),
    Field("identifiers", "keyword", filter=Filter(("id", "identificador"), values="folded")),  # lowercase, multi-valued
    Field("url", "keyword", hit=True, export=True),
)

FIELDS_BY_NAME = {f.name: f for f in FIELDS}
FACETS = tuple(f.name for f in FIELDS if f.facet)
TEXT_FIELDS = tuple(f.name for f in FIELDS if f.kind == "text")
FILTERS = tuple(f for f in FIELDS if f.filter)  # filterable in the query syntax
PARAMETER_FILTERS = tuple(f for f in FILTERS if f.filter.parameters)  # also from the form and the API
HIT_FIELDS = tuple(f for f in FIELDS if f.hit)
EXPORT_FIELDS = tuple(f.name for f in FIELDS if f.export)
FACET_LABELS = {f.name: f.label for f in FIELDS if f.facet}
CATALOGUE_NAMED = tuple(f for f in FIELDS if f.catalogue_names)  # value names read from the catalogue
VALUE_LABELS = {value: label for f in FIELDS for value, label in f.value_labels.items()}
