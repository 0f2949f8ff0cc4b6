"""Adapters: the I/O edges of acd (Asterisk, Redis, HTTP, CRM)."""
