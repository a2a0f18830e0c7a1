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
        if os.environ.get("SAYWHO_REQUIRE_SPARK") == "1":
            pytest.fail(f"SAYWHO_REQUIRE_SPARK=1 but {missing}")
        pytest.skip(f"the Spark tests need pyspark and Java: {missing}")
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


def records() -> list[dict[str, Any]]:
    return [json.loads(line) for path in RECORDS for line in path.read_text("utf-8").splitlines()]


def without_source(article: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in article.items() if key != "source"}


def test_spark_gives_the_articles_saywho_analyze_gives(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from saywho.spark import analyze_dataframe

    given = records()
    frame = spark.createDataFrame(
        [{**record, "title": record.get("title")} for record in given]
        + [{"url": "https://empty.example/1", "title": "No body"}]
    ).repartition(3)
    results = {row["source"]: row for row in analyze_dataframe(frame).collect()}

    assert len(results) == len(given) + 1  # every record, once
    failed = results["https://empty.example/1"]
    assert not failed["ok"] and failed["reason"] == 'record has neither "text" nor "html"'

    for path in RECORDS:
        assert (
            main(["analyze", str(path), "--format", "jsonl", "--out", str(tmp_path / "a.jsonl")])
            == 0
        )
        for line in (tmp_path / "a.jsonl").read_text("utf-8").splitlines():
            local = json.loads(line)
            on_spark = results[local["url"]]
            assert on_spark["ok"] and on_spark["reason"] is None
            assert without_source(json.loads(on_spark["article"])) == without_source(local)


def test_the_module_reads_jsonl_and_writes_one_line_per_record(spark: Any, tmp_path: Path) -> None:
    # Its own process (and JVM): `python -m saywho.spark` stops the session it ends with.
    out = tmp_path / "out"
    command = [sys.executable, "-m", "saywho.spark", str(RECORDS[0]), str(out)]
    finished = subprocess.run(
        [*command, "--master", "local[1]", "--no-stance"], capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "saywho: 2 analyzed, 0 failed" in finished.stdout
    rows = [
        json.loads(line)
        for part in sorted(out.glob("part-*.json"))
        for line in part.read_text("utf-8").splitlines()
    ]
    assert len(rows) == 2 and all(row["ok"] for row in rows)
    assert json.loads(rows[0]["article"])["schema"] == "saywho.article/1"
