"""Spread: where the same text or story appears across outlets, and when.

``find_links`` pairs articles (``copy``, ``translation``, ``same story``) from
MinHash signatures and text vectors; ``build_cascades`` groups the copies and
translations of one text in publication order and flags bursts across outlets.
Both work on plain ``SpreadArticle`` rows, so the CLI over a database, a
notebook or a Spark job call the same functions.
"""

from saywho.config import DEFAULT_ENCODER, CascadeOptions, LinkOptions
from saywho.spread.cascades import Cascade, build_cascades
from saywho.spread.encoders import TEXT_ENCODERS, TextEncoder, create_encoder
from saywho.spread.links import LINK_KINDS, Link, LinkKind, SpreadArticle, find_links

__all__ = [
    "DEFAULT_ENCODER",
    "LINK_KINDS",
    "TEXT_ENCODERS",
    "Cascade",
    "CascadeOptions",
    "Link",
    "LinkKind",
    "LinkOptions",
    "SpreadArticle",
    "TextEncoder",
    "build_cascades",
    "create_encoder",
    "find_links",
]
