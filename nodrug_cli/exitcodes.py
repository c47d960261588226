"""Exit codes every command shares (DESIGN.md: OK 0, FINDINGS 1, UNUSABLE 2)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # the ledger has errors, or `score --check` failed its verdict
    UNUSABLE = 2  # no readable ledger, a bad option, or a refused output file
    DELIVERY_FAILED = 3  # `remind`: a channel could not deliver
