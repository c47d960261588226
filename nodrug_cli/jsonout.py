"""JSON as nodrug prints it: indented by two spaces, except that an object or array holding no object or array
is written on one line. A gap list of ten thousand persons is then ten thousand lines that each say one thing,
and its lines are written by the standard library's C encoder rather than its slower indenting one. An object
that is a `Gap` (records held as columns) is written as the list of records it stands for: `dumps(value)` is
`dumps(plain)` where `plain` is `value` with each `Gap` replaced by `list(gap)`."""

from __future__ import annotations

import json

from nodrug_cli.indicators.gap import Gap

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
if _c_make_encoder is not None:
    # What `_encoder.encode` builds on every call (the C encoder, one-shot), built once: a large score prints
    # tens of thousands of gap records, and rebuilding it per record was a third of the JSON's time. The output
    # is the same; the circular-reference check is off, as nodrug's results hold no cycles.
    _one_shot = _c_make_encoder(None, _encoder.default, json.encoder.encode_basestring, None, ": ", ", ", False,
                                False, True)

    def _encode_flat(value: object) -> str:
        return "".join(_one_shot(value, 0))
else:  # an interpreter without the C accelerator: the public, slower path
    _encode_flat = _encoder.encode
_CONTAINERS = (dict, list, tuple, Gap)
_CONTAINER_TYPES = frozenset(_CONTAINERS)


def dumps(value: object, indent: int = 2) -> str:
    out: list[str] = []
    _write(value, out, 0, indent)
    return "".join(out)


def _flat(value: dict | list | tuple) -> bool:
    # called once per record of a gap list (tens of thousands): the test runs in C (map/type/frozenset); a subclass
    # of dict or list counts as a scalar here, which only means it is written on one line
    values = value.values() if isinstance(value, dict) else value
    return not any(map(_CONTAINER_TYPES.__contains__, map(type, values)))


def _write(value: object, out: list[str], level: int, step: int) -> None:
    if isinstance(value, Gap):  # records held as columns: each one's line, built a column at a time
        records = value.json_lines(_encode_flat)
        pad, end = "\n" + " " * (level + step), "\n" + " " * level
        out.append("[" + pad + ("," + pad).join(records) + end + "]" if records else "[]")
        return
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
