"""Parse-based attribution: speech verbs, ACCORDING_TO, noun cues, colons, signatures.

A first, transparent attributor over spaCy's dependency parse. Each finder
yields candidates (speaker span, cue, content pieces); candidates are then
deduplicated, speakers resolved to entities, and kind, act and confidence set.
What it does not do: statements spread over several sentences of quotation,
and speakers implied by the previous paragraph's quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from saywho.attribution import ATTRIBUTORS
from saywho.attribution.candidates import Candidate, to_statements
from saywho.attribution.cues import ACCORDING_TO, negated_or_hypothetical
from saywho.attribution.medium import NOUN_CUES
from saywho.entities.resolve import EntityIndex
from saywho.model import Span as TextSpan
from saywho.model import Statement
from saywho.nlp import text_of

SPEECH_VERBS = frozenset(
    """say tell claim state assert declare announce add explain argue insist note observe
    report write warn accuse deny admit acknowledge confirm suggest estimate predict
    promise vow pledge threaten assure reply respond answer comment remark stress emphasize
    emphasise underline reiterate repeat recall mention praise welcome hail criticize
    criticise condemn blame denounce slam dismiss reject refute allege contend maintain
    believe think tweet post urge demand ask concede complain lament boast joke quip reveal
    disclose indicate hint forecast caution testify swear proclaim charge applaud commend
    decry lambast""".split()
)
# Verbs journalists use to speculate about someone ("he secretly hopes", "seems to
# be waiting"): the author's reading of a mind, not a statement by it.
SPECULATIVE_CUES = frozenset("hope seem wish wait appear want".split())
# Verbs whose object is what was said: "welcomed the sincerity of X", "denied the report".
OBJECT_CONTENT_VERBS = frozenset(
    """praise welcome hail criticize criticise condemn blame denounce slam dismiss reject
    refute deny accuse applaud commend decry lambast announce confirm""".split()
)
_EDGE_PUNCT = ",;:-–—"
_BULLETS = "•·*-–—▪►"
_SIGNATURE = re.compile(
    r"^[ \t]*[–—-][ \t]*(?P<name>[A-Z][\w.'’ -]{1,60}?)(?:,[ \t]*(?P<title>[^\n]{1,120}))?[ \t]*$",
    re.MULTILINE,
)


@ATTRIBUTORS.register("rules")
class RuleAttributor:
    """Dependency-parse rules; no training, transparent, weak on long quotes."""

    def __call__(self, doc: Doc, entities: EntityIndex) -> list[Statement]:
        candidates = [
            *_verb_cues(doc),
            *_according_to(doc),
            *noun_cues(doc),
            *colon_and_signature_quotes(doc),
        ]
        return to_statements(doc, entities, deduplicate(candidates))


# --- finders ---------------------------------------------------------------


def _verb_cues(doc: Doc) -> Iterator[Candidate]:
    for verb in doc:
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in SPEECH_VERBS:
            continue
        if negated_or_hypothetical(verb):
            continue
        content = _verb_content(verb)
        if not content or is_trivial(doc, content):
            continue
        yield Candidate(
            speaker=subject_span(verb),
            cue=TextSpan(verb.idx, verb.idx + len(verb), verb.text),
            cue_lemma=verb.lemma_.lower(),
            content=content,
        )


def _according_to(doc: Doc) -> Iterator[Candidate]:
    for token in doc[:-1]:
        if token.lower_ != "according" or doc[token.i + 1].lower_ != "to":
            continue
        to = doc[token.i + 1]
        sources = [c for c in to.children if c.dep_ == "pobj"]
        if not sources:
            continue
        clause = token.head if token.head.i != token.i else token
        phrase = set(t.i for t in token.subtree) | {to.i} | set(t.i for t in to.subtree)
        content = _ranges(doc, [t for t in clause.subtree if t.i not in phrase])
        if not content:
            continue
        yield Candidate(
            speaker=_np_span(sources[0]),
            cue=TextSpan(token.idx, to.idx + len(to), text_of(doc)[token.idx : to.idx + len(to)]),
            cue_lemma=ACCORDING_TO,
            content=content,
        )


def noun_cues(doc: Doc) -> Iterator[Candidate]:
    for noun in doc:
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in NOUN_CUES:
            continue
        speaker = None
        content_head = None
        for child in noun.children:
            if child.dep_ == "poss":
                speaker = _np_span(child)
            elif child.dep_ == "prep" and child.lower_ == "by":
                agents = [c for c in child.children if c.dep_ == "pobj"]
                speaker = _np_span(agents[0]) if agents else speaker
            elif child.dep_ == "prep" and child.lower_ == "of":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                content_head = objects[0] if objects else content_head
            elif child.dep_ in ("acl", "ccomp") and any(t.lower_ == "that" for t in child.lefts):
                content_head = child
        if speaker is None or content_head is None:
            speaker, content = _linear_agent_and_content(noun)
        else:
            content = _ranges(doc, list(content_head.subtree))
        if speaker is not None and content:
            yield Candidate(
                speaker=speaker,
                cue=TextSpan(noun.idx, noun.idx + len(noun), noun.text),
                cue_lemma=noun.lemma_.lower(),
                content=content,
            )


def _linear_agent_and_content(noun: Token) -> tuple[Span | None, list[tuple[int, int]]]:
    """'the revelation, by X, of Y': read left to right when the parse misattaches.

    Parsers often hang 'by X' and 'of Y' on the verb before the noun; the word
    order alone is unambiguous enough for this pattern.
    """
    doc, sentence = noun.doc, noun.sent
    i = noun.i + 1
    while i < sentence.end and doc[i].is_punct:
        i += 1
    if i >= sentence.end or doc[i].lower_ != "by":
        return None, []
    agent_start = i + 1
    i = agent_start
    while i < sentence.end and not doc[i].is_punct and doc[i].lower_ not in ("of", "that"):
        i += 1
    agent_end = i
    while i < sentence.end and doc[i].is_punct:
        i += 1
    if agent_end == agent_start or i >= sentence.end or doc[i].lower_ not in ("of", "that"):
        return None, []
    return doc[agent_start:agent_end], _ranges(doc, list(doc[i + 1 : sentence.end]))


def colon_and_signature_quotes(doc: Doc) -> Iterator[Candidate]:
    """Block quotes: 'X is categorical:' + paragraph, and paragraph + '– Name, Title'."""
    text = text_of(doc)
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text)]
    signed: dict[int, Span] = {}
    for match in _SIGNATURE.finditer(text):
        name = doc.char_span(match.start("name"), match.end("name"), alignment_mode="expand")
        quoted = [p for p in paragraphs if p[1] <= match.start()]
        if name is not None and quoted:
            signed[quoted[-1][0]] = name
    for index, (start, end) in enumerate(paragraphs):
        block = text[start:end]
        if not block.rstrip().endswith(":") or index + 1 >= len(paragraphs):
            continue
        quote_start, quote_end = paragraphs[index + 1]
        if _SIGNATURE.fullmatch(text[quote_start:quote_end]):
            continue
        if text[quote_start:quote_end].lstrip()[:1] in _BULLETS:
            continue  # "many burning issues:" followed by a list is not a quote
        colon = start + len(block.rstrip()) - 1
        intro = doc.char_span(start, colon, alignment_mode="expand")
        speaker = signed.pop(quote_start, None)
        if intro is not None:
            last_sentence = doc[intro.end - 1].sent
            speaker = subject_span(last_sentence.root) or speaker
        if speaker is None:
            continue
        yield Candidate(
            speaker=speaker,
            cue=TextSpan(colon, colon + 1, ":"),
            cue_lemma=None,
            content=[(quote_start, quote_end)],
            direct=True,
        )
    for quote_start, name in signed.items():
        quote_end = next(end for start, end in paragraphs if start == quote_start)
        yield Candidate(
            speaker=name, cue=None, cue_lemma=None, content=[(quote_start, quote_end)], direct=True
        )


# --- syntax helpers ----------------------------------------------------------


def _verb_content(verb: Token) -> list[tuple[int, int]]:
    doc = verb.doc
    by_dep = {child.dep_: child for child in verb.children}
    if "ccomp" in by_dep:
        return _ranges(doc, _reported_clause(verb, by_dep["ccomp"]))
    if "xcomp" in by_dep and any(
        t.dep_ == "aux" and t.lower_ == "to" for t in by_dep["xcomp"].children
    ):
        return _ranges(doc, list(by_dep["xcomp"].subtree))
    lemma = verb.lemma_.lower()
    if lemma in OBJECT_CONTENT_VERBS:
        pieces = [by_dep[d] for d in ("dobj",) if d in by_dep]
        # "welcomed the sincerity of X in his desire ...", "blamed X for Y".
        pieces += [
            c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "in", "over")
        ]
        if pieces:
            return _ranges(doc, [t for piece in pieces for t in piece.subtree])
    if verb.dep_ == "parataxis" and verb.head.i != verb.i:
        # '"We will win," he said.': the quote is the head clause.
        own = set(t.i for t in verb.subtree)
        return _ranges(doc, [t for t in verb.head.subtree if t.i not in own])
    return []


def _reported_clause(verb: Token, clause: Token) -> list[Token]:
    """The clause a cue reports, running on to the end of the sentence.

    Parsers often hang the tail of a long reported clause ("..., according to
    him, on a direct conflict") on the main verb; after a preceding cue the
    reported clause goes on until the sentence ends or a coordinated clause of
    the cue's own begins.
    """
    tokens = list(clause.subtree)
    if clause.i < verb.i:
        return tokens
    governing = {verb.i, *(a.i for a in verb.ancestors)}
    end = tokens[-1].i + 1
    for token in verb.doc[end : verb.sent.end]:
        if token.i in governing:
            break  # "If X assures that ..., it is clear": the main clause is not reported
        if _attachment(token, governing).dep_ in _NEW_CLAUSE:
            break  # "..., while the leader criticized ...": a clause of the cue's own
        tokens.append(token)
    # A trailing comma or dash before the cut belongs to neither clause.
    while tokens and tokens[-1].is_punct and tokens[-1].i > clause.i:
        tokens.pop()
    return tokens


_NEW_CLAUSE = frozenset({"cc", "conj", "advcl", "nsubj", "nsubjpass", "expl", "parataxis", "mark"})


def _attachment(token: Token, governing: set[int]) -> Token:
    """The ancestor of a token (or the token) that hangs directly on a governing verb."""
    node = token
    while node.head.i not in governing and node.head.i != node.i:
        node = node.head
    return node


def subject_span(verb: Token) -> Span | None:
    """The speaker: the verb's subject or passive agent, else the governing verb's."""
    node = verb
    for _ in range(3):
        subject = _own_subject(node)
        if subject is not None:
            return _np_span(subject)
        if any(child.dep_ == "nsubjpass" for child in node.children):
            return None
        if node.dep_ not in ("advcl", "xcomp", "conj", "pcomp", "acl") or node.head.i == node.i:
            break
        node = node.head
    if verb.tag_ == "VBG":
        # "X has not denied it, even recently welcoming ...": a participle with no
        # subject of its own continues the clause before it.
        for earlier in reversed(verb.doc[verb.sent.start : verb.i]):
            subjects = [c for c in earlier.children if c.dep_ == "nsubj"]
            if earlier.pos_ in ("VERB", "AUX") and subjects:
                return _np_span(subjects[0])
    return None


def _own_subject(verb: Token) -> Token | None:
    """The verb's subject, or the agent of its passive ("was told by X")."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
        if child.dep_ == "agent":
            agents = [c for c in child.children if c.dep_ == "pobj"]
            if agents:
                return agents[0]
    return None


def _np_span(head: Token) -> Span:
    """A noun phrase without its relative clauses and trailing punctuation."""
    doc = head.doc
    tokens = [head]
    for child in head.children:
        if child.i > head.i and (
            child.dep_ in ("relcl", "acl", "punct", "cc", "conj", "appos")
            or (child.dep_ == "prep" and child.lower_ != "of")
        ):
            continue
        tokens.extend(child.subtree)
    start = min(t.i for t in tokens)
    end = max(t.i for t in tokens) + 1
    while end > start + 1 and doc[end - 1].is_punct:
        end -= 1
    while start < end - 1 and doc[start].is_punct:
        start += 1
    return doc[start:end]


def _ranges(doc: Doc, tokens: list[Token]) -> list[tuple[int, int]]:
    """Contiguous character ranges covering the tokens, edge punctuation trimmed."""
    indices = sorted({t.i for t in tokens if not t.is_space})
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    ranges = []
    for run in runs:
        start, end = doc[run[0]].idx, doc[run[-1]].idx + len(doc[run[-1]])
        text = text_of(doc)[start:end]
        left = len(text) - len(text.lstrip(_EDGE_PUNCT + " "))
        right = len(text) - len(text.rstrip(_EDGE_PUNCT + ". "))
        if end - right > start + left:
            ranges.append((start + left, end - right))
    return ranges


def is_trivial(doc: Doc, content: list[tuple[int, int]]) -> bool:
    """Content that is only a pronoun or a single function word says nothing."""
    words = [w for start, end in content for w in text_of(doc)[start:end].split()]
    return len(words) < 2


# --- assembling statements ---------------------------------------------------


def deduplicate(candidates: list[Candidate]) -> list[Candidate]:
    """One statement per content: asides and repeated readings are dropped."""
    # "X estimated that relations are, according to him, tense": an 'according to'
    # that overlaps what another cue reports is an aside, not a statement of its own.
    candidates = [
        c for c in candidates if c.cue_lemma != ACCORDING_TO or not _overlaps_report(c, candidates)
    ]
    # Nested reports stay ("X said Y accused Z"): each is a statement of its own.
    kept: dict[tuple[int, int], Candidate] = {}
    for candidate in candidates:
        same = kept.setdefault(candidate.extent, candidate)
        if same is not candidate and same.speaker is None:
            same.speaker = candidate.speaker
    return list(kept.values())


def _overlaps_report(aside: Candidate, candidates: list[Candidate]) -> bool:
    assert aside.cue is not None
    for other in candidates:
        if other.cue_lemma == ACCORDING_TO or other.cue is None:
            continue
        if other.extent[0] <= aside.cue.start < other.extent[1]:
            return True
        if aside.extent[0] <= other.cue.start < aside.extent[1]:
            return True
    return False
