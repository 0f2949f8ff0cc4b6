"""The pure core: routing and agent state as functions of (state, event, now) -> commands.

Nothing here does I/O, reads the clock or draws random numbers (import-linter
enforces it); the runtime feeds it events and carries out its commands.
"""
