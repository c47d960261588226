"""The blank ledger template and the docs column table, both generated from the sheet declaration."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles.numbers import is_date_format
from typer.testing import CliRunner

from builders import person_id
from nodrug_cli import docs
from nodrug_cli.cli.app import app
from nodrug_cli.ledger import sheets as S
from nodrug_cli.ledger.layout import header_key
from nodrug_cli.ledger.read import read_ledger
from nodrug_cli.ledger.schema import column_specs, sheet_description, sheet_meta, sheet_schemas
from nodrug_cli.render.template_xlsx import GUIDE_SHEET, LAST_ROW, write_template
from nodrug_cli.standards.load import builtin_checklist_items

SHIPPED = Path(__file__).resolve().parent.parent / "templates" / "无毒社区台账模板.xlsx"
TODAY = dt.date(2026, 11, 25)
BORN = dt.date(1990, 5, 17)  # person_id's default birth date
OPTIONAL_SHEETS = [s for s in sheet_schemas() if not sheet_meta(s)["required"]]


def _is_keyvalue(sheet: str) -> bool:
    return sheet_meta(sheet)["layout"] == "keyvalue"


def _field_cells(ws, sheet: str) -> dict[str, tuple[str, object]]:
    """Canonical column → (the value cell of row 2, or column B of a key/value row; header as written)."""
    names = {header_key(n): n for n in column_specs(sheet)}
    if _is_keyvalue(sheet):
        labels = [(f"B{c.row}", c.value) for c in ws["A"][1:] if c.value]
    else:
        labels = [(f"{c.column_letter}2", c.value) for c in ws[1] if c.value]
    return {names[header_key(v)]: (ref, v) for ref, v in labels if header_key(v) in names}


def _validation_at(ws, ref: str):
    found = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
    assert len(found) == 1, f"{ws.title}!{ref} has {len(found)} validations"
    return found[0]


def _format_at(ws, ref: str, sheet: str) -> str:
    """The number format a clerk's new entry gets: the column's own style in a table sheet (it reaches Excel's last
    row), the cell's in a key/value sheet."""
    if _is_keyvalue(sheet):
        return ws[ref].number_format
    return ws.column_dimensions[ref.rstrip("0123456789")].number_format


def _list_values(dv) -> tuple[str, ...]:
    return tuple(dv.formula1.strip('"').split(","))


def test_shipped_template_matches_the_declaration():
    book = openpyxl.load_workbook(SHIPPED)
    assert book.sheetnames == [*sheet_schemas(), GUIDE_SHEET]
    for sheet, specs in ((s, column_specs(s)) for s in sheet_schemas()):
        ws = book[sheet]
        cells = _field_cells(ws, sheet)
        labels = [c.value for c in (ws["A"][1:] if _is_keyvalue(sheet) else ws[1]) if c.value]
        assert list(cells) == list(specs) and len(labels) == len(specs), sheet  # in order, nothing else
        assert {n: written.endswith("*") for n, (_, written) in cells.items()} == {
            n: s.required for n, s in specs.items()
        }
        assert ws.freeze_panes == "A2"
        for name, spec in specs.items():
            ref, _ = cells[name]
            dv = _validation_at(ws, ref)
            where = f"{sheet}!{ref} {name}"
            if spec.kind == "enum":
                assert (dv.type, _list_values(dv)) == ("list", spec.values), where
            elif spec.kind == "bool":
                assert (dv.type, _list_values(dv)) == ("list", ("是", "否")), where
            elif spec.kind == "int":
                assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", str(spec.minimum)), where
            elif spec.kind == "multi_enum":
                assert dv.type is None and all(v in dv.prompt for v in spec.values), where
            elif spec.kind == "id":
                assert _format_at(ws, ref, sheet) == "@", where
            elif spec.kind == "date":
                assert is_date_format(_format_at(ws, ref, sheet)), where
            assert dv.allow_blank and dv.showInputMessage and dv.prompt, where
    guide = [row for row in book[GUIDE_SHEET].iter_rows(values_only=True)]
    listed = {(row[0], row[1]) for row in guide}
    assert {(s, n) for s in sheet_schemas() for n in column_specs(s)} <= listed
    described = {}
    for row in guide:  # the sheet table comes first, so a sheet's first row is its description
        described.setdefault(row[0], row)
    for sheet, schema in sheet_schemas().items():
        assert schema.description in described[sheet], sheet


