"""Demo data for `make run` and rehearsals, from the 2026 plan (../shared/seed): `flask seed-demo`.

Each step is a module ``visitorapp/demo/<step>.py`` with ``seed(ctx: DemoContext) -> None``; steps
run in the order of ``views.STEPS``, each idempotent (it looks before it adds), all in one
transaction. A feature adds its demo data by adding its module and naming it there.
"""
