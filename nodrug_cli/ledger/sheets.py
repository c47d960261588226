"""The names of the ledger's sheets, as the sheet declaration (`schema.py`) declares them, one for each sheet.

Written once here, like the column names in `columns.py`: the declaration and every module that reads a sheet
use these names, so a typo is an import error, not a sheet that is silently never found. The values are the
canonical names a clerk sees in the template (aliases are the declaration's business).
"""

from __future__ import annotations

COMMUNITY = "社区概况"  # key/value rows: 社区名称, 常住人口, 评估年度…
REGISTRY = "吸毒人员"  # every registered person, one a row
TESTS = "尿检记录"
TALKS = "谈话记录"
EVENTS = "宣传活动"
SURVEYS = "知晓率调查"
VENUES = "重点场所"
CHECKLIST = "自查项目"
CURRENT_LIST = "现有吸毒人员"  # the optional list of current users, compared with the registry
