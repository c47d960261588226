"""A gap held as columns reads, masks and prints exactly as the list of dicts it stands for."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nodrug_cli import jsonout
from nodrug_cli.indicators.gap import Gap
from nodrug_cli.render.score import gap_entry, shown_entry, shown_gap
from nodrug_cli.said import Said

KEYS = ("id", "name", "start", "reason", "events")
scalars = st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["王小明", "欧阳明华", "}, {", '"', "\\", "\x01"]),
                    st.integers(-3, 3), st.booleans(), st.floats(allow_nan=False))
records = st.integers(0, 30).flatmap(
    lambda n: st.lists(st.fixed_dictionaries({k: scalars for k in KEYS}).map(lambda r: {k: r[k] for k in KEYS}),
                       min_size=n, max_size=n))


# generating the records is the slow part on a busy machine, not what is tested
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60)


@RELAXED
@given(records)
def test_a_gap_prints_as_its_records(rows):
    gap = Gap.of(rows)
    assert jsonout.dumps({"gap": gap, "n": 1}) == jsonout.dumps({"gap": rows, "n": 1})
    assert json.loads(jsonout.dumps([gap])) == [json.loads(json.dumps(rows))]


@RELAXED
@given(records, st.booleans())
def test_a_gap_is_masked_as_its_records(rows, full_pii):
    masked = shown_gap(Gap.of(rows), full_pii)
    assert isinstance(masked, Gap)
    assert list(masked) == [gap_entry(r, full_pii) for r in rows]
    assert jsonout.dumps(masked) == jsonout.dumps([gap_entry(r, full_pii) for r in rows])


SHARED = Said("gap.no_record")  # one instance for a whole column, as the windows rule gives it
reasons = st.one_of(st.none(), st.just(SHARED), st.builds(Said, st.just("gap.no_record")),
                    st.builds(Said, st.just("gap.reported_late"), days=st.integers(1, 40)),
                    st.builds(Said, st.just("gap.registered_on"), day=st.sampled_from(["2025-03-27", "}, {"])))


@RELAXED
@given(st.lists(st.tuples(st.sampled_from(["王小明", None, "1"]), reasons), max_size=30), st.booleans(),
       st.sampled_from(["zh", "en"]))
def test_a_gaps_reasons_are_worded_as_its_records(pairs, full_pii, lang):
    """Reasons worded a column at a time (once per instance) read as each record worded alone."""
    rows = [{"name": name, "reason": reason} for name, reason in pairs]
    shown = shown_gap(Gap.of(rows), full_pii, lang)
    assert list(shown) == [shown_entry(r, full_pii, lang) for r in rows]
    assert all(isinstance(r["reason"], str | None) for r in shown)


def test_a_gap_reads_as_a_list_of_dicts():
    rows = [{"id": "1", "name": "甲"}, {"id": None, "name": "乙"}, {"id": "3", "name": None}]
    gap = Gap.of(rows)
    assert len(gap) == 3 and bool(gap) and not Gap.of([])
    assert gap[1] == {"id": None, "name": "乙"} and gap[-1] == rows[-1]
    assert gap[:2] == rows[:2] and isinstance(gap[:2], Gap)
    assert gap == rows and rows == gap and gap != rows[:2] and gap != "text"
    assert [r["name"] for r in gap] == ["甲", "乙", None]
    with pytest.raises(IndexError):
        gap[3]
    with pytest.raises(ValueError):
        Gap({"id": [1, 2], "name": [1]})
    # 1, 1.0 and True are equal as keys but not as JSON: each keeps its own text
    assert jsonout.dumps(Gap({"v": [1, 1.0, True, None, "1"]})) == jsonout.dumps([{"v": v} for v in [1, 1.0, True, None, "1"]])
