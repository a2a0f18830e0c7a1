"""Web benchmark: latency of every `saywho serve` page and API route, 10 and 50 clients.

    python bench/serve.py [--synthetic bench/out/synthetic.db | --db DB] [--shared ../shared]
                          [--clients 10,50] [--requests 300] [--routes /ledger,/api/ledger]
                          [--out-dir bench/out]

``--synthetic PATH`` serves the 1M-statement corpus of ``bench/queries.py``
(built there first when it is missing: minutes); ``--db`` an existing
database; with neither, the database ``make bench-ingest`` builds, or the
PolNeAR articles ingested now into ``bench/out/serve-polnear.db``.

The server is the real ``saywho serve``, one process, on 127.0.0.1 at a free
port; the clients are threads here, each with its own keep-alive connection,
each sending its next request as soon as the last one is answered (no think
time), all load on loopback. Every GET route of the dashboard and the API is
requested from a seeded mix of URLs drawn from what the database holds:
``--requests`` requests per route after a short warm-up, once for each number
of clients in ``--clients``, in the same run and against the same server. Per
route and number of clients: requests per second, p50, p95 and max latency,
answers other than 200 (errors) and requests that got no answer at all
(dropped: connection refused, reset or timed out).

The server keeps each answer until the database changes (``saywho.web.cache``),
so most requests of a route whose mix has few distinct URLs are answered from
memory once each URL was asked. What a URL costs the first time is reported
apart, per route and number of clients: the latency of the first request of
each distinct URL (``cold``: its p50 and max, warm-up included, at whatever
load it met; the table shows the first number of clients').
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parent.parent
SEED = 6
WARMUP_PER_ROUTE = 30
REQUEST_TIMEOUT_S = 60
SEARCHES = [
    "Trump",
    "Clinton emails",
    '"Supreme Court"',
    "immigration OR border",
    "debate",
    "Sanders delegates",
    "tax*",
    "Russia",
    "NEAR(Trump wall)",
    "primary voters",
    "Obama said",
    "polls",
]
SEEDED_ALERTS = 2000


def ensure_database(args: argparse.Namespace) -> Path:
    """The database to serve: the synthetic corpus, the one given, bench-ingest's, or PolNeAR."""
    if args.synthetic is not None:
        sys.path.insert(0, str(REPO / "bench"))
        from queries import build_synthetic

        print(
            f"bench: synthetic corpus {args.synthetic} (built when missing: minutes)",
            file=sys.stderr,
        )
        build_synthetic(args.synthetic, 1_000_000)
        return Path(args.synthetic)
    if args.db is not None:
        if not args.db.is_file():
            raise SystemExit(f"{args.db}: no such database")
        return Path(args.db)
    reused = args.out_dir / "ingest-polnear.db"
    if reused.is_file():
        return Path(reused)
    return ingest_polnear(args.shared, args.out_dir)


def ingest_polnear(shared: Path, out_dir: Path) -> Path:
    built = out_dir / "serve-polnear.db"
    if built.is_file():
        return built
    sys.path.insert(0, str(REPO / "bench"))
    from ingest import polnear_records

    records = out_dir / "serve-polnear-records.jsonl"
    with records.open("w", encoding="utf-8") as handle:
        for record in polnear_records(shared, None):
            handle.write(json.dumps({k: v for k, v in record.items() if k != "source"}) + "\n")
    print(f"bench: ingesting PolNeAR into {built} (minutes) …", file=sys.stderr)
    command = [sys.executable, "-m", "saywho", "ingest", str(records), "--db", str(built)]
    subprocess.run([*command, "--workers", str(os.cpu_count() or 1)], check=True)
    return built


def seed_alerts(db: Path) -> int:
    """Give the alert pages something to list: synthetic alerts when the database has none."""
    from saywho.store import Store
    from saywho.store.alerts import NewAlert

    with Store.existing(db) as store:
        if store.alert_total():
            return store.alert_total()
        rows = store.statements(None, SEEDED_ALERTS, 0)
        alerts = [
            NewAlert(
                rule="bench",
                key=f"statement:{row.id}",
                kind="statements",
                title=f"{row.speaker}: {row.content[:80]}",
                payload={"article": {"outlet": row.outlet, "published": row.published}},
            )
            for row in rows
        ]
        return store.record_alerts(alerts, [], None)


