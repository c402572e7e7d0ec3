"""Elasticsearch settings and mappings, derived from the one field list and the one Spanish analysis.

Nothing here is declared twice: every field comes from `index_config.fields.FIELDS` and every analyzer
from `index_config.analysis.ANALYZERS`, in the same filter order, so both engines index the same way:
each text field once, folded and not stemmed (stems are expanded at query time, see analysis.py).
Fields the field list does not store are left out of `_source`.

Two analysis profiles:
- "full": the declared chain (standard tokenizer, lowercase, ASCII folding). `asciifolding` lives in the
  `analysis-common` module that every real distribution ships; the test node gets it from our plugin.
- "degraded": for minimal nodes with neither (a bare integ-test-zip), which know only `lowercase`: no
  folding, so `publica` does not find `pública` there. The profile used is recorded in the index `_meta`
  so nobody mistakes a degraded index for the real thing.
`_meta` also records `analysis_version` (analysis.ANALYSIS_VERSION): an index built with another
analysis is refused, with a message to rebuild it.
This module only declares; it never talks to a cluster.
"""

from __future__ import annotations

from index_config.analysis import ANALYSIS_VERSION, ANALYZERS
from index_config.fields import FIELDS

FULL = "full"
DEGRADED = "degraded"

# Filters that live in the analysis-common module (or our plugin), missing on minimal nodes.
_NEEDS_ANALYSIS_COMMON = frozenset({"asciifolding"})

_DATE_FORMAT = "strict_date_optional_time||yyyy-MM-dd"
# search() pages up to 1000 x 100 results (query.py clamps page and per_page), beyond the default 10,000.
DEFAULT_MAX_RESULT_WINDOW = 100_000


def analysis_settings(profile: str = FULL) -> dict:
    """The `analysis` block for a profile: every declared analyzer, filters dropped if degraded."""
    analyzers = {}
    for name, analyzer in ANALYZERS.items():
        steps = [f for f in analyzer.filters if profile == FULL or f not in _NEEDS_ANALYSIS_COMMON]
        analyzers[name] = {"type": "custom", "tokenizer": "standard", "filter": steps}
    return {"analyzer": analyzers}


def dropped_filters(profile: str) -> list[str]:
    """What a profile leaves out of the declared analysis (empty for the full profile)."""
    if profile == FULL:
        return []
    declared = {f for analyzer in ANALYZERS.values() for f in analyzer.filters}
    return sorted(declared & _NEEDS_ANALYSIS_COMMON)


def _field_mapping(field) -> dict:
    if field.kind == "text":
        return {"type": "text", "analyzer": field.analyzer}
    if field.kind == "keyword":
        return {"type": "keyword"}
    if field.kind == "date":
        return {"type": "date", "format": _DATE_FORMAT}
    return {"type": "integer"}


def mappings(profile: str = FULL) -> dict:
    """Strict mappings for every field in FIELDS, with the profile recorded in `_meta`."""
    properties = {field.name: _field_mapping(field) for field in FIELDS}
    return {
        "dynamic": "strict",
        "_source": {"excludes": [f.name for f in FIELDS if not f.stored]},
        "_meta": {"analysis_profile": profile, "dropped_filters": dropped_filters(profile),
                  "analysis_version": ANALYSIS_VERSION},
        "properties": properties,
    }


def index_settings(profile: str = FULL, *, max_result_window: int = DEFAULT_MAX_RESULT_WINDOW) -> dict:
    """Index settings: one shard (an archive of a few million pages fits), analysis for the profile."""
    return {
        "number_of_shards": 1,
        "auto_expand_replicas": "0-1",
        "max_result_window": max_result_window,
        "analysis": analysis_settings(profile),
    }
