"""The SQLite history store: assessments, spot-check draws, sent reminders; sanctions derived from it."""