@dataclass
class Sample:
    """What the URL mixes are drawn from: the database's own busiest values."""

    article_ids: list[int]
    outlets: list[str]
    pairs: list[tuple[str, str]]
    actors: list[str]
    targets: list[str]
    countries: list[str]
    speakers: list[str]
    words: list[str]
    first: str
    label: str | None
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))


def sample_database(db: Path) -> Sample:
    def column(sql: str) -> list[Any]:
        return [row[0] for row in connection.execute(sql)]

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        pairs = connection.execute(
            "SELECT actor, target FROM ledger_pairs ORDER BY evidence DESC LIMIT 20"
        ).fetchall()
        first = column("SELECT MIN(published) FROM articles WHERE published >= '2015'")[0]
        label = column("SELECT label FROM outlet_labels LIMIT 1")
        return Sample(
            article_ids=column("SELECT id FROM articles"),
            outlets=column(
                "SELECT o.domain FROM outlets o JOIN articles a ON a.outlet_id = o.id "
                "GROUP BY o.id ORDER BY COUNT(*) DESC LIMIT 5"
            ),
            pairs=[(actor, target) for actor, target in pairs],
            actors=[actor for actor, _ in pairs[:10]],
            targets=[target for _, target in pairs[:10]],
            countries=column(
                "SELECT country FROM actors WHERE country IS NOT NULL GROUP BY country "
                "ORDER BY COUNT(*) DESC LIMIT 5"
            ),
            speakers=column(
                "SELECT speaker_entity FROM statements WHERE speaker_entity IS NOT NULL "
                "AND id IN (SELECT id FROM statements ORDER BY random() LIMIT 5000) "
                "GROUP BY speaker_entity ORDER BY COUNT(*) DESC LIMIT 10"
            ),
            words=search_words(connection),
            first=(first or "2015-01-01")[:10],
            label=label[0] if label else None,
        )


def search_words(connection: sqlite3.Connection) -> list[str]:
    """PolNeAR's queries where the corpus has them, else common to rare words of its own."""
    hits = connection.execute(
        "SELECT COUNT(*) FROM statements_fts WHERE statements_fts MATCH 'Trump'"
    ).fetchone()[0]
    if hits:
        return SEARCHES
    connection.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_vocabulary "
        "USING fts5vocab(main, 'statements_fts', 'row')"
    )
    terms = [
        row[0]
        for row in connection.execute(
            "SELECT term FROM temp.bench_vocabulary WHERE length(term) > 3 ORDER BY doc DESC"
        )
    ]
    third = len(terms) // 3
    common, middle, rare = terms[:3], terms[third : third + 3], terms[-3:]
    return [*common, *middle, *rare, f'"{common[0]} {middle[0]}"', f"{rare[0]} OR {rare[1]}"]


def page_routes(s: Sample) -> dict[str, list[str]]:
    """The dashboard's pages: route → URLs."""
    filters = [
        "",
        "?min_confidence=0.6",
        f"?since={s.first}&until={s.first[:4]}-12-31",
        *(f"?country={quote(country)}" for country in s.countries[:2]),
        *(f"?outlet={quote(outlet)}" for outlet in s.outlets[:2]),
    ]
    cells = ["?" + urlencode({"cell_actor": a, "cell_target": t}) for a, t in s.pairs]
    names = [*s.actors, *s.targets]
    return {
        "/": ["/"],
        "/ledger": [f"/ledger{query}" for query in [*filters, *cells]],
        "/contradictions": [
            *(f"/contradictions{query}" for query in filters),
            "/contradictions?min_strength=0.5",
            *(f"/contradictions?actor={quote(actor)}" for actor in s.actors[:5]),
        ],
        "/articles": [f"/articles{query}" for query in ["", "?offset=500", *filters[2:]]],
        "/articles/{id}": [f"/articles/{i}" for i in s.rng.sample(s.article_ids, 200)],
        "/entities": ["/entities", "/entities?type=PERSON", "/entities?offset=100"],
        "/entities/{name}": [f"/entities/{quote(name, safe='')}" for name in names],
        "/spread": ["/spread", "/spread?coordinated=true"],
        "/search": [
            "/search?" + urlencode(params)
            for text in s.words
            for params in ({"q": text}, {"q": text, "in": "statements", "since": s.first})
        ],
        "/alerts": ["/alerts", "/alerts?offset=50"],
        "/alerts.atom": ["/alerts.atom"],
    }


