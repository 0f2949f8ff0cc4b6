"""Asterisk Manager Interface: a lean stream parser, typed events and an asyncio client."""
