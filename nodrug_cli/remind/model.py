"""One reminder, as every renderer and channel sees it."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum

from nodrug_cli.privacy import mask_id, mask_name

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


KINDS = tuple(ReminderKind)
K = ReminderKind
KIND_WORDS = {
    K.TEST_OVERDUE: "尿检逾期", K.TEST_DUE: "尿检将到期", K.TALK_OVERDUE: "谈话逾期", K.TALK_DUE: "谈话将到期",
    K.ORDER_UNREPORTED: "未报到", K.ORDER_ENDING: "措施将期满", K.ABSTINENCE_REACHED: "已满三年未复吸",
    K.EVENTS_SHORT: "本月宣传不足", K.JUNE_CAMPAIGN: "6·26 宣传", K.REPORT_DUE: "报告报送",
}


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

    def message(self, full_pii: bool = False) -> str:
        """One line in Chinese: 【尿检逾期】百灵社区 王*明（441502********123X）2025-05-01 至 2025-06-30 的尿检，已逾期 3 天。"""
        who = self.person(full_pii)
        person = f" {who['name']}（{who['id']}）" if who else ""
        when = f"已逾期 {self.days_overdue} 天" if self.overdue else (
            "今天到期" if self.days_left == 0 else f"还剩 {self.days_left} 天（{self.due_date.isoformat()} 前）")
        return f"【{KIND_WORDS[self.kind]}】{self.community}{person} {self.what}，{when}。"

    def to_json(self, full_pii: bool = False) -> dict:
        return {"kind": self.kind, "community": self.community, "person": self.person(full_pii),
                "due_date": self.due_date.isoformat(), "days_overdue": self.days_overdue, "days_left": self.days_left,
                "rule": self.rule, "message": self.message(full_pii)}


def sort_key(r: Reminder) -> tuple:
    """Overdue first (most overdue first), then by due date."""
    return (not r.overdue, -(r.days_overdue or 0), r.due_date, r.community, r.kind, r.person_id or "")
