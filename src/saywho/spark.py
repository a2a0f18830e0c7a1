"""The pipeline on Spark, for corpora that outgrow one machine.

Each Python worker builds one ``Pipeline`` (the models load once per worker, not
per task) and analyzes its partitions with the same ``Pipeline.analyze`` that
``saywho analyze`` runs, on records read by saywho's own JSON-lines rules, so an
article comes out the same on a laptop and on a cluster. Every input line comes
out as one row: ``ok`` with the article as ``saywho.article/1`` JSON, or not
``ok`` with the reason; nothing is dropped.

    python -m saywho.spark records.jsonl out/ [--master local[4]] [--no-stance]

Needs ``pyspark`` (``pip install 'saywho[spark]'``) and Java; saywho itself (and
its model packages) must be installed on every worker, as must any plugin whose
component the ``PipelineConfig`` names: each worker finds it through its entry
point (``saywho.registry``) when it builds its pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from saywho.config import DEFAULT_CONFIG, PipelineConfig
from saywho.ingest.records import record_from_line
from saywho.model import Failure, RawDocument

if TYPE_CHECKING:
    from pyspark import RDD

    from saywho.pipeline import Pipeline

RESULT_DDL = "source STRING, ok BOOLEAN, reason STRING, article STRING"
EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
Result = tuple[str, bool, str | None, str | None]

# One pipeline per worker process, for the settings it was built with.
_pipelines: dict[PipelineConfig, Pipeline] = {}


def analyze_partition(
    lines: Iterable[tuple[str, int]], name: str, config: PipelineConfig = DEFAULT_CONFIG
) -> Iterator[Result]:
    """(source, ok, reason, article JSON) for each (line, index) of one partition, in
    order; a record's source is ``name#N``, N its line number from 1, as in
    ``saywho analyze``. Blank lines are skipped."""
    records = (
        record_from_line(line.encode("utf-8"), f"{name}#{index + 1}")
        for line, index in lines
        if line.strip()
    )
    yield from _analyzed(records, config)


def _analyzed(records: Iterator[RawDocument | Failure], config: PipelineConfig) -> Iterator[Result]:
    from saywho.output.jsonio import article_to_dict
    from saywho.pipeline import Pipeline

    pipeline = _pipelines.get(config)
    if pipeline is None:
        pipeline = _pipelines[config] = Pipeline(config)
    for result in pipeline.analyze(records):
        if isinstance(result, Failure):
            yield result.source, False, result.reason, None
        else:
            article = json.dumps(article_to_dict(result), ensure_ascii=False)
            yield result.document.source, True, None, article


def analyze_lines(
    lines: RDD[str], name: str, config: PipelineConfig = DEFAULT_CONFIG
) -> RDD[Result]:
    """One result per non-blank line of an RDD of JSON-lines records."""
    return lines.zipWithIndex().mapPartitions(partial(analyze_partition, name=name, config=config))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m saywho.spark",
        description="Analyze JSON-lines records with Spark; write one JSON line per record "
        "(source, ok, reason, article) under OUT.",
    )
    parser.add_argument("records", help="JSON-lines records (a path or glob Spark can read)")
    parser.add_argument("out", help="output directory (must not exist)")
    parser.add_argument("--master", help="Spark master (default: spark-submit's, or local[*])")
    parser.add_argument("--no-stance", action="store_true", help="skip the stance model")
    parser.add_argument(
        "--partitions",
        type=int,
        metavar="N",
        help="split the records into at least N partitions (default: Spark's parallelism)",
    )
    args = parser.parse_args(argv)
    if "://" not in args.out and Path(args.out).exists():
        print(f"saywho: error: {args.out} exists already", file=sys.stderr)
        return EXIT_USAGE
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import AnalysisException
    from pyspark.sql import SparkSession

    # Local workers run this interpreter, which has saywho (a cluster sets its own).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("saywho")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    config = replace(DEFAULT_CONFIG, stance_model=None) if args.no_stance else DEFAULT_CONFIG
    try:
        lines = spark.sparkContext.textFile(args.records, minPartitions=args.partitions)
        results = analyze_lines(lines, args.records, config)
        frame = spark.createDataFrame(results, RESULT_DDL)
        frame.write.option("ignoreNullFields", False).json(args.out)
        # Counted from what was written: counting the results again would analyze again.
        written = spark.read.schema(RESULT_DDL).json(args.out).groupBy("ok").count().collect()
    except AnalysisException as error:
        print(f"saywho: error: {str(error).strip().splitlines()[0]}", file=sys.stderr)
        return EXIT_USAGE
    except Py4JJavaError as error:  # the Java side's own message says what went wrong
        print(f"saywho: error: {error.java_exception.toString()}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        spark.stop()
    counts: dict[bool, int] = {row["ok"]: row["count"] for row in written}
    print(f"saywho: {counts.get(True, 0)} analyzed, {counts.get(False, 0)} failed")
    return EXIT_SOME_FAILED if counts.get(False) else EXIT_OK


if __name__ == "__main__":
    # Through the imported module, so that Spark ships a reference to
    # saywho.spark.analyze_partition (and its pipeline cache), not a copy of __main__'s.
    from saywho import spark as this_module

    raise SystemExit(this_module.main())
