"""FastAGI: Asterisk hands each call to acd over TCP and acd drives it one command at a time."""
