"""Booking lifecycle signals, sent inside the booking's transaction (before commit).

Receivers add to the same transaction — the outbox queues the confirmation email, the waiting
list offers freed places — so they commit or roll back with the booking itself. A receiver must
only flush, never commit, and must not do slow I/O (mail goes through the outbox).
"""
from blinker import Namespace

_signals = Namespace()

#: sender = Booking, just created and flushed.
booking_created = _signals.signal("booking-created")
#: sender = Booking; kwargs ``before`` = {"students", "teachers"}.
booking_changed = _signals.signal("booking-changed")
#: sender = Booking, just cancelled; kwargs ``reason``.
booking_cancelled = _signals.signal("booking-cancelled")
#: sender = Booking, pending review (待审核), just confirmed by an organizer: its ticket is valid now.
booking_approved = _signals.signal("booking-approved")
#: sender = Booking, pending review, just released: kwargs ``reason`` (the organizer's) and
#: ``expired`` (True: nobody decided before the deadline).
booking_rejected = _signals.signal("booking-rejected")
#: sender = Slot; kwargs ``persons`` = places just freed there (cancellation, fewer people, move)
#: and ``now``, the sender's moment (the waiting list offers them as of then, never reads a clock).
places_released = _signals.signal("places-released")
