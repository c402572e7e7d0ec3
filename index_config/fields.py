"""The one list of indexed fields. Engines derive their schema and mappings from it.

Two kinds of entries share one index: a *document* entry (all pages' text, for ranking, counting
and facets) and one *page* entry per page (for snippets with their page number).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from index_config.analysis import EXACT

FieldKind = Literal["text", "keyword", "integer", "date"]


@dataclass(frozen=True)
class Field:
    name: str
    kind: FieldKind
    analyzer: str | None = None
    stored: bool = True
    facet: bool = False
    sortable: bool = False


FIELDS: tuple[Field, ...] = (
    Field("entry_id", "keyword"),                       # "d<document_id>" or "p<document_id>-<page>"
    Field("entry_kind", "keyword"),                     # "document" | "page"
    Field("document_id", "integer", sortable=True),
    Field("page", "integer"),                           # 0 on document entries
    Field("title", "text", EXACT),
    Field("text", "text", EXACT, stored=False),        # document entries: all pages
    Field("page_text", "text", EXACT),                  # page entries: that page
    Field("date", "date", sortable=True),
    Field("year", "integer", facet=True),
    Field("session_type", "keyword", facet=True),
    Field("session_number", "integer"),
    Field("commission", "keyword", facet=True),         # commission slug; "" for plenary
    Field("commission_name", "keyword"),
    Field("document_type", "keyword", facet=True),
    Field("council", "keyword"),
    Field("identifiers", "keyword"),                    # folded lowercase, multi-valued
    Field("url", "keyword"),
)

FIELDS_BY_NAME = {f.name: f for f in FIELDS}
FACETS = tuple(f.name for f in FIELDS if f.facet)
TEXT_FIELDS = tuple(f.name for f in FIELDS if f.kind == "text")
