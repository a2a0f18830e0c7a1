"""PolNeAR attribution benchmark: span-exact F1 per role, relation F1, speaker accuracy, speed.

    python bench/polnear.py --shared ../shared --split test [--limit N] [--systems saywho,textacy]

Implements the PolNeAR scoring protocol of ``../shared/README.md`` exactly:

* Gold units are the Source, Cue and Content spans of the first ``.ann`` file of each
  article in sorted file-name order (Discard and Discuss are not gold). Each contiguous
  piece of a span is one unit; duplicates within an article count once.
* Gold and predicted pieces are trimmed of white space and of
  ``. , ; : ! ? " ' “ ” ‘ ’ ( ) [ ] - – —`` at either end; a predicted unit is right when
  its trimmed (start, end) equals a gold unit's of the same role. Counts are summed
  over the split.
* Each gold attribution (an ``E`` line; its Content pieces together) is paired, one to
  one and greedily in file order, with the unpaired predicted statement whose content
  characters have the highest Jaccard overlap, if that is at least 0.5. A paired speaker
  is right when predicted and gold speaker spans share a character, or both are absent.

Each system runs as a subprocess over the split's text files, pinned to one core, so
start-up can be measured and excluded: per-article time is
(time for N articles - time for 1 article) / (N - 1).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT_DIR = BENCH / "out"

ROLES = ("Source", "Cue", "Content")
TRIMMED_PUNCTUATION = frozenset(".,;:!?\"'“”‘’()[]-–—")
MINIMUM_PAIR_JACCARD = 0.5
# Above this busy fraction of the pinned core (before the runs), speed is suspect.
BUSY_CORE_WARNING = 0.2
# A single-threaded child that gets less of its core than this was waiting for it.
MINIMUM_CPU_SHARE = 0.8

# Published span-exact F1 on the PolNeAR test split (CofeNet, COLING 2022):
# source, cue, content. No precision, recall or relation figures were published.
PUBLISHED_ANCHORS: tuple[tuple[str, float, float, float], ...] = (
    ("rule-based", 10.7, 22.8, 5.6),
    ("CRF", 50.6, 53.4, 28.6),
    ("BiLSTM-CRF", 69.6, 66.7, 59.0),
    ("BERT-CRF", 82.2, 74.9, 71.0),
    ("BERT-CofeNet", 83.2, 75.3, 72.9),
)

# Keep every numeric library to one thread: speed is reported per core.
SINGLE_THREAD_ENVIRONMENT = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TORCH_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}

Piece = tuple[int, int]
Unit = tuple[str, int, int]
JsonObject = dict[str, Any]

ANNOTATOR_SUFFIX = re.compile(r"_[0-9a-fA-F]{4}$")
TEXT_BOUND_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
EVENT_LINE = re.compile(r"^(E\d+)\t(.*)$")
RECORD_SUFFIX = re.compile(r"#\d+$")


# --------------------------------------------------------------------------- spans


def is_trimmed_character(character: str) -> bool:
    return character.isspace() or character in TRIMMED_PUNCTUATION


def trim_piece(text: str, start: int, end: int) -> Piece | None:
    """The piece without trimmed characters at either end, or None when nothing is left."""
    while start < end and is_trimmed_character(text[start]):
        start += 1
    while end > start and is_trimmed_character(text[end - 1]):
        end -= 1
    return (start, end) if start < end else None


def unit_piece(text: str, start: int, end: int) -> Piece:
    """The offsets a unit is compared by: trimmed, or as written when trimming leaves nothing.

    The protocol makes every piece a unit and never drops one. A gold cue that is only
    punctuation (a colon or a dash, 29 of them in the test split) stays a gold unit;
    it keeps its own offsets so only a prediction of exactly that piece can match it.
    """
    trimmed = trim_piece(text, start, end)
    return trimmed if trimmed is not None else (start, end)


def trim_pieces(text: str, pieces: Iterable[Piece]) -> list[Piece]:
    trimmed = (trim_piece(text, start, end) for start, end in pieces)
    return [piece for piece in trimmed if piece is not None]


def characters_of(pieces: Iterable[Piece]) -> set[int]:
    return {offset for start, end in pieces for offset in range(start, end)}


def jaccard(first: set[int], second: set[int]) -> float:
    union = len(first | second)
    return len(first & second) / union if union else 0.0


# --------------------------------------------------------------------------- gold


@dataclass(frozen=True)
class TextBound:
    """A BRAT ``T`` line: a typed span made of one or more contiguous pieces."""

    identifier: str
    label: str
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class Event:
    """A BRAT ``E`` line: (role, text-bound id) arguments in file order."""

    identifier: str
    arguments: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BratDocument:
    text_bounds: dict[str, TextBound]
    events: tuple[Event, ...]


def parse_brat(annotation: str) -> BratDocument:
    """Read the T and E lines of a BRAT standoff file.

    Lines of any other kind (notes, and the continuation lines of a T whose quoted
    text holds a newline) are skipped: only offsets and links matter here.
    """
    text_bounds: dict[str, TextBound] = {}
    events: list[Event] = []
    for line in annotation.split("\n"):
        text_bound = TEXT_BOUND_LINE.match(line)
        if text_bound:
            identifier, label, offsets = text_bound.groups()
            pieces = tuple(
                (int(start), int(end))
                for start, end in (piece.split(" ") for piece in offsets.split(";"))
            )
            text_bounds[identifier] = TextBound(identifier, label, pieces)
            continue
        event = EVENT_LINE.match(line)
        if event:
            identifier, body = event.groups()
            arguments = tuple(
                (role, target)
                for role, _, target in (argument.partition(":") for argument in body.split())
                if target
            )
            events.append(Event(identifier, arguments))
    return BratDocument(text_bounds, tuple(events))


def argument_role(role: str) -> str:
    """BRAT numbers repeated roles (``Content2``); the role is the name without digits."""
    return role.rstrip("0123456789")


@dataclass(frozen=True)
class GoldAttribution:
    """One gold attribution with its trimmed pieces per role."""

    identifier: str
    source: tuple[Piece, ...]
    cue: tuple[Piece, ...]
    content: tuple[Piece, ...]


@dataclass(frozen=True)
class GoldArticle:
    name: str
    text: str
    annotation_file: str
    units: frozenset[Unit]
    attributions: tuple[GoldAttribution, ...]


def read_raw_text(path: Path) -> str:
    # newline="" keeps the file's characters as they are, so BRAT offsets stay valid.
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def article_name_of_annotation(path: Path) -> str:
    """``x_ef2d.ann`` annotates ``x.txt``."""
    return ANNOTATOR_SUFFIX.sub("", path.stem) + ".txt"


def first_annotation_files(annotation_dir: Path) -> dict[str, Path]:
    """Text file name -> the first annotator's ``.ann`` file in sorted file-name order."""
    chosen: dict[str, Path] = {}
    for path in sorted(annotation_dir.glob("*.ann"), key=lambda candidate: candidate.name):
        chosen.setdefault(article_name_of_annotation(path), path)
    return chosen


