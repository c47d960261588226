"""The names of the ledger's columns that code refers to, as the sheet declaration (`schema.py`) declares them.

Written once here: the declaration and every module that reads a column use these names, so a typo is an
import error, not a column that is silently never found. The values are the canonical headers a clerk sees in
the template (aliases are the declaration's business).
"""

from __future__ import annotations

# 吸毒人员 (and the record sheets' person key)
ID_NUMBER = "身份证号"
NAME = "姓名"
STATUS = "人员状态"
STATUS_SINCE = "状态起始日期"
LIVING = "居住状态"
CONTROL = "管控状态"
FIRST_REGISTERED = "首次登记日期"
ORDER_START = "措施开始日期"
AGREEMENT_SIGNED = "协议签订日期"
LAST_USE = "最近吸毒日期"
HELP_GROUP = "帮教小组"
EMPLOYMENT = "就业情况"
# 尿检记录
TEST_DATE = "检测日期"
TEST_RESULT = "检测结果"
# 谈话记录
TALK_DATE = "谈话日期"
# 宣传活动
EVENT_DATE = "活动日期"
# 知晓率调查
SURVEY_DATE = "调查日期"
SURVEYED = "调查人数"
AWARE = "知晓人数"
# 重点场所
VENUE_NAME = "场所名称"
# 自查项目
CHECK_ITEM = "项目"
CHECK_DONE = "是否落实"
