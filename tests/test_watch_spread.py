"""``saywho watch`` with rules that read spread links: the cycle links only the new
articles against the window around them, a ``copies:`` rule alerts on each copy and
translation of a tracked article, a ``bursts:`` rule on each cascade that turns
coordinated, and a cycle over the same sources adds nothing.

The corpus is the spread test corpus (tests/fixtures/spread/campaign-week.jsonl): a
wire story, two copies within hours, a German translation, an unrelated report."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from saywho.cli import main
from saywho.store.store import Store

CORPUS = Path(__file__).resolve().parent / "fixtures" / "spread" / "campaign-week.jsonl"
MODELS = ("--attributor", "rules", "--stance-model", "lexicon")
RULES = """\
- name: wire-copied
  copies: {outlet_label: state-media}
- name: wire-translated
  copies: {article: "https://northern-wire.example/veloria-denies", kind: translation}
- name: burst
  bursts: {min_outlets: 4, within: 4h}
- name: burst-fast
  bursts: {min_outlets: 4, within: 1h}
"""


def _watch(tmp: Path, source: Path, *extra: str) -> list[str]:
    return [
        "watch", str(source), "--once", "--db", str(tmp / "watch.db"),
        "--rules", str(tmp / "rules.yaml"), "--alerts", str(tmp / "alerts.jsonl"),
        *MODELS, *extra,
    ]  # fmt: skip


def _links(db: Path) -> set[tuple[str, str, str]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT a.url, b.url, l.kind FROM article_links l "
            "JOIN articles a ON a.id = l.first_id JOIN articles b ON b.id = l.second_id"
        ).fetchall()
    return {(first, second, kind) for first, second, kind in rows}


def test_copies_and_bursts_alert_once_as_the_corpus_grows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "rules.yaml").write_text(RULES)
    lines = CORPUS.read_text("utf-8").splitlines()
    source = tmp_path / "news.jsonl"
    source.write_text(lines[0] + "\n", "utf-8")
    assert main(_watch(tmp_path, source)) == 0
    assert "spread: 1 new articles linked (1 encoded), 0 links" in capsys.readouterr().err
    with Store(tmp_path / "watch.db") as store:
        store.apply_outlet_labels("northern-wire.example", None, None, ["state-media"])
    source.write_text("\n".join(lines) + "\n", "utf-8")
    assert main(_watch(tmp_path, source)) == 0
    err = capsys.readouterr().err
    assert "spread: 5 new articles linked (5 encoded)" in err, err
    alerts = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    by_rule: dict[str, list[dict[str, object]]] = {}
    for alert in alerts:
        by_rule.setdefault(str(alert["rule"]), []).append(alert)
    copied = {
        (a["article"]["outlet"], a["link"]["kind"])  # type: ignore[index]
        for a in by_rule["wire-copied"]
    }
    assert copied == {
        ("Daily Herald", "copy"),
        ("Morning Post", "copy"),
        ("Rundschau", "translation"),
    }
    (translated,) = by_rule["wire-translated"]
    assert translated["article"]["language"] == "de"  # type: ignore[index]
    (burst,) = by_rule["burst"]
    assert burst["key"] == f"burst:{burst['burst']['first_identity']}"  # type: ignore[index]
    assert burst["burst"]["origin"] == "Northern Wire"  # type: ignore[index]
    assert "burst-fast" not in by_rule  # 4 outlets in 4 hours, not in one
    # Incremental linking found what linking the whole database finds.
    incremental = _links(tmp_path / "watch.db")
    assert main(["spread", "--db", str(tmp_path / "watch.db"), "--format", "csv"]) == 0
    assert _links(tmp_path / "watch.db") == incremental
    capsys.readouterr()
    # The same sources again: nothing new to link, no alert.
    assert main(_watch(tmp_path, source)) == 0
    err = capsys.readouterr().err
    assert "spread: 0 new articles linked (0 encoded), 0 links" in err and "0 new alerts" in err
    assert len((tmp_path / "alerts.jsonl").read_text().splitlines()) == len(alerts)


def test_without_spread_rules_nothing_is_linked_nor_loaded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "rules.yaml").write_text("- name: s\n  search: Veloria\n")
    # An unknown encoder would be an error if it were loaded.
    assert main(_watch(tmp_path, CORPUS, "--encoder", "nope")) == 0
    err = capsys.readouterr().err
    assert "articles linked" not in err and "14 new alerts" in err, err
    assert _links(tmp_path / "watch.db") == set()


def test_a_failed_link_is_counted_and_skips_only_the_spread_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "rules.yaml").write_text(RULES + "- name: s\n  search: Veloria\n")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the encoder ran out of memory")

    monkeypatch.setattr(Store, "link_new_articles", broken)
    assert main(_watch(tmp_path, CORPUS, "--encoder", "none")) == 1
    err = capsys.readouterr().err
    assert "spread failed: RuntimeError: the encoder ran out of memory (4 rules skipped)" in err
    assert "14 new alerts" in err
    monkeypatch.undo()
    assert main(_watch(tmp_path, CORPUS, "--encoder", "none")) == 0
    err = capsys.readouterr().err
    assert "spread: 6 new articles linked (0 encoded), 3 links" in err, err
