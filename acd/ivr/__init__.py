"""IVR flows: the YAML format, its checks, and the pure interpreter that runs calls through it."""
