"""click's, typer's and pydantic's own words in Chinese: the help layout (用法/参数/选项/命令, 必填, 默认) and the
usage errors (no such command or option, a bad value, a missing argument).

typer vendors click from 0.20 on without click's gettext hooks, and checks option values with pydantic, so
there is no message catalogue to hand a translation to. Instead nodrug's commands use `ZhCommand`/`ZhGroup`,
which lay the help out themselves from each parameter's help record (whatever typer version made it), and
`usage_message` words a usage error from the exception's kind and attributes, with the English of click and
pydantic matched by pattern only where the exception carries nothing better. tests/test_zh.py runs every
command's --help and a set of usage errors and fails on any English word of click's that gets through.
"""

from __future__ import annotations

import re

import typer
from typer.core import TyperCommand, TyperGroup

_HELP_WORDS = {"Show this message and exit.": "显示本帮助并退出。"}
_USAGE_PIECES = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]...", "[ARGS]...": "[参数]..."}
# A type label typer appends to a parameter's name (`PATH <list[str]>`, `<float range>`): internal words. A
# list of choices (`<text|json|md>`) is kept, without the brackets.
_TYPE_LABEL = re.compile(r"\s*<([^<>]*)>")
_TYPE_NAMES = re.compile(r"^(list\[.*\]|int|float|str|bool|path|file|datetime|uuid|text|integer|.* range)$", re.I)
_EXTRA = re.compile(r"\s*\[([^\[\]]*)\]\s*$")


def _name(name: str) -> str:
    def shown(match: re.Match) -> str:
        inner = match.group(1)
        return "" if _TYPE_NAMES.match(inner) or "|" not in inner else " " + inner
    return _TYPE_LABEL.sub(shown, name)


def _range(text: str) -> str | None:
    """typer's range notes (`x>=1`, `0.0<=x<=1.0`, `x<5`) in plain signs: ≥1, 0.0–1.0, <5."""
    both = re.fullmatch(r"(\S+?)(<=|<)x(<=|<)(\S+)", text)
    if both:
        return f"{both.group(1)}–{both.group(4)}"
    one = re.fullmatch(r"x(>=|>|<=|<)(\S+)", text)
    if one:
        return {">=": "≥", ">": ">", "<=": "≤", "<": "<"}[one.group(1)] + one.group(2)
    return None


def _extra_part(part: str) -> str:
    part = part.strip()
    if part == "required":
        return "必填"
    if part.startswith("default: "):
        return "默认：" + part[len("default: "):]
    if part.startswith("env var: "):
        return "环境变量：" + part[len("env var: "):]
    return _range(part) or part


def _help(text: str) -> str:
    text = _HELP_WORDS.get(text, text)
    match = _EXTRA.search(text)
    if match:
        parts = "；".join(_extra_part(p) for p in match.group(1).split(";"))
        text = f"{text[:match.start()]}  [{parts}]" if match.start() else f"[{parts}]"
    return text


