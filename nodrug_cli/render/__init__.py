"""Renderers: findings and results as terminal tables, plain text, JSON, workbooks."""
