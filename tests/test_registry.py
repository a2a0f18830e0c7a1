"""Components by name: the Registry, and plugins found through entry points.

The unit tests give the Registry made-up entry points. The end-to-end tests use
the plugin package in tests/fixtures/plugin (``saywho-echo``), which the Makefile
installs into the development venv as a user would install a plugin: its
attributor, stance model and text encoder are named on the command line, in
this process and in spawned worker processes, which find it on their own.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from importlib.metadata import EntryPoint, EntryPoints, entry_points
from pathlib import Path
from typing import Any

import pytest

from saywho.attribution import ATTRIBUTORS
from saywho.cli import main
from saywho.config import PipelineConfig
from saywho.model import ConfigError, RawDocument
from saywho.pipeline import analyze_all
from saywho.registry import (
    ATTRIBUTOR_GROUP,
    STANCE_MODEL_GROUP,
    TEXT_ENCODER_GROUP,
    Registry,
)

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
GROUP = "saywho.tests"


class Greeter:
    def __init__(self, greeting: str = "hello") -> None:
        self.greeting = greeting


def _fake_entry_points(monkeypatch: pytest.MonkeyPatch, *points: tuple[str, str]) -> None:
    """``entry_points`` as if installed packages declared ``(name, value)`` in GROUP."""
    installed = EntryPoints(EntryPoint(name, value, GROUP) for name, value in points)

    def select(**params: Any) -> EntryPoints:
        return installed.select(**params)

    monkeypatch.setattr("saywho.registry.entry_points", select)


@pytest.fixture
def plugin_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module on sys.path, not imported yet, that defines ``Greeter``."""
    name = f"saywho_test_plugin_{abs(hash(tmp_path)) % 10**8}"
    (tmp_path / f"{name}.py").write_text(
        "class Greeter:\n"
        "    def __init__(self, greeting='hi'):\n"
        "        self.greeting = greeting\n"
        "NOT_CALLABLE = 3\n",
        "utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


# --- the Registry ---------------------------------------------------------------


def test_registered_factory_is_created_with_settings() -> None:
    registry: Registry[Greeter] = Registry("greeter", GROUP)
    registry.register("plain")(Greeter)
    assert registry.create("plain").greeting == "hello"
    assert registry.create("plain", greeting="hey").greeting == "hey"


def test_unknown_name_is_a_config_error_that_lists_the_known(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_entry_points(monkeypatch, ("from-plugin", "nowhere:Greeter"))
    registry: Registry[Greeter] = Registry("greeter", GROUP)
    registry.register("plain")(Greeter)
    with pytest.raises(
        ConfigError, match=r"^unknown greeter 'nope' \(known: from-plugin, plain\)$"
    ):
        registry.create("nope")
    assert registry.names() == ["from-plugin", "plain"]


def test_plugin_is_imported_only_when_named(
    monkeypatch: pytest.MonkeyPatch, plugin_module: str
) -> None:
    _fake_entry_points(monkeypatch, ("hi", f"{plugin_module}:Greeter"))
    registry: Registry[Greeter] = Registry("greeter", GROUP)
    assert registry.names() == ["hi"]
    assert plugin_module not in sys.modules
    greeter = registry.create("hi", greeting="salut")
    assert plugin_module in sys.modules
    assert type(greeter).__module__ == plugin_module and greeter.greeting == "salut"


def test_builtins_are_imported_on_first_lookup(
    monkeypatch: pytest.MonkeyPatch, plugin_module: str
) -> None:
    # A built-in module registers itself on import, as saywho's attributors do.
    registry: Registry[object] = Registry("greeter", GROUP, builtins=(plugin_module,))
    _fake_entry_points(monkeypatch)
    assert plugin_module not in sys.modules
    with pytest.raises(ConfigError, match="unknown greeter"):
        registry.create("hi")
    assert plugin_module in sys.modules


def test_builtin_wins_over_a_plugin_of_the_same_name(
    monkeypatch: pytest.MonkeyPatch, plugin_module: str
) -> None:
    _fake_entry_points(monkeypatch, ("plain", f"{plugin_module}:Greeter"))
    registry: Registry[Greeter] = Registry("greeter", GROUP)
    registry.register("plain")(Greeter)
    assert type(registry.create("plain")) is Greeter
    assert plugin_module not in sys.modules


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("saywho_no_such_module:Greeter", r"did not load: ModuleNotFoundError: "),
        ("{module}:Missing", r"did not load: AttributeError: "),
        ("{module}:NOT_CALLABLE", r"is not callable$"),
    ],
)
def test_plugin_that_does_not_load_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, plugin_module: str, value: str, message: str
) -> None:
    _fake_entry_points(monkeypatch, ("broken", value.format(module=plugin_module)))
    registry: Registry[Greeter] = Registry("greeter", GROUP)
    with pytest.raises(ConfigError, match=r"^greeter 'broken' \(.* from an unknown package\) "):
        registry.create("broken")
    with pytest.raises(ConfigError, match=message):
        registry.create("broken")


