"""Demo data for `make run` and rehearsals, from the 2026 plan (../shared/seed): `flask seed-demo`.

Each step is a module ``visitorapp/demo/<step>.py`` with ``seed(ctx: DemoContext) -> None``; steps
run in the order below, each idempotent (it looks before it adds), all in one transaction.
A feature adds its demo data by adding its module and its name here.
"""

STEPS = (
    "programme",      # departments, venues, the 2026 edition as planned, next year's copy
    "bookings",       # sample school bookings in both editions
    "accounts",       # one demo account per role (printed at make run)
    "rehearsal",      # 演练场次 today at each venue, with a few bookings
    "checkins",       # check-ins of the past edition (so reports have real figures)
    "registrations",  # individual registrations, waiting lists, submissions
)
