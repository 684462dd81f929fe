"""Use cases, one per module: each decides whether to answer online, from the cache, or via the outbox."""