def test_two_plugins_with_one_name_are_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(monkeypatch, ("twin", "one:Greeter"), ("twin", "two:Greeter"))
    registry: Registry[Greeter] = Registry("greeter", GROUP)
    with pytest.raises(ConfigError, match="registered by several plugins: one:Greeter"):
        registry.create("twin")


# --- the plugin package in tests/fixtures/plugin, installed -----------------------


@pytest.fixture(scope="module")
def echo_plugin() -> None:
    groups = {
        ATTRIBUTOR_GROUP: "echo",
        STANCE_MODEL_GROUP: "echo-neutral",
        TEXT_ENCODER_GROUP: "echo-letters",
    }
    for group, name in groups.items():
        if name not in entry_points(group=group).names:
            pytest.fail(
                f"the test plugin is not installed ({group} has no {name!r}): run `make test`, "
                "or pip install --no-deps -e tests/fixtures/plugin"
            )


def _analyze(capsys: pytest.CaptureFixture[str], *options: str) -> list[dict[str, Any]]:
    status = main(["analyze", str(EXAMPLES), "--format", "jsonl", *options])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return [json.loads(line) for line in captured.out.splitlines()]


@pytest.mark.usefixtures("echo_plugin")
def test_plugin_components_named_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    plugin = ("--attributor", "echo", "--stance-model", "echo-neutral")
    articles = _analyze(capsys, *plugin)
    assert len(articles) == 4
    stances = 0
    for article in articles:
        assert article["statements"], article["source"]
        for number, statement in enumerate(article["statements"], start=1):
            # The echo attributor: each sentence, in order, no speaker, confidence 1.
            assert statement["id"] == f"s{number}"
            assert statement["speaker"] is None and statement["confidence"] == 1.0
            for stance in statement["stances"]:
                assert (stance["polarity"], stance["score"]) == ("neutral", 1.0)
                stances += 1
    assert stances > 0
    # Spawned workers import afresh and find the plugin through its entry points.
    assert _analyze(capsys, *plugin, "--workers", "2") == articles


@pytest.mark.usefixtures("echo_plugin")
def test_plugin_text_encoder() -> None:
    from saywho.spread import TEXT_ENCODERS, create_encoder

    assert "echo-letters" in TEXT_ENCODERS.names()
    vectors = create_encoder("echo-letters").encode(["abc", "cab", "xyz"])
    assert vectors.shape == (3, 26)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(1.0)
    assert float(vectors[0] @ vectors[2]) == 0.0


def test_registration_at_run_time_is_not_seen_by_workers() -> None:
    # Only an entry point reaches a spawned worker: naming a component registered
    # in this process alone fails there with the usual message, and does not hang.
    factory: Callable[..., Any] = ATTRIBUTORS.factory("rules")
    ATTRIBUTORS.register("rules-again")(factory)
    config = PipelineConfig(attributor="rules-again", stance_model=None)
    document = RawDocument("a.txt", "The minister said on Monday that the talks would resume.")
    try:
        assert len(list(analyze_all([document], config))) == 1
        with pytest.raises(ConfigError, match="unknown attributor 'rules-again'"):
            list(analyze_all([document], config, workers=2))
    finally:
        del ATTRIBUTORS._factories["rules-again"]
