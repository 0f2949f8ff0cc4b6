"""External CRMs: where acd looks a caller up besides its built-in directory."""
