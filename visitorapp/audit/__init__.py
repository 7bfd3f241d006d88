"""Audit log: who changed what, when, with before/after values (admins browse it)."""
