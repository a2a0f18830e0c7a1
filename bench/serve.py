"""Web benchmark: requests per second and latency of `saywho serve` pages, 10 clients at once.

    python bench/serve.py [--db bench/out/ingest-polnear.db] [--shared ../shared]
                          [--clients 10] [--requests 400] [--out bench/out/serve.json]

The database is the one ``make bench-ingest`` builds (PolNeAR with its outlets
and dates, and the extraction-benchmark pages); when it is missing, the
PolNeAR articles alone are ingested into ``bench/out/serve-polnear.db`` first
(minutes). The server is the real ``saywho serve``, one process, on 127.0.0.1
at a free port; the clients are threads here, each with its own keep-alive
connection, all load on loopback. For each page (ledger, search, article) a
fixed, seeded mix of URLs is requested ``--requests`` times in all, after a
short warm-up, and requests per second (completed / wall time), median, p95
and p99 latency are reported. Every answer must be 200.
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
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parent.parent
SEED = 6
WARMUP_PER_PAGE = 30
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


def ensure_database(db: Path | None, shared: Path, out_dir: Path) -> Path:
    """The database to serve: the one given, bench-ingest's, or PolNeAR ingested now."""
    if db is not None:
        if not db.is_file():
            raise SystemExit(f"{db}: no such database")
        return db
    reused = out_dir / "ingest-polnear.db"
    if reused.is_file():
        return reused
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


def page_urls(db: Path) -> dict[str, list[str]]:
    """A seeded mix of URLs for each page, from what the database holds."""
    rng = random.Random(SEED)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        article_ids = [row[0] for row in connection.execute("SELECT id FROM articles")]
        outlets = [
            row[0]
            for row in connection.execute(
                "SELECT o.domain FROM outlets o JOIN articles a ON a.outlet_id = o.id "
                "GROUP BY o.id ORDER BY COUNT(*) DESC LIMIT 5"
            )
        ]
        pairs = connection.execute(
            "SELECT actor, target FROM evidence GROUP BY actor, target "
            "ORDER BY COUNT(*) DESC LIMIT 20"
        ).fetchall()
        first = connection.execute(
            "SELECT MIN(published) FROM articles WHERE published >= '2015'"
        ).fetchone()[0]
    ledger = [
        "/ledger",
        "/ledger?min_confidence=0.6",
        f"/ledger?since={(first or '2015-01-01')[:10]}&until=2016-06-30",
        "/ledger?country=United+States",
        *(f"/ledger?outlet={quote(outlet)}" for outlet in outlets),
        *(
            "/ledger?" + urlencode({"cell_actor": actor, "cell_target": target})
            for actor, target in pairs
        ),
    ]
    search = [
        "/search?" + urlencode(params)
        for text in SEARCHES
        for params in ({"q": text}, {"q": text, "in": "statements", "since": "2016-01-01"})
    ]
    search += [f"/search?q=Trump&outlet={quote(outlet)}" for outlet in outlets]
    sample = rng.sample(article_ids, min(200, len(article_ids)))
    articles = [f"/articles/{identifier}" for identifier in sample]
    return {"ledger": ledger, "search": search, "article": articles}


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
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("saywho serve exited at start")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/overview")
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("saywho serve did not answer within 60 s")


def load(port: int, urls: Sequence[str], clients: int) -> tuple[list[float], float, int]:
    """Request every URL once, ``clients`` at a time; latencies (s), wall time, failures."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    cursor = iter(range(len(urls)))

    def client() -> None:
        nonlocal failures
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            started = time.perf_counter()
            connection.request("GET", urls[index])
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                failures += response.status != 200
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, failures


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to serve (default: see above)")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out-dir", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=400, help="per page (default: 400)")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    db = ensure_database(args.db, args.shared, args.out_dir)
    mixes = page_urls(db)
    rng = random.Random(SEED)
    port = free_port()
    server = start_server(db, port)
    report: dict[str, Any] = {
        "db": str(db),
        "clients": args.clients,
        "requests_per_page": args.requests,
        "cpus": os.cpu_count(),
        "pages": {},
    }
    try:
        for page, mix in mixes.items():
            load(port, [rng.choice(mix) for _ in range(WARMUP_PER_PAGE)], args.clients)
            urls = [rng.choice(mix) for _ in range(args.requests)]
            latencies, wall, failures = load(port, urls, args.clients)
            if failures:
                raise SystemExit(f"{page}: {failures} answers were not 200")
            report["pages"][page] = {
                "distinct_urls": len(mix),
                "requests": len(latencies),
                "requests_per_s": round(len(latencies) / wall, 1),
                "median_ms": round(statistics.median(latencies) * 1000, 1),
                "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
                "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
                "max_ms": round(max(latencies) * 1000, 1),
            }
    finally:
        server.terminate()
        server.wait(timeout=30)
    (args.out_dir / "serve.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"| page | requests/s | median ms | p95 ms | p99 ms | ({args.clients} clients) |")
    print("|---|---|---|---|---|---|")
    for page, numbers in report["pages"].items():
        print(
            f"| {page} | {numbers['requests_per_s']} | {numbers['median_ms']} | "
            f"{numbers['p95_ms']} | {numbers['p99_ms']} | |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
