"""Random TOML never makes the loader fail with anything but the project's own error."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from protocol_cases import Files, base_files

from kindreflex_tui.errors import Finding, ProtocolError
from kindreflex_tui.protocol import model, render
from kindreflex_tui.protocol.check import check_graph, sort_findings
from kindreflex_tui.protocol.loader import check_protocol, load_protocol, read_protocol

pytestmark = pytest.mark.slow

FUZZ = settings(
    # KINDREFLEX_FUZZ_EXAMPLES=5000 for a longer hunt; the suite keeps it short.
    max_examples=int(os.environ.get("KINDREFLEX_FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_MODELS = [
    model.Condition,
    model.Choice,
    model.ChecklistItem,
    model.FieldSpec,
    model.Option,
    model.Step,
    model.ProtocolInfo,
    model.Protocol,
]
KEYS = sorted(
    {info.alias or name for m in _MODELS for name, info in m.model_fields.items()}
    | {"protocol", "field_groups"}
)
"""Every key the format knows: random documents mostly use these."""

WORDS = [
    "intake",
    "review",
    "@end",
    "worried",
    "level",
    "children",
    "name",
    "high",
    "low",
    "talk",
    "text",
    "yes_no",
    "choice",
    "repeat",
    "per_child",
    "info",
    "children",
    "step-1.toml",
    "step-2.toml",
    "leaflet",
    "addition",
]
"""Values that mean something to the checker, so random ones reach deep rules."""

scalars = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)
    ),
    max_leaves=25,
)
documents = st.dictionaries(keys, values, max_size=8)


def _run(files: dict[str, bytes]) -> list[Finding]:
    """Write a folder and read it every way there is; only own errors may escape."""
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        for file, raw in files.items():
            (directory / file).write_bytes(raw)
        protocol, findings = read_protocol(directory)
        assert protocol is not None or any(f.severity == "error" for f in findings)
        _protocol, findings = check_protocol(directory)
        try:
            load_protocol(directory)
        except ProtocolError as error:
            assert error.findings
        for finding in findings:
            assert finding.format()
        return findings


def _dump(files: Files) -> dict[str, bytes]:
    return {name: tomli_w.dumps(doc).encode() for name, doc in files.items()}


@FUZZ
@given(
    text=st.text(max_size=300), which=st.sampled_from(["protocol.toml", "step-1.toml"])
)
def test_random_text_never_crashes_the_loader(text: str, which: str) -> None:
    files = _dump(base_files())
    files[which] = text.encode("utf-8", errors="surrogatepass")
    _run(files)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_random_bytes_never_crash_the_loader(raw: bytes) -> None:
    files = _dump(base_files())
    files["step-2.toml"] = raw
    _run(files)


@FUZZ
@given(head=documents, step_document=documents)
def test_random_toml_documents_never_crash_the_loader(
    head: dict[str, Any], step_document: dict[str, Any]
) -> None:
    files = _dump(base_files())
    files["protocol.toml"] = tomli_w.dumps(head).encode()
    files["step-1.toml"] = tomli_w.dumps(step_document).encode()
    _run(files)


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a document."""
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _places(value, (*path, index))
    return found


@FUZZ
@given(data=st.data())
def test_random_changes_to_a_valid_protocol_never_crash_the_checker(
    data: st.DataObject,
) -> None:
    files = base_files()
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        name = data.draw(st.sampled_from(sorted(files)))
        places = _places(files[name])
        path = data.draw(st.sampled_from(places))
        parent: Any = files[name]
        for part in path[:-1]:
            parent = parent[part]
        action = data.draw(st.sampled_from(["replace", "delete", "word", "add"]))
        if action == "replace":
            parent[path[-1]] = data.draw(values)
        elif action == "word":
            parent[path[-1]] = data.draw(st.sampled_from(WORDS))
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(keys)] = data.draw(values)
        else:
            parent.append(data.draw(values))
    _run(_dump(files))


# -- random protocols that pass the schema, for the graph and reference rules ----------

NAMES = ["a", "b", "c", "name", "birth_date", "expected"]
STEP_IDS = ["one", "two", "three", "four"]
TYPES = list(model.FieldType.__args__)  # type: ignore[attr-defined]


