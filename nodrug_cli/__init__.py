"""nodrug: ledgers, indicators and assessments for the drug-free community campaign."""

__version__ = "0.1.0"
