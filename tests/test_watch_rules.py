"""The rules parser of ``saywho watch``: what it accepts, and a clear error (file, line,
rule) for everything else. Hypothesis generates rules files; ``make fuzz`` runs more."""

from __future__ import annotations

import os

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from saywho.watch.rules import (
    CONTRADICTION_KEYS,
    STATEMENT_KEYS,
    VOCABULARIES,
    BurstsRule,
    ContradictionsRule,
    CopiesRule,
    RuleError,
    SearchRule,
    StatementsRule,
    needs_spread,
    parse_rules,
)

EXAMPLES = int(os.environ.get("SAYWHO_FUZZ_EXAMPLES", "100"))
settings.register_profile("saywho", max_examples=EXAMPLES, deadline=None)
settings.load_profile("saywho")

ISSUE_EXAMPLE = """\
- name: russia-on-trump
  statements: {country: Russia, about: Donald Trump}
- name: declared-vs-said
  contradictions: {country: Russia}
"""

names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,20}", fullmatch=True)
# Text a user would write as a value: letters, spaces, punctuation, not only spaces.
values = st.text(
    st.characters(min_codepoint=32, max_codepoint=0x24F, exclude_characters="\x7f"),
    min_size=1,
    max_size=30,
).filter(lambda text: text.strip() == text and text != "")


def _statement_fields() -> st.SearchStrategy[dict[str, str]]:
    free = {key: values for key in ("speaker", "outlet_label", "about")}
    vocab = {key: st.sampled_from(words) for key, words in VOCABULARIES.items()}
    return st.fixed_dictionaries(
        {"country": values}, optional={**free, **vocab}
    )  # a speaker key is required


rules_lists = st.lists(
    st.tuples(
        names,
        st.one_of(
            st.builds(lambda f: ("statements", f), _statement_fields()),
            st.builds(
                lambda f: ("contradictions", f),
                st.dictionaries(st.sampled_from(CONTRADICTION_KEYS), values),
            ),
            st.builds(lambda q: ("search", q), values),
        ),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda rule: rule[0],
)


def test_the_issue_example_works_as_written() -> None:
    russia, declared = parse_rules(ISSUE_EXAMPLE)
    assert isinstance(russia, StatementsRule) and russia.name == "russia-on-trump"
    assert (russia.watch.country, russia.watch.about) == ("Russia", "Donald Trump")
    assert declared == ContradictionsRule("declared-vs-said", country="Russia")


@given(rules_lists)
def test_rules_written_as_yaml_read_back_as_written(
    written: list[tuple[str, tuple[str, object]]],
) -> None:
    text = yaml.safe_dump([{"name": name, kind: body} for name, (kind, body) in written])
    rules = parse_rules(text)
    assert [rule.name for rule in rules] == [name for name, _ in written]
    for rule, (_, (kind, body)) in zip(rules, written, strict=True):
        if kind == "search":
            assert rule == SearchRule(rule.name, str(body))
        elif kind == "contradictions":
            assert rule == ContradictionsRule(rule.name, **dict(body))  # type: ignore[call-overload]
        else:
            assert isinstance(rule, StatementsRule) and isinstance(body, dict)
            fields = {("label" if k == "outlet_label" else k): v for k, v in body.items()}
            assert {k: v for k, v in vars(rule.watch).items() if v is not None} == fields


@given(st.text(max_size=200))
def test_any_text_is_rules_or_one_rule_error(text: str) -> None:
    try:
        parse_rules(text, "r.yaml")
    except RuleError as error:
        assert str(error).startswith("r.yaml")
        assert "\n" not in str(error).strip() or "YAML" in str(error)


@given(
    names,
    st.sampled_from(sorted(VOCABULARIES)),
    values.filter(lambda v: v not in sum(VOCABULARIES.values(), ())),
)
def test_a_value_outside_the_vocabulary_names_the_rule_and_line(
    name: str, key: str, value: str
) -> None:
    text = f"- name: ok\n  search: x\n- name: {name}\n  statements:\n    country: Russia\n"
    text += "    " + yaml.safe_dump({key: value}, width=1000).strip() + "\n"
    with pytest.raises(RuleError, match=rf"^r\.yaml:6: rule '{name}': {key} .* is not one of"):
        parse_rules(text, "r.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no rules"),
        ("[]", "no rules"),
        ("name: x", "r.yaml:1: the rules file must be a list"),
        ("- name: x\n  statement: {country: R}", "r.yaml:2: rule 'x': unknown key 'statement'"),
        ("- name: x\n  statements: {country: R, whom: T}", "unknown key 'whom' in statements"),
        ("- name: x\n  statements: {about: T}", "statements needs a speaker"),
        ("- name: x\n  statements: {country: }", "'country' needs a text value"),
        ("- name: x\n  search: a\n  contradictions: {}", "exactly one of"),
        ("- search: a", "r.yaml:1: rule 1 has no name"),
        ("- name: a b\n  search: a", "a name is letters"),
        ("- name: x\n  search: a\n- name: x\n  search: b", "r.yaml:3: rule 'x': another rule"),
        ("- name: x\n  statements: [Russia]", "statements must be a mapping"),
        ("- name: x\n  search: a\n  search: b", "'search' appears twice"),
        ("- name: x\n  search: [", "not valid YAML"),
        ("- name: x\n  copies: {kind: copy}", "copies needs the tracked articles"),
        ("- name: x\n  copies: {outlet: A, kind: echo}", "kind 'echo' is not one of copy"),
        ("- name: x\n  copies: {outlet: A, url: B}", "unknown key 'url' in copies"),
        ("- name: x\n  bursts: {min_outlets: 0}", "r.yaml:2: rule 'x': min_outlets must be 1"),
        ("- name: x\n  bursts: {within: soon}", "within 'soon': give a duration"),
    ],
)
def test_errors_say_where_and_what(text: str, message: str) -> None:
    with pytest.raises(RuleError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse_rules(text, "r.yaml")


def test_every_statement_key_is_accepted() -> None:
    body = ", ".join(
        f"{key}: {VOCABULARIES[key][0] if key in VOCABULARIES else 'X'}" for key in STATEMENT_KEYS
    )
    (rule,) = parse_rules(f"- name: all\n  statements: {{{body}}}")
    assert isinstance(rule, StatementsRule) and rule.watch.label == "X"


def test_copies_and_bursts_read_as_written() -> None:
    copies, bursts, default = parse_rules(
        "- name: c\n  copies: {outlet_label: state-media, kind: translation}\n"
        "- name: b\n  bursts: {min_outlets: 5, within: 90m, outlet_label: state-media}\n"
        "- name: d\n  bursts: {}\n"
    )
    assert copies == CopiesRule("c", outlet_label="state-media", kind="translation")
    assert bursts == BurstsRule("b", min_outlets=5, within_hours=1.5, outlet_label="state-media")
    assert default == BurstsRule("d", min_outlets=3, within_hours=24.0)
    assert [needs_spread(rule) for rule in (copies, bursts)] == [True, True]
