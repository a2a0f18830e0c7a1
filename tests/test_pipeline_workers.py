"""``analyze_all`` in several processes: whole batches per worker, input order kept,
every input out exactly once (Failures passed through), setting errors raised."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from saywho import pipeline as pipeline_module
from saywho.batching import batched, batched_for_workers
from saywho.config import PipelineConfig
from saywho.model import Article, ConfigError, Failure, RawDocument
from saywho.output.jsonio import article_to_dict

CONFIG = PipelineConfig(attributor="rules", stance_model="lexicon", batch_size=3)
SENTENCES = [
    "The minister said on Monday that the talks with Lendova would resume next week.",
    '"We will not sign this agreement," President Anna Berg told reporters in Riverton.',
    "According to the electoral commission, turnout reached 71 percent on Sunday.",
    "Senator Okafor accused the government of hiding the report from parliament.",
]
FRENCH = (
    "Le ministre a déclaré lundi que les négociations reprendraient la semaine prochaine, "
    "a indiqué son porte-parole devant la presse."
)


def _inputs() -> list[RawDocument | Failure]:
    items: list[RawDocument | Failure] = []
    for number in range(11):
        text = " ".join(SENTENCES[number % 4 :] + SENTENCES[: number % 4])
        items.append(RawDocument(f"doc{number}.txt", text))
    items[2] = Failure("unreadable.txt", "not UTF-8")  # from ingest: passed through
    items[5] = RawDocument("empty.txt", "  \n")  # fails while cleaning
    items[7] = RawDocument("fr.txt", FRENCH)  # kept with a note, not analyzed
    return items


def _as_json(results: list[Article | Failure]) -> list[str]:
    return [
        json.dumps(
            {"failure": [r.source, r.reason]} if isinstance(r, Failure) else article_to_dict(r),
            sort_keys=True,
        )
        for r in results
    ]


@pytest.mark.parametrize(
    ("count", "sizes"),
    [
        (0, []),
        (3, [2, 1]),  # short input: shared out so that both workers get some
        (7, [4, 3]),
        (8, [4, 4]),
        (9, [4, 4, 1]),  # long enough: full batches
        (20, [4, 4, 4, 4, 4]),
    ],
)
def test_batches_for_workers(count: int, sizes: list[int]) -> None:
    batches = list(batched_for_workers(iter(range(count)), 4, workers=2))
    assert [len(batch) for batch in batches] == sizes
    assert [item for batch in batches for item in batch] == list(range(count))


def test_batched_keeps_every_item() -> None:
    assert list(batched(range(5), 2)) == [[0, 1], [2, 3], [4]]


def test_workers_take_whole_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []

    class Recorder:
        def analyze(self, batch: list[RawDocument | Failure]) -> list[RawDocument | Failure]:
            sizes.append(len(batch))
            return batch

    # The worker function as a spawned process runs it, here in this process.
    monkeypatch.setattr(pipeline_module, "_worker_pipeline", Recorder())
    items = _inputs()
    batches = batched_for_workers(items, CONFIG.batch_size, 2)
    out = [r for batch in batches for r in pipeline_module._analyze_in_worker(batch)]
    assert out == items and sizes == [3, 3, 3, 2]


def test_several_workers_give_what_one_process_gives() -> None:
    items = _inputs()
    one = list(pipeline_module.analyze_all(items, CONFIG))
    two = list(pipeline_module.analyze_all(items, CONFIG, workers=2))
    assert [r.source if isinstance(r, Failure) else r.document.source for r in two] == [
        getattr(item, "source", None) for item in items
    ]
    assert _as_json(two) == _as_json(one)
    failures = [r for r in two if isinstance(r, Failure)]
    assert [f.source for f in failures] == ["unreadable.txt", "empty.txt"]
    french = two[7]
    assert isinstance(french, Article) and french.document.language == "fr" and french.notes
    assert sum(len(r.statements) for r in two if isinstance(r, Article)) > 0


def test_a_setting_workers_cannot_build_is_raised_not_waited_on() -> None:
    # A Pool replaces a worker whose initializer fails, for ever: this used to hang.
    config = replace(CONFIG, attributor="nope")
    with pytest.raises(ConfigError, match="unknown attributor 'nope'"):
        list(pipeline_module.analyze_all(_inputs(), config, workers=2))
