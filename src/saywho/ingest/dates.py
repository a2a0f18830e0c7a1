"""Publication dates as ISO 8601 strings, whatever form a source gives them in."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def normalize_published(value: str | None) -> str | None:
    """An ISO 8601 date (``2024-09-12``) or UTC date-time (``2024-09-12T08:30:00Z``).

    Feeds give RFC 822 dates, pages and records ISO ones; both sort and compare
    as strings once normalized. None when the value cannot be read as a date.
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    if _ISO_DATE.match(text):
        return _valid_date(text)
    moment = _parse_moment(text)
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _valid_date(text: str) -> str | None:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _parse_moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
