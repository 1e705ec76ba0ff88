"""Evaluation commands for the project's models: ``python -m enrich.evaluate.<model>``."""
