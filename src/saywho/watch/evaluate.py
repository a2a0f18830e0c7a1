"""Evaluating watch rules against the store: each match becomes a ``NewAlert``.

An alert's key is its evidence, so evaluating again adds nothing: a statement is
its article's identity and its id within the article; a contradiction is its
actor, target and the polarities on either side (a new kind of disagreement is
a new alert); a search hit is the article (and statement) it found; a copy is
the tracked article's identity and the copy's; a burst is the identity of its
cascade's first article (one alert per cascade, when it first looks coordinated). A
``statements:`` rule reads only the statements stored since it last ran (its
progress is committed with its alerts); a new or edited rule starts from the
first statement, so it alerts on what is stored already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from saywho.config import CascadeOptions
from saywho.store.alerts import (
    COPY_KINDS,
    CopyMatch,
    CopyWatch,
    LinkedArticleRow,
    NewAlert,
    RuleProgress,
    StatementMatch,
)
from saywho.store.rows import CascadeFilter, CascadeRow, Contradiction, LedgerFilter, SearchHit
from saywho.store.store import Store
from saywho.watch.rules import (
    BurstsRule,
    ContradictionsRule,
    CopiesRule,
    Rule,
    SearchRule,
    StatementsRule,
    rule_digest,
)

PAGE = 500  # statements read per query and alerts stored per transaction
SEARCH_HITS = 200  # best hits a search rule looks at per cycle


def evaluate_rules(store: Store, rules: Sequence[Rule], sinks: Sequence[str]) -> dict[str, int]:
    """New alerts per rule name (each stored with one delivery row per sink)."""
    return {rule.name: evaluate_rule(store, rule, sinks) for rule in rules}


def evaluate_rule(store: Store, rule: Rule, sinks: Sequence[str]) -> int:
    if isinstance(rule, StatementsRule):
        return _evaluate_statements(store, rule, sinks)
    if isinstance(rule, ContradictionsRule):
        query = LedgerFilter(actor=rule.actor, target=rule.target, country=rule.country)
        found = [contradiction_alert(rule.name, c) for c in store.contradictions(query)]
        return store.record_alerts(found, sinks, None)
    if isinstance(rule, CopiesRule):
        return _evaluate_copies(store, rule, sinks)
    if isinstance(rule, BurstsRule):
        return _evaluate_bursts(store, rule, sinks)
    return _evaluate_search(store, rule, sinks)


def _evaluate_copies(store: Store, rule: CopiesRule, sinks: Sequence[str]) -> int:
    kinds = (rule.kind,) if rule.kind else COPY_KINDS
    watch = CopyWatch(rule.outlet_label, rule.outlet, rule.article, kinds)
    found = [copy_alert(rule.name, match) for match in store.copy_matches(watch)]
    return store.record_alerts(found, sinks, None)


def _evaluate_bursts(store: Store, rule: BurstsRule, sinks: Sequence[str]) -> int:
    cascades = store.cascades(CascadeOptions(rule.min_outlets, rule.within_hours))
    rows = store.cascade_rows(cascades, CascadeFilter(label=rule.outlet_label, coordinated=True))
    identities = store.article_identities([row.article_ids[0] for row in rows])
    found = [burst_alert(rule, row, identities[row.article_ids[0]]) for row in rows]
    return store.record_alerts(found, sinks, None)


def _evaluate_statements(store: Store, rule: StatementsRule, sinks: Sequence[str]) -> int:
    digest = rule_digest(rule)
    progress = store.rule_progress(rule.name)
    after = progress.last_statement_id if progress and progress.digest == digest else 0
    up_to = store.last_statement_id()
    added = 0
    while True:
        matches = store.statement_matches(rule.watch, after, up_to, PAGE)
        full = len(matches) == PAGE
        last = matches[-1].id if full else up_to
        alerts = [statement_alert(rule.name, match, rule.watch.about) for match in matches]
        added += store.record_alerts(alerts, sinks, RuleProgress(rule.name, digest, last))
        if not full:
            return added
        after = last


def _evaluate_search(store: Store, rule: SearchRule, sinks: Sequence[str]) -> int:
    hits = store.search(rule.query, limit=SEARCH_HITS, highlight=("", ""))
    return store.record_alerts([search_alert(rule, hit) for hit in hits], sinks, None)


def statement_alert(rule: str, match: StatementMatch, about: str | None) -> NewAlert:
    speaker = match.speaker_entity or match.speaker or "someone"
    toward = f" on {about}" if about else ""
    stance = f" ({match.polarity})" if match.polarity else ""
    payload: dict[str, Any] = {
        "statement": {
            "id": match.id,
            "local_id": match.local_id,
            "speaker": match.speaker,
            "speaker_entity": match.speaker_entity,
            "content": match.content,
            "act": match.act,
            "medium": match.medium,
            "target": about,
            "polarity": match.polarity,
        },
        "article": _article(match.identity, match.url, match.title, match.outlet, match.published),
    }
    return NewAlert(
        rule=rule,
        key=f"statement:{match.identity}#{match.local_id}",
        kind="statements",
        title=f"{speaker}{toward}{stance}: {_short(match.content)}",
        payload=payload,
    )


def contradiction_alert(rule: str, found: Contradiction) -> NewAlert:
    declared = ",".join(sorted(p for p, n in found.declared.items() if n))
    expressed = ",".join(sorted(p for p, n in found.expressed.items() if n))
    payload: dict[str, Any] = {
        "contradiction": {
            "actor": found.actor,
            "target": found.target,
            "declared": found.declared,
            "expressed": found.expressed,
            "strength": found.strength,
            "declarations": [e.statement_id for e in found.declarations],
            "expressions": [e.statement_id for e in found.expressions],
            "first_published": found.first_published,
            "last_published": found.last_published,
        }
    }
    return NewAlert(
        rule=rule,
        key=f"contradiction:{found.actor}|{found.target}|{declared}|{expressed}",
        kind="contradictions",
        title=f"{found.actor} declares {declared or 'nothing'} toward {found.target} "
        f"and expresses {expressed or 'nothing'}",
        payload=payload,
    )


def search_alert(rule: SearchRule, hit: SearchHit) -> NewAlert:
    payload: dict[str, Any] = {
        "search": {"query": rule.query, "kind": hit.kind, "snippet": hit.snippet},
        "article": _article(None, hit.url, hit.title, hit.outlet, hit.published),
        "statement_id": hit.statement_id,
        "article_id": hit.article_id,
    }
    statement = f"/{hit.statement_id}" if hit.statement_id is not None else ""
    return NewAlert(
        rule=rule.name,
        key=f"search:{hit.kind}:{hit.article_id}{statement}",
        kind="search",
        title=f"{rule.query!r} in {hit.title or hit.url or f'article {hit.article_id}'}",
        payload=payload,
    )


def copy_alert(rule: str, match: CopyMatch) -> NewAlert:
    original, copy = match.original, match.copy
    payload: dict[str, Any] = {
        "link": {"kind": match.kind, "overlap": match.overlap, "similarity": match.similarity},
        "original": _linked(original),
        "article": _linked(copy),
    }
    language = f" ({copy.language})" if match.kind == "translation" and copy.language else ""
    return NewAlert(
        rule=rule,
        key=f"copy:{original.identity}|{copy.identity}",
        kind="copies",
        title=f"{match.kind}{language} in {copy.outlet or copy.url or copy.identity} of "
        f"{original.outlet or 'a tracked outlet'}: {_short(original.title or original.identity)}",
        payload=payload,
    )


def burst_alert(rule: BurstsRule, row: CascadeRow, identity: str) -> NewAlert:
    payload: dict[str, Any] = {
        "burst": {
            "min_outlets": rule.min_outlets,
            "within_hours": rule.within_hours,
            "first_identity": identity,
            **asdict(row),
        }
    }
    return NewAlert(
        rule=rule.name,
        key=f"burst:{identity}",
        kind="bursts",
        title=f"{row.outlets} outlets carry {_short(row.title)!r} "
        f"(at least {rule.min_outlets} within {rule.within_hours:g} h)",
        payload=payload,
    )


def _linked(article: LinkedArticleRow) -> dict[str, Any]:
    found = _article(
        article.identity, article.url, article.title, article.outlet, article.published
    )
    return {**found, "language": article.language}


def _article(
    identity: str | None, url: str | None, title: str | None, outlet: str | None, when: str | None
) -> dict[str, Any]:
    return {"identity": identity, "url": url, "title": title, "outlet": outlet, "published": when}


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
