"""Fictional people for sample ledgers, tests and benchmarks: generated names and IDs whose
checksums are valid but whose numbers are made up (region codes 99xxxx do not exist)."""

from __future__ import annotations

import datetime as dt
import random

from nodrug_cli.ledger.idcard import make_id

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文"
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞鹏辉建国志红海波宁斌凤云龙梅林晨雪琳婷浩宇子轩嘉怡欣然博文思远俊峰春燕秋菊德兴永福"


class FakePeople:
    """A seeded source of fictional names and valid-checksum IDs; the same seed gives the same people."""

    def __init__(self, seed: int = 0, region: str = "990101"):
        self.rng = random.Random(seed)
        self.region = region
        self._used: set[str] = set()

    def name(self) -> str:
        surname = self.rng.choice(COMPOUND_SURNAMES) if self.rng.random() < 0.03 else self.rng.choice(SURNAMES)
        length = 1 if self.rng.random() < 0.35 else 2
        return surname + "".join(self.rng.choice(GIVEN) for _ in range(length))

    def person(self, born_from: int = 1965, born_to: int = 2002) -> tuple[str, str, str, dt.date]:
        """(name, id, sex, birth date) of a new fictional person with a unique ID."""
        while True:
            birth = dt.date(self.rng.randint(born_from, born_to), self.rng.randint(1, 12), self.rng.randint(1, 28))
            male = self.rng.random() < 0.8
            ident = make_id(self.region, birth, self.rng.randint(0, 99), male)
            if ident not in self._used:
                self._used.add(ident)
                return self.name(), ident, "男" if male else "女", birth

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        """A uniformly drawn date in [start, end]."""
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))
