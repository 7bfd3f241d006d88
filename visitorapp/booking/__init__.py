"""Group bookings (团体预约): schools book experience-day slots without an account."""
