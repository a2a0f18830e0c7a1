"""A user's labels file: outlets (name, country, labels) and extra actors.

YAML::

    outlets:
      - domain: rt.com
        name: RT
        country: Russia
        labels: [state-affiliated]
    actors:            # knowledge-base entries (see saywho/data/actors.yaml), plus country
      - name: Margarita Simonyan
        type: person
        roles: [RT editor-in-chief]
        country: Russia

CSV (outlets only), with a header: ``domain,name,country,labels`` where labels
are separated by ``;``.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from saywho.model import ConfigError
from saywho.store.store import Store


@dataclass(frozen=True)
class OutletLabels:
    domain: str
    name: str | None
    country: str | None
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Labels:
    outlets: tuple[OutletLabels, ...]
    # Knowledge-base entries as written, for the analysis; ``country`` read from them.
    actors: tuple[dict[str, Any], ...]


def load_labels(path: Path) -> Labels:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the labels file: {error}") from error
    if path.suffix.lower() == ".csv":
        return Labels(_outlets_from_csv(text, path), ())
    return _labels_from_yaml(text, path)


def _outlets_from_csv(text: str, path: Path) -> tuple[OutletLabels, ...]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "domain" not in reader.fieldnames:
        raise ConfigError(f"{path}: a labels CSV needs a header with a 'domain' column")
    outlets = []
    for line, row in enumerate(reader, start=2):
        domain = (row.get("domain") or "").strip()
        if not domain:
            raise ConfigError(f"{path}:{line}: empty domain")
        labels = tuple(label.strip() for label in (row.get("labels") or "").split(";"))
        outlets.append(
            OutletLabels(
                domain=domain.lower(),
                name=(row.get("name") or "").strip() or None,
                country=(row.get("country") or "").strip() or None,
                labels=tuple(label for label in labels if label),
            )
        )
    return tuple(outlets)


def _labels_from_yaml(text: str, path: Path) -> Labels:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}".splitlines()[0]) from error
    if data is None:
        return Labels((), ())
    if not isinstance(data, dict) or not set(data) <= {"outlets", "actors"}:
        raise ConfigError(f"{path}: expected a mapping with 'outlets' and/or 'actors' lists")
    outlets = tuple(_outlet_from_yaml(entry, path) for entry in _list(data, "outlets", path))
    actors = tuple(_list(data, "actors", path))
    for actor in actors:
        if not isinstance(actor, dict) or not isinstance(actor.get("name"), str):
            raise ConfigError(f"{path}: each actor needs a 'name' string, got {actor!r:.80}")
    return Labels(outlets, actors)


def _list(data: dict[str, Any], key: str, path: Path) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ConfigError(f"{path}: '{key}' must be a list")
    return value


def _outlet_from_yaml(entry: Any, path: Path) -> OutletLabels:
    if not isinstance(entry, dict) or not isinstance(entry.get("domain"), str):
        raise ConfigError(f"{path}: each outlet needs a 'domain' string, got {entry!r:.80}")
    labels = entry.get("labels") or []
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise ConfigError(f"{path}: {entry['domain']}: 'labels' must be a list of strings")
    return OutletLabels(
        domain=entry["domain"].strip().lower(),
        name=_optional_string(entry, "name", path),
        country=_optional_string(entry, "country", path),
        labels=tuple(labels),
    )


def _optional_string(entry: dict[str, Any], key: str, path: Path) -> str | None:
    value = entry.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ConfigError(f"{path}: '{key}' must be a string, got {value!r:.40}")


def apply_labels(store: Store, labels: Labels) -> None:
    """Write the outlets' names, countries and labels and the actors' countries to the store."""
    for outlet in labels.outlets:
        store.apply_outlet_labels(outlet.domain, outlet.name, outlet.country, outlet.labels)
    for actor in labels.actors:
        country = actor.get("country")
        if isinstance(country, str):
            store.apply_actor_country(actor["name"], str(actor.get("type", "unknown")), country)


@contextmanager
def knowledge_base_file(labels: Labels) -> Iterator[Path | None]:
    """The labels file's actors as a knowledge-base file for the pipeline (None if none).

    The pipeline reads knowledge bases from files (worker processes too), so the
    entries live in a temporary file for as long as the analysis runs; its
    content, and so the provenance digest, is the same on every run.
    """
    if not labels.actors:
        yield None
        return
    entries = [{k: v for k, v in actor.items() if k != "country"} for actor in labels.actors]
    with tempfile.TemporaryDirectory(prefix="saywho-labels-") as directory:
        path = Path(directory) / "actors.yaml"
        path.write_text(yaml.safe_dump(entries, sort_keys=True, allow_unicode=True), "utf-8")
        yield path
