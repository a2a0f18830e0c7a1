"""``POST /api/analyze``: text or HTML in, ``saywho.article/1`` JSON out.

It runs the pipeline of ``saywho analyze`` on one document and stores nothing.
The pipeline (and spaCy with it) is imported on the first request, so the
server starts, and serves every page, without loading it.
Analysis costs CPU, so like every POST it needs ``--allow-write`` and the token
(``WriteGuard``); the body is capped (``BodyLimit``) and one analysis runs at a
time, so a flood of requests queues instead of taking every core.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Self

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, model_validator

from saywho.config import MAX_ARTICLE_CHARS, PipelineConfig
from saywho.model import Article, Failure, RawDocument
from saywho.output.jsonio import SCHEMA_ID, article_to_dict

if TYPE_CHECKING:
    from saywho.pipeline import Pipeline

MAX_FIELD_CHARS = 2000  # url, title, published, outlet


class Analyzer:
    """One pipeline per server, loaded on first use, used by one request at a time."""

    def __init__(self, pipeline: Pipeline | None) -> None:
        self._pipeline = pipeline
        self._lock = threading.Lock()
        # Analyses wait for their turn here, in the event loop, rather than each
        # holding one of the few worker threads the pages need.
        self.limiter = anyio.CapacityLimiter(1)

    def analyze(self, document: RawDocument) -> Article | Failure:
        # The pipeline's models hold state while they run: one document at a time.
        with self._lock:
            if self._pipeline is None:
                from saywho.pipeline import Pipeline

                self._pipeline = Pipeline(PipelineConfig())
            return next(iter(self._pipeline.analyze([document])))


class AnalyzeRequest(BaseModel):
    """One document: exactly one of ``text`` and ``html``, and what is known about it."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, max_length=MAX_ARTICLE_CHARS)
    html: str | None = Field(None, description="a whole page; its main text is extracted")
    url: str | None = Field(None, max_length=MAX_FIELD_CHARS)
    title: str | None = Field(None, max_length=MAX_FIELD_CHARS)
    published: str | None = Field(None, max_length=MAX_FIELD_CHARS)
    outlet: str | None = Field(None, max_length=MAX_FIELD_CHARS)

    @model_validator(mode="after")
    def _one_body(self) -> Self:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' and 'html'")
        return self


router = APIRouter(prefix="/api", tags=["analyze"])
# Declared so that the OpenAPI description shows the bearer token; WriteGuard
# checks it before the request gets here.
_bearer = HTTPBearer(auto_error=False, description="the token `saywho serve` printed or was given")


@router.post(
    "/analyze",
    dependencies=[Depends(_bearer)],
    responses={
        401: {"description": "missing or wrong token"},
        403: {"description": "the server was not started with --allow-write"},
        413: {"description": "request body over the size limit"},
        422: {"description": "not a valid request, or a document that cannot be analyzed"},
    },
    summary=f"Analyze one document; the answer follows the {SCHEMA_ID} schema",
)
async def analyze(request: Request, document: AnalyzeRequest) -> dict[str, Any]:
    analyzer: Analyzer = request.app.state.analyzer
    raw = RawDocument(
        source="api",
        text=document.text,
        html=document.html,
        url=document.url,
        title=document.title,
        published=document.published,
        outlet=document.outlet,
    )
    result = await anyio.to_thread.run_sync(analyzer.analyze, raw, limiter=analyzer.limiter)
    if isinstance(result, Failure):
        raise HTTPException(422, result.reason)
    return article_to_dict(result)
