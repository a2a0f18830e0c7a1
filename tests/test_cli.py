"""The saywho command line: formats, schema, bad inputs beside good ones."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import gzip
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest

from saywho.cli import analyze as cli_analyze
from saywho.cli import build_parser, main
from saywho.cli import export as cli_export
from saywho.cli import ingest as cli_ingest
from saywho.cli import query as cli_query
from saywho.cli import spread as cli_spread
from saywho.cli.options import QuerySettings
from saywho.model import Act, EntityType, Kind
from saywho.store.rows import LedgerGrouping

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SCHEMA = json.loads(resources.files("saywho").joinpath("data/article.schema.json").read_text())


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_output_follows_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "analyze", str(EXAMPLES), "--format", "json")
    assert status == 0, err
    articles: list[dict[str, Any]] = json.loads(out)
    assert len(articles) == 4  # a .txt, an .html and two JSONL records
    for article in articles:
        jsonschema.validate(article, SCHEMA)
        for statement in article["statements"]:
            for piece in statement["content"]:
                assert article["text"][piece["start"] : piece["end"]] == piece["text"]
    html = next(a for a in articles if a["source"].endswith(".html"))
    assert html["title"] == "Ministry denies meddling claims"
    assert html["published"] == "2024-09-12"
    jsonl = [a for a in articles if "#" in a["source"]]
    assert [a["outlet"] for a in jsonl] == ["news.example.org"] * 2


def test_one_input_as_json_is_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys, "analyze", str(EXAMPLES / "beijing-stays-out.txt"), "--format", "json"
    )
    assert status == 0
    article = json.loads(out)
    assert article["schema"] == "saywho.article/1"
    assert article["title"] == "Beijing says it stays out of the race"
    assert "PREV" not in article["text"] and "Beijing says it stays out" not in article["text"][:40]


def test_jsonl_to_file_and_text_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "out.jsonl"
    status, out, _ = _run(
        capsys, "analyze", str(EXAMPLES), "--format", "jsonl", "--out", str(out_file)
    )
    assert status == 0 and out == ""
    assert len(out_file.read_text("utf-8").splitlines()) == 4
    status, out, _ = _run(capsys, "analyze", str(EXAMPLES / "ministry-denies-meddling.html"))
    assert status == 0
    assert "Statements" in out and "Ledger" in out and "Dmitry Peskov" in out


def test_raw_mode_keeps_the_input_text_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / "beijing-stays-out.txt"
    status, out, _ = _run(capsys, "analyze", str(path), "--raw", "--format", "json")
    assert status == 0
    assert json.loads(out)["text"] == path.read_text("utf-8")


def test_bad_inputs_get_one_line_each_and_good_ones_go_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "good.txt").write_text("Kamala Harris said the vote was fair.\n", "utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("Le ministre a déclaré".encode("latin-1"))
    (tmp_path / "cut.html.gz").write_bytes(gzip.compress(b"<html><body><p>x</p>" * 50)[:40])
    (tmp_path / "nav.html").write_text(
        "<html><body><nav><a href='/'>Home</a></nav></body></html>", "utf-8"
    )
    status, out, err = _run(capsys, "analyze", str(tmp_path), "--format", "jsonl")
    assert status == 1
    [good] = [json.loads(line) for line in out.splitlines()]
    assert good["source"].endswith("good.txt")
    errors = [line for line in err.splitlines() if line.startswith("saywho: error:")]
    assert len(errors) == 5, err
    assert "Traceback" not in err
    assert "1 analyzed, 5 failed" in err


def test_private_address_is_refused_without_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "analyze", "http://127.0.0.1:9/article")
    assert status == 1 and out == ""
    assert "--allow-private-network" in err


def test_non_english_article_is_kept_with_its_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "fr.txt"
    path.write_text(
        "Le Kremlin affirme ne pas avoir de favori dans la course à la Maison Blanche. "
        "Le ministre a déclaré que la Russie respecterait le choix des électeurs américains.",
        "utf-8",
    )
    status, out, _ = _run(capsys, "analyze", str(path), "--format", "json")
    assert status == 0
    article = json.loads(out)
    assert article["language"] == "fr"
    assert article["statements"] == [] and article["notes"]


def test_several_workers_give_the_same_articles(capsys: pytest.CaptureFixture[str]) -> None:
    _, one, _ = _run(capsys, "analyze", str(EXAMPLES), "--format", "jsonl")
    _, two, _ = _run(capsys, "analyze", str(EXAMPLES), "--format", "jsonl", "--workers", "2")
    assert one == two


def test_unknown_component_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, "analyze", str(EXAMPLES), "--attributor", "nope")
    assert status == 2
    assert "unknown attributor 'nope'" in err


def test_cli_reference_matches_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    from saywho.cli import help_markdown

    monkeypatch.setenv("COLUMNS", "100")
    assert (REPO / "docs" / "cli.md").read_text("utf-8") == help_markdown(), "run `make docs`"


def test_query_commands_start_without_the_models(tmp_path: Path) -> None:
    # A query answers in a fraction of a second only if spaCy, ONNX Runtime and
    # the extractors stay unloaded until a command analyzes something.
    probe = (
        "import sys\n"
        "from saywho.cli import main\n"
        f"status = main(['overview', '--db', {str(tmp_path / 'none.db')!r}])\n"
        "heavy = sorted({'spacy', 'onnxruntime', 'trafilatura'} & set(sys.modules))\n"
        "print(status, heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "2 []"
    assert "no such database" in result.stderr


# --- the command-line package --------------------------------------------------------------


def _subcommand(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    subparsers = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    command: argparse.ArgumentParser = subparsers.choices[name]
    return command


def _choices(command: str, option: str) -> tuple[str, ...]:
    action = next(a for a in _subcommand(command)._actions if option in a.option_strings)
    assert action.choices is not None
    return tuple(action.choices)


def test_vocabulary_choices_are_the_models_literals() -> None:
    assert _choices("statements", "--act") == get_args(Act)
    assert _choices("statements", "--kind") == get_args(Kind)
    assert _choices("entities", "--type") == get_args(EntityType)
    assert _choices("ledger", "--group-by") == get_args(LedgerGrouping)


def test_the_store_and_the_web_never_import_the_cli() -> None:
    package = REPO / "src" / "saywho"
    offenders = []
    for path in sorted([*(package / "store").rglob("*.py"), *(package / "web").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{path.relative_to(package)}: {name}"
                for name in names
                if name == "saywho.cli" or name.startswith("saywho.cli.")
            ]
    assert not offenders


def test_every_command_has_a_frozen_settings_dataclass() -> None:
    from saywho.web.serve import ServeSettings

    settings = [
        cls
        for module in (cli_analyze, cli_export, cli_ingest, cli_query, cli_spread)
        for name, cls in vars(module).items()
        if name.endswith("Settings") and isinstance(cls, type) and cls.__module__ == module.__name__
    ]
    assert len(settings) == 14  # every command but serve, whose settings are ServeSettings
    for cls in [*settings, QuerySettings, ServeSettings]:
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        assert dataclasses.is_dataclass(cls) and params.frozen, cls


def test_settings_read_the_options_at_the_edge(tmp_path: Path) -> None:
    def parse(*args: str) -> argparse.Namespace:
        return build_parser().parse_args(args)

    ledger = cli_query.LedgerSettings.from_args(
        parse("ledger", "--db", str(tmp_path / "x.db"), "--actor", "Russia", "--limit", "5")
    )
    assert ledger.query == QuerySettings(tmp_path / "x.db", "table", 5, 0)
    assert ledger.filter.actor == "Russia" and ledger.group_by is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        ledger.examples = 3  # type: ignore[misc]
    spread = cli_spread.SpreadSettings.from_args(parse("spread", "--encoder", "none"))
    assert spread.encoder is None and spread.cascades.min_outlets == 3
    analyze = cli_analyze.AnalyzeSettings.from_args(
        parse("analyze", "a.txt", "--no-stance", "--raw", "--kb", "x.yaml", "--max-mb", "1")
    )
    assert analyze.config.stance_model is None and analyze.config.raw
    assert analyze.config.knowledge_bases == (Path("x.yaml"),)
    assert analyze.fetch.max_bytes == 1024 * 1024
    ingest = cli_ingest.IngestSettings.from_args(parse("ingest", "feed.xml", "--type", "feed"))
    assert ingest.kind == "feed" and ingest.config.stance_model == "minilm"
    assert not ingest.config.raw


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ledger", "--db", "DB", "--limit", "0"], "--limit must be at least 1 and --offset"),
        (["quotes", "--db", "DB", "--min-outlets", "0"], "--min-outlets must be at least 1"),
        (["spread", "--db", "DB", "--window-days", "nan"], "--window-days and --within-hours"),
        (["ingest", "x.txt", "--db", "DB", "--workers", "0"], "--workers must be at least 1"),
        (["analyze", "x.txt", "--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_bad_settings_are_usage_errors_before_any_work(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "x.db"
    status, out, err = _run(capsys, *(str(db) if arg == "DB" else arg for arg in args))
    assert status == 2 and out == ""
    assert f"saywho: error: {message}" in err
    assert not db.exists()
