"""The look shared by nodrug's workbooks: a CJK serif, thin black borders, a grey header, wrapped text."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

FONT = "宋体"  # what printed Chinese government forms use; other machines substitute their CJK serif
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
LOST_FILL = PatternFill("solid", fgColor="FCE4D6")
BODY = Font(name=FONT, size=10)
BOLD = Font(name=FONT, size=10, bold=True)
TITLE = Font(name=FONT, size=16, bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


class Words:
    """A writer's word table, in one language: `w("key", *args)` formats `table[key][0 or 1]`."""

    def __init__(self, table: dict, lang: str):
        self.words = table
        self.index = 1 if lang == "en" else 0
        self.lang = "en" if lang == "en" else "zh"

    def __call__(self, key: str, *args, **kwargs):
        word = self.words[key][self.index]
        return word.format(*args, **kwargs) if (args or kwargs) else word

    def table(self, key: str) -> dict:
        return self.words[key][self.index]

    def yes_no(self, flag: bool | None) -> str | None:
        """是/否 (yes/no) from the table's `yes` and `no` words; None stays None."""
        return None if flag is None else self("yes") if flag else self("no")
