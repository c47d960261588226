"""A sentence as data: a key of the message table (`render/messages.py`) and its values.

Results carry what they mean, not words: why a person is in a gap (`gap.no_record`), why a ledger's batch row is
not clean (`batch.reason.errors`), what a reminder is about, why a delivery failed. The words are added at the edge,
in the reader's language, by `render.words.phrase`. This module sits below every layer, so the indicators, batch,
history and remind can all say something without importing the renderers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Said:
    """A message key and its named values; a value may be a `Said` too, or a list or tuple of them, worded in the
    same language. Not a tuple, so a column of them in a gap stays one value per record."""

    key: str
    params: tuple  # (name, value) pairs, in order

    def __init__(self, key: str, **params: object):
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", tuple(params.items()))

    def get(self, name: str, default: object = None) -> object:
        """One of its values by name."""
        return dict(self.params).get(name, default)
