"""Blueprints, one per module: search UI, documents, browsing, JSON API (with exports and feeds)."""
