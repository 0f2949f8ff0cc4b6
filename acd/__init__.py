"""acd: a contact-center server for Asterisk."""

__version__ = "0.1.0"
