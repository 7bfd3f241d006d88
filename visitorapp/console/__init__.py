"""Organizer console: manage the week (events, venues, slots, settings, bookings) and watch it live."""
