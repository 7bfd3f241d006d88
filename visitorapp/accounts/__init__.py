"""Staff accounts and roles (admin, organizer, reporter, gate); visitors never need one."""
