"""The pipeline on Spark (``saywho.spark``): the same articles as ``saywho analyze``.

Needs pyspark (requirements-dev.txt) and Java; without them the group is skipped
and says why. CI sets SAYWHO_REQUIRE_SPARK=1, which makes that a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from groups import skip_unless_required

from saywho.cli import main

REPO = Path(__file__).resolve().parent.parent
RECORDS = [
    REPO / "examples" / "wire-briefs.jsonl",
    REPO / "tests" / "fixtures" / "spread" / "campaign-week.jsonl",
]


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -r requirements-dev.txt)"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java is not installed (Debian: apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    missing = _missing()
    if missing:
        skip_unless_required(
            "SAYWHO_REQUIRE_SPARK", missing, "the Spark tests need pyspark and Java"
        )
    from pyspark.sql import SparkSession

    # The workers run this interpreter (the one with saywho), not the first python3 on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("saywho-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def records_file(folder: Path) -> Path:
    """The project's example records, a blank line, a corrupt line and a record without
    a body, as one JSON-lines file."""
    lines = [line for path in RECORDS for line in path.read_text("utf-8").splitlines()]
    lines[2:2] = ["", '{"text": "cut short', json.dumps({"url": "https://empty.example/1"})]
    path = folder / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_spark_gives_what_saywho_analyze_gives(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from saywho.spark import analyze_lines

    path = records_file(tmp_path)
    lines = spark.sparkContext.textFile(str(path), minPartitions=3)
    on_spark = {row[0]: row for row in analyze_lines(lines, str(path)).collect()}

    local_out = tmp_path / "local.jsonl"
    assert main(["analyze", str(path), "--format", "jsonl", "--out", str(local_out)]) == 1
    failures = capsys.readouterr().err
    local = [json.loads(line) for line in local_out.read_text("utf-8").splitlines()]
    assert len(on_spark) == len(local) + 2  # every non-blank line, once
    for article in local:
        source, ok, reason, text = on_spark[article["source"]]
        assert ok and reason is None and text is not None and json.loads(text) == article
    for line_number in (4, 5):  # the corrupt line and the record without a body
        source, ok, reason, text = on_spark[f"{path}#{line_number}"]
        assert not ok and text is None and f"{source}: {reason}" in failures


def test_the_module_writes_one_line_per_record_and_keeps_an_existing_output(
    spark: Any, tmp_path: Path
) -> None:
    # Its own process (and JVM): `python -m saywho.spark` stops the session it ends with.
    out = tmp_path / "out"
    command = [sys.executable, "-m", "saywho.spark", str(records_file(tmp_path)), str(out)]
    options = ["--master", "local[2]", "--no-stance"]
    finished = subprocess.run([*command, *options], capture_output=True, text=True)
    assert finished.returncode == 1, finished.stderr[-2000:]  # two records failed
    assert "saywho: 8 analyzed, 2 failed" in finished.stdout
    rows = [
        json.loads(line)
        for part in sorted(out.glob("part-*.json"))
        for line in part.read_text("utf-8").splitlines()
    ]
    assert len(rows) == 10
    assert all(set(row) == {"source", "ok", "reason", "article"} for row in rows)
    assert json.loads(next(r for r in rows if r["ok"])["article"])["schema"] == "saywho.article/1"
    again = subprocess.run([*command, *options], capture_output=True, text=True)
    assert again.returncode == 2 and "exists already" in again.stderr


def test_spark_workers_find_a_plugin_component(spark: Any, tmp_path: Path) -> None:
    # Spark's Python workers import saywho afresh: the test plugin (tests/fixtures/plugin,
    # installed by the Makefile) is found through its entry point there too.
    from saywho.config import PipelineConfig
    from saywho.spark import analyze_lines

    lines = spark.sparkContext.textFile(str(RECORDS[0]), minPartitions=2)
    config = PipelineConfig(attributor="echo", stance_model="echo-neutral")
    rows = analyze_lines(lines, "briefs", config).collect()
    articles = [json.loads(article) for _, ok, _, article in rows if ok and article is not None]
    assert articles and len(articles) == len(rows)
    statements = [s for article in articles for s in article["statements"]]
    assert statements and all(s["speaker"] is None for s in statements)
    assert all(s["confidence"] == 1.0 for s in statements)
