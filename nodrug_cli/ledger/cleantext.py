"""Control characters (C0 but tab, line feed and carriage return; DEL; C1) are removed from every text a ledger
gives us before it is used or shown: they are never part of a name, an ID or a date, and in a terminal they are
commands. Where that happens: `workbook` cleans each sheet's name and the rows a layout reads as words (titles,
headers, key/value labels); cell values are cleaned as they are read (`normalize.cell_text`, `dates.text_date`)
and as a finding shows them (`read.show`)."""

from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control(text: str) -> str:
    """`text` without control characters (a quick look first: text is usually printable as it is)."""
    return text if text.isprintable() else CONTROL.sub("", text)
