"""Article extraction benchmark: saywho's HTML path beside plain trafilatura, same run.

    python bench/extraction.py --shared ../shared [--limit N] [--ablations]

Data: ``data/article-extraction-benchmark`` (ScrapingHub, MIT): 181 news pages
``html/<id>.html.gz`` and ``ground-truth.json`` with the reference ``articleBody``.

Scoring follows the protocol of ``../shared/README.md`` exactly:

* Tokens are ``\\w+`` matches (Unicode, case kept). A text becomes the multiset of its
  consecutive 4-token shingles (a text of fewer than 4 tokens has none).
* Per page, true positives are shingles in both multisets (with multiplicity), false
  positives predicted ones beyond the reference's count, false negatives the reverse;
  the three are divided by their sum so every page weighs the same.
* Precision is averaged over pages with any predicted or matching shingle (tp + fp > 0),
  recall over pages with any reference or matching shingle (tp + fn > 0), and F1 is
  taken from the two averages.

Systems:

* ``saywho``: ``Document.text`` of ``clean_document(RawDocument(source=..., html=...))``,
  empty when it raises ``InputError``. The title is not included: ``Document.text`` is
  the body without the title, and the reference ``articleBody`` leaves the headline out
  too (prepending it costs about 0.013 F1, see ``--ablations``).
* ``trafilatura``: ``trafilatura.extract(html, include_comments=False)``.

Both get the same string: the file decoded as saywho's ingest decodes an HTML file.
No URL is passed: the benchmark is about the HTML alone.

Pages are split by the last hex digit of their id (a SHA-256 of the page): even ids are
the development half the repairs were worked out on, odd ids are held out. The table
gives F1 on each half and on all pages. Speed is pages per second on one core, in this
process, after one untimed warm-up page (language detection loads its models then).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT_DIR = REPO / "bench" / "out"
DATASET = Path("data") / "article-extraction-benchmark"

SHINGLE_TOKENS = 4
TOKEN = re.compile(r"\w+")

# Published F1 under the same protocol (README of ../shared; Zyte's for AutoExtract,
# the best published).
PUBLISHED_ANCHORS: tuple[tuple[str, float], ...] = (
    ("Zyte AutoExtract", 0.970),
    ("trafilatura", 0.958),
    ("newspaper4k", 0.949),
    ("news-please", 0.948),
    ("readability-lxml", 0.922),
    ("goose3", 0.896),
    ("whole-page text", 0.665),
)

JsonObject = dict[str, Any]
Extractor = Callable[[str, str], str]


# --------------------------------------------------------------------------- scoring


def shingles(text: str, size: int = SHINGLE_TOKENS) -> Counter[tuple[str, ...]]:
    """The multiset of consecutive ``size``-token shingles of ``text``."""
    tokens = TOKEN.findall(text)
    return Counter(tuple(tokens[start : start + size]) for start in range(len(tokens) - size + 1))


@dataclass(frozen=True)
class PageScore:
    """A page's true positives, false positives and false negatives, divided by their sum."""

    true_positives: float
    false_positives: float
    false_negatives: float

    @property
    def has_prediction(self) -> bool:
        return self.true_positives + self.false_positives > 0

    @property
    def has_reference(self) -> bool:
        return self.true_positives + self.false_negatives > 0

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        reference = self.true_positives + self.false_negatives
        return self.true_positives / reference if reference else 0.0

    @property
    def f1(self) -> float:
        total = 2 * self.true_positives + self.false_positives + self.false_negatives
        return 2 * self.true_positives / total if total else 0.0


def score_page(reference: str, prediction: str) -> PageScore:
    expected, predicted = shingles(reference), shingles(prediction)
    true_positives = sum((expected & predicted).values())
    false_positives = sum((predicted - expected).values())
    false_negatives = sum((expected - predicted).values())
    total = true_positives + false_positives + false_negatives
    if not total:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(true_positives / total, false_positives / total, false_negatives / total)


