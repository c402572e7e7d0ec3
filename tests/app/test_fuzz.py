"""Issue 8, done means: generated hostile queries and parameters (seeded) against the search API, the HTML
search page, the feed and the exports of an app over a small real embedded index: never a 5xx."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

SEED = 8
REQUESTS = 480
SURFACES = ["/api/v1/search", "/", "/feed.atom", "/api/v1/export.csv", "/api/v1/export.jsonl"]
PIECES = [
    "presupuesto", "agua", "suelo", "sesión", "ORDENANZA", "OR", "AND", "NOT", "-", "--", "*", "**", "pr*", "pre*",
    "presu*", '"', '""', '"uso de suelo"', "'", "(", ")", "[", "]", "{", "}", ":", "::", "\\", "/", "|", "&", "^",
    "~", "!", "?", "%", "%00", "%s", "{0}", "${x}", "<script>", "</summary>", "]]>", "&amp;", "&#0;", "\x00",
    "\x01", "\x1b[31m", "\u202e", "\ufeff", "\ud7ff", "\U0001f600", "ñ", "é", "²", "٣", "Ⅻ", "½", "tipo:", "tipo:x",
    'tipo:"', 'comision:"uso de suelo"', "comision:", "documento:acta", "año:²", "año:2024", "numero:²",
    "numero:18446744073709551616", "numero:-1", "anio:99999999999", "id:CDMQ-022-2024", "CDMQ-", "CDMQ-022-2024",
    "a:b:c", "-agua", "-\"x\"", "javascript:alert(1)", "=cmd|' /C calc'!A0", "+1", "@SUM(1)", " ", "\t", "\n",
]
PARAMS = {
    "from": ["2024-01-01", "2024-13-45", "²", "", "9999-99-99", "-1", "2024-01-01T00:00"],
    "to": ["2023-12-31", "0000-00-00", "x" * 300],
    "session_type": ["ordinaria", 'x"y', "<b>", "", "x" * 250],
    "commission": ["uso-de-suelo", "=1+1", "ñ", "../../etc/passwd"],
    "document_type": ["acta", "orden del día", "\x00"],
    "sort": ["date_desc", "date_asc", "relevance", "random", "_score"],
    "page": ["1", "2", "0", "-5", "²", "1e9", str(2**64), "999999"],
    "per_page": ["10", "0", "100", "1000", "-1", "x"],
    "endpoint": ["1", "api.search"], "_method": ["DELETE"], "_external": ["1", "True"], "_scheme": ["javascript"],
    "_anchor": ["x"], "values": ["1"],
}


def _query(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.1:  # long: beyond the length bound
        return rng.choice(["pr* ", "a OR ", '"x" ', "é", "presupuesto* "]) * rng.randint(100, 3000)
    if shape < 0.2:  # many terms or prefixes, within or just over the bounds
        words = [rng.choice(["agua", "suelo", "tasa", "plan", "obra", "pre*", "con*", "par*"]) + str(n)
                 for n in range(rng.randint(10, 40))]
        return rng.choice([" ", " OR "]).join(words)
    return "".join(rng.choice(PIECES) + rng.choice(["", " ", " ", " OR "]) for _ in range(rng.randint(1, 12)))


def test_hostile_queries_and_parameters_never_give_a_server_error(client, archive):
    rng = random.Random(SEED)
    failures, statuses = [], {}
    for n in range(REQUESTS):
        surface = SURFACES[n % len(SURFACES)]
        params = {"q": _query(rng)} if rng.random() < 0.95 else {}
        for name in rng.sample(sorted(PARAMS), rng.randint(0, 4)):
            params[name] = rng.choice(PARAMS[name])
        response = client.get(surface, query_string=params)
        body = response.get_data()
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            failures.append((surface, params, response.status_code, body[:200]))
        elif surface == "/feed.atom" and response.status_code == 200:
            ET.fromstring(body)
    for n in range(40):  # ids on every route that takes one
        number = rng.choice(["0", "1", str(archive.hostile_document), str(2**63 - 1), str(2**63), str(2**64),
                             "9" * rng.randint(20, 400), "-1", "1.5", "²"])
        route = rng.choice(["/documentos/{}", "/documentos/{}.pdf", "/sesiones/{}", "/api/v1/documents/{}",
                            "/comisiones/{}", "/sesiones/?anio={}"])
        response = client.get(route.format(number))
        response.close()
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            failures.append((route, number, response.status_code))
    assert not failures, failures[:5]
    assert statuses.get(200, 0) > 100 and statuses.get(400, 0) > 20, statuses  # the fuzz reached both sides
