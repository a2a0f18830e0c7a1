"""Unit tests of the PolNeAR scorer in bench/polnear.py on tiny hand-made examples.

No ../shared needed: every gold file and prediction here is written by the test.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
polnear: ModuleType = importlib.import_module("polnear")
textacy_baseline: ModuleType = importlib.import_module("textacy_baseline")

TEXT = 'Smith said: "Taxes will rise." Jones added that cuts are coming, and Lee agreed.'


def at(fragment: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def offsets(fragment: str, text: str = TEXT) -> str:
    start, end = at(fragment, text)
    return f"{start} {end}"


def gold_article(annotation: str, text: str = TEXT) -> Any:
    return polnear.gold_from_brat("a.txt", text, "a_0000.ann", polnear.parse_brat(annotation))


def span(fragment: str, text: str = TEXT) -> dict[str, Any]:
    start, end = at(fragment, text)
    return {"start": start, "end": end, "text": text[start:end]}


def statement(
    speaker: str | None, cue: str | None, content: Sequence[str], text: str = TEXT
) -> dict[str, Any]:
    return {
        "id": "s",
        "speaker": None if speaker is None else {**span(speaker, text), "entity": None},
        "cue": None if cue is None else span(cue, text),
        "content": [span(piece, text) for piece in content],
    }


def prediction(statements: list[dict[str, Any]], text: str = TEXT) -> Any:
    return polnear.article_from_json(
        {"source": "/somewhere/a.txt", "text": text, "statements": statements}
    )


SMITH_AND_JONES = "\n".join(
    [
        f"T1\tSource {offsets('Smith')}\tSmith",
        f"T2\tCue {offsets('said:')}\tsaid:",
        f'T3\tContent {offsets(chr(34) + "Taxes will rise." + chr(34))}\t"Taxes will rise."',
        f"T4\tAttribution {offsets('said:')}\tsaid:",
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
        f"T5\tSource {offsets('Jones')}\tJones",
        f"T6\tCue {offsets('added')}\tadded",
        f"T7\tContent {offsets('cuts are coming')}\tcuts are coming",
        f"T8\tAttribution {offsets('added')}\tadded",
        "E2\tAttribution:T8 Source:T5 Cue:T6 Content:T7",
        "#1\tAnnotatorNotes T7\ta note, not an annotation",
    ]
)


# --------------------------------------------------------------------------- trimming


def test_trim_removes_listed_punctuation_and_white_space_at_both_ends_only() -> None:
    text = " \u00a0“(Taxes - will rise)”, —"
    start, end = polnear.trim_piece(text, 0, len(text))
    assert text[start:end] == "Taxes - will rise"


def test_trim_of_punctuation_only_leaves_nothing_but_the_unit_keeps_its_offsets() -> None:
    text = "He said: yes"
    colon = at(":", text)
    assert polnear.trim_piece(text, *colon) is None
    assert polnear.unit_piece(text, *colon) == colon


def test_trimmed_prediction_matches_untrimmed_gold() -> None:
    gold = gold_article(SMITH_AND_JONES)
    # Gold cue is "said:" and gold content has its quotation marks; the prediction has neither.
    predicted = prediction([statement("Smith", "said", ["Taxes will rise"])])
    scores = polnear.score_article(gold, predicted)
    assert scores.roles["Cue"].true_positives == 1
    assert scores.roles["Content"].true_positives == 1
    assert scores.roles["Source"].true_positives == 1


def test_gold_cue_of_punctuation_only_stays_a_gold_unit() -> None:
    text = "Verdict: guilty."
    annotation = "\n".join(
        [
            f"T1\tCue {offsets(':', text)}\t:",
            f"T2\tContent {offsets('guilty', text)}\tguilty",
            "E1\tCue:T1 Content:T2",
        ]
    )
    gold = gold_article(annotation, text)
    assert ("Cue", *at(":", text)) in gold.units
    exact = prediction([statement(None, ":", ["guilty"], text)], text)
    assert polnear.score_article(gold, exact).roles["Cue"].true_positives == 1


# --------------------------------------------------------------------------- gold units


def test_discontinuous_span_gives_one_unit_per_piece() -> None:
    first, second = at("Taxes will"), at("cuts are coming")
    annotation = f"T1\tContent {first[0]} {first[1]};{second[0]} {second[1]}\tTaxes will cuts"
    gold = gold_article(annotation)
    assert gold.units == {("Content", *first), ("Content", *second)}


def test_duplicate_units_within_an_article_count_once() -> None:
    annotation = "\n".join(
        [
            f"T1\tSource {offsets('Smith')}\tSmith",
            f"T2\tSource {offsets('Smith')}\tSmith",
            # Differs only in what trimming removes: the same unit again.
            f"T3\tCue {offsets('said')}\tsaid",
            f"T4\tCue {offsets('said:')}\tsaid:",
        ]
    )
    gold = gold_article(annotation)
    assert gold.units == {("Source", *at("Smith")), ("Cue", *at("said"))}
    predicted = prediction([statement("Smith", "said", []), statement("Smith", "said:", [])])
    counts = polnear.score_article(gold, predicted).roles
    assert (counts["Source"].true_positives, counts["Source"].predicted) == (1, 1)
    assert (counts["Cue"].true_positives, counts["Cue"].predicted) == (1, 1)


def test_discard_discuss_and_attribution_triggers_are_not_gold() -> None:
    annotation = "\n".join(
        [
            f"T1\tDiscard {offsets('Smith')}\tSmith",
            f"T2\tDiscuss {offsets('Jones')}\tJones",
            f"T3\tAttribution {offsets('added')}\tadded",
        ]
    )
    assert gold_article(annotation).units == frozenset()


def test_brat_parser_reads_numbered_roles_and_skips_other_lines() -> None:
    first, second = at('"Taxes will rise."'), at("cuts are coming")
    annotation = "\n".join(
        [
            f"T1\tContent {first[0]} {first[1]}\tone line of text",
            "that a newline in the quoted text pushed onto a line of its own",
            f"T2\tContent {second[0]} {second[1]}\tcuts are coming",
            "E1\tAttribution-no-source:T9 Content:T1 Content2:T2",
            "E2\tAttribution-no-source:T10 ",
        ]
    )
    gold = gold_article(annotation)
    assert [attribution.identifier for attribution in gold.attributions] == ["E1", "E2"]
    together = gold.attributions[0]
    assert together.content == (polnear.trim_piece(TEXT, *first), second)
    assert together.source == ()
    # An attribution without Content is still gold; nothing can pair with it.
    assert gold.attributions[1].content == ()


# --------------------------------------------------------------------------- annotator files


def test_first_annotator_file_in_sorted_name_order_is_chosen(tmp_path: Path) -> None:
    split = tmp_path / "test"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    (split / "text" / "story_a.txt").write_text(TEXT, encoding="utf-8")
    (split / "text" / "story_b.txt").write_text(TEXT, encoding="utf-8")
    smith = f"T1\tSource {offsets('Smith')}\tSmith\n"
    jones = f"T1\tSource {offsets('Jones')}\tJones\n"
    # Written out of order on purpose: the choice must not depend on directory order.
    (split / "attributions" / "story_a_ef2d.ann").write_text(jones, encoding="utf-8")
    (split / "attributions" / "story_a_4b22.ann").write_text(smith, encoding="utf-8")
    (split / "attributions" / "story_b_5fec.ann").write_text(jones, encoding="utf-8")

    chosen = polnear.first_annotation_files(split / "attributions")
    assert {name: path.name for name, path in chosen.items()} == {
        "story_a.txt": "story_a_4b22.ann",
        "story_b.txt": "story_b_5fec.ann",
    }
    articles = polnear.load_gold_split(split)
    assert [article.annotation_file for article in articles] == [
        "story_a_4b22.ann",
        "story_b_5fec.ann",
    ]
    assert articles[0].units == {("Source", *at("Smith"))}
    assert polnear.load_gold_split(split, limit=1)[0].name == "story_a.txt"


def test_raw_text_keeps_carriage_returns(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"one\r\ntwo")
    assert polnear.read_raw_text(path) == "one\r\ntwo"


# --------------------------------------------------------------------------- relations


def comparable(content: Sequence[tuple[int, int]], speaker: tuple[int, int] | None = None) -> Any:
    return polnear.ComparableStatement(frozenset(), speaker, tuple(content))


def attribution(content: Sequence[tuple[int, int]], source: Sequence[tuple[int, int]] = ()) -> Any:
    return polnear.GoldAttribution("E", tuple(source), (), tuple(content))


def test_pairing_is_greedy_in_gold_order_and_one_to_one() -> None:
    # Gold A (first in the file) takes prediction 1 (Jaccard 1.0 over 0.6). Gold B would
    # fit prediction 1 better (0.9) but it is taken, so B gets prediction 0 (0.67).
    gold = [attribution([(0, 10)]), attribution([(0, 9)])]
    predicted = [comparable([(0, 6)]), comparable([(0, 10)])]
    assert polnear.pair_attributions(gold, predicted) == [(0, 1), (1, 0)]
    # One prediction pairs once: B is left without a partner.
    assert polnear.pair_attributions(gold, [comparable([(0, 10)])]) == [(0, 0)]


def test_pairing_threshold_is_jaccard_at_least_one_half() -> None:
    gold = [attribution([(0, 10)])]
    assert polnear.pair_attributions(gold, [comparable([(0, 5)])]) == [(0, 0)]
    assert polnear.pair_attributions(gold, [comparable([(0, 4)])]) == []
    # Character sets: a prediction split in pieces over the same characters is a perfect fit.
    assert polnear.pair_attributions(gold, [comparable([(0, 3), (3, 10)])]) == [(0, 0)]


def test_pairing_joins_gold_content_pieces_and_breaks_ties_by_prediction_order() -> None:
    gold = [attribution([(0, 4), (10, 14)])]
    predicted = [comparable([(0, 4), (10, 14)]), comparable([(10, 14), (0, 4)])]
    assert polnear.pair_attributions(gold, predicted) == [(0, 0)]
    assert polnear.pair_attributions([attribution([])], predicted) == []


def test_speaker_is_right_when_spans_share_a_character_or_both_are_absent() -> None:
    assert polnear.speaker_is_right([(0, 5)], (4, 9))
    assert not polnear.speaker_is_right([(0, 5)], (5, 9))
    assert polnear.speaker_is_right([(0, 2), (20, 25)], (22, 23))
    assert polnear.speaker_is_right([], None)
    assert not polnear.speaker_is_right([], (0, 5))
    assert not polnear.speaker_is_right([(0, 5)], None)


def test_relation_and_speaker_scores_of_an_article() -> None:
    gold = gold_article(SMITH_AND_JONES)
    predicted = prediction(
        [
            statement("Lee", "agreed", ["Taxes will rise."]),  # paired, wrong speaker
            statement("Jones", "added", ["that cuts are coming"]),  # paired, right speaker
            statement("Smith", "said", ["and Lee agreed"]),  # unpaired
        ]
    )
    scores = polnear.score_article(gold, predicted)
    assert (scores.relation.true_positives, scores.relation.predicted) == (2, 3)
    assert scores.relation.gold == 2
    assert scores.speakers_right == 1
    assert scores.speaker_accuracy == pytest.approx(0.5)


# --------------------------------------------------------------------------- predictions


def test_span_text_mismatch_is_reported_and_offsets_still_scored() -> None:
    gold = gold_article(SMITH_AND_JONES)
    wrong_text = statement("Smith", None, [])
    wrong_text["speaker"]["text"] = "Smyth"
    outside = statement(None, None, [])
    outside["cue"] = {"start": 0, "end": len(TEXT) + 5, "text": ""}
    scores = polnear.score_article(gold, prediction([wrong_text, outside]))
    assert scores.roles["Source"].true_positives == 1
    assert scores.roles["Cue"].predicted == 0
    assert len(scores.span_problems) == 2


def test_predictions_are_matched_by_file_name_of_source(tmp_path: Path) -> None:
    path = tmp_path / "predictions.jsonl"
    records = [
        {"source": "../shared/data/polnear/test/text/a.txt", "text": TEXT, "statements": []},
        {"source": "elsewhere/b.txt#2", "text": TEXT, "statements": []},
        {"source": "again/a.txt", "text": TEXT, "statements": []},
    ]
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n", encoding="utf-8")
    articles, problems = polnear.load_predictions(path)
    assert sorted(articles) == ["a.txt", "b.txt"]
    assert articles["a.txt"].source.startswith("../shared")
    assert len(problems) == 1


def test_split_totals_sum_counts_and_note_missing_predictions() -> None:
    gold = gold_article(SMITH_AND_JONES)
    other = polnear.GoldArticle("b.txt", TEXT, "b_0000.ann", gold.units, gold.attributions)
    predictions = {"a.txt": prediction([statement("Smith", "said", ["Taxes will rise"])])}
    total = polnear.score_split([gold, other], predictions)
    source = total.roles["Source"]
    assert (source.true_positives, source.predicted, source.gold) == (1, 1, 4)
    assert source.precision == 1.0
    assert source.recall == pytest.approx(0.25)
    assert source.f1 == pytest.approx(0.4)
    assert total.articles == 2
    assert total.articles_without_prediction == ["b.txt"]
    assert total.relation.gold == 4


def test_empty_counts_score_zero() -> None:
    empty = polnear.Counts()
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)


# --------------------------------------------------------------------------- running


def test_speed_excludes_start_up() -> None:
    run = polnear.SystemRun("x", articles=11, seconds_all=7.0, seconds_one=2.0)
    assert run.articles_per_second == pytest.approx(2.0)
    assert (
        polnear.SystemRun("x", articles=1, seconds_all=2.0, seconds_one=2.0).articles_per_second
        is None
    )


def test_missing_saywho_is_skipped_with_a_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(polnear, "saywho_executable", lambda: None)
    system = polnear.saywho_system()
    assert system.unavailable_reason is not None
    assert "saywho CLI not found" in system.unavailable_reason
    run = polnear.run_system(system, [tmp_path / "a.txt"], tmp_path, "test", measure_speed=True)
    assert run.skipped == system.unavailable_reason
    assert run.predictions_path is None


def test_full_pipeline_system_keeps_stance_on(tmp_path: Path) -> None:
    who_said_what = polnear.saywho_system()
    full = polnear.saywho_system(stance=True)
    files, out = [tmp_path / "a.txt"], tmp_path / "out.jsonl"
    assert "--no-stance" in who_said_what.build_command(files, out)
    assert "--no-stance" not in full.build_command(files, out)
    assert (who_said_what.name, full.name) == ("saywho", "saywho-full")


def test_runs_are_pinned_to_the_idlest_allowed_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(polnear.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(polnear.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    assert polnear.pinned_core({0: 0.9, 1: 0.05, 2: 0.05, 3: 0.0}) == 1
    monkeypatch.setattr(polnear.shutil, "which", lambda name: None)
    assert polnear.pinned_core({0: 0.0}) is None


def test_measured_run_reports_exit_code_and_memory(tmp_path: Path) -> None:
    measurement = polnear.run_measured(
        [sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"], None, tmp_path
    )
    assert measurement.exit_code == 3
    assert measurement.stderr_tail == "boom"
    assert measurement.peak_rss_mb > 1


def fake_system(script: str) -> Any:
    """A system whose command runs ``script`` with the output path as sys.argv[1]."""

    def command(files: Sequence[Path], out: Path) -> list[str]:
        return [sys.executable, "-c", script, str(out), *map(str, files)]

    return polnear.System("fake", command, None)


def test_run_system_times_all_and_one_article_and_keeps_predictions(tmp_path: Path) -> None:
    write_one_line_per_file = (
        "import json, sys\n"
        "with open(sys.argv[1], 'w') as out:\n"
        "    for path in sys.argv[2:]:\n"
        "        out.write(json.dumps({'source': path, 'statements': []}) + '\\n')\n"
    )
    files = [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"]
    run = polnear.run_system(fake_system(write_one_line_per_file), files, tmp_path, "dev", True)
    assert run.skipped is None
    assert run.predictions_path == tmp_path / "polnear-dev-fake.jsonl"
    articles, _ = polnear.load_predictions(run.predictions_path)
    assert sorted(articles) == ["a.txt", "b.txt", "c.txt"]
    assert run.seconds_all is not None and run.seconds_one is not None
    assert run.peak_rss_mb is not None and run.peak_rss_mb > 1
    assert run.cpu_share is not None and 0 < run.cpu_share <= 1.5


def test_run_system_reports_a_failing_or_silent_system(tmp_path: Path) -> None:
    files = [tmp_path / "a.txt", tmp_path / "b.txt"]
    failing = polnear.run_system(
        fake_system("import sys; print('no such option', file=sys.stderr); sys.exit(2)"),
        files,
        tmp_path,
        "dev",
        True,
    )
    assert failing.skipped == "exit code 2: no such option"
    silent = polnear.run_system(fake_system("pass"), files, tmp_path, "dev", False)
    assert silent.skipped is not None and "wrote no" in silent.skipped


@dataclass
class FakeToken:
    i: int
    idx: int
    text: str


def test_baseline_joins_tokens_from_first_start_to_last_end() -> None:
    text = "Trump and Clinton said"
    tokens = [FakeToken(2, 10, "Clinton"), FakeToken(0, 0, "Trump")]
    assert textacy_baseline.tokens_to_span(tokens, text) == {
        "start": 0,
        "end": 17,
        "text": "Trump and Clinton",
    }
    assert textacy_baseline.tokens_to_span([], text) is None
