"""Property tests: valid inputs round-trip, junk gives a finding (never an exception)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nodrug_cli.ledger import idcard
from nodrug_cli.ledger.layout import header_key
from nodrug_cli.ledger.normalize import parse_date, parse_id
from nodrug_cli.ledger.schema import column_specs, sheet_schemas
from nodrug_cli.privacy import mask_id, mask_name

dates = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2200, 12, 31))


@given(region=st.from_regex(r"[1-9][0-9]{5}", fullmatch=True), born=dates, seq=st.integers(0, 99), male=st.booleans())
def test_made_ids_are_valid_and_carry_sex_and_birth(region, born, seq, male):
    ident = idcard.make_id(region, born, seq, male)
    column = pd.Series([ident], dtype="string")
    assert idcard.is_valid(ident) and bool(idcard.checksum_ok(column).iloc[0])
    assert idcard.sex_of(column).iloc[0] == ("男" if male else "女")
    assert idcard.birth_of(column).iloc[0].date() == born


@given(ident=st.text(max_size=25))
def test_any_text_is_either_valid_or_not_never_an_error(ident):
    column = pd.Series([ident], dtype="string")
    assert bool(idcard.checksum_ok(column).iloc[0]) == idcard.is_valid(ident)
    masked = mask_id(ident)
    assert len(ident.strip()) < 11 or masked[6:14] == "********"


@given(born=dates, region=st.from_regex(r"[1-9][0-9]{5}", fullmatch=True))
def test_one_wrong_check_character_is_always_caught(born, region):
    ident = idcard.make_id(region, born, 7, True)
    for wrong in "0123456789X":
        if wrong != ident[-1]:
            assert not idcard.is_valid(ident[:-1] + wrong)


@given(day=dates, form=st.sampled_from(["{d:%Y-%m-%d}", "{d.year}/{d.month}/{d.day}", "{d.year}.{d.month}.{d.day}",
                                        "{d.year}年{d.month}月{d.day}日", "{d:%Y%m%d}"]))
def test_every_text_date_form_round_trips(day, form):
    values, bad = parse_date(pd.Series([form.format(d=day), day, (day - dt.date(1899, 12, 30)).days], dtype=object))
    assert not bad.any()
    assert [v.date() for v in values] == [day, day, day]


@settings(max_examples=300)
@given(junk=st.one_of(st.text(max_size=30), st.floats(allow_nan=True), st.integers(), st.booleans(), st.none()))
def test_junk_dates_give_a_finding_not_an_exception(junk):
    from nodrug_cli.ledger.normalize import cell_text

    values, bad = parse_date(pd.Series([junk], dtype=object))
    blank = cell_text(junk) is None  # nothing, or only spaces and control characters
    assert bool(bad.iloc[0]) != (pd.notna(values.iloc[0]) or blank)


@given(junk=st.one_of(st.text(max_size=30), st.floats(), st.integers()))
def test_junk_ids_never_raise(junk):
    values, bad, numeric = parse_id(pd.Series([junk], dtype=object))
    assert len(values) == 1 and bool(numeric.iloc[0]) == (isinstance(junk, (int, float)) and junk == junk)
    assert bool(idcard.checksum_ok(values.astype("string")).iloc[0]) in (True, False)


@given(st.sampled_from([(s, c) for s in sheet_schemas() for c in column_specs(s)]),
       st.sampled_from(["", " ", "*", "（必填）", "＊"]), st.booleans())
def test_headers_match_whatever_the_decoration(sheet_column, suffix, widen):
    sheet, column = sheet_column
    written = column + suffix
    if widen:  # full-width brackets and spaces between characters, as clerks type them
        written = " ".join(written.replace("(", "（").replace(")", "）"))
    assert header_key(written) == header_key(column)


@given(st.text(min_size=1, max_size=6).filter(lambda s: s.strip() == s and s))
def test_names_are_masked_keeping_at_most_first_and_last(name):
    masked = mask_name(name)
    assert len(masked) == len(name)
    if len(name) >= 2:
        assert masked[0] == name[0] and "*" in masked


@given(st.one_of(st.text(max_size=25), st.integers(), st.floats(), st.booleans(), st.none()))
def test_junk_whole_numbers_give_a_finding_not_an_exception(junk):
    from nodrug_cli.ledger.normalize import cell_text, parse_int

    values, bad = parse_int(pd.Series([junk], dtype=object))
    blank = cell_text(junk) is None  # nothing, or only spaces and control characters
    assert bool(bad.iloc[0]) != (pd.notna(values.iloc[0]) or blank)


def test_a_number_past_what_a_column_holds_is_a_finding():
    from nodrug_cli.ledger.normalize import parse_int

    values, bad = parse_int(pd.Series(["99999999999999999999", "１２", 12.0, "1,200", "3.5"], dtype=object))
    assert bad.tolist() == [True, False, False, False, True]
    assert values.tolist()[1:4] == [12, 12, 1200]


@pytest.mark.parametrize("cell, day", [
    (45000, dt.date(2023, 3, 15)), (45000.75, dt.date(2023, 3, 15)), (20250305, dt.date(2025, 3, 5)),
    ("２０２５年３月５日", dt.date(2025, 3, 5)), (" 2025-03-05 08:30 ", dt.date(2025, 3, 5)),
    (dt.datetime(2025, 3, 5, 17, 0), dt.date(2025, 3, 5)), ("   ", None), (float("nan"), None),
])
def test_one_cells_date(cell, day):
    from nodrug_cli.ledger.dates import cell_date

    assert cell_date(cell) == day


@pytest.mark.parametrize("cell", ["2025-02-30", "1899-12-31", "三月五日", 20251341, 0, -3.0, float("inf"), True,
                                  dt.time(8, 30), dt.date(1850, 1, 1)])
def test_not_a_date(cell):
    from nodrug_cli.ledger.dates import NotADate, cell_date

    with pytest.raises(NotADate):
        cell_date(cell)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


@given(_json_values)
def test_printed_json_reads_back_as_what_was_printed(value):
    import json

    from nodrug_cli import jsonout

    assert json.loads(jsonout.dumps(value)) == value


def test_printed_json_puts_each_flat_record_on_its_own_line():
    from nodrug_cli import jsonout

    text = jsonout.dumps({"a": 1, "gap": [{"id": "1", "name": "王*"}, {"id": "2", "name": "李*"}], "empty": [],
                          "tags": ["x", "y"]})
    assert text.splitlines() == [
        "{", '  "a": 1,', '  "gap": [', '    {"id": "1", "name": "王*"},', '    {"id": "2", "name": "李*"}', "  ],",
        '  "empty": [],', '  "tags": ["x", "y"]', "}",
    ]