@dataclass(frozen=True)
class Summary:
    precision: float
    recall: float
    f1: float
    pages: int


def summarize(pages: Iterable[PageScore]) -> Summary:
    """Precision and recall averaged over the pages the protocol counts, F1 from the two."""
    scores = list(pages)
    precisions = [page.precision for page in scores if page.has_prediction]
    recalls = [page.recall for page in scores if page.has_reference]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Summary(precision, recall, f1, len(scores))


def half_of(page_id: str) -> str:
    """``even`` (development) or ``odd`` (held out), by the id's last hex digit."""
    return "even" if int(page_id[-1], 16) % 2 == 0 else "odd"


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Page:
    page_id: str
    url: str
    html: str
    reference: str


def decode_html(data: bytes) -> str:
    """The page as saywho's ingest decodes an HTML file (BOM, meta charset, else UTF-8)."""
    from saywho.ingest.decoding import decode_document

    return decode_document(data, "html", None, "file")[1]


def load_pages(dataset: Path, limit: int | None = None) -> list[Page]:
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        data = gzip.decompress((dataset / "html" / f"{page_id}.html.gz").read_bytes())
        entry = truth[page_id]
        pages.append(
            Page(page_id, str(entry.get("url", "")), decode_html(data), entry["articleBody"])
        )
    return pages


# --------------------------------------------------------------------------- systems


def saywho_text(source: str, html: str) -> str:
    from saywho.clean import clean_document
    from saywho.model import InputError, RawDocument

    try:
        return clean_document(RawDocument(source=source, html=html)).text
    except InputError:
        return ""


def saywho_with_title(source: str, html: str) -> str:
    from saywho.clean import clean_document
    from saywho.model import InputError, RawDocument

    try:
        document = clean_document(RawDocument(source=source, html=html))
    except InputError:
        return ""
    return f"{document.title}\n\n{document.text}" if document.title else document.text


def trafilatura_text(source: str, html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


SYSTEMS: dict[str, Extractor] = {"saywho": saywho_text, "trafilatura": trafilatura_text}


@dataclass
class Run:
    name: str
    predictions: dict[str, str]
    seconds: list[float]

    @property
    def pages_per_second(self) -> float:
        total = sum(self.seconds)
        return len(self.seconds) / total if total else 0.0

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.seconds) if self.seconds else 0.0


def run_system(name: str, extractor: Extractor, pages: Sequence[Page]) -> Run:
    if pages:
        extractor(pages[0].page_id, pages[0].html)  # untimed warm-up
    predictions: dict[str, str] = {}
    seconds: list[float] = []
    for page in pages:
        started = time.perf_counter()
        predictions[page.page_id] = extractor(page.page_id, page.html)
        seconds.append(time.perf_counter() - started)
    return Run(name, predictions, seconds)


def scores_by_half(pages: Sequence[Page], predictions: Mapping[str, str]) -> dict[str, Summary]:
    scored = [(page, score_page(page.reference, predictions[page.page_id])) for page in pages]
    return {
        "all": summarize(score for _, score in scored),
        "even": summarize(score for page, score in scored if half_of(page.page_id) == "even"),
        "odd": summarize(score for page, score in scored if half_of(page.page_id) == "odd"),
    }


# --------------------------------------------------------------------------- ablations


@contextmanager
def extraction_settings(**changes: Any) -> Iterator[None]:
    """saywho's extraction with some settings changed, for the duration of the block."""
    from saywho.clean import extract

    original = extract.DEFAULT_SETTINGS
    extract.DEFAULT_SETTINGS = dataclasses.replace(original, **changes)
    try:
        yield
    finally:
        extract.DEFAULT_SETTINGS = original


