"""Navigation and boilerplate lines that scrapers leave in article text.

Every pattern matches a whole short line, never a phrase inside one: "Share this
article" goes, "Voters share the blame, she said." stays. Bullet items with text
are article content and stay.
"""

from __future__ import annotations

import re

# Longer lines are prose even when they start like boilerplate.
MAX_BOILERPLATE_CHARS = 200

_SOCIAL = (
    r"(?:facebook|twitter|x|whatsapp|linkedin|e-?mail|telegram|reddit|print|copy link|"
    r"messenger|bluesky|threads|pinterest|instagram|youtube|tiktok|flipboard)"
)
_NEWSLETTER = (
    r"(?:(?:our|the|my|a) )?(?:free )?(?:\w+ )?(?:daily |weekly |morning |evening )?"
    r"(?:newsletters?|updates|alerts|digest|briefing|podcast|channel|e-?mails?)"
)
_SEPARATOR = re.compile(r"[-–—*_=~•·#|\s]+")
# Site navigation between articles, in capitals as in "PREV <headline>" / "NEXT <headline>".
_NAVIGATION = re.compile(r"(?:PREV|NEXT|PREVIOUS)\b.*")
# Matched case-insensitively against the whole line, bullets and end punctuation off.
_BOILERPLATE = re.compile(
    "|".join(
        [
            r"(?:previous|next|prev) (?:article|story|post|page)\b.*",
            r"share(?: this)?(?: (?:article|story|post|page))?(?: (?:on|via))?"
            rf"(?:[\s,/|:]+{_SOCIAL})*",
            rf"{_SOCIAL}(?:[\s,/|·•]+{_SOCIAL})+",
            rf"follow us(?: on .{{1,60}})?|follow (?:\w+ )?on {_SOCIAL}.{{0,40}}",
            rf"(?:subscribe|sign up|sign-up|signup|register)(?: now| today| here| for free)?"
            rf"(?: (?:to|for) {_NEWSLETTER})?",
            r"advertisement|advertising|ad|sponsored(?: content)?|paid content|"
            r"scroll to continue(?: with content)?|story continues below(?: advertisement)?|"
            r"(?:article|story) continues (?:below|after (?:this )?advertisement)|"
            r"continue reading(?: below| the main story)?",
            r"(?:read|see) (?:more|also|next)(?:\s*[:|»›>-].*| (?:here|about|on|at)\b.*)?",
            r"(?:also read|related(?: articles?| stories| content| coverage| news)?|"
            r"recommended(?: for you)?|most read|trending(?: now)?)(?:\s*:.*)?",
            r"click here\b.*",
            r"(?:©|copyright ©|copyright \d{4}).*|.*\ball rights reserved",
        ]
    ),
    re.IGNORECASE,
)
# Cookie banners are sentences, so these are searched for inside short lines.
_COOKIE_BANNER = re.compile(
    r"\b(?:we|this (?:site|website)|our (?:site|website)) uses? cookies\b|"
    r"\b(?:accept|reject|manage|allow)(?: all)? cookies\b|"
    r"\bcookie (?:policy|settings|preferences)\b",
    re.IGNORECASE,
)
_BULLET_AND_SPACE = "-–—*•·|> \t"
_END_PUNCTUATION = ".:!»›>| \t"


def is_boilerplate(line: str) -> bool:
    """Whether ``line`` is navigation, a separator or site boilerplate, not article text."""
    stripped = line.strip()
    if not stripped:
        return False
    if _SEPARATOR.fullmatch(stripped):
        return True
    if len(stripped) > MAX_BOILERPLATE_CHARS:
        return False
    if _NAVIGATION.fullmatch(stripped) or _COOKIE_BANNER.search(stripped):
        return True
    core = stripped.lstrip(_BULLET_AND_SPACE).rstrip(_END_PUNCTUATION)
    return bool(core) and _BOILERPLATE.fullmatch(core) is not None


def remove_boilerplate_lines(text: str) -> str:
    """``text`` without its boilerplate lines (the blank lines around them are kept)."""
    return "\n".join(line for line in text.split("\n") if not is_boilerplate(line))