def _content(path: Path) -> dict:
    """What a clerk sees of a workbook: sheets, cell values, number formats, validations, frozen panes."""
    book = openpyxl.load_workbook(path)
    content = {}
    for ws in book.worksheets:
        cells = [(c.coordinate, c.value, c.number_format) for row in ws.iter_rows() for c in row
                 if c.value is not None or c.number_format != "General"]
        validations = sorted(
            (str(dv.sqref), dv.type or "", dv.operator or "", dv.formula1 or "", dv.formula2 or "", dv.prompt or "",
             dv.error or "")
            for dv in ws.data_validations.dataValidation
        )
        content[ws.title] = (cells, validations, ws.freeze_panes)
    return content


def test_shipped_template_is_up_to_date(tmp_path):
    fresh = tmp_path / "fresh.xlsx"
    write_template(fresh)
    assert _content(SHIPPED) == _content(fresh), "regenerate it: python templates/make_template.py"


def _sample(sheet: str, name: str):
    """One valid value for a column, by kind; the overrides keep cross-column rules satisfied."""
    overrides = {
        "出生日期": BORN, "首次登记日期": dt.date(2024, 1, 3), "评估年度": 2026, "常住人口": 3000,
        "调查人数": 100, "知晓人数": 90,
    }
    spec = column_specs(sheet)[name]
    if name in overrides:
        return overrides[name]
    return {
        "text": "测试", "name": "王小明", "id": person_id(1), "date": dt.date(2025, 3, 1), "bool": "是",
        "int": max(spec.minimum or 0, 1), "enum": spec.values[0] if spec.values else None,
        "multi_enum": "、".join(spec.values[:2]),
    }[spec.kind]


def _filled_template(path: Path, lang: str = "zh") -> Path:
    """A fresh template (its guide in `lang`) with one valid row in every table sheet and every key/value field
    filled in."""
    write_template(path, lang=lang)
    book = openpyxl.load_workbook(path)
    for sheet in sheet_schemas():
        ws = book[sheet]
        for name, (ref, _) in _field_cells(ws, sheet).items():
            ws[ref] = _sample(sheet, name)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def filled_books(tmp_path_factory) -> dict[str, Path]:
    """The template filled in, as written in Chinese and with `--lang en`: each `filled.xlsx` in a folder of its
    own, so that their reports can be compared whole."""
    return {lang: _filled_template(tmp_path_factory.mktemp(lang) / "filled.xlsx", lang) for lang in ("zh", "en")}


@pytest.fixture(scope="module", params=["zh", "en"])
def filled(request, filled_books) -> Path:
    return filled_books[request.param]


def test_filled_template_reads_back_clean(filled):
    ledger = read_ledger(filled, today=TODAY)
    assert [(f.code, f.cell) for f in ledger.findings if f.severity == "error"] == []
    assert set(ledger.tables) == set(sheet_schemas())
    assert ledger.info["常住人口"] == 3000 and ledger.year == 2026
    for sheet in sheet_schemas():
        frame = ledger.frame(sheet)
        # 自查项目 comes with every built-in standard's items listed; row 2 was overwritten like the other sheets'.
        assert len(frame) == (len(builtin_checklist_items()) if sheet == "自查项目" else 1), sheet
        if "身份证号" in frame:
            assert frame["身份证号"].tolist() == [person_id(1)], sheet  # all 18 digits survived


@pytest.mark.parametrize("sheet", OPTIONAL_SHEETS)
def test_deleted_optional_sheet_is_not_found_in_the_guide(filled, tmp_path, sheet):
    # 填表说明 lists every column name; the reader must not mistake its rows for a missing sheet's header.
    path = Path(shutil.copy(filled, tmp_path / "filled.xlsx"))
    book = openpyxl.load_workbook(path)
    del book[sheet]
    book.save(path)
    ledger = read_ledger(path, today=TODAY)
    assert sheet not in ledger.tables
    assert [(f.code, f.cell) for f in ledger.findings if f.severity == "error"] == []


