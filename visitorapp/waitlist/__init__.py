"""Waiting lists (候补) for full slots: groups and individuals, offers held against capacity."""
