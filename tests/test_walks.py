"""Random walks through the shipped protocol leave dossiers that validate and reload."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kindreflex_tui.dossier.model import Dossier
from kindreflex_tui.engine import Engine
from kindreflex_tui.errors import InputError
from kindreflex_tui.protocol.loader import load_protocol
from kindreflex_tui.protocol.model import END, FieldSpec, Protocol

TODAY = date(2026, 3, 2)
COUNSELLORS = ["Els Peeters", "Jan Maes"]

Complete = Callable[..., None]


@functools.cache
def shipped() -> Protocol:
    """The shipped protocol; not a fixture, so a failing example prints short."""
    return load_protocol()


texts = st.text(max_size=24)
filled_texts = st.text(min_size=1, max_size=24).filter(lambda t: t.strip() != "")
past_days = st.dates(min_value=date(2005, 1, 1), max_value=TODAY)
any_days = st.dates(min_value=date(2005, 1, 1), max_value=date(2030, 12, 31))


def typed(day: date, style: int) -> Any:
    """A date the way a counsellor may type it, or as a date object."""
    spellings = [
        f"{day.day:02d}-{day.month:02d}-{day.year}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day}.{day.month}.{day.year}",
        day.isoformat(),
        day,
    ]
    return spellings[style % len(spellings)]


def value_for(
    data: st.DataObject, kx: Engine, spec: FieldSpec, *, required: bool
) -> Any:
    """A random valid value for a scalar field (None sometimes, when allowed)."""
    if not required and data.draw(st.integers(0, 3)) == 0:
        return None
    if spec.type in ("text", "long_text"):
        return data.draw(filled_texts if required else texts)
    if spec.type == "yes_no":
        return data.draw(st.booleans())
    if spec.type == "date":
        day = data.draw(past_days if spec.not_future else any_days)
        return typed(day, data.draw(st.integers(0, 4)))
    codes = [c.id for c in kx.protocol.choice_list(spec.choices)]
    if spec.type == "choice":
        return data.draw(st.sampled_from(codes))
    return data.draw(st.lists(st.sampled_from(codes), max_size=len(codes)))


def item_for(data: st.DataObject, kx: Engine, spec: FieldSpec) -> dict[str, Any]:
    """A random repeat item, its visible required sub-fields filled in."""
    item: dict[str, Any] = {}
    for sub in spec.fields:
        if sub.type == "info" or not kx.is_visible(sub, item):
            continue
        value = value_for(data, kx, sub, required=kx.is_required(sub, item))
        if value is not None:
            item[sub.id] = value
    if spec.store == "children" and item.get("expected"):
        # An expected child's due date may lie in the future.
        item["due_date"] = typed(data.draw(any_days), data.draw(st.integers(0, 4)))
    return item


def refused_leaves_no_trace(kx: Engine, change: Callable[[], object]) -> None:
    """Run a change; when it is refused, the dossier must be exactly as before."""
    before = kx.dossier.model_dump_json()
    try:
        change()
    except InputError:
        assert kx.dossier.model_dump_json() == before


def fiddle(data: st.DataObject, kx: Engine) -> None:
    """Random work in the current step: answers, ticks, items, children, notes."""
    step = kx.step
    for item in step.items:
        if data.draw(st.booleans()):
            kx.tick(item.id, done=data.draw(st.booleans()))
    for spec in step.fields:
        if not kx.is_visible(spec) or spec.type == "info":
            continue
        if spec.type == "repeat":
            for _ in range(data.draw(st.integers(0, 2))):
                values = item_for(data, kx, spec)
                refused_leaves_no_trace(
                    kx, lambda s=spec, v=values: kx.add_item(s.id, v)
                )
            present = kx.items(spec.id)
            if present and data.draw(st.integers(0, 3)) == 0:
                gone = data.draw(st.sampled_from(present))["id"]
                kx.remove_item(spec.id, gone, reason=data.draw(texts))
            present = kx.items(spec.id)
            if present and data.draw(st.integers(0, 3)) == 0:
                changed = data.draw(st.sampled_from(present))["id"]
                values = item_for(data, kx, spec)
                refused_leaves_no_trace(
                    kx, lambda s=spec, i=changed, v=values: kx.update_item(s.id, i, v)
                )
        elif spec.type == "per_child":
            for child in kx.dossier.children:
                for sub in spec.fields:
                    if data.draw(st.booleans()):
                        value = value_for(data, kx, sub, required=False)
                        kx.set_child_answer(spec.id, child.id, sub.id, value)
        elif data.draw(st.integers(0, 2)) > 0:
            value = value_for(data, kx, spec, required=False)
            refused_leaves_no_trace(kx, lambda s=spec, v=value: kx.set_answer(s.id, v))
            count = len(kx.dossier.history)
            refused_leaves_no_trace(kx, lambda s=spec, v=value: kx.set_answer(s.id, v))
            assert len(kx.dossier.history) == count, "the same value wrote an event"
            if spec.type == "date" and data.draw(st.booleans()):
                refused_leaves_no_trace(
                    kx, lambda s=spec: kx.set_answer(s.id, "31-02-2020")
                )
    register = next(f for s in kx.protocol.steps for f in s.fields if f.store)
    if step.field(register.id) is None and data.draw(st.integers(0, 4)) == 0:
        # The register is kept up to date from any step (a baby born later).
        values = item_for(data, kx, register)
        refused_leaves_no_trace(kx, lambda: kx.add_item(register.id, values))
    if data.draw(st.booleans()):
        kx.set_notes(data.draw(texts))
    if data.draw(st.integers(0, 3)) == 0:
        marks = kx.protocol.choice_list(kx.protocol.info.entry_marks)
        kind = data.draw(st.sampled_from([None, *[m.id for m in marks]]))
        kx.set_mark("notes", kind, source=data.draw(texts))


def assert_sound(dossier: Dossier, counsellors: set[str]) -> None:
    """The invariants every saved dossier must meet."""
    dumped = dossier.model_dump_json()
    again = Dossier.model_validate_json(dumped)
    assert again.model_dump_json() == dumped
    assert again == dossier

    history = dossier.history
    assert [e.seq for e in history] == list(range(1, len(history) + 1))
    assert all(e.at.utcoffset() == timedelta(0) for e in history)
    assert all(a.at <= b.at for a, b in itertools.pairwise(history))
    assert dossier.updated_at == history[-1].at
    assert set(dossier.counsellors) <= counsellors
    assert {e.by for e in history} <= set(dossier.counsellors)

    visits = dossier.visits
    outside = {"dossier_created", "dossier_closed", "dossier_reopened"}
    outside.add("counsellor_joined")
    for e in history:
        if e.kind not in outside:
            assert e.visit is not None, f"event {e.seq} ({e.kind}) names no visit"
            assert visits[e.visit - 1].step == e.step
    assert [v.id for v in visits] == list(range(1, len(visits) + 1))
    assert all(v.left_at is not None for v in visits[:-1]), "an earlier visit is open"
    for visit, following in itertools.pairwise(visits):
        assert visit.decision is not None
        assert visit.decision.target in (following.step, END)
    last = visits[-1]
    closed = last.left_at is not None
    assert dossier.status == ("closed" if closed else "open")
    if closed:
        assert last.decision is not None
        assert last.decision.target == END

    added = [e.target for e in history if e.kind == "child_added"]
    assert len(added) == len(set(added)), "a child id was used twice"
    assert [c.id for c in dossier.children] == [a for a in added if dossier.child(a)]


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_random_walk_leaves_a_dossier_that_validates_and_reloads_unchanged(
    complete: Complete, data: st.DataObject
) -> None:
    protocol = shipped()
    ticks = itertools.count()
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def clock() -> datetime:
        return start + timedelta(seconds=next(ticks))

    kx = Engine.start(
        protocol,
        dossier_id="kx-walk-0001",
        client_ref=data.draw(filled_texts),
        counsellor=COUNSELLORS[0],
        clock=clock,
        today=lambda: TODAY,
    )
    for _ in range(data.draw(st.integers(1, 8), label="decisions")):
        if kx.closed:
            if not data.draw(st.booleans(), label="reopen"):
                break
            target = data.draw(st.sampled_from([s.id for s in protocol.steps]))
            kx.reopen(target, data.draw(filled_texts))
        if data.draw(st.integers(0, 5)) == 0:
            # A colleague takes over the dossier.
            actor = data.draw(st.sampled_from(COUNSELLORS))
            kx = Engine(protocol, kx.dossier, actor, clock=clock, today=lambda: TODAY)
        fiddle(data, kx)
        ready = [o.id for o in kx.step.options if not kx.missing(o.id)]
        if ready:
            option = data.draw(st.sampled_from(ready), label="option")
        else:
            option = data.draw(st.sampled_from([o.id for o in kx.step.options]))
            complete(kx, option)
        override = data.draw(filled_texts) if kx.warnings(option) else None
        kx.decide(option, data.draw(filled_texts), override_reason=override)
        decision = kx.dossier.visits[-1 if kx.closed else -2].decision
        assert decision is not None
        assert decision.option == option
        assert (decision.override_reason is not None) == bool(decision.warnings)
    event(f"visits: {len(kx.dossier.visits)}")
    event(f"steps seen: {len({v.step for v in kx.dossier.visits})}")
    assert_sound(kx.dossier, set(COUNSELLORS))
