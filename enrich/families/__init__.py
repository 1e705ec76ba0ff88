"""Built-in enricher families: one module (or package) each, discovered by the registry."""
