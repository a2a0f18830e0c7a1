"""The query parameters of the API and the dashboard under generated input (hypothesis;
``make fuzz`` runs more): whatever the query string, a GET route answers 200, or 400 /
422 with a reason (404 for an article or entity that is not stored), never 500. The
routes and their parameters are read from the app's routers, so a new route or
parameter is covered too."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_web_corpus import web_database

from saywho.web import create_app
from saywho.web.app import ROUTERS

EXAMPLES = int(os.environ.get("SAYWHO_FUZZ_EXAMPLES", "100"))
PROPERTIES = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ANSWERS = {200, 400, 422}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db: Path = web_database(tmp_path_factory)
    with TestClient(create_app(db), base_url="http://127.0.0.1") as test_client:
        yield test_client


def _routes() -> dict[str, list[str]]:
    """Each GET route of the API with the names of its query parameters."""
    routes = {}
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and "GET" in (route.methods or set()):
                routes[route.path] = [field.alias for field in route.dependant.query_params]
    return routes


ROUTES = _routes()

# Values that reach parsers' edges: numbers, dates, blanks, huge, unicode, SQL and FTS syntax.
edge_values = st.sampled_from(
    [
        "", " ", "0", "-1", "1e309", "nan", "inf", "99999999999999999999", "1.5", "true",
        "2024-02-30", "2024-09-12", "2024-09-12T25:00:00Z", "9999-12-31", "0000-00-00",
        "'", '"', "\\", "%", "*", "AND", "OR NOT", "NEAR(", "a:b", "(", ")", "\x00", "\ud800",
        "Sergei Lavrov", "negative", "state-affiliated", "json", "csv",
    ]
)  # fmt: skip
values = st.one_of(edge_values, st.text(max_size=20), st.integers().map(str))


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str]:
    """A route, and a URL of it: its path parameters and some query parameters drawn."""
    route = draw(st.sampled_from(sorted(ROUTES)))
    path = re.sub(
        r"\{[^}]*\}",
        lambda _: quote(
            draw(st.one_of(st.integers().map(str), values)), safe="", errors="surrogatepass"
        ),
        route,
    )
    chosen = draw(st.lists(st.sampled_from(ROUTES[route] or ["x"]), max_size=4))
    pairs = [(name, draw(values)) for name in chosen]
    return route, f"{path}?{urlencode(pairs, encoding='utf-8', errors='surrogatepass')}"


def _answer(client: TestClient, route: str, url: str) -> None:
    response = client.get(url)
    # 404: an article or entity that is not stored.
    allowed = ANSWERS | ({404} if "{" in route else set())
    assert response.status_code in allowed, (url, response.status_code, response.text[:300])


@PROPERTIES
@given(request=requests())
def test_any_parameters_are_answered_or_refused(
    client: TestClient, request: tuple[str, str]
) -> None:
    _answer(client, *request)


@PROPERTIES
@given(
    path=st.sampled_from([p for p in sorted(ROUTES) if "{" not in p]),
    raw=st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=60),
)
def test_any_raw_query_string_is_answered_or_refused(
    client: TestClient, path: str, raw: str
) -> None:
    _answer(client, path, f"{path}?{quote(raw, safe='=&%+')}")
