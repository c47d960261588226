"""Every option more than one command takes, declared once: each command names the ones it takes and, where the
meaning differs by command, its own help words. The output formats are one declaration (`Format`); a command
takes a subset of it (`formats`)."""

from __future__ import annotations

from enum import Enum

import typer


def choice(name: str, *values: str) -> type[Enum]:
    """A str Enum of `values`, for an option's annotation: typer offers exactly these (`--lang zh|en`)."""
    return Enum(name, [(value, value) for value in values], type=str)


Lang = choice("Lang", "zh", "en")
Format = choice("Format", "text", "json", "md", "csv", "ics", "xlsx")  # every output format nodrug writes


def formats(*names: str) -> type[Enum]:
    """The choice of `--format` for a command that writes `names` (a subset of `Format`), for its annotation."""
    return choice("Format", *(Format(name).value for name in names))  # a name not in Format fails at import


# The subsets more than one command takes.
TEXT_JSON = formats("text", "json")  # validate, history, sample, standards list
TABLES = formats("text", "json", "md")  # score and batch: their tables as Markdown too


def format_option(choice: type[Enum], help: str, metavar: str | None = None):
    """`--format`, defaulting to text."""
    return typer.Option(choice("text"), "--format", help=help, **({"metavar": metavar} if metavar else {}))


def lang_option():
    return typer.Option(Lang.zh, "--lang", help="语言：zh 或 en")


def max_size_option():
    return typer.Option(None, "--max-size", metavar="SIZE",
                        help="工作表展开后的大小上限，超过即拒绝读取（默认 4G；如 8G、500M）")


DB_HELP = "历史数据库（默认：环境变量 NODRUG_DB，否则用户数据目录）"


def db_option(help: str = DB_HELP):
    return typer.Option(None, "--db", metavar="PATH", help=help)


def force_option(help: str = "输出文件已存在时覆盖"):
    return typer.Option(False, "--force", help=help)


def as_of_option(help: str):
    return typer.Option(None, "--as-of", metavar="DATE", help=help)


def standard_option(help: str, metavar: str = "NAME|FILE"):
    return typer.Option(None, "--standard", metavar=metavar, help=help)


def full_pii_option(help: str):
    return typer.Option(False, "--full-pii", help=help)


def output_option(help: str, metavar: str = "FILE", required: bool = False):
    """`-o`/`--output`; a required one shows no default."""
    extra = {"show_default": False} if required else {}
    return typer.Option(... if required else None, "-o", "--output", metavar=metavar, help=help, **extra)


def reads_ledgers(command):
    """A ledger-reading command (validate, score, batch, remind) with the two options all four end with,
    `--max-size` and `--lang`, added after its own. Its first two parameters, `env` (the outside world in the
    chosen language) and `shared` (today, the parsed `--as-of` and `--max-size`, the language: the settings the
    four share), are not options: they are given in place of those values and of `--as-of`; a bad value exits 2
    naming its option."""
    import functools
    import inspect
    import typing

    from nodrug_cli.cli.common import shared_settings

    hints = typing.get_type_hints(command)
    own = [p.replace(annotation=hints[p.name]) for p in inspect.signature(command).parameters.values()
           if p.name not in ("env", "shared")]
    added = [inspect.Parameter("max_size", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=max_size_option(),
                               annotation=str),
             inspect.Parameter("lang", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=lang_option(), annotation=Lang)]

    @functools.wraps(command)
    def skin(**options):
        env, shared = shared_settings(options.pop("lang"), options.pop("as_of"), options.pop("max_size"))
        return command(env, shared, **options)

    skin.__signature__ = inspect.Signature([*own, *added], return_annotation=None)
    skin.__annotations__ = {p.name: p.annotation for p in (*own, *added)}  # resolved: typer reads them
    return skin
