"""The pipeline on Spark, for corpora that outgrow one machine.

Each Python worker builds one ``Pipeline`` (the models load once per worker, not
per record) and analyzes its partitions with the same ``Pipeline.analyze`` that
``saywho analyze`` runs, so an article comes out the same on a laptop and on a
cluster. Records are the fields of saywho's JSON/JSONL input: ``text`` or
``html``, and optional ``url``, ``title``, ``published``, ``outlet`` and
``source``. Every record comes out as one row: ``ok`` with the article as
``saywho.article/1`` JSON, or not ``ok`` with the reason; nothing is dropped.

    python -m saywho.spark records.jsonl out/ [--master local[4]] [--no-stance]

Needs ``pyspark`` (``pip install 'saywho[spark]'``) and Java; saywho itself (and
its model packages) must be installed on every worker.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from saywho.config import DEFAULT_CONFIG, PipelineConfig
from saywho.ingest.records import document_or_failure
from saywho.model import Failure, RawDocument

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from saywho.pipeline import Pipeline

RECORD_FIELDS = ("source", "text", "html", "url", "title", "published", "outlet")
RESULT_DDL = "source STRING, ok BOOLEAN, reason STRING, article STRING"
_ROW_NUMBER = "_saywho_row"

# One pipeline per worker process, for the settings it was built with.
_pipelines: dict[PipelineConfig, Pipeline] = {}


def analyze_partition(
    rows: Iterable[Any], config: PipelineConfig = DEFAULT_CONFIG
) -> Iterator[tuple[str, bool, str | None, str | None]]:
    """(source, ok, reason, article JSON) for each record of one partition, in order."""
    from saywho.output.jsonio import article_to_dict
    from saywho.pipeline import Pipeline

    pipeline = _pipelines.get(config)
    if pipeline is None:
        pipeline = _pipelines[config] = Pipeline(config)
    for result in pipeline.analyze(_documents(rows)):
        if isinstance(result, Failure):
            yield result.source, False, result.reason, None
        else:
            article = json.dumps(article_to_dict(result), ensure_ascii=False)
            yield result.document.source, True, None, article


def _documents(rows: Iterable[Any]) -> Iterator[RawDocument | Failure]:
    """The records as saywho's JSON reader takes them ("text" wins over "html")."""
    for row in rows:
        record = row.asDict() if hasattr(row, "asDict") else dict(row)
        fields = {name: record[name] for name in RECORD_FIELDS if record.get(name) is not None}
        source = fields.pop("source", None) or fields.get("url") or f"record {record[_ROW_NUMBER]}"
        yield document_or_failure(fields, str(source))


def analyze_dataframe(frame: DataFrame, config: PipelineConfig = DEFAULT_CONFIG) -> DataFrame:
    """One result row per record of ``frame`` (columns: ``RESULT_DDL``)."""
    from pyspark.sql import functions

    numbered = frame.withColumn(_ROW_NUMBER, functions.monotonically_increasing_id())
    results = numbered.rdd.mapPartitions(partial(analyze_partition, config=config))
    return frame.sparkSession.createDataFrame(results, RESULT_DDL)


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
    from pyspark.sql import SparkSession

    # Local workers run this interpreter, which has saywho (a cluster sets its own).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("saywho")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    config = replace(DEFAULT_CONFIG, stance_model=None) if args.no_stance else DEFAULT_CONFIG
    try:
        records = spark.read.json(args.records)
        # A small file is one partition, which would keep all but one core idle.
        partitions = args.partitions or spark.sparkContext.defaultParallelism
        if records.rdd.getNumPartitions() < partitions:
            records = records.repartition(partitions)
        analyze_dataframe(records, config).write.json(args.out)
        # Counted from what was written: counting the results again would analyze again.
        written = spark.read.json(args.out).groupBy("ok").count().collect()
        counts: dict[bool, int] = {row["ok"]: row["count"] for row in written}
    finally:
        spark.stop()
    print(f"saywho: {counts.get(True, 0)} analyzed, {counts.get(False, 0)} failed")
    return 1 if counts.get(False) else 0


if __name__ == "__main__":
    raise SystemExit(main())
