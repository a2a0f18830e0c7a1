"""Stance toward targets and the ledger, on sentences written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

from saywho.cli import main
from saywho.model import Article
from saywho.pipeline import Pipeline


def _stances(pipeline: Pipeline, text: str) -> dict[str, str]:
    article = pipeline.analyze_text(text)
    assert isinstance(article, Article)
    return {s.target: s.polarity for st in article.statements for s in st.stances}


def test_praise_cue_is_positive_toward_its_object(pipeline: Pipeline) -> None:
    assert _stances(pipeline, "Vladimir Putin welcomed the sincerity of Donald Trump.") == {
        "Donald Trump": "positive"
    }


def test_blame_is_negative_toward_its_target_only(pipeline: Pipeline) -> None:
    stances = _stances(
        pipeline,
        "Sergei Lavrov said that under Joe Biden relations had never been so tense and hostile.",
    )
    assert stances["Joe Biden"] == "negative"
    assert "Sergei Lavrov" not in stances and "Russia" not in stances


def test_declared_neutrality_is_neutral_toward_every_named_target(pipeline: Pipeline) -> None:
    stances = _stances(
        pipeline, "The Kremlin insists it has no favorite between Kamala Harris and Donald Trump."
    )
    assert stances == {"Kamala Harris": "neutral", "Donald Trump": "neutral"}


def test_passing_mention_in_a_relative_clause_stays_neutral(pipeline: Pipeline) -> None:
    stances = _stances(
        pipeline,
        "Sergei Lavrov said that under Joe Biden, whom Kamala Harris serves, relations had "
        "collapsed into hostility.",
    )
    assert stances.get("Kamala Harris") != "positive"


def test_ledger_rolls_officials_up_to_their_state(pipeline: Pipeline) -> None:
    article = pipeline.analyze_text(
        "The Kremlin said it had no favorite between Kamala Harris and Donald Trump. "
        "Vladimir Putin later praised the sincerity of Donald Trump."
    )
    assert isinstance(article, Article)
    rows = {(r.actor, r.target): r for r in article.ledger}
    russia_trump = rows[("Russia", "Donald Trump")]
    assert [e.polarity for e in russia_trump.declared] == ["neutral"]
    assert [e.polarity for e in russia_trump.expressed] == ["positive"]
    assert rows[("Vladimir Putin", "Donald Trump")].declared == []
    assert next(r for r in article.ledger if r.actor == "Russia").actor_type == "state"


def test_stance_command_reads_spans_and_writes_polarities(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    text = "Critics slammed Senator Jane Doe for her disastrous and dishonest campaign."
    start = text.index("Jane Doe")
    source.write_text(
        json.dumps({"id": "a", "text": text, "targets": [{"start": start, "end": start + 8}]})
        + "\nnot json\n"
        + json.dumps({"id": "b", "text": "Hi", "targets": [{"start": 0, "end": 9}]})
        + "\n",
        "utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert main(["stance", str(source), str(out)]) == 1  # two bad lines, reported
    [line] = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert line["id"] == "a"
    [target] = line["targets"]
    assert (target["start"], target["end"]) == (start, start + 8)
    assert target["polarity"] == "negative" and 0 <= target["score"] <= 1
