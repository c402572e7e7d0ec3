"""Blueprints, one per module: search UI, documents, browsing, JSON API (with exports and feeds)."""

from __future__ import annotations

from flask import abort


def found_or_404(row):
    """The catalogue row a page is about, or the 404 page when there is none."""
    if row is None:
        abort(404)
    return row
