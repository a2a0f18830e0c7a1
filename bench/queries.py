"""Query latency of the store: ledger, statements and search, median and p95.

    python bench/queries.py --db saywho.db                 # a real corpus (e.g. PolNeAR)
    python bench/queries.py --synthetic bench/out/synthetic.db [--statements 1000000]

``--synthetic`` first builds (or reuses) a corpus of the documented shape
through ``Store.save_article``, the same write path as ``saywho ingest``:

* 40,000 articles over five years (2020-01-01 to 2024-12-31, uniform), 25
  statements each (1,000,000 statements at the default scale);
* 200 outlets (popularity Zipf s=1.0), 20 of them labelled state-affiliated with a country;
* 2,000 actors: 50 states, 1,950 people, a third of whom speak for a state;
  speakers drawn Zipf s=1.1, so a few actors say much and most say little;
* 500 targets (people), drawn Zipf s=1.1; one or two targets per statement;
* acts: 5% denials of preference (declared evidence), the rest spread over the
  other acts; polarity 40% negative, 35% neutral, 25% positive;
* text: each statement is a sentence of 12-20 words from a 5,000-word
  vocabulary (Zipf s=1.0) with its speaker and targets by name; an article is
  its statements' sentences, so full-text search has realistic term spread.

Each query family runs a fixed mix of queries (seeded); every query is timed
alone on a warm database (the page cache holds it after a first pass), in this
process, through the ``Store`` methods the CLI and the web app call.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from saywho.ledger import build_ledger
from saywho.model import Article, Document, Entity, Span, Speaker, Stance, Statement
from saywho.store import LedgerFilter, SearchFilter, StatementFilter, Store
from saywho.store.rows import Provenance

SHAPE = {
    "articles": 40_000,
    "statements_per_article": 25,
    "outlets": 200,
    "labelled_outlets": 20,
    "actors": 2_000,
    "states": 50,
    "targets": 500,
    "vocabulary": 5_000,
    "first_day": "2020-01-01",
    "days": 5 * 365 + 1,
}
ACTS = ("claim", "accusation", "praise", "criticism", "prediction", "other")
POLARITIES = ("negative", "neutral", "positive")
SYNTHETIC_PROVENANCE = Provenance("synthetic", {"generator": "bench/queries.py"})
QUERIES_PER_KIND = 30


def zipf_weights(count: int, exponent: float) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


@dataclass
class World:
    outlets: list[str]
    states: list[str]
    people: list[str]
    speaks_for: dict[str, str]
    targets: list[str]
    vocabulary: list[str]


def make_world(rng: random.Random) -> World:
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "da", "fe", "gu", "ho"]

    def word(parts: int) -> str:
        return "".join(rng.choice(syllables) for _ in range(parts))

    vocabulary = list(
        dict.fromkeys(word(rng.randint(2, 4)) for _ in range(SHAPE["vocabulary"] * 2))
    )
    vocabulary = vocabulary[: SHAPE["vocabulary"]]
    states = [f"State {word(2).title()}{index}" for index in range(SHAPE["states"])]
    people = [
        f"{word(2).title()} {word(3).title()}{index}"
        for index in range(SHAPE["actors"] - SHAPE["states"])
    ]
    speaks_for = {person: rng.choice(states) for person in people if rng.random() < 1 / 3}
    targets = people[: SHAPE["targets"]]
    outlets = [f"outlet{index}.example" for index in range(SHAPE["outlets"])]
    return World(outlets, states, people, speaks_for, targets, vocabulary)


def synthetic_article(world: World, rng: random.Random, number: int, statements: int) -> Article:
    first_day = date.fromisoformat(SHAPE["first_day"])
    published = (first_day + timedelta(days=rng.randrange(SHAPE["days"]))).isoformat()
    outlet = rng.choices(world.outlets, weights=OUTLET_WEIGHTS)[0]
    speakers = rng.choices(world.states + world.people, weights=ACTOR_WEIGHTS, k=statements)
    text_parts: list[str] = []
    position = 0
    entities: dict[str, Entity] = {}
    made: list[Statement] = []

    def mention(name: str, start: int) -> Span:
        entity = entities.get(name)
        if entity is None:
            is_state = name.startswith("State ")
            entity = entities[name] = Entity(
                name=name,
                type="GPE" if is_state else "PERSON",
                actor_type="state" if is_state else "person",
                speaks_for=world.speaks_for.get(name),
                in_knowledge_base=True,
            )
        span = Span(start, start + len(name), name)
        entity.mentions.append(span)
        return span

    for index, speaker in enumerate(speakers, start=1):
        targets = [
            target
            for target in dict.fromkeys(
                rng.choices(world.targets, weights=TARGET_WEIGHTS, k=rng.choice((1, 1, 2)))
            )
            if target != speaker
        ] or [world.targets[-1]]
        declared = rng.random() < 0.05
        act = "denial" if declared else rng.choice(ACTS)
        words = rng.choices(world.vocabulary, weights=WORD_WEIGHTS, k=rng.randint(12, 20))
        if declared:
            content = f"there is no preference between {' and '.join(targets)} " + " ".join(words)
        else:
            content = f"{' and '.join(targets)} " + " ".join(words)
        sentence_start = position
        speaker_span = mention(speaker, sentence_start)
        cue_start = speaker_span.end + 1
        content_start = cue_start + len("said that ")
        sentence = f"{speaker} said that {content}."
        for target in targets:
            offset = content.find(target)
            mention(target, content_start + offset)
        made.append(
            Statement(
                id=f"s{index}",
                speaker=Speaker(speaker_span.start, speaker_span.end, speaker, speaker),
                cue=Span(cue_start, cue_start + 4, "said"),
                content=[Span(content_start, content_start + len(content), content)],
                kind="indirect",
                act=act,  # type: ignore[arg-type]
                confidence=round(rng.uniform(0.4, 0.95), 2),
                stances=[
                    Stance(
                        target,
                        "neutral" if declared else rng.choices(POLARITIES, (40, 35, 25))[0],  # type: ignore[arg-type]
                        round(rng.uniform(0.5, 0.95), 2),
                    )
                    for target in targets
                ],
            )
        )
        text_parts.append(sentence)
        position += len(sentence) + 1
    text = " ".join(text_parts)
    document = Document(
        source=f"synthetic#{number}",
        text=text,
        url=f"https://{outlet}/news/{number}",
        outlet=outlet,
        title=" ".join(rng.choices(world.vocabulary, weights=WORD_WEIGHTS, k=8)).capitalize(),
        published=published,
        language="en",
    )
    return Article(
        document=document,
        entities=list(entities.values()),
        statements=made,
        ledger=build_ledger(made, entities),
    )


OUTLET_WEIGHTS = zipf_weights(SHAPE["outlets"], 1.0)
ACTOR_WEIGHTS = zipf_weights(SHAPE["actors"], 1.1)
TARGET_WEIGHTS = zipf_weights(SHAPE["targets"], 1.1)
WORD_WEIGHTS = zipf_weights(SHAPE["vocabulary"], 1.0)


def build_synthetic(path: Path, statements: int, seed: int = 5) -> dict[str, Any]:
    """Create the synthetic database (reused when it exists with the same shape).

    A build that was interrupted (no metadata file yet) is resumed where it
    stopped: each article is one transaction, so the stored articles are whole;
    the generator is replayed over them (cheap beside storing them) and its
    last one is compared with the stored one, so a database of another seed or
    shape is rebuilt, not extended.
    """
    meta_path = path.with_suffix(".json")
    per_article = SHAPE["statements_per_article"]
    articles = max(1, statements // per_article)
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("statements") == articles * per_article and meta.get("seed") == seed:
            return dict(meta)
    rng = random.Random(seed)
    world = make_world(rng)
    done = _resumable(path, world, rng, per_article) if path.exists() else 0
    if not done:
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        rng = random.Random(seed)
        world = make_world(rng)
    started = time.perf_counter()
    with Store(path) as store:
        if not done:
            for index, outlet in enumerate(world.outlets[: SHAPE["labelled_outlets"]]):
                store.apply_outlet_labels(
                    outlet, None, world.states[index % len(world.states)], ["state-affiliated"]
                )
        for number in range(done, articles):
            store.save_article(
                synthetic_article(world, rng, number, per_article), SYNTHETIC_PROVENANCE
            )
            if number % 2000 == 0:
                print(f"  {number:,} / {articles:,} articles", file=sys.stderr)
        store.connection().execute("PRAGMA optimize")
        store.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    meta = {
        "seed": seed,
        "articles": articles,
        "statements": articles * per_article,
        "resumed_at_article": done,
        "build_seconds": round(time.perf_counter() - started, 1),
        "size_mb": round(path.stat().st_size / 2**20, 1),
        "states": world.states[:5],
        "shape": SHAPE,
    }
    meta_path.write_text(json.dumps(meta, indent=2))
    return meta


def _resumable(path: Path, world: World, rng: random.Random, per_article: int) -> int:
    """How many articles an interrupted build of this seed stored (0: start afresh),
    with ``rng`` advanced past them."""
    with Store.existing(path) as store:
        stored = store.counts().articles
        last = (
            store.connection()
            .execute("SELECT text FROM articles WHERE source = ?", (f"synthetic#{stored - 1}",))
            .fetchone()
        )
    if not stored or last is None:
        return 0
    print(f"  resuming an interrupted build after {stored:,} articles", file=sys.stderr)
    for number in range(stored):
        article = synthetic_article(world, rng, number, per_article)
    return stored if article.document.text == last[0] else 0


# --- the query mix -----------------------------------------------------------------------


Query = Callable[[Store], object]


def query_mix(store: Store, rng: random.Random) -> dict[str, list[Query]]:
    """Queries a reader of the ledger asks, with actors and targets drawn from the store."""
    db = store.connection()
    actors = [
        row[0]
        for row in db.execute(
            "SELECT actor FROM evidence GROUP BY actor ORDER BY COUNT(*) DESC LIMIT 200"
        )
    ]
    targets = [
        row[0]
        for row in db.execute(
            "SELECT target FROM evidence GROUP BY target ORDER BY COUNT(*) DESC LIMIT 200"
        )
    ]
    pairs = db.execute(
        "SELECT actor, target FROM evidence GROUP BY actor, target ORDER BY COUNT(*) DESC LIMIT 200"
    ).fetchall()
    countries = [
        row[0]
        for row in db.execute(
            "SELECT country FROM actors WHERE country IS NOT NULL GROUP BY country "
            "ORDER BY COUNT(*) DESC LIMIT 20"
        )
    ]
    first, last = db.execute("SELECT MIN(published), MAX(published) FROM articles").fetchone()
    speakers = [
        row[0]
        for row in db.execute(
            "SELECT speaker_entity FROM statements WHERE speaker_entity IS NOT NULL "
            "GROUP BY speaker_entity ORDER BY COUNT(*) DESC LIMIT 200"
        )
    ]
    words = _search_words(db)
    label = db.execute("SELECT label FROM outlet_labels LIMIT 1").fetchone()

    def pick(values: Sequence[Any]) -> Any:
        # Half the time one of the ten largest, else any of the top 200: big and small answers.
        return rng.choice(values[:10]) if rng.random() < 0.5 else rng.choice(values)

    def window() -> tuple[str | None, str | None]:
        if not first:
            return None, None
        start = date.fromisoformat(first[:10])
        span = max(1, (date.fromisoformat(last[:10]) - start).days)
        since = start + timedelta(days=rng.randrange(span))
        return since.isoformat(), (since + timedelta(days=90)).isoformat()

    mix: dict[str, list[Query]] = {
        "ledger": [],
        "statements": [],
        "search": [],
    }
    for _ in range(QUERIES_PER_KIND):
        actor, target = pick(actors), pick(targets)
        pair = pick(pairs)
        since, until = window()
        country = rng.choice(countries) if countries else None
        mix["ledger"] += [
            lambda s: s.ledger(),
            lambda s, a=actor: s.ledger(LedgerFilter(actor=a)),
            lambda s, t=target: s.ledger(LedgerFilter(target=t)),
            lambda s, p=pair: s.ledger(LedgerFilter(actor=p[0], target=p[1])),
            lambda s, a=actor, f=since, u=until: s.ledger(LedgerFilter(actor=a, since=f, until=u)),
            lambda s, c=country: s.ledger(LedgerFilter(country=c)),
            lambda s, a=actor: s.ledger(LedgerFilter(actor=a, min_confidence=0.8)),
        ]
        if label:
            mix["ledger"].append(
                lambda s, a=actor, tag=label[0]: s.ledger(LedgerFilter(actor=a, label=tag))
            )
        speaker = pick(speakers)
        mix["statements"] += [
            lambda s: s.statements(),
            lambda s, x=speaker: s.statements(StatementFilter(speaker=x)),
            lambda s, t=target: s.statements(StatementFilter(about=t)),
            lambda s, f=since, u=until: s.statements(StatementFilter(since=f, until=u)),
            lambda s: s.statements(StatementFilter(act="denial")),
        ]
        common, middle, rare = rng.choice(words[0]), rng.choice(words[1]), rng.choice(words[2])
        mix["search"] += [
            lambda s, w=common: s.search(w),
            lambda s, w=middle: s.search(w),
            lambda s, w=rare: s.search(w),
            lambda s, a=middle, b=rare: s.search(f"{a} {b}"),
            lambda s, a=common, b=middle: s.search(f'"{a} {b}"'),
            lambda s, x=speaker: s.search(x),
            lambda s, w=middle: s.search(w, SearchFilter(scope="statements")),
        ]
    return mix


def _search_words(db: Any) -> tuple[list[str], list[str], list[str]]:
    """Common, middling and rare words of the statements (from the FTS vocabulary)."""
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_vocabulary "
        "USING fts5vocab(main, 'statements_fts', 'row')"
    )
    rows = db.execute(
        "SELECT term FROM temp.bench_vocabulary WHERE length(term) > 3 ORDER BY doc DESC"
    ).fetchall()
    terms = [row[0] for row in rows if not row[0].isdigit()]
    if len(terms) < 30:
        return terms or ["said"], terms or ["said"], terms or ["said"]
    third = len(terms) // 3
    return terms[:10], terms[third : third + 50], terms[-200:]


def time_queries(store: Store, mix: dict[str, list[Query]]) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for family, queries in mix.items():
        for query in queries:  # warm the page cache
            query(store)
        timings = []
        for query in queries:
            started = time.perf_counter()
            query(store)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        results[family] = {
            "queries": len(timings),
            "median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
            "max_ms": round(timings[-1], 2),
        }
    return results


def time_each_kind(store: Store, mix: dict[str, list[Query]]) -> dict[str, dict[str, float]]:
    """Per query shape (the i-th lambda of each round), to show which shapes are slow."""
    shapes: dict[str, list[float]] = {}
    for family, queries in mix.items():
        per_round = len(queries) // QUERIES_PER_KIND
        for index, query in enumerate(queries):
            started = time.perf_counter()
            query(store)
            shapes.setdefault(f"{family}[{index % per_round}]", []).append(
                (time.perf_counter() - started) * 1000
            )
    return {
        shape: {
            "median_ms": round(statistics.median(values), 2),
            "p95_ms": round(sorted(values)[int(0.95 * (len(values) - 1))], 2),
        }
        for shape, values in shapes.items()
    }


SHAPE_NAMES = {
    "ledger": [
        "unfiltered (first page)",
        "--actor",
        "--target",
        "--actor --target",
        "--actor --since --until (90 days)",
        "--country",
        "--actor --min-confidence 0.8",
        "--actor --label",
    ],
    "statements": ["unfiltered", "--speaker", "--about", "--since --until", "--act denial"],
    "search": [
        "common word",
        "middling word",
        "rare word",
        "two words",
        "phrase",
        "speaker name",
        "middling word, statements only",
    ],
}


def measure(db_path: Path, seed: int = 7) -> dict[str, Any]:
    with Store.existing(db_path) as store:
        counts = store.counts()
        mix = query_mix(store, random.Random(seed))
        families = time_queries(store, mix)
        shapes = time_each_kind(store, mix)
    named = {}
    for shape, values in shapes.items():
        family, index = shape.rstrip("]").split("[")
        named[f"{family} {SHAPE_NAMES[family][int(index)]}"] = values
    return {
        "db": str(db_path),
        "size_mb": round(db_path.stat().st_size / 2**20, 1),
        "counts": counts.__dict__,
        "families": families,
        "shapes": named,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing saywho database to query")
    parser.add_argument("--synthetic", type=Path, help="build (or reuse) the synthetic corpus here")
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    reports = []
    if args.synthetic:
        meta = build_synthetic(args.synthetic, args.statements)
        print(f"synthetic corpus: {json.dumps(meta)}", file=sys.stderr)
        reports.append({"corpus": "synthetic", "build": meta, **measure(args.synthetic)})
    if args.db:
        reports.append({"corpus": args.db.stem, **measure(args.db)})
    if not reports:
        parser.error("give --db, --synthetic or both")
    text = json.dumps(reports, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
