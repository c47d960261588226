"""JSON as nodrug prints it: indented by two spaces, except that an object or array holding no object or array
is written on one line. A gap list of ten thousand persons is then ten thousand lines that each say one thing,
and its lines are written by the standard library's C encoder rather than its slower indenting one."""

from __future__ import annotations

import json

_encode_flat = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
_CONTAINERS = (dict, list, tuple)


def dumps(value: object, indent: int = 2) -> str:
    out: list[str] = []
    _write(value, out, 0, indent)
    return "".join(out)


def _flat(value: dict | list | tuple) -> bool:
    values = value.values() if isinstance(value, dict) else value
    return not any(isinstance(v, _CONTAINERS) for v in values)


def _write(value: object, out: list[str], level: int, step: int) -> None:
    if not isinstance(value, _CONTAINERS) or not value or _flat(value):
        out.append(_encode_flat(value))
        return
    pad, end = "\n" + " " * (level + step), "\n" + " " * level
    if isinstance(value, dict):
        out.append("{")
        for at, (k, v) in enumerate(value.items()):
            out.append((pad if at == 0 else "," + pad) + _encode_flat(k if isinstance(k, str) else json.dumps(k)) + ": ")
            _write(v, out, level + step, step)
        out.append(end + "}")
    elif all(isinstance(v, dict) and _flat(v) for v in value):  # a list of records: one line each, in one go
        out.append("[" + pad + ("," + pad).join(map(_encode_flat, value)) + end + "]")
    else:
        out.append("[")
        for at, v in enumerate(value):
            out.append(pad if at == 0 else "," + pad)
            _write(v, out, level + step, step)
        out.append(end + "]")
