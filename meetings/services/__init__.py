"""Services of the meetings area, split by concept; each only flushes, never commits."""
