"""Russian text as a spaCy Doc, from natasha's bundled models and pymorphy3.

razdel splits sentences and tokens; slovnet tags morphology, parses (Universal
Dependencies) and finds named entities, with navec word vectors. The models
are the files inside the ``natasha`` wheel (installed without its own
dependencies: natasha's pymorphy2 does not run on Python 3.11, so pymorphy3
lemmatizes instead). Nothing is downloaded at run time.

Every stage of saywho reads the result like an English Doc: ``doc.text`` is the
input exactly, line breaks end sentences, entities carry spaCy's English labels
(PERSON, ORG, GPE), and each entity's ``span._.normal`` (``saywho.nlp.NORMAL_FORM``)
is its nominative form ("Сергея Лаврова" -> "Сергей Лавров"), so a knowledge base
of nominative names finds every case form; ``nominative`` gives it for any span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from importlib.util import find_spec
from itertools import islice
from pathlib import Path
from typing import Any, cast

import numpy as np
import pymorphy3
import spacy
from navec import Navec
from razdel import sentenize, tokenize
from slovnet import NER, Morph, Syntax
from spacy.attrs import DEP, HEAD
from spacy.language import Language
from spacy.tokens import Doc, MorphAnalysis, Span, Token
from spacy.util import get_words_and_spaces
from thinc.types import Ints2d
from threadpoolctl import ThreadpoolController

from saywho.config import MAX_ARTICLE_CHARS
from saywho.model import ConfigError
from saywho.nlp import NORMAL_FORM

EMBEDDING = "emb/navec_news_v1_1B_250K_300d_100q.tar"
MORPH_MODEL = "model/slovnet_morph_news_v1.tar"
SYNTAX_MODEL = "model/slovnet_syntax_news_v1.tar"
NER_MODEL = "model/slovnet_ner_news_v1.tar"
# slovnet's LOC is mostly countries and cities in news ("Россия", "Москва"): the
# places that speak and are spoken of, which saywho calls GPE.
NER_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
# Sentences per slovnet batch: its numpy models run a batch as one matrix product.
BATCH_SENTENCES = 64

# OpenCorpora (pymorphy3) parts of speech as Universal Dependencies names them.
_OC_POS = {
    "NOUN": "NOUN",
    "ADJF": "ADJ",
    "ADJS": "ADJ",
    "COMP": "ADJ",
    "VERB": "VERB",
    "INFN": "VERB",
    "PRTF": "VERB",
    "PRTS": "VERB",
    "GRND": "VERB",
    "NPRO": "PRON",
    "ADVB": "ADV",
    "NUMR": "NUM",
}
_OC_FEATS = {
    "Case": {
        "nomn": "Nom",
        "gent": "Gen",
        "gen2": "Gen",
        "datv": "Dat",
        "accs": "Acc",
        "ablt": "Ins",
        "loct": "Loc",
        "loc2": "Loc",
    },
    "Gender": {"masc": "Masc", "femn": "Fem", "neut": "Neut"},
    "Number": {"sing": "Sing", "plur": "Plur"},
}
# Names are what NER finds: a proper noun's reading as a surname or first name
# beats a common noun of the same spelling ("Песков" is not "песок").
_NAME_GRAMS = frozenset({"Surn", "Name", "Patr", "Geox", "Orgn"})
_INFLECTED = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "DET"})
_LINE_BREAK = re.compile(r"[^\n]+")


def _natasha_data() -> Path:
    """Where the natasha wheel keeps its models, found without importing natasha
    (its ``__init__`` imports pymorphy2, which is not installed)."""
    spec = find_spec("natasha")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "the Russian pipeline needs the natasha package "
            "(pip install --no-deps natasha==1.6.0; saywho never downloads models)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


class RazdelTokenizer:
    """razdel's sentences and tokens, each line break a sentence boundary (as in the
    English pipeline), with whitespace kept as tokens so offsets index the input."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        tokens: list[str] = []
        sentence_chars: set[int] = set()
        for line in _LINE_BREAK.finditer(text):
            for sentence in sentenize(line.group()):
                start = line.start() + sentence.start
                sentence_chars.add(start)
                tokens.extend(t.text for t in tokenize(sentence.text))
        words, spaces = get_words_and_spaces(tokens, text)
        starts: list[bool | int | None] = []
        offset = 0
        for word, space in zip(words, spaces, strict=True):
            starts.append(False if word.isspace() else offset in sentence_chars)
            offset += len(word) + int(space)
        if starts:
            starts[0] = True
        return Doc(self.vocab, words=words, spaces=spaces, sent_starts=starts)


