"""`/api/v1/openapi.json`: the API's contract (search_app/openapi.py), for people and for client generators."""

from __future__ import annotations

from flask import Blueprint, jsonify

from search_app import openapi, resources

bp = Blueprint("api_description", __name__)


@bp.get("/api/v1/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description, its server the site's public URL when one is set."""
    return jsonify(openapi.describe(resources.settings().public_url))
