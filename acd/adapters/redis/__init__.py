"""Redis: the durable event log (a Stream)."""
