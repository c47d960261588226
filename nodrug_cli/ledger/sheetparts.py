"""Which zip member holds each sheet of an .xlsx, so that each worksheet part is checked (`guard`) just before
calamine parses it, rather than all of them before any: while calamine parses one sheet (outside Python's
lock), the next sheet's part is being checked.

This is done only for a plain workbook, where the member of every sheet can be read off without doubt: its
`xl/workbook.xml` lists the same sheet names in the same order as calamine does, each sheet's relationship
points at `worksheets/NAME.xml` (relative or as `/xl/worksheets/NAME.xml`), no two sheets share a member, and
the member exists once. Anything else (what Excel, WPS, LibreOffice and openpyxl never write) is checked in
full before calamine sees a sheet, as before. Every worksheet part is checked in the end either way, so a
file is refused for the same parts it always was.
"""

from __future__ import annotations

import re
import threading
import zipfile
import zlib
from xml.etree import ElementTree

from nodrug_cli.ledger.unreadable import Unreadable

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PLAIN_TARGET = re.compile(r"(?:/xl/)?(worksheets/[A-Za-z0-9_][A-Za-z0-9_.-]*\.xml)")


def sheet_plan(archive: zipfile.ZipFile, names: list[str]) -> dict[str, str] | None:
    """Sheet name → zip member for a plain workbook whose sheets, in order, are `names` (as calamine lists
    them); None when that cannot be said without doubt. The two parts read here are already checked."""
    members = [info.filename for info in archive.infolist()]
    if members.count("xl/workbook.xml") != 1 or members.count("xl/_rels/workbook.xml.rels") != 1:
        return None
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (ElementTree.ParseError, zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        return None
    targets: dict[str, str] = {}
    for rel in rels.iter(f"{_PKG_RELS}Relationship"):
        rel_id, target = rel.get("Id"), rel.get("Target") or ""
        if rel_id in targets:
            return None
        targets[rel_id] = target if rel.get("TargetMode") in (None, "Internal") else ""
    plan: dict[str, str] = {}
    sheets = [s for s in book.iter(f"{_MAIN}sheet")]
    for sheet in sheets:
        match = _PLAIN_TARGET.fullmatch(targets.get(sheet.get(f"{_DOC_RELS}id"), ""))
        name = sheet.get("name")
        if match is None or name is None or name.casefold() in {n.casefold() for n in plan}:
            return None
        plan[name] = "xl/" + match.group(1)
    parts = list(plan.values())
    if list(plan) != list(names) or len(set(parts)) != len(parts) or any(members.count(p) != 1 for p in parts):
        return None
    return plan


class PartGuard:
    """Checks worksheet members on demand, each once, from any thread: `check(member)` returns when that
    member has passed (or raises its Unreadable, every time it is asked again); `check_all()` checks the rest."""

    def __init__(self, infos: list[zipfile.ZipInfo], check_one) -> None:
        self._infos = infos
        self._check_one = check_one
        self._locks = {info.filename: threading.Lock() for info in infos}
        self._outcome: dict[str, Unreadable | None] = {}

    def check(self, member: str) -> None:
        with self._locks[member]:
            if member not in self._outcome:
                try:
                    for info in self._infos:
                        if info.filename == member:
                            self._check_one(info)
                    self._outcome[member] = None
                except Unreadable as exc:
                    self._outcome[member] = exc
        failure = self._outcome[member]
        if failure is not None:
            raise failure

    def check_all(self) -> None:
        for member in dict.fromkeys(info.filename for info in self._infos):
            self.check(member)
