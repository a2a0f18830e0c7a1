"""Watch rules: a YAML list, read into frozen dataclasses or refused with a clear error.

```yaml
- name: russia-on-trump
  statements: {country: Russia, about: Donald Trump}   # speaker, outlet_label, stance, act, medium
- name: declared-vs-said
  contradictions: {country: Russia}                    # actor, country, target
- name: sanctions
  search: "sanctions"
- name: state-media-copied
  copies: {outlet_label: state-media}                  # outlet, article (URL), kind
- name: bursts
  bursts: {min_outlets: 4, within: 1h}                 # outlet_label
```

``copies`` and ``bursts`` read the spread links (``saywho.spread``), which the
cycle updates for new articles only when a rule of these types is present.

Every error names the file, the line and the rule. Values are taken as written
(``country: no`` is the text "no"); stances, acts and media must be values of
the vocabularies of ``saywho.model``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import get_args

import yaml

from saywho.config import DEFAULT_CASCADE_OPTIONS
from saywho.model import Act, ConfigError, Medium, Polarity
from saywho.store.alerts import StatementWatch

RULE_TYPES = ("statements", "contradictions", "search", "copies", "bursts")
SPREAD_RULE_TYPES = ("copies", "bursts")
STATEMENT_KEYS = ("speaker", "country", "outlet_label", "about", "stance", "act", "medium")
STATEMENT_SPEAKERS = ("speaker", "country", "outlet_label")
CONTRADICTION_KEYS = ("actor", "country", "target")
COPY_KEYS = ("outlet_label", "outlet", "article", "kind")
COPY_TRACKED = ("outlet_label", "outlet", "article")
COPY_KINDS = ("copy", "translation")
BURST_KEYS = ("min_outlets", "within", "outlet_label")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "stance": get_args(Polarity),
    "act": get_args(Act),
    "medium": get_args(Medium),
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_NULL_TAG = "tag:yaml.org,2002:null"


class RuleError(ConfigError):
    """A rules file saywho cannot use, with the file, line and rule in its message."""


@dataclass(frozen=True)
class StatementsRule:
    name: str
    watch: StatementWatch


@dataclass(frozen=True)
class ContradictionsRule:
    name: str
    actor: str | None = None
    country: str | None = None
    target: str | None = None


@dataclass(frozen=True)
class SearchRule:
    name: str
    query: str


@dataclass(frozen=True)
class CopiesRule:
    """A new copy or translation of an article tracked by outlet label, outlet (domain or
    name) or the article itself (URL or identity): all given must hold."""

    name: str
    outlet_label: str | None = None
    outlet: str | None = None
    article: str | None = None
    kind: str | None = None  # copy or translation; None: both


@dataclass(frozen=True)
class BurstsRule:
    """A cascade that becomes coordinated: ``min_outlets`` outlets within ``within_hours``."""

    name: str
    min_outlets: int = DEFAULT_CASCADE_OPTIONS.min_outlets
    within_hours: float = DEFAULT_CASCADE_OPTIONS.within_hours
    outlet_label: str | None = None  # a cascade with an outlet of this label


Rule = StatementsRule | ContradictionsRule | SearchRule | CopiesRule | BurstsRule
_TYPES: dict[type, str] = {
    StatementsRule: "statements",
    ContradictionsRule: "contradictions",
    SearchRule: "search",
    CopiesRule: "copies",
    BurstsRule: "bursts",
}


def rule_type(rule: Rule) -> str:
    return _TYPES[type(rule)]


def needs_spread(rule: Rule) -> bool:
    """Whether the rule reads spread links (so the cycle must link new articles first)."""
    return rule_type(rule) in SPREAD_RULE_TYPES


def duration_seconds(text: str) -> float | None:
    """``90``, ``30s``, ``15m``, ``2h`` or ``1d`` in seconds; None if it is none of these."""
    match = DURATION.match(text.strip())
    if match is None:
        return None
    return float(match.group(1)) * _UNITS[match.group(2)]


def rule_digest(rule: Rule) -> str:
    """A digest of what the rule asks: an edited rule is evaluated again from the start."""
    text = json.dumps([rule_type(rule), asdict(rule)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_rules(path: Path) -> list[Rule]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(f"{path}: cannot read the rules file: {error}") from error
    return parse_rules(text, str(path))


def parse_rules(text: str, source: str = "<rules>") -> list[Rule]:
    """The rules of a YAML text, in order; RuleError for the first thing wrong."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise RuleError(f"{source}{where}: not valid YAML: {problem}") from error
    if root is None:
        raise RuleError(f"{source}: no rules (expected a list of `- name: ...` entries)")
    if not isinstance(root, yaml.SequenceNode):
        raise _error(source, root, None, "the rules file must be a list of rules (- name: ...)")
    rules: list[Rule] = []
    names: set[str] = set()
    for number, node in enumerate(root.value, start=1):
        rule = _rule(source, node, number)
        if rule.name in names:
            raise _error(source, node, rule.name, "another rule has this name already")
        names.add(rule.name)
        rules.append(rule)
    if not rules:
        raise RuleError(f"{source}: no rules (the list is empty)")
    return rules