def api_routes(s: Sample) -> dict[str, list[str]]:
    """The read API: route → URLs."""
    ledger = [
        "",
        "?min_confidence=0.6",
        f"?since={s.first}&until={s.first[:4]}-12-31",
        *(f"?country={quote(country)}" for country in s.countries[:2]),
        *(f"?actor={quote(actor)}" for actor in s.actors[:5]),
        *(f"?target={quote(target)}" for target in s.targets[:5]),
        "?group_by=outlet",
    ]
    statements = [
        "",
        *(f"?speaker={quote(speaker)}" for speaker in s.speakers[:5]),
        *(f"?about={quote(target)}" for target in s.targets[:5]),
        f"?since={s.first}&until={s.first[:4]}-03-31",
        "?act=denial",
    ]
    ids = s.rng.sample(s.article_ids, 200)
    return {
        "/api/overview": ["/api/overview"],
        "/api/articles": [f"/api/articles{q}" for q in ["", "?offset=500", ledger[2]]],
        "/api/articles/{id}": [f"/api/articles/{i}" for i in ids],
        "/api/articles/{id}/links": [f"/api/articles/{i}/links" for i in ids],
        "/api/cascades": ["/api/cascades", "/api/cascades?coordinated=true"],
        "/api/quotes": ["/api/quotes"],
        "/api/statements": [f"/api/statements{query}" for query in statements],
        "/api/stances": [f"/api/stances{query}" for query in statements],
        "/api/ledger": [f"/api/ledger{query}" for query in ledger],
        "/api/contradictions": [f"/api/contradictions{query}" for query in ledger[:10]],
        "/api/entities": ["/api/entities", "/api/entities?type=PERSON&offset=100"],
        "/api/outlets": ["/api/outlets", f"/api/outlets?label={quote(s.label or 'none')}"],
        "/api/search": [f"/api/search?{urlencode({'q': text})}" for text in s.words],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "saywho", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("saywho serve exited at start")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/api/overview")
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("saywho serve did not answer within 120 s")


@dataclass
class Outcome:
    """What one load of a route gave: latencies (s) of the answers, wall time, failures."""

    latencies: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)  # first request of each distinct URL
    wall: float = 0.0
    errors: int = 0  # answered, but not 200
    dropped: int = 0  # not answered: refused, reset, timed out
    statuses: dict[int, int] = field(default_factory=dict)


