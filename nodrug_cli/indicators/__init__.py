"""Indicators (DOMAIN.md §5): pure, whole-column functions of the typed frames, the period and the as-of date."""
