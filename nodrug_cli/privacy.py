"""The one masking function for personal data (DOMAIN.md §9), used by every renderer and channel."""

from __future__ import annotations


def mask_id(value: object) -> str:
    """Keep the first 6 and last 4 characters of an ID with 8 `*` between; anything else likewise."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if len(text) <= 10:
        # Too short to keep 6 + 4: keep at most the first two characters so nothing whole leaks.
        return text[:2] + "*" * 8
    return text[:6] + "*" * 8 + text[-4:]


def mask_name(value: object) -> str:
    """Keep the first and last character with `*` between (`王*明`, 欧阳明华 → `欧**华`); two characters keep the first."""
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def mask(value: object, kind: str | None) -> object:
    """Mask `value` according to its kind ("id", "name" or anything else, which passes through)."""
    if kind == "id":
        return mask_id(value)
    if kind == "name":
        return mask_name(value)
    return value
