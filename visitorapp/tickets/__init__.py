"""Tickets (入场码): the signed token a booking's QR code carries, the ticket page and emails."""
