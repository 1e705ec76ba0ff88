"""Safe HTTP fetching for link expansion: the address guard, the fetcher, caches."""