def gold_from_brat(name: str, text: str, annotation_file: str, brat: BratDocument) -> GoldArticle:
    units: set[Unit] = set()
    for text_bound in brat.text_bounds.values():
        if text_bound.label in ROLES:
            for start, end in text_bound.pieces:
                units.add((text_bound.label, *unit_piece(text, start, end)))

    attributions: list[GoldAttribution] = []
    for event in brat.events:
        pieces_by_role: dict[str, list[Piece]] = {role: [] for role in ROLES}
        for role, target in event.arguments:
            base_role = argument_role(role)
            argument = brat.text_bounds.get(target)
            if base_role in pieces_by_role and argument is not None:
                pieces_by_role[base_role].extend(trim_pieces(text, argument.pieces))
        attributions.append(
            GoldAttribution(
                identifier=event.identifier,
                source=tuple(pieces_by_role["Source"]),
                cue=tuple(pieces_by_role["Cue"]),
                content=tuple(pieces_by_role["Content"]),
            )
        )
    return GoldArticle(name, text, annotation_file, frozenset(units), tuple(attributions))


def load_gold_article(text_path: Path, annotation_path: Path) -> GoldArticle:
    text = read_raw_text(text_path)
    brat = parse_brat(annotation_path.read_text(encoding="utf-8"))
    return gold_from_brat(text_path.name, text, annotation_path.name, brat)


