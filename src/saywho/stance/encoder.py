"""Target-dependent stance from a fine-tuned transformer, run with ONNX Runtime.

Two are shipped: ``minilm`` (English MiniLM fine-tuned on NewsMTSC) for English,
and ``multilingual-e5`` (multilingual-e5-small fine-tuned on RuSentNE's Russian
news) for every other language. Both take the same target-marked input
(``saywho.neural.pair_encoding``) and differ only in their files.

The model reads the statement's content around each target with the target
marked, and says how it portrays the target (NewsMTSC's question). The ledger
asks for the speaker's attitude, so two pieces of speech-act knowledge stay on
top of the model:

* a declaration of neutrality or non-preference ("has no favorite between A
  and B") is neutral toward every target it names, whatever the tone;
* when the act itself evaluates (praise, criticism, accusation) and the model
  reads a target as neutral, the lexicon reading is taken if it points the way
  the act does ("estimating that under X relations were never so tense" is a
  criticism of X even where the wording is calm).

Training and scores: docs/models.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import get_args

from tokenizers import Tokenizer

from saywho.model import Act, Polarity
from saywho.neural.onnx_model import E5_TOKENIZER, TOKENIZER, model_path, run, softmax
from saywho.neural.pair_encoding import TargetInText, encode_pairs, load_tokenizer
from saywho.nlp import text_of
from saywho.stance import STANCE_MODELS, Judgement, StanceQuery, Target
from saywho.stance.lexicon import LexiconStance, is_declaration

MODEL_FILE = "stance-minilm.onnx"
MULTILINGUAL_MODEL_FILE = "stance-e5.onnx"
# The model's outputs, in the vocabulary's order (training/stance.py trained in it).
LABELS: tuple[Polarity, ...] = get_args(Polarity)
BATCH = 32
ACT_DIRECTION: dict[Act, Polarity] = {
    "praise": "positive",
    "criticism": "negative",
    "accusation": "negative",
}


class EncoderStance:
    """A fine-tuned encoder's judgement, under the speech-act knowledge above."""

    def __init__(self, model_file: str, tokenizer_file: str) -> None:
        self.model_file = model_file
        self.tokenizer_file = tokenizer_file
        self.lexicon = LexiconStance()

    @cached_property
    def tokenizer(self) -> Tokenizer:
        return load_tokenizer(str(model_path(self.tokenizer_file)))

    def __call__(self, queries: Sequence[StanceQuery]) -> list[list[Judgement]]:
        results: list[list[Judgement | None]] = [[None] * len(q.targets) for q in queries]
        pending: list[tuple[int, int, TargetInText]] = []
        for q_index, query in enumerate(queries):
            content = " ".join(text_of(query.doc)[s:e] for s, e in query.content)
            declared = is_declaration(query.act, content)
            for t_index, target in enumerate(query.targets):
                if declared:
                    results[q_index][t_index] = Judgement("neutral", 0.9)
                else:
                    pending.append((q_index, t_index, _context_of(query, target)))
        learned = self.judge([p[2] for p in pending])
        by_lexicon = self.lexicon(queries)
        for judgement, (q_index, t_index, _) in zip(learned, pending, strict=True):
            lexical = by_lexicon[q_index][t_index]
            act = queries[q_index].act
            act_direction = ACT_DIRECTION.get(act) if act else None
            if judgement.polarity == "neutral" and lexical.polarity == act_direction:
                judgement = lexical
            results[q_index][t_index] = judgement
        return [[j for j in row if j is not None] for row in results]

    def judge(self, items: Sequence[TargetInText]) -> list[Judgement]:
        """Polarity of each target in its text, batched by length (less padding)."""
        order = sorted(range(len(items)), key=lambda i: len(items[i].text))
        judgements: list[Judgement | None] = [None] * len(items)
        for first in range(0, len(order), BATCH):
            chosen = order[first : first + BATCH]
            encoded = encode_pairs(self.tokenizer, [items[i] for i in chosen])
            probabilities = softmax(
                run(
                    self.model_file,
                    {
                        "input_ids": encoded.input_ids,
                        "attention_mask": encoded.attention_mask,
                        "token_type_ids": encoded.token_type_ids,
                        "target_mask": encoded.target_mask,
                    },
                )
            )
            for index, row in zip(chosen, probabilities, strict=True):
                best = int(row.argmax())
                judgements[index] = Judgement(LABELS[best], round(float(row[best]), 3))
        return [j for j in judgements if j is not None]


@STANCE_MODELS.register("minilm")
class MiniLMStance(EncoderStance):
    def __init__(self, model_file: str = MODEL_FILE) -> None:
        super().__init__(model_file, TOKENIZER)


@STANCE_MODELS.register("multilingual-e5")
class MultilingualE5Stance(EncoderStance):
    def __init__(self, model_file: str = MULTILINGUAL_MODEL_FILE) -> None:
        super().__init__(model_file, E5_TOKENIZER)


def _context_of(query: StanceQuery, target: Target) -> TargetInText:
    """What the speaker said that holds the target: the content piece around it.

    The ledger wants the speaker's attitude, which is how the content portrays
    the target, not how the author's framing sentence does. A target outside the
    content (an evaluative cue's object) is read in its sentence.
    """
    doc = query.doc
    for start, end in query.content:
        if start <= target.start and target.end <= end:
            return TargetInText(text_of(doc)[start:end], target.start - start, target.end - start)
    span = doc.char_span(target.start, target.end, alignment_mode="expand")
    if span is None or not doc.has_annotation("SENT_START"):
        return TargetInText(text_of(doc), target.start, target.end)
    sentence = span.sent
    offset = sentence.start_char
    return TargetInText(sentence.text, target.start - offset, target.end - offset)
