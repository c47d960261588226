"""Every worksheet of a workbook as raw cells, through calamine (Rust; it does not expand XML entities), two
sheets at a time. `workbook` decides first what the file is and whether calamine may see it; for an .xlsx it
hands over the worksheet parts still to be checked (`sheetparts`), each checked just before its sheet."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from nodrug_cli.ledger.sheetparts import PartGuard, sheet_plan
from nodrug_cli.ledger.unreadable import Unreadable, human_size


@dataclass
class RawSheet:
    """One worksheet's cells: rows[0] is Excel row 1, rows[r][0] is column A; '' or None when empty."""

    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 (0-based, inclusive)
    visible: bool = True


# Threads that parse one workbook's sheets at once (more than the two cores of a district office's PC buys
# nothing: a ledger has three big sheets).
PARSE_THREADS = 2


def read_sheets(path: Path, data: bytes, limit: int, threads: int | None = None,
                sheet_guard: tuple[zipfile.ZipFile, PartGuard] | None = None) -> list[RawSheet]:
    """Every worksheet as raw cells. With `threads` > 1 the sheets are parsed at once, each thread on its own
    workbook object over the same bytes: calamine parses a sheet without holding Python's lock, so a ledger's
    big sheets (吸毒人员, 尿检记录, 谈话记录) take the time of the largest rather than of all.

    `sheet_guard` holds the .xlsx's worksheet members still to be checked (`sheetparts`): each is checked just
    before calamine parses its sheet when the workbook is plain, else all of them before any sheet is parsed."""
    import python_calamine as calamine

    threads = PARSE_THREADS if threads is None else threads
    book = _calamine_call(path, limit, calamine.CalamineWorkbook.from_filelike, io.BytesIO(data))
    try:
        every = _calamine_call(path, limit, lambda: [
            (m.name, m.visible == calamine.SheetVisibleEnum.Visible, m.typ == calamine.SheetTypeEnum.WorkSheet)
            for m in book.sheets_metadata
        ])
        metas = [(name, visible) for name, visible, worksheet in every if worksheet]
        before, order = None, None
        if sheet_guard is not None:
            archive, guard = sheet_guard
            plan = sheet_plan(archive, [name for name, _, _ in every])
            if plan is None:
                guard.check_all()
            else:
                before = partial(_check_sheet_part, guard, plan)
                size = {info.filename: info.compress_size for info in archive.infolist()}
                order = sorted(range(len(metas)), key=lambda at: -size[plan[metas[at][0]]])  # biggest first
        if threads <= 1 or len(metas) <= 1:
            sheets = [_calamine_call(path, limit, _raw_sheet, book, name, visible, before) for name, visible in metas]
        else:
            sheets = _parse_in_threads(path, data, limit, book, metas, threads, before, order)
        if sheet_guard is not None:
            sheet_guard[1].check_all()  # a worksheet part no sheet uses is still refused as it always was
    finally:
        book.close()
    if not sheets:
        raise Unreadable(path, "no_worksheet")
    if not any(any(v not in ("", None) for v in row) for s in sheets for row in s.rows):
        raise Unreadable(path, "empty_workbook")
    return sheets


def _parse_in_threads(path: Path, data: bytes, limit: int, book, metas: list, threads: int,
                      before=None, order: list[int] | None = None) -> list[RawSheet]:
    """`_raw_sheet` of every (name, visible) in `metas`, `threads` at a time, begun in `order` (indexes into
    `metas`; default their order) and returned in theirs; the first thread uses `book`, the others open their
    own. After a failure no new sheet is begun, and the first failure (in sheet order) is raised."""
    import threading

    import python_calamine as calamine

    results: list = [None] * len(metas)
    pending = iter(order if order is not None else range(len(metas)))
    lock = threading.Lock()
    failed: list[int] = []

    def work(own) -> None:
        try:
            reader = own or _calamine_call(path, limit, calamine.CalamineWorkbook.from_filelike, io.BytesIO(data))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            reader, failure = None, exc
        try:
            while True:
                with lock:
                    at = None if failed else next(pending, None)
                if at is None:
                    return
                if reader is None:
                    results[at] = failure
                    continue
                try:
                    results[at] = _calamine_call(path, limit, _raw_sheet, reader, *metas[at], before)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                    results[at] = exc
                    failed.append(at)
        finally:
            if reader is not None and reader is not own:
                reader.close()

    helpers = [threading.Thread(target=work, args=(None,), daemon=True) for _ in range(min(threads, len(metas)) - 1)]
    for helper in helpers:
        helper.start()
    work(book)
    for helper in helpers:
        helper.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    if failed or None in results:  # pragma: no cover - every sheet is either read or failed
        raise Unreadable(path, "truncated")
    return results


def _check_sheet_part(guard: PartGuard, plan: dict[str, str], name: str) -> None:
    guard.check(plan[name])


def _raw_sheet(book, name: str, visible: bool, before=None) -> RawSheet:
    if before is not None:
        before(name)  # the sheet's part is checked before calamine parses it
    sheet = book.get_sheet_by_name(name)
    rows = sheet.to_python(skip_empty_area=False)
    return RawSheet(name, rows, _merged(sheet.merged_cell_ranges or [], rows), visible=visible)


def _calamine_call(path: Path, limit: int, function, *args):
    """function(*args), with calamine's failures turned into Unreadable (it raises several types)."""
    import python_calamine as calamine

    try:
        return function(*args)
    except calamine.PasswordError:
        raise Unreadable(path, "encrypted") from None
    except Unreadable:
        raise
    except Exception as exc:  # calamine raises several types for damaged files
        raise Unreadable(path, _damage_reason(exc), human_size(limit)) from None


def _merged(ranges, rows: list[list]) -> list[tuple[int, int, int, int]]:
    """Merged ranges clipped to the sheet, without repeats. Excel never overlaps them, so their areas add up
    to at most the sheet's: past that the list is hostile (a million copies of A1:Z1000) and the rest is
    dropped, which keeps filling merged cells linear in the sheet's size."""
    height, width = len(rows), max((len(r) for r in rows), default=0)
    budget = height * width
    out, seen = [], set()
    for (r0, c0), (r1, c1) in ranges:
        r1, c1 = min(r1, height - 1), min(c1, width - 1)
        if r0 > r1 or c0 > c1 or (r0, c0, r1, c1) in seen:
            continue
        budget -= (r1 - r0 + 1) * (c1 - c0 + 1)
        if budget < 0:
            break
        seen.add((r0, c0, r1, c1))
        out.append((r0, c0, r1, c1))
    return out


def _damage_reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return "encrypted"
    if "cell limit" in text or "memory" in text:
        return "too_large"
    if "entity" in text or "doctype" in text:
        return "unsafe_xml"
    return "truncated"
