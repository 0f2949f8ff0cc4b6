"""The local test rig: Asterisk (host or sid chroot), a carrier Asterisk, and Redis.

Used by the tests' fixtures and by ``make run``; ``scripts/provision.sh`` installs
what it needs. Every service gets free ports and its own directory, so it never
touches (or collides with) a system Asterisk or Redis.
"""