_REFS = st.one_of(
    st.sampled_from(NAMES),
    st.builds("{}.{}".format, st.sampled_from(STEP_IDS), st.sampled_from(NAMES)),
)
_VALUE = st.one_of(st.booleans(), st.sampled_from(["x", "y", "q"]))
_LEAF = st.one_of(
    st.builds(lambda r, v: {"field": r, "equals": v}, _REFS, _VALUE),
    st.builds(lambda r, v: {"field": r, "not_equals": v}, _REFS, _VALUE),
    st.builds(lambda r, v: {"field": r, "in": v}, _REFS, st.lists(_VALUE, max_size=2)),
    st.builds(lambda r, v: {"field": r, "answered": v}, _REFS, st.booleans()),
)
CONDITIONS = st.recursive(
    _LEAF,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=2)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=2)),
        st.builds(lambda x: {"not": x}, inner),
    ),
    max_leaves=4,
)


def _field_strategy(sub_fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {"id": st.sampled_from(NAMES), "type": st.sampled_from(TYPES)},
        optional={
            "choices": st.sampled_from(["xy", "empty", "nope"]),
            "fields": sub_fields,
            "show_if": CONDITIONS,
            "required_if": CONDITIONS,
            "min": st.integers(0, 3),
            "max": st.integers(1, 3),
            "store": st.just("children"),
            "required": st.booleans(),
            "follow_up": st.booleans(),
            "action": st.just("redacted_summary"),
            "item_label": st.sampled_from(["{a}", "{name}", "{", "x"]),
            "fields_from": st.sampled_from(["group", "nope"]),
        },
    ).map(lambda f: {**f, "label": "L"})


SUB_FIELD = _field_strategy(st.just([]))
FIELD = _field_strategy(st.lists(SUB_FIELD, max_size=3))
OPTION = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["go", "stop", "back"]),
        "target": st.sampled_from([*STEP_IDS, "@end", "nowhere"]),
    },
    optional={"expect": CONDITIONS, "requires": st.lists(st.sampled_from(NAMES))},
).map(lambda o: {**o, "label": "O"})
ITEM = st.sampled_from(["i", "j"]).map(lambda i: {"id": i, "label": "I"})
STEP_PARTS = st.fixed_dictionaries(
    {
        "items": st.lists(ITEM, max_size=2),
        "fields": st.lists(FIELD, max_size=4),
        "options": st.lists(OPTION, min_size=1, max_size=3),
        "number": st.integers(1, 4),
    }
)


@st.composite
def valid_protocols(draw: st.DrawFn) -> model.Protocol:
    count = draw(st.integers(1, len(STEP_IDS)))
    steps = [
        {
            **draw(STEP_PARTS),
            "id": STEP_IDS[index],
            "title": "T",
            "short_title": "S",
            "who": "W",
            "decision": "D",
        }
        for index in range(count)
    ]
    return model.Protocol.model_validate(
        {
            "info": {
                "id": "fuzz",
                "title": "Fuzz",
                "format": 1,
                "version": "1",
                "language": "nl",
                "start": draw(st.sampled_from([*STEP_IDS, "nowhere"])),
                "source": "test",
                "entry_marks": draw(st.sampled_from(["xy", "marks"])),
                "steps": [f"s{i}.toml" for i in range(count)],
            },
            "choices": {
                "xy": [{"id": "x", "label": "X"}, {"id": "y", "label": "Y"}],
                "empty": [],
            },
            "field_groups": {"group": draw(st.lists(SUB_FIELD, max_size=3))},
            "steps": steps,
        }
    )


@FUZZ
@given(protocol=valid_protocols())
def test_random_valid_protocols_never_crash_the_graph_checks(
    protocol: model.Protocol,
) -> None:
    findings = check_graph(protocol)
    files = {*protocol.info.steps, "protocol.toml"}
    assert all(f.file in files and f.rule and f.message for f in findings)
    bad_targets = sum(
        1
        for step in protocol.steps
        for option in step.options
        if option.target not in (*STEP_IDS[: len(protocol.steps)], model.END)
    )
    assert len([f for f in findings if f.rule == "graph/unknown-target"]) == bad_targets
    assert findings == sort_findings(findings)
    assert render.protocol_mermaid(protocol).startswith("flowchart TD\n")
    assert render.protocol_text(protocol)
