"""Cascades: the same text moving between outlets, in the order it was published.

Articles joined by ``copy`` or ``translation`` links (directly or through each
other) form one cascade. ``same story`` links do not join cascades: independent
coverage of one event is not spread. A cascade is *coordinated* when at least
``min_outlets`` distinct outlets published it within ``within_hours`` of each
other (any such span, not only its first hours): the timing that manual
coordination leaves, and a lead to check, not a verdict (wire services do the
same).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from saywho.config import DEFAULT_CASCADE_OPTIONS, CascadeOptions
from saywho.spread.links import Link, SpreadArticle, published_moment

SPREADING_KINDS = frozenset({"copy", "translation"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Cascade:
    articles: tuple[SpreadArticle, ...]  # earliest first, undated last
    links: tuple[Link, ...]
    outlets: tuple[str, ...]  # in the order they first published it
    languages: tuple[str, ...]
    coordinated: bool

    @property
    def first(self) -> SpreadArticle:
        return self.articles[0]


def build_cascades(
    articles: Sequence[SpreadArticle],
    links: Sequence[Link],
    options: CascadeOptions = DEFAULT_CASCADE_OPTIONS,
) -> list[Cascade]:
    """Cascades of two or more articles, the widest (most outlets) first."""
    by_id = {article.id: article for article in articles}
    spreading = [link for link in links if link.kind in SPREADING_KINDS]
    groups = linked_groups([(link.first, link.second) for link in spreading])
    group_of = {member: number for number, group in enumerate(groups) for member in group}
    links_of: list[list[Link]] = [[] for _ in groups]
    for link in spreading:
        links_of[group_of[link.first]].append(link)
    cascades = [
        _cascade([by_id[i] for i in group], group_links, options)
        for group, group_links in zip(groups, links_of, strict=True)
    ]
    return sorted(
        cascades, key=lambda c: (-len(c.outlets), -len(c.articles), c.first.published or "")
    )


def linked_groups(pairs: Sequence[tuple[int, int]]) -> list[list[int]]:
    """The ids joined by ``pairs`` directly or through each other, each group sorted."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for first, second in pairs:
        parent[root(first)] = root(second)
    groups: dict[int, list[int]] = {}
    for node in sorted(parent):
        groups.setdefault(root(node), []).append(node)
    return list(groups.values())


def _cascade(group: list[SpreadArticle], links: list[Link], options: CascadeOptions) -> Cascade:
    def order(article: SpreadArticle) -> tuple[bool, datetime, int]:
        moment = published_moment(article.published)
        return moment is None, moment or _EPOCH, article.id

    ordered = tuple(sorted(group, key=order))
    outlets = tuple(dict.fromkeys(a.outlet for a in ordered if a.outlet))
    languages = tuple(sorted({a.language for a in ordered if a.language}))
    return Cascade(ordered, tuple(links), outlets, languages, _coordinated(ordered, options))


def _coordinated(ordered: tuple[SpreadArticle, ...], options: CascadeOptions) -> bool:
    """Whether ``min_outlets`` outlets published it within any span of ``within_hours``."""
    timed = sorted(
        (moment, article.outlet)
        for article in ordered
        if article.outlet and (moment := published_moment(article.published)) is not None
    )
    outlets: Counter[str] = Counter()
    earliest = 0
    for moment, outlet in timed:
        outlets[outlet] += 1
        while (moment - timed[earliest][0]).total_seconds() > options.within_hours * 3600:
            leaving = timed[earliest][1]
            outlets[leaving] -= 1
            if not outlets[leaving]:
                del outlets[leaving]
            earliest += 1
        if len(outlets) >= options.min_outlets:
            return True
    return False
