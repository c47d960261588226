"""Why a file yields no readable ledger: the reasons, their one-line messages, the exception."""

from __future__ import annotations

from pathlib import Path

UNREADABLE_MESSAGES: dict[str, tuple[str, str]] = {
    # reason: (zh, en); {detail} is filled in where it helps
    "not_found": ("文件不存在", "the file does not exist"),
    "is_directory": ("这是一个文件夹，不是台账文件", "this is a folder, not a ledger file"),
    "no_permission": ("没有读取该文件的权限", "no permission to read the file"),
    "empty_file": ("文件是空的（0 字节）", "the file is empty (0 bytes)"),
    "not_workbook": (
        "不是 Excel/WPS 工作簿（应为 .xlsx、.xls、.xlsm、.ods 或 .csv）",
        "not an Excel/WPS workbook (.xlsx, .xls, .xlsm, .ods or .csv expected)",
    ),
    "text_named_workbook": (
        "不是 Excel 工作簿：文件名是 {detail}，内容却是纯文本（可能是 CSV）；如果是 CSV 文件，请把扩展名改为 .csv 后再试",
        "not an Excel workbook: the name ends in {detail} but the file holds plain text (a CSV?); if it is a CSV, "
        "rename it to .csv and try again",
    ),
    "html": (
        "这是网页（HTML）格式，只是扩展名为表格：请用 Excel 打开后“另存为” .xlsx",
        "this is a web page (HTML) with a spreadsheet extension: open it in Excel and save as .xlsx",
    ),
    "zip_not_workbook": (
        "这是压缩包，但不是工作簿：请解压后选择其中的台账文件",
        "this is a zip archive, not a workbook: unzip it and pick the ledger inside",
    ),
    "xlsb": (
        "这是 Excel 二进制工作簿（.xlsb），不能读取：请在 Excel 中“另存为” .xlsx 后再试",
        "this is an Excel binary workbook (.xlsb), which is not read: save it as .xlsx in Excel and try again",
    ),
    "truncated": (
        "文件已损坏或不完整（可能未完整复制或下载）：请重新拷贝原文件",
        "the file is damaged or incomplete (a partial copy or download?): copy it again",
    ),
    "encrypted": (
        "文件设有打开密码：请在 Excel/WPS 中打开，取消密码（文件→信息→保护工作簿）后另存再试",
        "the file is password-protected: open it in Excel/WPS, remove the password and save it again",
    ),
    "unsafe_xml": (
        "文件含有 Excel/WPS 不会写入的 XML 实体声明，可能是恶意文件，已拒绝读取：请发送人用 Excel/WPS 重新保存后再发来",
        "the file holds XML entity declarations (a DTD) that Excel/WPS never write, possibly malicious; refused: "
        "ask the sender for a copy saved again in Excel/WPS",
    ),
    "too_large": (
        "文件或其中的工作表展开后超过 {detail}，已拒绝读取（可能是恶意文件）；确为正常台账时可用 --max-size 调高上限",
        "the file or a sheet in it would grow past {detail} once opened; refused (possibly a malicious file); "
        "raise --max-size if it is genuine",
    ),
    "no_worksheet": ("工作簿中没有可读的工作表（只有图表页？）", "the workbook has no worksheet (only chart sheets?)"),
    "empty_workbook": ("工作簿中没有任何内容", "the workbook holds no data at all"),
    "bad_text": (
        "无法识别 CSV 文件的编码（支持 UTF-8、GB18030、UTF-16）",
        "cannot tell the CSV file's encoding (UTF-8, GB18030 and UTF-16 are read)",
    ),
}


class Unreadable(Exception):
    """The file yields no readable ledger (exit code 2). Carries a reason code from UNREADABLE_MESSAGES."""

    def __init__(self, path: Path | str, reason: str, detail: str = ""):
        self.path = Path(path)
        self.reason = reason
        self.detail = detail
        super().__init__(self.message("zh"))

    def message(self, lang: str = "zh") -> str:
        zh, en = UNREADABLE_MESSAGES[self.reason]
        return (en if lang == "en" else zh).format(detail=self.detail)



def human_size(n: int) -> str:
    """A byte count as the limit is shown to a clerk: 4.0 GiB, 200 MiB, 64 KiB."""
    if n >= 1024**3:
        return f"{n / 1024**3:.1f} GiB"
    return f"{n / 1024**2:.0f} MiB" if n >= 1024**2 else f"{max(n, 0) / 1024:.0f} KiB"