class NatashaTagger:
    """Morphology, lemmas, dependency parse and entities, for batches of Docs."""

    def __init__(self, data: Path) -> None:
        navec = Navec.load(data / EMBEDDING)
        self.morph = Morph.load(data / MORPH_MODEL, batch_size=BATCH_SENTENCES).navec(navec)
        self.syntax = Syntax.load(data / SYNTAX_MODEL, batch_size=BATCH_SENTENCES).navec(navec)
        self.ner = NER.load(data / NER_MODEL, batch_size=BATCH_SENTENCES).navec(navec)
        self.blas = ThreadpoolController()

    def __call__(self, doc: Doc) -> Doc:
        self._annotate([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        stream = iter(docs)
        while batch := list(islice(stream, batch_size)):
            self._annotate(batch)
            yield from batch

    def _annotate(self, docs: list[Doc]) -> None:
        # slovnet's matrices are small: BLAS threads cost more than they save (three
        # times the time on two busy cores), and a --workers process has its own core.
        with self.blas.limit(limits=1, user_api="blas"):
            self._tag(docs)

    def _tag(self, docs: list[Doc]) -> None:
        sentences = [
            [t for t in sentence if not t.is_space] for doc in docs for sentence in doc.sents
        ]
        sentences = [s for s in sentences if s]
        words = [[t.text for t in sentence] for sentence in sentences]
        parsed: dict[int, list[tuple[Token, int, str]]] = {}
        for tokens, morph, syntax in zip(
            sentences, self.morph.map(words), self.syntax.map(words), strict=True
        ):
            heads = _tree([int(arc.head_id) - 1 for arc in syntax.tokens])
            for token, tag, arc, head in zip(
                tokens, morph.tokens, syntax.tokens, heads, strict=True
            ):
                _set_morphology(token, tag.pos, tag.feats)
                # A root made a dependent is a clause of its own beside the first.
                rel = "parataxis" if arc.rel == "root" and tokens[head] != token else arc.rel
                parsed.setdefault(id(token.doc), []).append((token, tokens[head].i, rel))
        for doc in docs:
            _set_heads(doc, parsed.get(id(doc), []))
        texts = [doc for doc in docs if not doc.text.isspace() and doc.text]
        for doc, markup in zip(texts, self.ner.map([d.text for d in texts]), strict=True):
            _set_entities(doc, markup.spans)  # (slovnet fails on a batch of empty texts)


def _tree(heads: list[int]) -> list[int]:
    """A sentence's heads (-1: root) made one tree, the root its own head.

    slovnet picks each word's head on its own, so a sentence may come with no root,
    two roots, a word its own head or a cycle, and spaCy reads past its arrays on
    such a parse (a crash, not an error). With no root, the word of the first cycle
    that most words hang on becomes it; extra roots and the word closing a cycle
    hang on the root.
    """
    size = len(heads)
    tree = [head if 0 <= head < size and head != i else -1 for i, head in enumerate(heads)]
    roots = [i for i, head in enumerate(tree) if head < 0]
    root = roots[0] if roots else max(_cycle(tree, 0), key=tree.count)
    tree = [root if head < 0 else head for head in tree]
    tree[root] = root
    for start in range(size):
        cycle = _cycle(tree, start)
        if cycle and root not in cycle:
            tree[cycle[-1]] = root
    return tree


def _cycle(tree: list[int], start: int) -> list[int]:
    """The words of the cycle a walk up from ``start`` runs into (none at the root),
    in walking order: the last one's head closes it."""
    path: list[int] = []
    node = start
    while node not in path:
        path.append(node)
        if tree[node] == node:
            return []
        node = tree[node]
    return path[path.index(node) :]


def _set_morphology(token: Token, pos: str, feats: dict[str, str]) -> None:
    token.pos_ = pos
    token.morph = MorphAnalysis(token.vocab, feats)
    parse = _parse(token.text, pos, tuple(sorted(feats.items())))
    token.lemma_ = parse.normal_form if parse is not None else token.lower_


def _set_heads(doc: Doc, arcs: list[tuple[Token, int, str]]) -> None:
    """The parse, set at once (token by token re-derives sentences each time).
    Whitespace hangs on the token before it, so it stays in that sentence."""
    heads = np.zeros(len(doc), dtype="int64")
    deps = np.full(len(doc), doc.vocab.strings.add("dep"), dtype="uint64")
    for token in doc:
        if token.is_space:
            heads[token.i] = token.i - 1 if token.i else token.i + int(len(doc) > 1)
            token.pos_ = "SPACE"
    for token, head, rel in arcs:
        heads[token.i] = head
        deps[token.i] = doc.vocab.strings.add("ROOT" if head == token.i else rel)
    relative = (heads - np.arange(len(doc))).astype("uint64")
    doc.from_array([HEAD, DEP], cast(Ints2d, np.stack([relative, deps], axis=1)))


def _set_entities(doc: Doc, spans: Iterable[Any]) -> None:
    entities: list[Span] = []
    for found in spans:
        span = doc.char_span(found.start, found.stop, NER_LABELS[found.type], "expand")
        if span is not None and (not entities or span.start >= entities[-1].end):
            entities.append(span)
    doc.ents = entities
    for span in doc.ents:
        span._.set(NORMAL_FORM, nominative(span))


# --- lemmas and nominative forms -------------------------------------------------


@cache
def _analyzer() -> Any:
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=50_000)
def _parse(word: str, pos: str, feats: tuple[tuple[str, str], ...]) -> Any:
    """pymorphy3's reading of a word that agrees best with slovnet's tag (the
    dictionary alone cannot tell "Лаврова" the man in the genitive from the woman)."""
    if pos not in _INFLECTED and pos != "PRON":
        return None
    wanted = dict(feats)
    best, best_score = None, -1
    for parse in _analyzer().parse(word):
        grams = set(parse.tag.grammemes)
        score = 4 * (_OC_POS.get(str(parse.tag.POS)) == ("NOUN" if pos == "PROPN" else pos))
        score += 2 * (pos == "PROPN" and bool(grams & _NAME_GRAMS))
        score += sum(
            _OC_FEATS[name].get(gram) == wanted.get(name)
            for name in _OC_FEATS
            for gram in grams & _OC_FEATS[name].keys()
        )
        if score > best_score:
            best, best_score = parse, score
    return best


def _nominative_word(token: Token) -> str:
    if token.morph.get("Case", []) in ([], ["Nom"]) or not token.is_alpha:
        return token.text
    feats = tuple(sorted((k, v) for k, v in token.morph.to_dict().items()))
    parse = _parse(token.text, token.pos_, feats)
    inflected = parse.inflect({"nomn"}) if parse is not None else None
    if inflected is None:
        return token.text
    word = str(inflected.word)
    if token.text.isupper() and len(token.text) > 1:
        return word.upper()
    return word.capitalize() if token.text[:1].isupper() else word


def nominative(span: Span) -> str:
    """The span in the nominative: every word of a person's name; for other names the
    head word and the adjectives agreeing with it ("Белого дома" -> "Белый дом",
    "Министерства иностранных дел" -> "Министерство иностранных дел")."""
    person = span.label_ == "PERSON" or all(
        t.pos_ == "PROPN" and "Anim" in t.morph.get("Animacy", []) for t in span if t.is_alpha
    )
    changed = set(range(span.start, span.end))
    if not person:
        root = span.root
        changed = {root.i} | {
            c.i for c in root.children if c.pos_ in ("ADJ", "DET") and c.i in changed
        }
    return "".join(
        (_nominative_word(t) if t.i in changed else t.text) + t.whitespace_ for t in span
    ).strip()


@Language.factory("saywho_natasha")
def _make_tagger(nlp: Language, name: str) -> NatashaTagger:
    return NatashaTagger(_natasha_data())


@cache
def load_russian() -> Language:
    """A spaCy pipeline for Russian: razdel tokens, then natasha's models."""
    nlp = spacy.blank("ru")
    nlp.tokenizer = RazdelTokenizer(nlp.vocab)
    nlp.add_pipe("saywho_natasha", validate=False)  # postponed annotations defeat its check
    nlp.max_length = MAX_ARTICLE_CHARS
    return nlp
