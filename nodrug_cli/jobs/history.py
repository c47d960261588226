"""`history` as a library call: the stored assessments of one community (or all), and the spot checks whose results
move the standards' ladders (the renderer replays each ladder beside the years)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nodrug_cli.exitcodes import ExitCode


@dataclass(frozen=True)
class HistorySettings:
    community: str | None = None
    db: Path | None = None  # must exist: a query never creates one
    format: str = "text"
    lang: str = "zh"


@dataclass
class HistoryResult:
    records: list  # history.store.AssessmentRecord, as stored
    checks: list = field(default_factory=list)  # history.store.SpotCheck, every draw and result
    unknown: bool = False  # a community was named and has no record (exit 1)
    code: ExitCode = ExitCode.OK


def history(s: HistorySettings) -> HistoryResult:
    """The stored assessments; a missing or unusable database raises JobError."""
    from nodrug_cli.history.store import History, HistoryError
    from nodrug_cli.jobs import existing_db, refused

    path = existing_db(s.db)
    try:
        with History(path) as store:
            records = store.assessments(community=s.community)
            checks = store.draws()
    except HistoryError as exc:
        raise refused(exc) from None
    unknown = bool(s.community and not records)  # a mistyped name is an answer the user must see
    return HistoryResult(records, checks, unknown, ExitCode.FINDINGS if unknown else ExitCode.OK)