def load(port: int, urls: Sequence[str], clients: int, seen: set[str]) -> Outcome:
    """Request every URL once, ``clients`` at a time, each client on its own connection;
    ``seen`` (the URLs asked before) gains these, and first requests count as cold."""
    outcome = Outcome()
    lock = threading.Lock()
    cursor = iter(range(len(urls)))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
        while (index := _next(cursor, lock)) is not None:
            started = time.perf_counter()
            try:
                connection.request("GET", urls[index])
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()  # reconnects on the next request
                with lock:
                    outcome.dropped += 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                outcome.latencies.append(elapsed)
                if urls[index] not in seen:
                    seen.add(urls[index])
                    outcome.cold.append(elapsed)
                if response.status != 200:
                    outcome.errors += 1
                    outcome.statuses[response.status] = outcome.statuses.get(response.status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.wall = time.perf_counter() - started
    return outcome


def _next(cursor: Any, lock: threading.Lock) -> int | None:
    with lock:
        index: int | None = next(cursor, None)
        return index


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(mix: Sequence[str], outcome: Outcome, cold: Sequence[float]) -> dict[str, Any]:
    latencies = outcome.latencies or [float("nan")]
    first = cold or [float("nan")]
    return {
        "distinct_urls": len(mix),
        "requests": len(outcome.latencies) + outcome.dropped,
        "requests_per_s": round(len(outcome.latencies) / outcome.wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "cold_requests": len(cold),
        "cold_p50_ms": round(statistics.median(first) * 1000, 1),
        "cold_max_ms": round(max(first) * 1000, 1),
        "errors": outcome.errors,
        "dropped": outcome.dropped,
        "statuses": outcome.statuses,
    }


def run_routes(
    port: int, routes: dict[str, list[str]], clients: Sequence[int], requests: int
) -> dict[str, dict[int, dict[str, Any]]]:
    """Every route at each number of clients: all routes at the first, then at the next."""
    rng = random.Random(SEED)
    results: dict[str, dict[int, dict[str, Any]]] = {route: {} for route in routes}
    seen: set[str] = set()
    for count in clients:
        for route, mix in routes.items():
            warmup = [rng.choice(mix) for _ in range(WARMUP_PER_ROUTE)]
            warm = load(port, warmup, min(count, 10), seen)
            outcome = load(port, [rng.choice(mix) for _ in range(requests)], count, seen)
            results[route][count] = summary(mix, outcome, [*warm.cold, *outcome.cold])
            numbers = results[route][count]
            print(
                f"  {count:>3} clients {route:<26} p95 {numbers['p95_ms']:>8} ms  "
                f"errors {numbers['errors']}  dropped {numbers['dropped']}",
                file=sys.stderr,
            )
    return results


def print_table(results: dict[str, dict[int, dict[str, Any]]], clients: Sequence[int]) -> None:
    heads = " | ".join(f"{c} clients: req/s, p50 / p95 / max ms" for c in clients)
    print(f"| route | {heads} | first request of a URL: n, p50 / max ms | errors / dropped |")
    print("|---|" + "---|" * len(clients) + "---|---|")
    for route, by_clients in results.items():
        cells = " | ".join(
            f"{n['requests_per_s']}, {n['p50_ms']:.0f} / **{n['p95_ms']:.0f}** / {n['max_ms']:.0f}"
            for n in (by_clients[c] for c in clients)
        )
        first = by_clients[clients[0]]
        cold = f"{first['cold_requests']}, {first['cold_p50_ms']:.0f} / {first['cold_max_ms']:.0f}"
        failures = sum(n["errors"] for n in by_clients.values())
        dropped = sum(n["dropped"] for n in by_clients.values())
        print(f"| `{route}` | {cells} | {cold} | {failures} / {dropped} |")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--synthetic", type=Path, help="serve (building when missing) this corpus")
    where.add_argument("--db", type=Path, help="database to serve (default: see above)")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out-dir", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--clients", default="10,50", help="comma-separated (default: 10,50)")
    parser.add_argument("--requests", type=int, default=300, help="per route (default: 300)")
    parser.add_argument("--routes", help="comma-separated routes to run (default: all)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    clients = [int(count) for count in args.clients.split(",")]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    db = ensure_database(args)
    alerts = seed_alerts(db)
    sample = sample_database(db)
    routes = {**page_routes(sample), **api_routes(sample)}
    if args.routes:
        routes = {route: routes[route] for route in args.routes.split(",")}
    port = free_port()
    server = start_server(db, port)
    # Latency on 2 cores shared with the clients depends on what else runs: say so.
    load_at_start = os.getloadavg()
    print(f"bench: load average at start {load_at_start}", file=sys.stderr)
    try:
        results = run_routes(port, routes, clients, args.requests)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = {
        "db": str(db),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_at_start,
        "load_average_at_end": os.getloadavg(),
        "alerts": alerts,
        "clients": clients,
        "requests_per_route": args.requests,
        "routes": results,
    }
    (args.out_dir / "serve.json").write_text(json.dumps(report, indent=2) + "\n")
    print_table(results, clients)
    failed = sum(n["errors"] + n["dropped"] for r in results.values() for n in r.values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
