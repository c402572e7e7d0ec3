"""Every response to /api/ and to the feed that tests/app produces, checked against the API's OpenAPI
description (search_app/openapi.py): a test client that checks what it receives.

For each response: its path is a route the description names (else it must be the error shape's 404 or
405); its status is one the operation documents; its media type is one that status documents; a JSON body
matches the schema (OpenAPI 3.1's JSON Schema dialect, formats checked), each JSON Lines row its
`x-row-schema` (the last may be the error shape, an export cut short), a CSV's header its `x-columns`; the
headers it documents are there; and a read carries `Access-Control-Allow-Origin: *`. A failure is an
AssertionError at the test's request, naming the route, the status and what does not match.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from contextlib import contextmanager
from functools import cache

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect, Rule

from search_app import openapi

SPEC_URI = "urn:concejo-abierto:openapi"
CHECKED_PREFIXES = ("/api/", "/feed.atom")
READS = ("GET", "HEAD", "OPTIONS")
ERROR_SCHEMA = "/components/schemas/Error"

# What the suite checked: (method, route, status) -> responses. Read by the terminal summary.
checked: Counter[tuple[str, str, int]] = Counter()


def openapi_path(rule: Rule) -> str:
    """A Flask rule as an OpenAPI path: /documents/<id:document_id> -> /documents/{document_id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


@cache
def contract() -> Contract:
    return Contract(openapi.describe())


class Contract:
    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.registry = Registry().with_resource(
            SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012))
        self.validators: dict[str, OAS31Validator] = {}

    def validator(self, pointer: str) -> OAS31Validator:
        if pointer not in self.validators:
            self.validators[pointer] = OAS31Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry,
                                                      format_checker=oas31_format_checker)
        return self.validators[pointer]

    def resolve(self, pointer: str) -> tuple[str, dict]:
        """(the pointer a $ref leads to, the object there)."""
        node = self.spec
        for part in pointer.lstrip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        if "$ref" in node:
            return self.resolve(node["$ref"].removeprefix("#"))
        return pointer, node

    def check(self, app: Flask, response) -> None:
        request = response.request
        path, method = request.path, request.method
        if not path.startswith(CHECKED_PREFIXES):
            return
        where = f"{method} {request.full_path.rstrip('?')} -> {response.status_code}"
        try:
            rule, _ = app.url_map.bind("localhost").match(path, method=method, return_rule=True)
        except RequestRedirect:
            checked[(method, "(redirect)", response.status_code)] += 1
            return
        except (NotFound, MethodNotAllowed) as exc:
            self._check_error(where, response, exc.code)
            if exc.code == 405:
                assert response.headers.get("Allow"), f"OpenAPI contract: {where}: a 405 without Allow"
            checked[(method, "(no route)", response.status_code)] += 1
            return
        route = openapi_path(rule)
        if method == "OPTIONS":
            assert response.status_code == 200, f"OpenAPI contract: {where}: OPTIONS is answered with 200"
            asked = request.headers.get("Access-Control-Request-Method", "GET").upper()
            if asked in ("GET", "HEAD"):
                self._check_cors(where, response)
            else:  # a preflight to write is refused: nothing here writes
                assert "Access-Control-Allow-Origin" not in response.headers, f"OpenAPI contract: {where}: CORS"
            checked[(method, route, response.status_code)] += 1
            return
        escaped = route.replace("~", "~0").replace("/", "~1")
        operations = self.spec["paths"].get(route)
        assert operations is not None, (f"OpenAPI contract: {where}: the route {route} is not described "
                                        "(search_app/openapi.py)")
        verb = "get" if method == "HEAD" else method.lower()
        assert verb in operations, f"OpenAPI contract: {where}: {method} {route} is not described"
        responses = operations[verb]["responses"]
        status = str(response.status_code)
        assert status in responses, (f"OpenAPI contract: {where}: status {status} is not documented for "
                                     f"{route} (documented: {', '.join(responses)})")
        pointer, documented = self.resolve(f"/paths/{escaped}/{verb}/responses/{status}")
        for header in documented.get("headers", {}):
            assert header in response.headers, f"OpenAPI contract: {where}: the documented header {header} is missing"
        if method in READS:
            self._check_cors(where, response)
        content = documented.get("content", {})
        assert response.mimetype in content, (f"OpenAPI contract: {where}: {response.mimetype} is not documented "
                                              f"(documented: {', '.join(content) or 'no body'})")
        if method != "HEAD":
            media = f"{pointer}/content/{response.mimetype.replace('/', '~1')}"
            self._check_body(where, response, media, content[response.mimetype])
        checked[(method, route, response.status_code)] += 1

    def _check_body(self, where: str, response, media: str, documented: dict) -> None:
        text = response.get_data(as_text=True)
        if response.mimetype == "application/json":
            self._validate(where, response.get_json(), f"{media}/schema")
        elif "x-row-schema" in documented:
            lines = text.splitlines()
            for number, line in enumerate(lines, start=1):
                row = json.loads(line)
                if number == len(lines) and "error" in row:  # an export cut short says so in its last line
                    self._validate(where, row, ERROR_SCHEMA)
                    assert row["error"]["code"] == "export_incomplete", f"OpenAPI contract: {where}: {row}"
                else:
                    self._validate(f"{where}, line {number}", row, f"{media}/x-row-schema")
        elif "x-columns" in documented:
            header = next(csv.reader(io.StringIO(text)), [])
            assert header == documented["x-columns"], (f"OpenAPI contract: {where}: CSV columns {header}, "
                                                       f"documented {documented['x-columns']}")

    def _check_error(self, where: str, response, status: int) -> None:
        assert response.status_code == status, f"OpenAPI contract: {where}: expected {status}"
        assert response.mimetype == "application/json", f"OpenAPI contract: {where}: an API error is JSON"
        self._validate(where, response.get_json(), ERROR_SCHEMA)

    def _validate(self, where: str, instance, pointer: str) -> None:
        errors = sorted(self.validator(pointer).iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            detail = "; ".join(f"{e.json_path}: {e.message[:300]}" for e in errors[:5])
            raise AssertionError(f"OpenAPI contract: {where}: the body does not match {pointer}: {detail} "
                                 "(describe it in search_app/openapi.py, or fix the view)")

    @staticmethod
    def _check_cors(where: str, response) -> None:
        assert response.headers.get("Access-Control-Allow-Origin") == "*", (
            f"OpenAPI contract: {where}: a read without Access-Control-Allow-Origin: *")


class CheckingClient(FlaskClient):
    """The Flask test client, each response checked against the contract before the test sees it."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        contract().check(self.application, response)
        return response


@contextmanager
def checking_clients():
    """Within it, every app's test_client() is a CheckingClient."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Flask, "test_client_class", CheckingClient)
        yield


def summary() -> str:
    routes = {route for (_method, route, _status) in checked}
    return (f"OpenAPI contract: {sum(checked.values())} responses to /api/ and the feed checked, "
            f"over {len(routes)} routes")
