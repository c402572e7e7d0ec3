-- A catalogue as the code before Alembic (commit 757cdd9, archive/catalogue.py's SCHEMA + ADDED_COLUMNS) made it,
-- with a few rows of every kind: made by that commit's Catalogue methods, then sqlite3's iterdump().
BEGIN TRANSACTION;
CREATE TABLE ballots (
    id INTEGER PRIMARY KEY, vote_id INTEGER NOT NULL REFERENCES votes(id), position INTEGER NOT NULL,
    person_id INTEGER REFERENCES persons(id), printed_name TEXT NOT NULL, number INTEGER, role TEXT,
    choice TEXT NOT NULL, "column" TEXT, page INTEGER
);
INSERT INTO "ballots" VALUES(1,1,0,1,'Ana Torres',NULL,NULL,'a_favor','A FAVOR',1);
CREATE TABLE commissions (
    id INTEGER PRIMARY KEY, council_id INTEGER NOT NULL REFERENCES councils(id),
    slug TEXT NOT NULL, name TEXT NOT NULL, members_json TEXT NOT NULL DEFAULT '[]', schedule TEXT,
    source_url TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, mission TEXT,
    UNIQUE (council_id, slug)
);
INSERT INTO "commissions" VALUES(1,1,'movilidad','Comisión de Movilidad','[{"name": "Ana Torres", "role": "Presidenta"}]','lunes 10:00','https://concejo.quito.example/comisiones/movilidad','2026-12-02T12:44:12+00:00','2026-12-02T12:44:12+00:00','Movilidad urbana');
CREATE TABLE councils (
    id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, portal_url TEXT
);
INSERT INTO "councils" VALUES(1,'quito','Concejo Metropolitano de Quito','https://concejo.quito.example/');
CREATE TABLE crawl_ledgers (
    id INTEGER PRIMARY KEY, run_id INTEGER, council_slug TEXT NOT NULL, at TEXT NOT NULL,
    ledger_json TEXT NOT NULL
);
INSERT INTO "crawl_ledgers" VALUES(1,1,'quito','2026-12-02T12:44:12+00:00','{"new": 1, "changed": 0, "failed": [{"url": "https://concejo.quito.example/orden.pdf", "reason": "HTTP 404 from the portal"}], "error": null}');
CREATE TABLE document_tables (
    document_id INTEGER NOT NULL REFERENCES documents(id), page INTEGER NOT NULL, position INTEGER NOT NULL,
    sha256 TEXT NOT NULL, rows_json TEXT NOT NULL, bbox_json TEXT,
    PRIMARY KEY (document_id, page, position)
);
INSERT INTO "document_tables" VALUES(1,1,0,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','[["NOMBRES", "PRESENTE"], ["Ana Torres", "X"]]','[1, 2, 3, 4]');
CREATE TABLE document_urls (
    url TEXT PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    sha256 TEXT, etag TEXT, last_modified TEXT
);
INSERT INTO "document_urls" VALUES('https://concejo.quito.example/acta.pdf',1,'2026-12-02T12:44:12+00:00','2026-12-02T12:44:12+00:00','aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','"v1"','Tue, 05 Mar 2024 10:00:00 GMT');
INSERT INTO "document_urls" VALUES('https://concejo.quito.example/orden.pdf',2,'2026-12-02T12:44:12+00:00','2026-12-02T12:44:12+00:00',NULL,NULL,NULL);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY, council_id INTEGER NOT NULL REFERENCES councils(id),
    key TEXT NOT NULL, session_id INTEGER REFERENCES sessions(id),
    kind TEXT, title TEXT,
    current_sha256 TEXT REFERENCES files(sha256),
    status TEXT NOT NULL DEFAULT 'listed',
    status_reason TEXT,
    extracted_sha256 TEXT, extracted_at TEXT, page_count INTEGER, metadata_json TEXT,
    indexed_sha256 TEXT, indexed_at TEXT,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    extractor_version TEXT, pages_extractor_version TEXT, status_before_withdrawn TEXT, withdrawn_at TEXT, listed_session_key TEXT, listing_date TEXT,
    UNIQUE (council_id, key)
);
INSERT INTO "documents" VALUES(1,1,'2024-03-05-ordinaria/acta',1,'acta','Acta de la sesión','aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','extracted',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','2026-12-02T12:44:12+00:00',2,'{"session_number": 47, "extraction_errors": []}','aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','2026-12-02T12:44:12+00:00','2026-12-02T12:44:12+00:00','2026-12-02T12:44:12+00:00','old-1','old-1',NULL,NULL,NULL,NULL);
INSERT INTO "documents" VALUES(2,1,'2024-03-05-ordinaria/orden',1,'orden_del_dia','Orden del día',NULL,'fetch_failed','HTTP 404 from the portal',NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-02T12:44:12+00:00','2026-12-02T12:44:12+00:00',NULL,NULL,NULL,NULL,NULL,NULL);
CREATE TABLE fetch_failures (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, document_key TEXT, reason TEXT NOT NULL,
    http_status INTEGER, at TEXT NOT NULL
);
INSERT INTO "fetch_failures" VALUES(1,'https://concejo.quito.example/orden.pdf',NULL,'HTTP 404 from the portal',404,'2026-12-02T12:44:12+00:00');
CREATE TABLE files (
    sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, media_type TEXT, first_stored TEXT NOT NULL
);
INSERT INTO "files" VALUES('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',1234,'application/pdf','2026-12-02T12:44:12+00:00');
CREATE TABLE item_mentions (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
    identifier TEXT NOT NULL, identifier_key TEXT NOT NULL, page INTEGER, stage TEXT
);
CREATE TABLE members (
    id INTEGER PRIMARY KEY, council_id INTEGER NOT NULL REFERENCES councils(id),
    name TEXT NOT NULL, role TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',
    source_url TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    UNIQUE (council_id, name, body, role)
);
INSERT INTO "members" VALUES(1,1,'Ana Torres','Concejala','Pleno','https://concejo.quito.example/concejales','2026-12-02T12:44:12+00:00','2026-12-02T12:44:12+00:00');
CREATE TABLE movement_names (
    movement_id INTEGER NOT NULL REFERENCES movements(id), position INTEGER NOT NULL,
    person_id INTEGER REFERENCES persons(id), printed_name TEXT NOT NULL,
    PRIMARY KEY (movement_id, position)
);
CREATE TABLE movements (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id), position INTEGER NOT NULL,
    page INTEGER, direction TEXT, time TEXT, count_after INTEGER, text TEXT
);
CREATE TABLE pages (
    document_id INTEGER NOT NULL REFERENCES documents(id), number INTEGER NOT NULL,
    text TEXT NOT NULL, display_text TEXT, origin TEXT, ocr_confidence REAL,
    PRIMARY KEY (document_id, number)
);
INSERT INTO "pages" VALUES(1,1,'ACTA No. 47 — 100% aprobada',NULL,'digital',NULL);
INSERT INTO "pages" VALUES(1,2,'Página escaneada',NULL,'ocr',0.91);
CREATE TABLE people_rules (
    council_id INTEGER PRIMARY KEY REFERENCES councils(id), version TEXT NOT NULL, resolved_at TEXT NOT NULL
);
INSERT INTO "people_rules" VALUES(1,'2','2026-12-02T12:44:12+00:00');
CREATE TABLE person_names (
    id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES persons(id),
    council_id INTEGER NOT NULL REFERENCES councils(id),
    folded TEXT NOT NULL, printed TEXT NOT NULL, first_seen TEXT NOT NULL,
    UNIQUE (council_id, printed)
);
INSERT INTO "person_names" VALUES(1,1,1,'ana torres','Ana Torres','2026-12-02T12:44:12+00:00');
INSERT INTO "person_names" VALUES(2,2,1,'diego tapia','Diego Tapia','2026-12-02T12:44:12+00:00');
CREATE TABLE person_reviews (
    id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES persons(id),
    candidate_id INTEGER NOT NULL REFERENCES persons(id),
    code TEXT NOT NULL, reason TEXT NOT NULL, printed TEXT, first_seen TEXT NOT NULL,
    UNIQUE (person_id, candidate_id)
);
CREATE TABLE persons (
    id INTEGER PRIMARY KEY, council_id INTEGER NOT NULL REFERENCES councils(id),
    name TEXT NOT NULL, folded TEXT NOT NULL, first_seen TEXT NOT NULL
);
INSERT INTO "persons" VALUES(1,1,'Ana Torres','ana torres','2026-12-02T12:44:12+00:00');
INSERT INTO "persons" VALUES(2,1,'Diego Tapia','diego tapia','2026-12-02T12:44:12+00:00');
CREATE TABLE roll_call_entries (
    id INTEGER PRIMARY KEY, roll_call_id INTEGER NOT NULL REFERENCES roll_calls(id), position INTEGER NOT NULL,
    person_id INTEGER REFERENCES persons(id), printed_name TEXT NOT NULL, number INTEGER, role TEXT,
    choice TEXT NOT NULL, "column" TEXT, page INTEGER
);
INSERT INTO "roll_call_entries" VALUES(1,1,0,1,'Ana Torres',1,NULL,'presente','PRESENTE',1);
INSERT INTO "roll_call_entries" VALUES(2,1,1,2,'Diego Tapia',2,NULL,'ausente','AUSENTE',1);
CREATE TABLE roll_calls (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id), position INTEGER NOT NULL,
    page INTEGER, moment TEXT, heading TEXT, stated_count INTEGER, stated_text TEXT, stated_page INTEGER
);
INSERT INTO "roll_calls" VALUES(1,1,0,1,'inicio','VERIFICACIÓN',1,'1 presente',1);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, step TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
    stats_json TEXT, errors_json TEXT
, outcome TEXT, source TEXT, trigger TEXT, attempt INTEGER, full_sweep INTEGER, scheduled_for TEXT, part_of INTEGER);
INSERT INTO "runs" VALUES(1,'crawl','2026-12-02T12:44:12+00:00','2026-12-02T12:44:12+00:00','{"documents": 2}','[]','completed','quito','schedule',1,0,'2024-03-06T03:00:00+00:00',NULL);
CREATE TABLE session_links (
    id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES sessions(id),
    kind TEXT, title TEXT, url TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    UNIQUE (session_id, url)
);
INSERT INTO "session_links" VALUES(1,1,'audio','Audio','https://concejo.quito.example/a.mp3','2026-12-02T12:44:12+00:00','2026-12-02T12:44:12+00:00');
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY, council_id INTEGER NOT NULL REFERENCES councils(id),
    key TEXT NOT NULL, commission_id INTEGER REFERENCES commissions(id),
    session_type TEXT, number INTEGER, date TEXT, title TEXT,
    source_url TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    UNIQUE (council_id, key)
);
INSERT INTO "sessions" VALUES(1,1,'2024-03-05-ordinaria',NULL,'ordinaria',47,'2024-03-05','Sesión ordinaria 2024-03-05','https://concejo.quito.example/sesiones/2024/03','2026-12-02T12:44:12+00:00','2026-12-02T12:44:12+00:00');
CREATE TABLE versions (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
    sha256 TEXT NOT NULL REFERENCES files(sha256), source_url TEXT NOT NULL,
    first_fetched TEXT NOT NULL, last_fetched TEXT NOT NULL,
    etag TEXT, last_modified TEXT, http_status INTEGER,
    UNIQUE (document_id, sha256)
);
INSERT INTO "versions" VALUES(1,1,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','https://concejo.quito.example/acta.pdf','2026-12-02T12:44:12+00:00','2026-12-02T12:44:12+00:00','"v1"','Tue, 05 Mar 2024 10:00:00 GMT',200);
CREATE TABLE votes (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id), position INTEGER NOT NULL,
    page INTEGER, method TEXT, motion TEXT, agenda_point TEXT, identifiers_json TEXT NOT NULL DEFAULT '[]',
    printed_totals_json TEXT, stated_counts_json TEXT, counted_totals_json TEXT, totals_match INTEGER,
    result TEXT, result_text TEXT, result_page INTEGER, body TEXT, search_text TEXT NOT NULL DEFAULT ''
);
INSERT INTO "votes" VALUES(1,1,0,1,'tabla','Ordenanza de movilidad','II','["IC-2024-002"]','{"a_favor": 1}',NULL,'{"a_favor": 1}',1,'aprobada','Ha sido aprobada',1,NULL,'ordenanza de movilidad ic-2024-002 ha sido aprobada');
CREATE INDEX crawl_ledgers_council ON crawl_ledgers(council_slug, id);
CREATE INDEX persons_council ON persons(council_id, name);
CREATE INDEX person_names_folded ON person_names(council_id, folded);
CREATE INDEX person_names_person ON person_names(person_id);
CREATE INDEX person_reviews_candidate ON person_reviews(candidate_id);
CREATE INDEX roll_calls_document ON roll_calls(document_id, position);
CREATE INDEX roll_call_entries_roll_call ON roll_call_entries(roll_call_id, position);
CREATE INDEX roll_call_entries_person ON roll_call_entries(person_id);
CREATE INDEX votes_document ON votes(document_id, position);
CREATE INDEX ballots_vote ON ballots(vote_id, position);
CREATE INDEX ballots_person ON ballots(person_id, vote_id);
CREATE INDEX movements_document ON movements(document_id, position);
CREATE INDEX item_mentions_key ON item_mentions(identifier_key);
CREATE INDEX item_mentions_document ON item_mentions(document_id);
CREATE INDEX documents_status ON documents(status);
CREATE INDEX documents_session ON documents(session_id);
CREATE INDEX sessions_date ON sessions(date);
CREATE INDEX sessions_council ON sessions(council_id);
CREATE INDEX documents_council ON documents(council_id, status);
CREATE INDEX document_urls_document ON document_urls(document_id);
CREATE INDEX sessions_commission ON sessions(commission_id);
COMMIT;
