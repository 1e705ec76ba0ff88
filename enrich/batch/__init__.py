"""Batch enrichment of files and folders (``enrich run``)."""