def split_text_files(split_dir: Path, limit: int | None = None) -> list[Path]:
    paths = sorted((split_dir / "text").glob("*.txt"), key=lambda path: path.name)
    return paths if limit is None else paths[:limit]


def load_gold_split(split_dir: Path, limit: int | None = None) -> list[GoldArticle]:
    annotations = first_annotation_files(split_dir / "attributions")
    articles: list[GoldArticle] = []
    for text_path in split_text_files(split_dir, limit):
        annotation_path = annotations.get(text_path.name)
        if annotation_path is None:
            raise SystemExit(f"no .ann file for {text_path} in {split_dir / 'attributions'}")
        articles.append(load_gold_article(text_path, annotation_path))
    return articles


# --------------------------------------------------------------------------- predictions


@dataclass(frozen=True)
class PredictedSpan:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class PredictedStatement:
    speaker: PredictedSpan | None
    cue: PredictedSpan | None
    content: tuple[PredictedSpan, ...]


@dataclass(frozen=True)
class PredictedArticle:
    name: str
    source: str
    text: str | None
    statements: tuple[PredictedStatement, ...]


def article_name_of_source(source: str) -> str:
    """The text file name an article's ``source`` points at (``#N`` record suffix dropped)."""
    return Path(RECORD_SUFFIX.sub("", source)).name


def span_from_json(value: Any) -> PredictedSpan | None:
    if not isinstance(value, Mapping):
        return None
    return PredictedSpan(int(value["start"]), int(value["end"]), str(value.get("text", "")))


def article_from_json(record: Mapping[str, Any]) -> PredictedArticle:
    statements = tuple(
        PredictedStatement(
            speaker=span_from_json(statement.get("speaker")),
            cue=span_from_json(statement.get("cue")),
            content=tuple(
                span
                for span in (span_from_json(piece) for piece in statement.get("content") or [])
                if span is not None
            ),
        )
        for statement in record.get("statements") or []
    )
    source = str(record.get("source", ""))
    text = record.get("text")
    return PredictedArticle(
        name=article_name_of_source(source),
        source=source,
        text=text if isinstance(text, str) else None,
        statements=statements,
    )


def load_predictions(path: Path) -> tuple[dict[str, PredictedArticle], list[str]]:
    """Articles by text file name, and problems found while reading (duplicates, bad lines)."""
    articles: dict[str, PredictedArticle] = {}
    problems: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                article = article_from_json(json.loads(line))
            except (ValueError, KeyError, TypeError) as error:
                problems.append(f"{path.name}:{line_number}: unreadable prediction: {error}")
                continue
            if article.name in articles:
                problems.append(f"{path.name}:{line_number}: second record for {article.name}")
                continue
            articles[article.name] = article
    return articles, problems


# --------------------------------------------------------------------------- scoring