def test_filled_english_template_validates_and_scores_like_the_chinese_one(filled_books, monkeypatch):
    """A clerk who reads the English guide fills in the same ledger: `validate` and `score` report it exactly as they
    report the Chinese template filled alike (its Guide tab is no sheet of the ledger)."""
    reports = {}
    for lang, path in filled_books.items():
        monkeypatch.chdir(path.parent)
        runs = [CliRunner().invoke(app, ["validate", path.name, "--as-of", "2026-11-25", "--format", "json"]),
                CliRunner().invoke(app, ["score", path.name, "--as-of", "2026-11-25", "--format", "json"])]
        assert [r.exit_code for r in runs] == [0, 0], [r.output for r in runs]
        reports[lang] = [r.stdout for r in runs]
    assert reports["en"] == reports["zh"]
    validated = json.loads(reports["en"][0])["files"][0]
    assert [f for f in validated["findings"] if f["severity"] == "error"] == []
    assert list(validated["sheets"]) == list(sheet_schemas())


def test_english_template_differs_only_in_words(tmp_path):
    """Under --lang en the tabs, headers, rows, formats and dropdown rules are the Chinese template's; only the words
    the template adds change: the guide (its tab named Guide), 社区概况's header and hints, the input and error
    messages."""
    zh, en = tmp_path / "zh.xlsx", tmp_path / "en.xlsx"
    write_template(zh)
    write_template(en, lang="en")
    zh_content, en_content = _content(zh), _content(en)
    assert list(en_content) == [*sheet_schemas(), "Guide"] and list(zh_content) == [*sheet_schemas(), GUIDE_SHEET]

    def rules(content, sheet):  # a validation without its words (the last two: input and error message)
        cells, validations, frozen = content[sheet]
        if _is_keyvalue(sheet):  # column C and row 1 are words
            cells = [c for c in cells if c[0][0] != "C" and c[0][1:] != "1"]
        return cells, [v[:-2] for v in validations], frozen

    for sheet in sheet_schemas():
        assert rules(en_content, sheet) == rules(zh_content, sheet), sheet
    hints = {spec.hint_in("en") for spec in column_specs(S.COMMUNITY).values()}
    assert {c[1] for c in en_content[S.COMMUNITY][0] if c[0].startswith("C") and c[0] != "C1"} == hints


def test_every_hint_has_its_english():
    """Each sheet and column the declaration describes in Chinese is described in English too."""
    for sheet in sheet_schemas():
        assert bool(sheet_description(sheet, "en")) == bool(sheet_description(sheet)), sheet
        for name, spec in column_specs(sheet).items():
            assert bool(spec.hint_in("en")) == bool(spec.hint), (sheet, name)


def test_blank_template_reads_back_with_only_the_required_fields_missing(tmp_path):
    path = tmp_path / "blank.xlsx"
    write_template(path)
    ledger = read_ledger(path, today=TODAY)
    # Column C holds the hints: a blank value cell must stay blank, not borrow the hint.
    assert [(f.code, f.cell) for f in ledger.findings] == [
        ("required_empty", "社区概况!B2"),  # 社区名称
        ("required_empty", "社区概况!B6"),  # 常住人口
    ]
    assert set(ledger.tables) == set(sheet_schemas())


def test_column_table_markdown_names_every_column_and_alias():
    text = docs.column_table_markdown()
    for sheet in sheet_schemas():
        assert f"#### {sheet}" in text
        for alias in sheet_meta(sheet)["aliases"]:
            assert alias in text, alias
        for name, spec in column_specs(sheet).items():
            for word in (name, *spec.aliases, *spec.values):
                assert word in text, (sheet, word)


def test_update_readme_replaces_only_the_marked_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# nodrug\n\n{docs.START_MARK}\nold table\n{docs.END_MARK}\n\n## After\n", encoding="utf-8")
    assert docs.update_readme(readme) is True
    text = readme.read_text(encoding="utf-8")
    assert "old table" not in text and docs.column_table_markdown() in text
    assert text.startswith(f"# nodrug\n\n{docs.START_MARK}\n") and text.endswith(f"{docs.END_MARK}\n\n## After\n")
    assert docs.update_readme(readme) is False  # already current: untouched
    readme.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(ValueError):
        docs.update_readme(readme)
