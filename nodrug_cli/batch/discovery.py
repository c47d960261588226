"""Which files of a folder are ledgers: what `batch` and `remind` read, and what they leave alone.

- Excel's lock files (`~$…`), hidden files and folders, CSVs and other file types are never looked at in a
  folder or glob (a CSV holds one sheet, never a whole ledger).
- Workbooks nodrug wrote itself (the assessment workbook, the batch summary) carry a mark
  (`outputs.OUTPUT_MARK`, a custom document property) and are skipped without a word: last run's summary in
  the same folder is not a community. The blank template is not marked: a filled-in template is a ledger.
- A workbook with neither 社区概况 nor 吸毒人员 is "not a ledger" (a name list, a report): listed, never
  scored or recorded. One with only one of the two is a ledger with an error (DESIGN.md).
- Two files of the same community (社区名称 and 所属镇 alike; a copy under another name) are an error for both:
  neither is counted in the roll-ups nor recorded in history, since nodrug cannot tell which one is true.
"""

from __future__ import annotations

import glob
import os
import stat
import zipfile
from pathlib import Path
from typing import Iterable

from nodrug_cli.said import Said
from nodrug_cli.ledger import sheets as S
from nodrug_cli.outputs import OUTPUT_MARK

LEDGER_SHEETS = (S.COMMUNITY, S.REGISTRY)
NOT_A_LEDGER = Said("batch.reason.not_ledger", community_sheet=S.COMMUNITY, registry_sheet=S.REGISTRY)
BATCH_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SCORED = ("ok", "invalid")  # the statuses that count in roll-ups and history
_CUSTOM_PROPS = "docProps/custom.xml"


def find_ledgers(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Ledger files under the given files, folders (recursively) and globs; also the paths that matched nothing.

    In folders and globs, lock files, hidden files and folders, other file types and nodrug's own workbooks
    are skipped; a file named outright is always tried (and reported if it cannot be read), unless nodrug
    wrote it.
    """
    found: list[Path] = []
    nothing: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                candidates += [Path(root) / f for f in sorted(files) if not _skipped(Path(f))]
        elif path.exists() or not any(ch in str(given) for ch in "*?["):
            candidates = [path]
        else:
            candidates = [Path(p) for p in sorted(glob.glob(str(given), recursive=True)) if not _skipped(Path(p))]
        candidates = [c for c in candidates if not written_by_nodrug(c)]
        if not candidates:
            nothing.append(str(given))
        found += candidates
    return list(dict.fromkeys(found)), nothing


def _skipped(path: Path) -> bool:
    name = path.name
    return name.startswith(("~$", ".")) or path.suffix.lower() not in BATCH_SUFFIXES


def written_by_nodrug(path: Path) -> bool:
    """Whether `path` is a workbook nodrug wrote (its custom properties carry OUTPUT_MARK). Reads only the zip's
    directory and one small part; anything that cannot be read this way is not nodrug's. Only regular files are
    opened (a named pipe called `x.xlsx` would never answer)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(_CUSTOM_PROPS)
            if info.file_size > 64 * 1024:
                return False
            return OUTPUT_MARK.encode() in archive.read(info)
    except (KeyError, OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError,
            RuntimeError):
        return False


def not_a_ledger(findings) -> bool:
    """Whether a read workbook has neither of the sheets every ledger has (both reported missing)."""
    missing = {f.canonical for f in findings if f.code == "sheet_missing"}
    return all(sheet in missing for sheet in LEDGER_SHEETS)


def mark_duplicates(outcomes: list) -> list:
    """Mark every scored row whose community (社区名称 and 所属镇) another scored row also has as `duplicate`."""
    groups: dict[tuple, list] = {}
    for o in outcomes:
        if o.status in SCORED:
            groups.setdefault((o.community, o.town or ""), []).append(o)
    for group in groups.values():
        if len(group) < 2:
            continue
        for o in group:
            o.status = "duplicate"
            o.reason = Said("batch.reason.duplicate", others=[x.path for x in group if x is not o])
    return outcomes
