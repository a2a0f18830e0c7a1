"""Ingest benchmark: saywho into SQLite beside trafilatura + spaCy small + textacy into JSONL.

    python bench/ingest.py --shared ../shared [--limit N] [--out-dir bench/out]

The corpus is all 1,008 PolNeAR articles (``polnear/*/text``, outlet and date
from ``metadata.tsv``, given to both systems as JSONL records) and the 181 pages
of the article-extraction benchmark (``html/*.html.gz``). Each system runs as
one process on one core (``taskset``, one thread per numeric library) from a
cold start; reported are articles per second of that core (wall time, start-up
included), the CPU time, the peak resident memory of the process, and the size
of what it wrote. The saywho database is then queried by ``bench/queries.py``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# "default" analyzes as `saywho analyze` does; "rules" with the rule attributor and the
# lexicon stance model, to show what the store and the rest of the pipeline cost.
SAYWHO_CONFIGS = {
    "default": [],
    "rules": ["--attributor", "rules", "--stance-model", "lexicon"],
}
SINGLE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def polnear_records(shared: Path, limit: int | None) -> Iterator[dict[str, Any]]:
    """PolNeAR articles as JSONL records (text kept exactly, outlet and date from metadata)."""
    root = shared / "data" / "polnear"
    metadata: dict[str, dict[str, str]] = {}
    with (root / "metadata.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            metadata[row["filename"]] = row
    paths = sorted(root.glob("*/text/*.txt"))[:limit]
    for path in paths:
        meta = metadata.get(path.stem, {})
        yield {
            "source": f"polnear/{path.parent.parent.name}/{path.name}",
            "text": path.read_text("utf-8"),
            "outlet": meta.get("publisher") or None,
            "published": meta.get("publication_date") or None,
            "title": meta.get("title") or None,
        }


def write_inputs(shared: Path, out_dir: Path, limit: int | None) -> tuple[Path, list[Path], int]:
    records = list(polnear_records(shared, limit))
    jsonl = out_dir / "polnear-records.jsonl"
    with jsonl.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps({k: v for k, v in record.items() if k != "source"}) + "\n")
    pages = sorted((shared / "data" / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    pages = pages[:limit]
    return jsonl, pages, len(records) + len(pages)


def run_measured(command: list[str], label: str) -> dict[str, float]:
    """Run on core 0; wall and CPU seconds and peak memory from the child's own rusage."""
    env = {**os.environ, **SINGLE_THREAD}
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: some inputs failed, as reported
        raise SystemExit(f"{label} failed: {command}")
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_mb": round(usage.ru_maxrss / 1024, 0),
    }


def baseline(jsonl: Path, pages: Sequence[Path], out: Path) -> None:
    """The peer pipeline: trafilatura for HTML, spaCy small + textacy quotations, to JSONL."""
    import gzip

    import trafilatura

    sys.path.insert(0, str(REPO / "bench"))
    from textacy_baseline import load_pipeline, statements_for

    nlp = load_pipeline(None)

    def documents() -> Iterator[tuple[str, dict[str, Any]]]:
        with jsonl.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                record = json.loads(line)
                yield f"{jsonl}#{number}", record
        for page in pages:
            html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
            text = trafilatura.extract(html, include_comments=False) or ""
            yield str(page), {"text": text}

    with out.open("w", encoding="utf-8") as handle:
        for source, record in documents():
            text = record["text"]
            doc = nlp(text)
            statements, notes = statements_for(doc, text)
            record |= {
                "source": source,
                "entities": [
                    {"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char}
                    for e in doc.ents
                ],
                "statements": statements,
                "notes": notes,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out-dir", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--limit", type=int, help="at most N articles of each corpus (a quick run)")
    parser.add_argument(
        "--saywho",
        nargs="+",
        choices=sorted(SAYWHO_CONFIGS),
        default=["default", "rules"],
        help="saywho set-ups to measure (default: both)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="measure saywho only")
    parser.add_argument(
        "--baseline-worker", nargs=2, metavar=("JSONL", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    if args.baseline_worker:
        jsonl, out = map(Path, args.baseline_worker)
        pages = [Path(line) for line in (out.with_suffix(".pages")).read_text().splitlines()]
        baseline(jsonl, pages, out)
        return 0

    jsonl, pages, articles = write_inputs(args.shared, args.out_dir, args.limit)
    html_directory = args.shared / "data" / "article-extraction-benchmark" / "html"
    page_sources = [str(html_directory)] if args.limit is None else list(map(str, pages))
    report: dict[str, Any] = {"corpus": {"polnear": articles - len(pages), "pages": len(pages)}}
    for name in args.saywho:
        db = args.out_dir / f"ingest-polnear{'' if name == 'default' else '-' + name}.db"
        for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            stale.unlink(missing_ok=True)
        command = [sys.executable, "-m", "saywho", "ingest", str(jsonl), *page_sources]
        measured = run_measured([*command, "--db", str(db), *SAYWHO_CONFIGS[name]], name)
        report[f"saywho ({name})"] = measured | _stored(db, articles, measured["wall_s"])
    if args.no_baseline:
        _write_report(report, args.out_dir)
        return 0

    baseline_out = args.out_dir / "ingest-baseline.jsonl"
    baseline_out.with_suffix(".pages").write_text("\n".join(map(str, pages)))
    peer = run_measured(
        [sys.executable, __file__, "--baseline-worker", str(jsonl), str(baseline_out)],
        "baseline",
    )
    peer |= {
        "articles": articles,
        "articles_per_s_per_core": round(articles / peer["wall_s"], 2),
        "output_mb": round(baseline_out.stat().st_size / 2**20, 1),
    }
    report["baseline (trafilatura + spaCy sm + textacy, JSONL)"] = peer
    _write_report(report, args.out_dir)
    return 0


def _stored(db: Path, articles: int, wall_s: float) -> dict[str, Any]:
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stored = connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        statements = connection.execute("SELECT COUNT(*) FROM statements").fetchone()[0]
    return {
        "articles": articles,
        "stored": stored,
        "statements": statements,
        "articles_per_s_per_core": round(articles / wall_s, 2),
        "output_mb": round(db.stat().st_size / 2**20, 1),
    }


def _write_report(report: dict[str, Any], out_dir: Path) -> None:
    (out_dir / "ingest.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    sys.exit(main())
