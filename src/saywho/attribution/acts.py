"""The speech act of a statement: claim, denial, accusation, praise, criticism, prediction.

Decided in order of evidence strength: the cue verb says it outright ("denied",
"accused", "praised"); else the content's form does (a negated preference or
involvement is a denial; "will" with a forecasting cue is a prediction; charges
of interference are accusations); else the content's sentiment toward what it
names (criticism or praise); else it is a claim.
"""

from __future__ import annotations

import re

from saywho.model import Act
from saywho.sentiment import compound

CUE_ACTS: dict[str, Act] = {
    **dict.fromkeys(
        ["deny", "reject", "dismiss", "refute", "rebut", "disavow", "denial", "rejection"],
        "denial",
    ),
    **dict.fromkeys(
        [
            "accuse",
            "allege",
            "charge",
            "blame",
            "accusation",
            "allegation",
            "revelation",
            "reveal",
            "expose",
            "disclose",
            "report",
        ],
        "accusation",
    ),
    **dict.fromkeys(
        [
            "praise",
            "welcome",
            "hail",
            "commend",
            "applaud",
            "laud",
            "salute",
            "congratulate",
            "thank",
            "compliment",
            "endorse",
        ],
        "praise",
    ),
    **dict.fromkeys(
        [
            "criticize",
            "criticise",
            "condemn",
            "denounce",
            "slam",
            "blast",
            "attack",
            "decry",
            "lambast",
            "berate",
            "mock",
            "ridicule",
            "criticism",
            "condemnation",
        ],
        "criticism",
    ),
    **dict.fromkeys(
        ["predict", "forecast", "warn", "expect", "project", "anticipate", "prediction", "warning"],
        "prediction",
    ),
}
# Cues whose act depends on what is reported: "revealed", "reported" are accusations
# only when what they report is a wrongdoing.
_NEEDS_WRONGDOING = frozenset({"revelation", "reveal", "expose", "disclose", "report"})

# "no favorite", "does not support any candidate", "never interfered": a negated
# preference or involvement.
_DENIED_PREFERENCE = re.compile(
    r"\b(no|not|never|n't|nor|neither|without)\b[^.;]{0,40}?\b("
    r"favou?rites?|preferences?|prefers?|support\w*|back\w*|endorse\w*|side\w*|"
    r"interfer\w*|meddl\w*|involve\w*|influenc\w*|hack\w*|role|part|plans?|intention)\b",
    re.IGNORECASE,
)
_WRONGDOING = re.compile(
    r"\b(disinformation|misinformation|interfer\w*|meddl\w*|hack\w*|propaganda|"
    r"influence (operation|campaign)s?|fraud\w*|rigg\w*|lie[sd]?|lying|collu\w*|"
    r"cyberattack\w*|troll\w*|bots?|fake|covert|illegal\w*|corrupt\w*)\b",
    re.IGNORECASE,
)
# Sentiment this strong in the content is an evaluation, not a report.
EVALUATIVE = 0.45


def classify_act(cue_lemma: str | None, content: str) -> Act:
    cue = (cue_lemma or "").lower()
    by_cue = CUE_ACTS.get(cue)
    if by_cue and (cue not in _NEEDS_WRONGDOING or _WRONGDOING.search(content)):
        return by_cue
    if _DENIED_PREFERENCE.search(content):
        return "denial"
    if _WRONGDOING.search(content):
        return "accusation"
    score = compound(content)
    if score <= -EVALUATIVE:
        return "criticism"
    if score >= EVALUATIVE:
        return "praise"
    return "claim"
