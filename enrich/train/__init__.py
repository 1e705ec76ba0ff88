"""Training commands for the project's shipped models: ``python -m enrich.train.<model>``."""
