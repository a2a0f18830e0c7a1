"""Articles as ``saywho.article/1`` JSON (schema: ``saywho/data/article.schema.json``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from saywho.model import Article

SCHEMA_ID = "saywho.article/1"


def article_to_dict(article: Article) -> dict[str, Any]:
    document = article.document
    return {
        "schema": SCHEMA_ID,
        "source": document.source,
        "url": document.url,
        "outlet": document.outlet,
        "title": document.title,
        "published": document.published,
        "language": document.language,
        "text": document.text,
        "entities": [
            {
                "name": entity.name,
                "type": entity.type,
                "mentions": [{"start": m.start, "end": m.end} for m in entity.mentions],
            }
            for entity in article.entities
        ],
        "statements": [asdict(statement) for statement in article.statements],
        "ledger": [asdict(row) for row in article.ledger],
        "notes": list(article.notes),
    }