class _Chinese:
    """The help layout of click, in Chinese, for a command or a group."""

    def format_usage(self, ctx, formatter) -> None:
        # typer writes a required argument as {PATH}: braces mean nothing to a clerk
        pieces = [re.sub(r"^\{(.*)\}", r"\1", _USAGE_PIECES.get(p, p)) for p in self.collect_usage_pieces(ctx)]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def format_options(self, ctx, formatter) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                (args if param.param_type_name == "argument" else opts).append((_name(record[0]), _help(record[1])))
        for title, rows in (("参数", args), ("选项", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        commands = getattr(self, "commands", None)
        if commands:
            limit = formatter.width - 6 - max(len(name) for name in commands)
            rows = [(name, cmd.get_short_help_str(limit)) for name, cmd in commands.items() if not cmd.hidden]
            with formatter.section("命令"):
                formatter.write_dl(rows)


class ZhCommand(_Chinese, TyperCommand):
    pass


class ZhGroup(_Chinese, TyperGroup):
    pass


def chinese_app(**kwargs) -> typer.Typer:
    """A typer app whose help and commands are laid out in Chinese (`app.command` makes ZhCommands)."""
    app = typer.Typer(cls=ZhGroup, rich_markup_mode=None, add_completion=False,
                      context_settings={"help_option_names": ["-h", "--help"]}, **kwargs)
    plain = app.command

    def command(*args, **options):
        options.setdefault("cls", ZhCommand)
        return plain(*args, **options)

    app.command = command
    return app


# --- usage errors ---------------------------------------------------------------------------------------

_VALUE_WORDS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"应不小于 \1"),
    (re.compile(r"Input should be greater than (\S+)"), r"应大于 \1"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"应不大于 \1"),
    (re.compile(r"Input should be less than (\S+)"), r"应小于 \1"),
    (re.compile(r"Input should be a valid integer.*"), "应为整数"),
    (re.compile(r"Input should be a (valid|finite) number.*"), "应为数字"),
    (re.compile(r"Input should be a valid boolean.*"), "应为 true 或 false"),
    (re.compile(r"(?:Value error, )?'(.*)' is not one of (.*?)\.?$"), r"“\1”不是可选的值（可选：\2）"),
    (re.compile(r"(?:Value error, )?'(.*)' is not a valid (integer|float|number)\.?.*"), r"“\1”不是数字"),
    (re.compile(r".* is not in the range (.*)\.?$"), r"超出范围 \1"),
]
_USAGE_WORDS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"No such command '(.*?)'\.\s*Did you mean '(.*?)'\?"), r"没有这个命令：\1（是不是 \2？）"),
    (re.compile(r"No such command '(.*?)'\..*"), r"没有这个命令：\1"),
    (re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)"), r"多余的参数：\1"),
    (re.compile(r"Option '(.*?)' requires (an argument|\d+ arguments)\."), r"选项 \1 后面缺少取值"),
    (re.compile(r"Option '(.*?)' does not take a value\."), r"选项 \1 不带取值"),
    (re.compile(r"Argument '(.*?)' takes (\d+) values\."), r"参数 \1 需要 \2 个值"),
    (re.compile(r"Missing command\.?"), "缺少命令"),
]


def _words(text: str, table) -> str | None:
    for pattern, words in table:
        match = pattern.fullmatch(text.strip())
        if match:
            return match.expand(words)
    return None


def value_words(text: str) -> str:
    """A bad value's reason from pydantic or click, in Chinese (the value itself kept)."""
    words = _words(text, _VALUE_WORDS) or text
    return re.sub(r"'([^']*)'(, )?", lambda m: m.group(1) + ("、" if m.group(2) else ""), words)  # 'a', 'b' → a、b


def usage_message(exc, lang: str = "zh") -> str:
    """A click usage error in the reader's language (Chinese unless `lang` is en), naming the command's --help."""
    from nodrug_cli.render.words import Words

    w = Words(lang, section="usage")
    kind = type(exc).__name__
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "nodrug"
    param = getattr(exc, "param", None)
    if kind == "MissingParameter" and param is not None:
        label = getattr(param, "metavar", None) or getattr(param, "name", "") or ""
        what = (w("missing_argument", str(label).upper()) if param.param_type_name == "argument" else
                w("missing_option", "/".join(param.opts)))
    elif kind == "NoSuchOption":
        maybe = sorted(getattr(exc, "possibilities", None) or [])
        what = w("no_option", exc.option_name) + (w("did_you_mean", w("or").join(maybe)) if maybe else "")
    elif "BadParameter" in {cls.__name__ for cls in type(exc).__mro__}:
        name = param.opts[0] if param is not None and param.opts else getattr(exc, "param_hint", None) or w("param")
        # click's and pydantic's reasons are English already; nodrug's own carry their English (`en`)
        why = (getattr(exc, "en", None) or _plain(exc.message)) if w.en else value_words(exc.message)
        what = w("bad_value", name=name, why=why)
    else:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        what = _plain(message) if w.en else _words(message, _USAGE_WORDS) or value_words(message)
    return w("help", what=what, command=command)


def _plain(message: str) -> str:
    """click's or pydantic's English reason without pydantic's `Value error, ` and the closing full stop."""
    return message.strip().removeprefix("Value error, ").rstrip(".")


def argv_lang(argv: list[str]) -> str:
    """The `--lang` of a command line (`--lang en`, `--lang=en`) before it is parsed: a usage error is told in it."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return "zh"