@dataclass
class Counts:
    """True positives and the sizes of the predicted and gold sets."""

    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.predicted + self.gold
        return 2 * self.true_positives / total if total else 0.0

    def add(self, other: Counts) -> None:
        self.true_positives += other.true_positives
        self.predicted += other.predicted
        self.gold += other.gold

    def as_json(self) -> JsonObject:
        return {
            **asdict(self),
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass
class Scores:
    """Scores summed over articles, and what was wrong with the predictions."""

    roles: dict[str, Counts] = field(default_factory=lambda: {role: Counts() for role in ROLES})
    relation: Counts = field(default_factory=Counts)
    speakers_right: int = 0
    articles: int = 0
    articles_without_prediction: list[str] = field(default_factory=list)
    predicted_statements: int = 0
    span_problems: list[str] = field(default_factory=list)

    @property
    def speaker_accuracy(self) -> float:
        pairs = self.relation.true_positives
        return self.speakers_right / pairs if pairs else 0.0

    def add(self, other: Scores) -> None:
        for role in ROLES:
            self.roles[role].add(other.roles[role])
        self.relation.add(other.relation)
        self.speakers_right += other.speakers_right
        self.articles += other.articles
        self.articles_without_prediction.extend(other.articles_without_prediction)
        self.predicted_statements += other.predicted_statements
        self.span_problems.extend(other.span_problems)

    def as_json(self) -> JsonObject:
        return {
            "roles": {role: counts.as_json() for role, counts in self.roles.items()},
            "relation": self.relation.as_json(),
            "speakers_right": self.speakers_right,
            "speaker_accuracy": self.speaker_accuracy,
            "articles": self.articles,
            "articles_without_prediction": self.articles_without_prediction,
            "predicted_statements": self.predicted_statements,
            "span_problems": len(self.span_problems),
            "span_problem_examples": self.span_problems[:20],
        }


def checked_piece(span: PredictedSpan, text: str, where: str, problems: list[str]) -> Piece | None:
    """The span's offsets if they lie inside the text; a text mismatch is reported, not fatal.

    A mismatch means the system's offsets and the gold text disagree (for example a
    cleaned text in place of the raw file): the offsets are still what is scored.
    """
    if not 0 <= span.start <= span.end <= len(text):
        problems.append(f"{where}: offsets {span.start}-{span.end} outside the text")
        return None
    if text[span.start : span.end] != span.text:
        problems.append(
            f"{where}: text {span.text[:40]!r} != text[{span.start}:{span.end}] "
            f"{text[span.start : span.end][:40]!r}"
        )
    return (span.start, span.end)


@dataclass(frozen=True)
class ComparableStatement:
    """A predicted statement ready to score against one article's text.

    ``units`` are its Source / Cue / Content units (compared by ``unit_piece``);
    ``speaker`` and ``content`` are trimmed pieces for speaker overlap and Jaccard,
    a speaker of punctuation only counting as no speaker.
    """

    units: frozenset[Unit]
    speaker: Piece | None
    content: tuple[Piece, ...]


def comparable_statement(
    statement: PredictedStatement, text: str, where: str, problems: list[str]
) -> ComparableStatement:
    def checked(span: PredictedSpan | None, part: str) -> Piece | None:
        return None if span is None else checked_piece(span, text, f"{where} {part}", problems)

    speaker = checked(statement.speaker, "speaker")
    cue = checked(statement.cue, "cue")
    checked_content = (checked(span, "content") for span in statement.content)
    content = [piece for piece in checked_content if piece is not None]

    units: set[Unit] = {("Content", *unit_piece(text, *piece)) for piece in content}
    if speaker is not None:
        units.add(("Source", *unit_piece(text, *speaker)))
    if cue is not None:
        units.add(("Cue", *unit_piece(text, *cue)))
    return ComparableStatement(
        units=frozenset(units),
        speaker=None if speaker is None else trim_piece(text, *speaker),
        content=tuple(trim_pieces(text, content)),
    )


def predicted_units(statements: Iterable[ComparableStatement]) -> set[Unit]:
    """Predicted units, deduplicated per article like the gold ones.

    A speaker named once and credited with five statements is one Source unit, just
    as one gold Source span linked to five attributions is one gold unit.
    """
    return {unit for statement in statements for unit in statement.units}


def score_units(gold: Iterable[Unit], predicted: Iterable[Unit]) -> dict[str, Counts]:
    gold_set = set(gold)
    predicted_set = set(predicted)
    counts = {role: Counts() for role in ROLES}
    for role, _, _ in gold_set:
        counts[role].gold += 1
    for unit in predicted_set:
        counts[unit[0]].predicted += 1
        if unit in gold_set:
            counts[unit[0]].true_positives += 1
    return counts


def pair_attributions(
    gold: Sequence[GoldAttribution], predicted: Sequence[ComparableStatement]
) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing in gold file order by content character Jaccard.

    Ties go to the earlier predicted statement. A gold attribution without Content
    characters cannot reach the threshold and stays unpaired.
    """
    predicted_characters = [characters_of(statement.content) for statement in predicted]
    unpaired = set(range(len(predicted)))
    pairs: list[tuple[int, int]] = []
    for gold_index, attribution in enumerate(gold):
        gold_characters = characters_of(attribution.content)
        best_index: int | None = None
        best_overlap = 0.0
        for predicted_index in sorted(unpaired):
            overlap = jaccard(gold_characters, predicted_characters[predicted_index])
            if overlap > best_overlap:
                best_index, best_overlap = predicted_index, overlap
        if best_index is not None and best_overlap >= MINIMUM_PAIR_JACCARD:
            unpaired.discard(best_index)
            pairs.append((gold_index, best_index))
    return pairs


def speaker_is_right(gold_source: Sequence[Piece], predicted_speaker: Piece | None) -> bool:
    if not gold_source and predicted_speaker is None:
        return True
    if not gold_source or predicted_speaker is None:
        return False
    return bool(characters_of(gold_source) & characters_of([predicted_speaker]))


def score_article(gold: GoldArticle, prediction: PredictedArticle | None) -> Scores:
    scores = Scores(articles=1)
    statements: list[ComparableStatement] = []
    if prediction is None:
        scores.articles_without_prediction.append(gold.name)
    else:
        if prediction.text is not None and prediction.text != gold.text:
            scores.span_problems.append(
                f"{gold.name}: predicted article text differs from the .txt file "
                f"({len(prediction.text)} vs {len(gold.text)} characters)"
            )
        for number, statement in enumerate(prediction.statements, start=1):
            where = f"{gold.name} statement {number}"
            statements.append(
                comparable_statement(statement, gold.text, where, scores.span_problems)
            )
        scores.predicted_statements = len(statements)

    scores.roles = score_units(gold.units, predicted_units(statements))
    pairs = pair_attributions(gold.attributions, statements)
    scores.relation = Counts(
        true_positives=len(pairs), predicted=len(statements), gold=len(gold.attributions)
    )
    scores.speakers_right = sum(
        speaker_is_right(gold.attributions[gold_index].source, statements[index].speaker)
        for gold_index, index in pairs
    )
    return scores


def score_split(
    gold_articles: Sequence[GoldArticle], predictions: Mapping[str, PredictedArticle]
) -> Scores:
    total = Scores(articles=0)
    for gold in gold_articles:
        total.add(score_article(gold, predictions.get(gold.name)))
    return total


# --------------------------------------------------------------------------- running systems


@dataclass(frozen=True)
class Measurement:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    exit_code: int
    stderr_tail: str


CommandBuilder = Callable[[Sequence[Path], Path], list[str]]


@dataclass(frozen=True)
class System:
    name: str
    build_command: CommandBuilder
    # Why the system cannot run here, or None when it can.
    unavailable_reason: str | None


def saywho_executable() -> Path | None:
    local = REPO / ".venv" / "bin" / "saywho"
    if local.exists():
        return local
    found = shutil.which("saywho")
    return Path(found) if found else None


def saywho_system(attributor: str | None = None, stance: bool = False) -> System:
    """saywho's CLI with its default attributor, or the one named; stance only if asked
    (the issue's speed is for who said what; the full pipeline's is reported beside it)."""
    executable = saywho_executable()
    chosen = ["--attributor", attributor] if attributor else []
    if not stance:
        chosen.append("--no-stance")

    def command(files: Sequence[Path], out: Path) -> list[str]:
        return [
            str(executable),
            "analyze",
            *chosen,
            "--raw",
            "--format",
            "jsonl",
            "--workers",
            "1",
            *map(str, files),
            "--out",
            str(out),
        ]

    reason = (
        None
        if executable is not None
        else f"saywho CLI not found ({REPO / '.venv/bin/saywho'} or on PATH): "
        "install the project (make test) to measure it"
    )
    name = f"saywho-{attributor}" if attributor else "saywho"
    return System(f"{name}-full" if stance else name, command, reason)


def textacy_system() -> System:
    script = BENCH / "textacy_baseline.py"

    def command(files: Sequence[Path], out: Path) -> list[str]:
        return [sys.executable, str(script), *map(str, files), "--out", str(out)]

    reason = (
        None
        if importlib.util.find_spec("textacy") is not None
        else f"textacy is not installed for {sys.executable}: pip install -r requirements-bench.txt"
    )
    return System("textacy", command, reason)


SYSTEMS: dict[str, Callable[[], System]] = {
    "saywho": saywho_system,
    "saywho-rules": lambda: saywho_system("rules"),
    "saywho-minilm": lambda: saywho_system("minilm"),
    "saywho-full": lambda: saywho_system(stance=True),
    "textacy": textacy_system,
}


def core_busy_times() -> dict[int, tuple[int, int]]:
    """(busy, total) clock ticks per core from /proc/stat; empty where it is unreadable."""
    times: dict[int, tuple[int, int]] = {}
    try:
        lines = Path("/proc/stat").read_text(encoding="ascii").splitlines()
    except OSError:
        return times
    for line in lines:
        name, *fields = line.split()
        if name.startswith("cpu") and name[3:].isdigit():
            ticks = [int(value) for value in fields]
            idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
            times[int(name[3:])] = (sum(ticks) - idle, sum(ticks))
    return times


def core_load(sample_seconds: float = 0.5) -> dict[int, float]:
    """Busy fraction of each core over a short sample."""
    before = core_busy_times()
    time.sleep(sample_seconds)
    after = core_busy_times()
    load: dict[int, float] = {}
    for core, (busy, total) in after.items():
        busy_before, total_before = before.get(core, (busy, total))
        elapsed = total - total_before
        load[core] = (busy - busy_before) / elapsed if elapsed else 0.0
    return load


def pinned_core(load: Mapping[int, float]) -> int | None:
    """The idlest core this process may use, for ``taskset``; None without taskset.

    Not always core 0: on a small shared machine another job pinned or running there
    would take half of every time slice and halve the measured speed.
    """
    if shutil.which("taskset") is None or not hasattr(os, "sched_getaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    return min(allowed, key=lambda core: (load.get(core, 0.0), core))


def run_measured(command: Sequence[str], core: int | None, log_dir: Path) -> Measurement:
    """Run one command in a fresh child, pinned to one core, with its wall time and peak RSS.

    ``os.wait4`` returns the resource usage of exactly this child (taskset execs the
    command, so the pid is the system's own), which keeps runs from blurring together
    the way RUSAGE_CHILDREN of a long-lived parent would.
    """
    environment = {**os.environ, **SINGLE_THREAD_ENVIRONMENT}
    full_command = [*(["taskset", "-c", str(core)] if core is not None else []), *command]
    log_dir.mkdir(parents=True, exist_ok=True)
    # Files, not pipes: a chatty child would fill a pipe and block while we sit in wait4.
    with tempfile.TemporaryFile(dir=log_dir) as stderr, tempfile.TemporaryFile(dir=log_dir) as out:
        started = time.perf_counter()
        process = subprocess.Popen(full_command, env=environment, stdout=out, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        exit_code = os.waitstatus_to_exitcode(status)
        process.returncode = exit_code  # already reaped: stop Popen from waiting again
        stderr.seek(0)
        stderr_tail = stderr.read()[-4000:].decode("utf-8", errors="replace")
    # Linux reports ru_maxrss in KiB.
    cpu_seconds = usage.ru_utime + usage.ru_stime
    return Measurement(seconds, cpu_seconds, usage.ru_maxrss / 1024, exit_code, stderr_tail)


@dataclass
class SystemRun:
    name: str
    predictions_path: Path | None = None
    articles: int = 0
    seconds_all: float | None = None
    seconds_one: float | None = None
    # CPU time over wall time of the N-article run: well under 1 means the child waited
    # for its core (another process on it), so the speed is understated.
    cpu_share: float | None = None
    peak_rss_mb: float | None = None
    skipped: str | None = None

    @property
    def articles_per_second(self) -> float | None:
        if self.seconds_all is None or self.seconds_one is None or self.articles < 2:
            return None
        per_article = (self.seconds_all - self.seconds_one) / (self.articles - 1)
        return 1 / per_article if per_article > 0 else None


def failure_reason(measurement: Measurement) -> str:
    last_lines = measurement.stderr_tail.strip().splitlines()[-3:]
    return f"exit code {measurement.exit_code}: " + " | ".join(last_lines)


def run_system(
    system: System,
    files: Sequence[Path],
    out_dir: Path,
    split: str,
    measure_speed: bool,
    core: int | None = None,
) -> SystemRun:
    """Run a system over the files: a warm-up on one article, all N, then one article again.

    The untimed warm-up puts model files in the page cache, so the timed runs both
    start warm and their start-up costs cancel in the difference.
    """
    run = SystemRun(system.name, articles=len(files))
    if system.unavailable_reason is not None:
        run.skipped = system.unavailable_reason
        return run
    scratch = out_dir / "scratch"
    one_out = scratch / f"{system.name}-one.jsonl"
    predictions = out_dir / f"polnear-{split}-{system.name}.jsonl"

    if measure_speed and len(files) >= 2:
        warm_up = run_measured(system.build_command(files[:1], one_out), core, scratch)
        if warm_up.exit_code != 0:
            run.skipped = failure_reason(warm_up)
            return run

    # A file left by an earlier run must not pass for this run's output.
    predictions.unlink(missing_ok=True)
    everything = run_measured(system.build_command(files, predictions), core, scratch)
    if everything.exit_code != 0:
        run.skipped = failure_reason(everything)
        return run
    if not predictions.is_file():
        run.skipped = f"exited 0 but wrote no {predictions}"
        return run
    run.predictions_path = predictions
    run.seconds_all = everything.seconds
    run.cpu_share = everything.cpu_seconds / everything.seconds if everything.seconds else None
    run.peak_rss_mb = everything.peak_rss_mb

    if measure_speed and len(files) >= 2:
        one = run_measured(system.build_command(files[:1], one_out), core, scratch)
        if one.exit_code == 0:
            run.seconds_one = one.seconds
    return run


# --------------------------------------------------------------------------- reporting


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def number(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


TABLE_HEADER = (
    "| system | source P | source R | source F1 | cue P | cue R | cue F1 "
    "| content P | content R | content F1 | relation F1 | speaker acc "
    "| articles/s/core | peak MB |"
)


def table_row(name: str, scores: Scores, run: SystemRun | None) -> str:
    cells = [name]
    for role in ROLES:
        counts = scores.roles[role]
        cells += [percent(counts.precision), percent(counts.recall), percent(counts.f1)]
    cells += [percent(scores.relation.f1), percent(scores.speaker_accuracy)]
    cells += [
        number(run.articles_per_second if run else None, 2),
        number(run.peak_rss_mb if run else None, 0),
    ]
    return "| " + " | ".join(cells) + " |"


def anchor_rows() -> list[str]:
    rows = []
    for name, source_f1, cue_f1, content_f1 in PUBLISHED_ANCHORS:
        cells = [f"{name} (published, test)"]
        for f1 in (source_f1, cue_f1, content_f1):
            cells += ["–", "–", f"{f1:.1f}"]
        cells += ["–"] * 4
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def markdown_table(rows: Sequence[str]) -> str:
    separator = "|" + "---|" * (TABLE_HEADER.count("|") - 1)
    return "\n".join([TABLE_HEADER, separator, *rows, *anchor_rows()])


def parse_prediction_options(values: Sequence[str]) -> dict[str, Path]:
    named: dict[str, Path] = {}
    for value in values:
        name, separator, path = value.partition("=")
        if not separator or not name or not path:
            raise SystemExit(f"--predictions wants NAME=PATH, got {value!r}")
        named[name] = Path(path)
    return named


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder")
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument(
        "--systems",
        default="saywho,saywho-full,textacy",
        help=f"comma list of {', '.join(SYSTEMS)}",
    )
    parser.add_argument(
        "--predictions",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also score an existing predictions JSONL (no run, no speed)",
    )
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument(
        "--no-speed", action="store_true", help="one run per system, no start-up subtraction"
    )
    arguments = parser.parse_args(argv)
    if arguments.limit is not None and arguments.limit < 1:
        raise SystemExit("--limit must be at least 1")
    return arguments


def _system_names(listed: str) -> list[str]:
    names = [name.strip() for name in listed.split(",") if name.strip()]
    unknown = [name for name in names if name not in SYSTEMS]
    if unknown:
        raise SystemExit(f"unknown systems {unknown}; known: {sorted(SYSTEMS)}")
    return names


def _warn_about_core(core: int | None, load: dict[int, float]) -> None:
    if core is None:
        print("taskset not available: runs are not pinned to one core", file=sys.stderr)
    elif load.get(core, 0.0) > BUSY_CORE_WARNING:
        print(
            f"core {core} was {load[core]:.0%} busy before the runs: speed may be understated",
            file=sys.stderr,
        )


def _speed_entry(name: str, measured: SystemRun) -> JsonObject:
    if measured.cpu_share is not None and measured.cpu_share < MINIMUM_CPU_SHARE:
        print(
            f"{name} got {measured.cpu_share:.0%} of its core: another process shared "
            "it, so its speed is understated; rerun on a quiet machine",
            file=sys.stderr,
        )
    return {
        "seconds_all_articles": measured.seconds_all,
        "seconds_one_article": measured.seconds_one,
        "articles_per_second_per_core": measured.articles_per_second,
        "peak_rss_mb": measured.peak_rss_mb,
        "cpu_share": measured.cpu_share,
    }


def _score(
    name: str, path: Path, measured: SystemRun | None, gold_articles: list[GoldArticle]
) -> tuple[str, JsonObject]:
    """One system's table row and JSON entry."""
    predictions, problems = load_predictions(path)
    scores = score_split(gold_articles, predictions)
    scores.span_problems[:0] = problems
    entry: JsonObject = {"predictions": str(path), **scores.as_json()}
    if measured is not None:
        entry["speed"] = _speed_entry(name, measured)
    if scores.span_problems:
        print(
            f"{name}: {len(scores.span_problems)} span problems, e.g. {scores.span_problems[0]}",
            file=sys.stderr,
        )
    if scores.articles_without_prediction:
        print(
            f"{name}: no prediction for {len(scores.articles_without_prediction)} articles",
            file=sys.stderr,
        )
    return table_row(name, scores, measured), entry


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    split_dir = arguments.shared / "data" / "polnear" / arguments.split
    if not (split_dir / "text").is_dir():
        raise SystemExit(f"no PolNeAR split at {split_dir} (pass --shared)")
    system_names = _system_names(arguments.systems)
    out_dir: Path = arguments.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)

    files = split_text_files(split_dir, arguments.limit)
    load = core_load()
    core = pinned_core(load)
    gold_articles = load_gold_split(split_dir, arguments.limit)
    results: JsonObject = {
        "split": arguments.split,
        "articles": len(gold_articles),
        "gold_units": {
            role: sum(1 for a in gold_articles for unit in a.units if unit[0] == role)
            for role in ROLES
        },
        "gold_attributions": sum(len(article.attributions) for article in gold_articles),
        "core": core,
        "core_load_before": load,
        "systems": {},
        "published_anchors": [
            {"system": name, "source_f1": s, "cue_f1": c, "content_f1": t}
            for name, s, c, t in PUBLISHED_ANCHORS
        ],
    }
    _warn_about_core(core, load)
    to_score: list[tuple[str, Path, SystemRun | None]] = []
    for name in system_names:
        print(f"running {name} on {len(files)} {arguments.split} articles…", file=sys.stderr)
        run = run_system(
            SYSTEMS[name](), files, out_dir, arguments.split, not arguments.no_speed, core
        )
        if run.skipped is not None or run.predictions_path is None:
            print(f"{name}: skipped: {run.skipped}", file=sys.stderr)
            results["systems"][name] = {"skipped": run.skipped}
            continue
        to_score.append((name, run.predictions_path, run))
    for name, path in parse_prediction_options(arguments.predictions).items():
        to_score.append((name, path, None))
    rows: list[str] = []
    for name, path, measured in to_score:
        row, results["systems"][name] = _score(name, path, measured, gold_articles)
        rows.append(row)

    table = markdown_table(rows)
    results["table"] = table
    json_path = out_dir / f"polnear-{arguments.split}.json"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / f"polnear-{arguments.split}.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    print(f"\nresults: {json_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
