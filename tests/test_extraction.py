"""The extraction benchmark's scorer (bench/extraction.py) on tiny hand-made examples,
and one run of the whole benchmark on ../shared (skipped without it).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
extraction: ModuleType = importlib.import_module("extraction")


def test_tokens_are_unicode_words_with_case_kept() -> None:
    counted = extraction.shingles("Größe, café — naïve Straße: 北京 Ünïcode")
    assert list(counted) == [
        ("Größe", "café", "naïve", "Straße"),
        ("café", "naïve", "Straße", "北京"),
        ("naïve", "Straße", "北京", "Ünïcode"),
    ]
    assert extraction.shingles("One two three four") != extraction.shingles("one two three four")


def test_shingles_are_a_multiset_of_four_tokens() -> None:
    counted = extraction.shingles("a b c d a b c d")
    assert counted[("a", "b", "c", "d")] == 2
    assert sum(counted.values()) == 5


def test_fewer_than_four_tokens_make_no_shingle() -> None:
    assert not extraction.shingles("only three words")
    assert not extraction.shingles("")


def test_page_counts_are_divided_by_their_sum() -> None:
    # reference shingles: abcd, bcde; predicted: abcd, bcdx
    score = extraction.score_page("a b c d e", "a b c d x")
    assert score.true_positives == pytest.approx(1 / 3)
    assert score.false_positives == pytest.approx(1 / 3)
    assert score.false_negatives == pytest.approx(1 / 3)
    assert (score.precision, score.recall) == (pytest.approx(0.5), pytest.approx(0.5))


def test_repeated_shingles_count_with_multiplicity() -> None:
    # the prediction repeats "a b c d" once more than the reference has it
    score = extraction.score_page("a b c d", "a b c d a b c d")
    # predicted abcd x2, bcda, cdab, dabc; reference abcd x1
    assert score.true_positives == pytest.approx(1 / 5)
    assert score.false_positives == pytest.approx(4 / 5)
    assert score.false_negatives == 0


def test_empty_prediction_counts_for_recall_only() -> None:
    perfect = extraction.score_page("one two three four five", "one two three four five")
    empty = extraction.score_page("one two three four five", "")
    assert not empty.has_prediction and empty.has_reference
    summary = extraction.summarize([perfect, empty])
    assert summary.precision == 1.0
    assert summary.recall == 0.5
    assert summary.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_page_with_no_shingles_at_all_is_left_out_of_both_averages() -> None:
    nothing = extraction.score_page("too short", "also short")
    assert not nothing.has_prediction and not nothing.has_reference
    perfect = extraction.score_page("one two three four", "one two three four")
    summary = extraction.summarize([perfect, nothing])
    assert (summary.precision, summary.recall, summary.pages) == (1.0, 1.0, 2)


def test_f1_comes_from_the_averages_not_from_page_f1s() -> None:
    # page 1: precision 1, recall 1/2; page 2: precision 1/2, recall 1
    first = extraction.score_page("a b c d e", "a b c d")
    second = extraction.score_page("a b c d", "a b c d e")
    summary = extraction.summarize([first, second])
    assert summary.precision == pytest.approx(0.75)
    assert summary.recall == pytest.approx(0.75)
    assert summary.f1 == pytest.approx(0.75)
    assert summary.f1 != pytest.approx((first.f1 + second.f1) / 2)


def test_nothing_to_average_scores_zero() -> None:
    assert extraction.summarize([]) == extraction.Summary(0.0, 0.0, 0.0, 0)


def test_halves_follow_the_last_hex_digit() -> None:
    assert extraction.half_of("00ff0a") == "even"
    assert extraction.half_of("00ff0b") == "odd"


@pytest.mark.shared
def test_saywho_extracts_at_least_as_well_as_plain_trafilatura(shared_dir: Path) -> None:
    dataset = shared_dir / extraction.DATASET
    pages = extraction.load_pages(dataset)
    assert len(pages) == 181
    f1 = {
        name: extraction.scores_by_half(
            pages, extraction.run_system(name, extractor, pages).predictions
        )["all"].f1
        for name, extractor in extraction.SYSTEMS.items()
    }
    assert f1["saywho"] >= f1["trafilatura"], f1
