"""Reminders (DOMAIN.md §8): who is due for a test or talk, what else falls due, and the channels that carry them."""
