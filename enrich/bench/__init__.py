"""The project benchmark: ``python -m enrich.bench`` (also ``enrich bench``).

Reports posts/second on one core per family and end to end, and the ratio against the plain
library calls each family wraps (its *baseline*, in ``enrich.bench.baselines.<family>``).
"""
