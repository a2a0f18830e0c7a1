"""The knowledge base of actors: canonical names, aliases, roles, allegiance.

It is a small YAML file shipped in the package (``saywho/data/actors.yaml``)
that users extend with their own files. Lookups are by a normalized form
(lower case, no leading article, no possessive), so "the Kremlin", "Kremlin"
and "Kremlin's" all find Russia.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml

from saywho.model import ActorType, ConfigError

ACTOR_TYPES: frozenset[str] = frozenset({"person", "state", "organisation", "media", "group"})
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(['’]s?)$")


def normalize_name(text: str) -> str:
    """The lookup form of a name: case, spacing, articles and possessives ignored."""
    text = " ".join(text.split())
    text = _LEADING_ARTICLE.sub("", text)
    text = _POSSESSIVE.sub("", text)
    return text.lower().strip()


@dataclass(frozen=True)
class Actor:
    name: str
    type: ActorType
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    speaks_for: str | None = None

    def surface_forms(self) -> Iterator[str]:
        yield self.name
        yield from self.aliases
        yield from self.roles
        yield from self.demonyms


@dataclass
class KnowledgeBase:
    actors: dict[str, Actor] = field(default_factory=dict)
    _by_form: dict[str, str] = field(default_factory=dict)

    def add(self, actor: Actor) -> None:
        """Add an actor; one with the same name replaces the earlier entry."""
        replaced = self.actors.get(actor.name)
        self.actors[actor.name] = actor
        if replaced is not None:
            # Forms the old entry had may be gone from the new one.
            self._by_form = {
                normalize_name(form): known.name
                for known in self.actors.values()
                for form in known.surface_forms()
            }
        else:
            for form in actor.surface_forms():
                self._by_form[normalize_name(form)] = actor.name

    def lookup(self, text: str) -> Actor | None:
        name = self._by_form.get(normalize_name(text))
        return self.actors[name] if name else None

    def surface_forms(self) -> dict[str, str]:
        """Every normalized form the knowledge base knows, to its canonical name."""
        return dict(self._by_form)

    def state_of(self, name: str) -> str | None:
        """The state an actor's statements also count for, if any."""
        actor = self.actors.get(name)
        return actor.speaks_for if actor else None


def _actor_from_entry(entry: Any, origin: str) -> Actor:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ConfigError(f"{origin}: each entry needs a 'name' string, got {entry!r:.80}")
    actor_type = entry.get("type", "organisation")
    if actor_type not in ACTOR_TYPES:
        raise ConfigError(
            f"{origin}: {entry['name']}: type must be one of {sorted(ACTOR_TYPES)}, "
            f"got {actor_type!r}"
        )
    speaks_for = entry.get("speaks_for")
    # A company or outlet speaks for a state only when declared state-controlled.
    if actor_type in ("organisation", "media") and not entry.get("state_controlled"):
        speaks_for = None

    def strings(key: str) -> tuple[str, ...]:
        values = entry.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError(f"{origin}: {entry['name']}: '{key}' must be a list of strings")
        return tuple(values)

    return Actor(
        name=entry["name"],
        type=cast(ActorType, actor_type),
        aliases=strings("aliases"),
        roles=strings("roles"),
        demonyms=strings("demonyms"),
        speaks_for=speaks_for if isinstance(speaks_for, str) else None,
    )


def _parse(text: str, origin: str) -> list[Actor]:
    try:
        entries = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{origin}: not valid YAML: {error}".splitlines()[0]) from error
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ConfigError(f"{origin}: expected a list of actors")
    return [_actor_from_entry(entry, origin) for entry in entries]


def load_knowledge_base(extra_files: Iterable[Path] = ()) -> KnowledgeBase:
    """The shipped actors, then each user file in order (later entries win)."""
    kb = KnowledgeBase()
    shipped = resources.files("saywho").joinpath("data/actors.yaml").read_text("utf-8")
    for actor in _parse(shipped, "saywho/data/actors.yaml"):
        kb.add(actor)
    for path in extra_files:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: cannot read knowledge base: {error}") from error
        for actor in _parse(text, str(path)):
            kb.add(actor)
    return kb