def _error(source: str, node: yaml.Node, rule: str | None, message: str) -> RuleError:
    where = f"{source}:{node.start_mark.line + 1}"
    return RuleError(f"{where}: rule {rule!r}: {message}" if rule else f"{where}: {message}")


def _mapping(
    source: str, node: yaml.Node, rule: str | None, what: str
) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A mapping's entries by key (key node, value node); duplicate or non-text keys refused."""
    if not isinstance(node, yaml.MappingNode):
        raise _error(source, node, rule, f"{what} must be a mapping (key: value)")
    entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _NULL_TAG:
            raise _error(source, key, rule, f"the keys of {what} must be words")
        if key.value in entries:
            raise _error(source, key, rule, f"{key.value!r} appears twice in {what}")
        entries[key.value] = (key, value)
    return entries


def _text(source: str, node: yaml.Node, rule: str | None, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL_TAG or not node.value.strip():
        raise _error(source, node, rule, f"{key!r} needs a text value")
    value: str = node.value.strip()
    return value


def _unknown(
    source: str,
    entries: dict[str, tuple[yaml.Node, yaml.Node]],
    allowed: tuple[str, ...],
    rule: str | None,
    what: str,
) -> None:
    for key, (key_node, _) in entries.items():
        if key not in allowed:
            raise _error(
                source,
                key_node,
                rule,
                f"unknown key {key!r} in {what} (known: {', '.join(allowed)})",
            )


def _rule(source: str, node: yaml.Node, number: int) -> Rule:
    entries = _mapping(source, node, None, f"rule {number}")
    if "name" not in entries:
        raise _error(source, node, None, f"rule {number} has no name (- name: ...)")
    name = _text(source, entries["name"][1], None, "name")
    if not _NAME.match(name):
        raise _error(
            source,
            entries["name"][1],
            name,
            "a name is letters, digits, '.', '_' and '-' (at most 100; a letter or digit first)",
        )
    _unknown(source, entries, ("name", *RULE_TYPES), name, "a rule")
    types = [key for key in RULE_TYPES if key in entries]
    if len(types) != 1:
        raise _error(
            source,
            node,
            name,
            f"a rule has exactly one of {', '.join(RULE_TYPES)} (found {len(types)})",
        )
    return _typed_rule(source, types[0], entries[types[0]][1], name)


def _typed_rule(source: str, kind: str, value: yaml.Node, name: str) -> Rule:
    if kind == "statements":
        return StatementsRule(name, _statement_watch(source, value, name))
    if kind == "contradictions":
        fields = _fields(source, value, name, "contradictions", CONTRADICTION_KEYS)
        return ContradictionsRule(name, **fields)
    if kind == "copies":
        return _copies(source, value, name)
    if kind == "bursts":
        return _bursts(source, value, name)
    return SearchRule(name, _text(source, value, name, "search"))


def _fields(
    source: str,
    node: yaml.Node,
    rule: str,
    what: str,
    allowed: tuple[str, ...],
    vocabularies: dict[str, tuple[str, ...]] = VOCABULARIES,
) -> dict[str, str]:
    entries = _mapping(source, node, rule, what)
    _unknown(source, entries, allowed, rule, what)
    fields = {key: _text(source, value, rule, key) for key, (_, value) in entries.items()}
    for key, vocabulary in vocabularies.items():
        if key in fields and fields[key] not in vocabulary:
            raise _error(
                source,
                entries[key][1],
                rule,
                f"{key} {fields[key]!r} is not one of {', '.join(vocabulary)}",
            )
    return fields


def _statement_watch(source: str, node: yaml.Node, rule: str) -> StatementWatch:
    fields = _fields(source, node, rule, "statements", STATEMENT_KEYS)
    if not any(key in fields for key in STATEMENT_SPEAKERS):
        raise _error(
            source,
            node,
            rule,
            f"statements needs a speaker: one of {', '.join(STATEMENT_SPEAKERS)}",
        )
    label = fields.pop("outlet_label", None)
    return StatementWatch(label=label, **fields)


def _copies(source: str, node: yaml.Node, rule: str) -> CopiesRule:
    fields = _fields(source, node, rule, "copies", COPY_KEYS, {"kind": COPY_KINDS})
    if not any(key in fields for key in COPY_TRACKED):
        raise _error(
            source,
            node,
            rule,
            f"copies needs the tracked articles: one or more of {', '.join(COPY_TRACKED)}",
        )
    return CopiesRule(rule, **fields)


def _bursts(source: str, node: yaml.Node, rule: str) -> BurstsRule:
    entries = _mapping(source, node, rule, "bursts")
    fields = _fields(source, node, rule, "bursts", BURST_KEYS)
    found = BurstsRule(rule, outlet_label=fields.get("outlet_label"))
    if "min_outlets" in fields:
        text = fields["min_outlets"]
        if not text.isdigit() or int(text) < 1:
            raise _error(source, entries["min_outlets"][1], rule, "min_outlets must be 1 or more")
        found = replace(found, min_outlets=int(text))
    if "within" in fields:
        seconds = duration_seconds(fields["within"])
        if seconds is None or seconds <= 0:
            raise _error(
                source,
                entries["within"][1],
                rule,
                f"within {fields['within']!r}: give a duration such as 90s, 30m, 1h or 2d",
            )
        found = replace(found, within_hours=seconds / 3600)
    return found
