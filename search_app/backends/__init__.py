"""Search engines behind one interface: the embedded default (tantivy) and Elasticsearch."""

from __future__ import annotations

from search_app.backends.base import SearchBackend, SearchEngineUnavailable, SearchTooSlow


def open_backend(settings) -> SearchBackend:
    """The engine the settings select: Elasticsearch if CONCEJO_ELASTICSEARCH_URL is set, else embedded."""
    if settings.elasticsearch_url:
        from search_app.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(settings.elasticsearch_url, prefix=settings.elasticsearch_index_prefix,
                                    search_timeout_s=settings.search_timeout_s)
    from search_app.backends.embedded import EmbeddedBackend

    return EmbeddedBackend(settings.index_dir, search_timeout_s=settings.search_timeout_s,
                           writer_heap_mb=settings.index_writer_heap_mb, pages_held_back=settings.index_pages_held_back)


__all__ = ["SearchBackend", "SearchEngineUnavailable", "SearchTooSlow", "open_backend"]