def ablations() -> Iterator[tuple[str, Extractor, dict[str, Any]]]:
    """(row name, extractor, settings changes): each repair off in turn, and the title on."""
    from saywho.clean.blocks import BLOCK_RULES

    yield "saywho, title prepended", saywho_with_title, {}
    yield "saywho without precision mode", saywho_text, {"precision_mode": False}
    yield "saywho without sibling chunks", saywho_text, {"split_chunks": False}
    yield "saywho without block rules", saywho_text, {"block_rules": ()}
    for rule in BLOCK_RULES:
        others = tuple(other for other in BLOCK_RULES if other is not rule)
        yield f"saywho without {rule.__name__}", saywho_text, {"block_rules": others}
    yield (
        "saywho, trafilatura only",
        saywho_text,
        {"precision_mode": False, "split_chunks": False, "block_rules": ()},
    )


# --------------------------------------------------------------------------- report

TABLE_HEADER = "| system | P | R | F1 | F1 even (dev) | F1 odd (held out) | pages/s | median ms |"


def table_row(name: str, summaries: Mapping[str, Summary], run: Run | None) -> str:
    whole = summaries["all"]
    cells = [
        name,
        f"{whole.precision:.3f}",
        f"{whole.recall:.3f}",
        f"{whole.f1:.3f}",
        f"{summaries['even'].f1:.3f}",
        f"{summaries['odd'].f1:.3f}",
        f"{run.pages_per_second:.0f}" if run else "–",
        f"{run.median_ms:.0f}" if run else "–",
    ]
    return "| " + " | ".join(cells) + " |"


def anchor_rows() -> list[str]:
    return [
        f"| {name} (published) | – | – | {f1:.3f} | – | – | – | – |"
        for name, f1 in PUBLISHED_ANCHORS
    ]


def markdown_table(rows: Sequence[str]) -> str:
    separator = "|" + "---|" * (TABLE_HEADER.count("|") - 1)
    return "\n".join([TABLE_HEADER, separator, *rows, *anchor_rows()])


def summary_json(summaries: Mapping[str, Summary]) -> JsonObject:
    return {half: dataclasses.asdict(summary) for half, summary in summaries.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder")
    parser.add_argument("--limit", type=int, default=None, help="first N pages by id only")
    parser.add_argument(
        "--ablations", action="store_true", help="also score saywho with each repair off"
    )
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    arguments = parser.parse_args(argv)

    dataset = arguments.shared / DATASET
    if not (dataset / "ground-truth.json").is_file():
        raise SystemExit(f"no article extraction benchmark at {dataset} (pass --shared)")
    if arguments.limit is not None and arguments.limit < 1:
        raise SystemExit("--limit must be at least 1")
    pages = load_pages(dataset, arguments.limit)
    halves = Counter(half_of(page.page_id) for page in pages)
    print(f"{len(pages)} pages ({halves['even']} even, {halves['odd']} odd)", file=sys.stderr)

    rows: list[str] = []
    results: JsonObject = {"pages": len(pages), "systems": {}, "ablations": {}}
    for name, extractor in SYSTEMS.items():
        print(f"running {name}…", file=sys.stderr)
        run = run_system(name, extractor, pages)
        summaries = scores_by_half(pages, run.predictions)
        rows.append(table_row(name, summaries, run))
        results["systems"][name] = {
            **summary_json(summaries),
            "pages_per_second": run.pages_per_second,
            "median_ms": run.median_ms,
            "per_page_f1": {
                page.page_id: score_page(page.reference, run.predictions[page.page_id]).f1
                for page in pages
            },
        }
    if arguments.ablations:
        for name, extractor, changes in ablations():
            print(f"running {name}…", file=sys.stderr)
            with extraction_settings(**changes):
                run = run_system(name, extractor, pages)
            summaries = scores_by_half(pages, run.predictions)
            rows.append(table_row(name, summaries, run))
            results["ablations"][name] = summary_json(summaries)

    table = markdown_table(rows)
    results["table"] = table
    out_dir: Path = arguments.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "extraction.json"
    json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out_dir / "extraction.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    print(f"\nresults: {json_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
