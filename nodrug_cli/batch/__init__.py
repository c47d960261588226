"""Many ledgers at once: which files are ledgers (`discovery`), scoring them in worker processes (`workers`),
each ledger's summary row and the batch report (`outcome`), towns and the county pooled (`rollup`)."""
