"""Dates: publication dates as sources give them, and the bounds of date filters.

A stored publication date is an ISO 8601 string: a date (``2024-09-12``), a UTC
date-time (``2024-09-12T08:30:00Z``) or a date-time as the source wrote it
without a zone. Such strings sort and compare as text, so a filter's bounds are
read once, here, into text that compares with them the same way wherever it is
used: as parameters of the store's SQL and in Python (``DateBounds.keeps``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ZONE = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")
# Sorts after every character a stored date can hold: a date-time bound plus this
# is past every moment the bound is a prefix of.
_AFTER_PREFIX = "\uffff"


class DateError(ValueError):
    """A filter bound that is not an ISO date or date-time (one line for the user)."""


# --- publication dates ------------------------------------------------------------


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


# --- filter bounds ----------------------------------------------------------------


@dataclass(frozen=True)
class DateBounds:
    """What ``since`` and ``until`` keep, as text bounds on stored publication dates.

    ``since`` is the first value kept, ``before`` the first value past ``until``
    (None: no bound). Both are inclusive as the user gives them: a date stands
    for its whole day, a date-time for every moment it is a prefix of
    (``until 2024-10-03T18:30`` keeps the whole minute).
    """

    since: str | None = None
    before: str | None = None

    def keeps(self, published: str | None) -> bool:
        """Whether a stored date is within the bounds; an undated one is not, if any is set."""
        if self.since is None and self.before is None:
            return True
        if published is None:
            return False
        return (self.since is None or published >= self.since) and (
            self.before is None or published < self.before
        )


def date_bounds(since: str | None, until: str | None) -> DateBounds:
    """The bounds of ``since`` and ``until`` (ISO dates or date-times, both inclusive).

    Raises DateError, naming the option, for a value that is not an ISO date.
    """
    return DateBounds(
        since=_bound(since, "since") if since else None,
        before=_after(_bound(until, "until")) if until else None,
    )


def _after(bound: str) -> str:
    """The smallest text after every moment of ``bound`` (the next day for a date)."""
    if len(bound) == 10:
        return (date.fromisoformat(bound) + timedelta(days=1)).isoformat()
    return bound + _AFTER_PREFIX


def _bound(value: str, name: str) -> str:
    """A date or date-time as given; one with a zone moved to UTC, to the precision given.

    Stored dates are UTC (``…Z``) or as the source wrote them without a zone, and
    bounds compare with them as text, a bound standing for every moment it is a
    prefix of. A zone would break that: ``18:30+02:00`` is the bound ``16:30``.
    """
    text = value.strip()
    try:
        date.fromisoformat(text[:10])
    except ValueError as error:
        raise DateError(
            f"--{name} must be an ISO date such as 2024-09-30, not {value!r}"
        ) from error
    zone = _ZONE.search(text) if len(text) > 10 else None
    if zone is None:
        return text
    try:
        moment = datetime.fromisoformat(
            text[: zone.start()] + "+00:00" if zone.group() == "Z" else text
        )
    except ValueError as error:
        raise DateError(f"--{name} must be an ISO date or date-time, not {value!r}") from error
    in_utc = moment.astimezone(UTC).replace(tzinfo=None).isoformat()
    return in_utc[: zone.start()]
