"""One reminder, as every renderer and channel sees it."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

from nodrug_cli.privacy import mask_id, mask_name
from nodrug_cli.render.messages import MESSAGES
from nodrug_cli.said import Said

class ReminderKind(StrEnum):
    """What a reminder is about; its value is the `kind` of the JSON and CSV output."""

    TEST_OVERDUE = "test_overdue"
    TEST_DUE = "test_due"
    TALK_OVERDUE = "talk_overdue"
    TALK_DUE = "talk_due"
    ORDER_UNREPORTED = "order_unreported"
    ORDER_ENDING = "order_ending"
    ABSTINENCE_REACHED = "abstinence_reached"
    EVENTS_SHORT = "events_short"
    JUNE_CAMPAIGN = "june_campaign"
    REPORT_DUE = "report_due"

from nodrug_cli.said import Said


KINDS = tuple(ReminderKind)
KIND_WORDS = MESSAGES["remind.kind"][0]  # the Chinese words of each kind (the message table has the English)


@dataclass(frozen=True)
class Reminder:
    """Something the worker must do: what, for whom, by when, and the rule it comes from."""

    kind: ReminderKind  # a plain string naming a kind is taken as that kind
    community: str
    person_id: str | None
    person_name: str | None
    due_date: dt.date
    days_overdue: int | None
    days_left: int | None
    rule: str  # the rule in words, e.g. 尿检每 2 个月一次（boumei-2023）
    what: str  # what is due, without the person, e.g. 2025-05-01 至 2025-06-30 的尿检
    # the rule and the what as data (a `Said`), for words in another language; empty: only the Chinese
    rule_data: Said | None = field(default=None, compare=False)
    what_data: Said | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ReminderKind(self.kind))  # an unknown kind is a programming error

    @property
    def overdue(self) -> bool:
        return self.days_overdue is not None

    @property
    def subject(self) -> str:
        """The thing the reminder is about, the same whether it is due soon or overdue (test, talk…)."""
        return self.kind.removesuffix("_overdue").removesuffix("_due")

    @property
    def key(self) -> str:
        """A stable identity: the same item on the next run has the same key (its state may change)."""
        raw = "|".join([self.subject, self.community, self.person_id or "", self.due_date.isoformat()])
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]

    @property
    def state(self) -> str:
        return "overdue" if self.overdue else "due"

    def person(self, full_pii: bool = False) -> dict | None:
        """The person as shown: masked unless `full_pii` (and never full in anything that leaves the machine)."""
        if self.person_id is None and self.person_name is None:
            return None
        if full_pii:
            return {"name": self.person_name or "", "id": self.person_id or ""}
        return {"name": mask_name(self.person_name), "id": mask_id(self.person_id)}

    def message(self, full_pii: bool = False, lang: str = "zh") -> str:
        """One line: 【尿检逾期】百灵社区 王*明（441502********123X）2025-05-01 至 2025-06-30 的尿检，已逾期 3 天。"""
        from nodrug_cli.remind.render import message

        return message(self, full_pii, lang)

    def to_json(self, full_pii: bool = False, lang: str = "zh") -> dict:
        from nodrug_cli.remind.render import rule

        return {"kind": self.kind, "community": self.community, "person": self.person(full_pii),
                "due_date": self.due_date.isoformat(), "days_overdue": self.days_overdue, "days_left": self.days_left,
                "rule": rule(self, lang), "message": self.message(full_pii, lang)}


def sort_key(r: Reminder) -> tuple:
    """Overdue first (most overdue first), then by due date."""
    return (not r.overdue, -(r.days_overdue or 0), r.due_date, r.community, r.kind, r.person_id or "")
