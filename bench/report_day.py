"""Full-day report over 100 000 check-ins: generate the rows quickly, time the day's report query.

The report: per venue and hour, groups and persons in and out, plus the persons still on site —
what the organizers' live board and the day's statistics read. Baseline: a bare COUNT(*) over the
same table in the same run. Needs the check-in model (visitorapp.checkin.models.CheckIn); skips
with a message when it is not there.

    python bench/report_day.py [--rows 100000] [--db sqlite|postgresql|both] [--repeat 5]
"""
import argparse
import secrets
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from common import machine, pg_available, scratch_database

VENUES = 10


def load_models():
    """CheckIn, or None when the check-in feature is not in this checkout."""
    try:
        from visitorapp.checkin.models import CheckIn
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("visitorapp.checkin"):
            return None
        raise
    return CheckIn


def generate(url: str, rows: int):
    """Bookings and their in/out scans through the models' tables, in bulk (Core executemany)."""
    import sqlalchemy as sa

    from tests.factories import create_booking, create_edition, create_event, create_slot, create_venue
    from visitorapp import create_app
    from visitorapp.booking.models import Booking
    from visitorapp.extensions import db
    from visitorapp.timeutil import TZ
    CheckIn = load_models()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": False})
    with app.app_context():
        db.create_all()
        edition = create_edition(daily_cap=10_000_000)
        event = create_event(edition)
        venues = [create_venue(safe_occupancy=10_000_000) for _ in range(VENUES)]
        slots = [create_slot(event, v, capacity=10_000_000) for v in venues]
        template = create_booking(slots[0])
        db.session.commit()
        day = slots[0].starts_at.astimezone(TZ).replace(hour=8, minute=0)
        columns = {c.name for c in Booking.__table__.columns} - {"id"}
        base = {k: v for k, v in db.session.execute(
            sa.select(Booking.__table__).where(Booking.id == template.id)).mappings().one().items()
            if k in columns}
        groups = rows // 2
        started = time.perf_counter()
        chunk = 5000
        for start in range(0, groups, chunk):
            batch = []
            for i in range(start, min(groups, start + chunk)):
                batch.append({**base, "slot_id": slots[i % VENUES].id, "reference": f"B{i:09d}",
                              "manage_token": secrets.token_urlsafe(24), "ticket_nonce": f"N{i:015d}",
                              "leader_mobile": f"139{i:08d}"})
            db.session.execute(sa.insert(Booking), batch)
        booking_ids = list(db.session.scalars(sa.select(Booking.id).where(Booking.id != template.id)
                                              .order_by(Booking.id)))
        scans = []
        for n, booking_id in enumerate(booking_ids):
            venue_id = venues[n % VENUES].id
            arrive = day + timedelta(seconds=(n * 7919) % (8 * 3600))
            common = {"booking_id": booking_id, "venue_id": venue_id, "students": 20, "teachers": 2,
                      "result": "ok", "message": "", "warnings": "", "token": "", "offline": False,
                      "conflict": False, "local_result": ""}
            scans.append({**common, "client_id": f"in-{n}", "direction": "in", "scanned_at": arrive,
                          "synced_at": arrive})
            leave = arrive + timedelta(minutes=90)
            scans.append({**common, "client_id": f"out-{n}", "direction": "out", "scanned_at": leave,
                          "synced_at": leave})
        for start in range(0, len(scans), chunk):
            db.session.execute(sa.insert(CheckIn), scans[start:start + chunk])
        db.session.commit()
        generated = time.perf_counter() - started
        db.engine.dispose()
    return app, day, generated, len(scans)


def report_query(CheckIn, day_start: datetime, dialect: str):
    import sqlalchemy as sa
    day_end = day_start + timedelta(days=1)
    # The hour (UTC; the page shifts it to Shanghai time) in each backend's own spelling.
    hour = (sa.func.strftime("%H", CheckIn.scanned_at) if dialect == "sqlite"
            else sa.extract("hour", CheckIn.scanned_at))
    persons = CheckIn.students + CheckIn.teachers
    return (sa.select(CheckIn.venue_id, hour.label("hour"),
                      sa.func.count().filter(CheckIn.direction == "in").label("groups_in"),
                      sa.func.coalesce(sa.func.sum(persons).filter(CheckIn.direction == "in"), 0),
                      sa.func.coalesce(sa.func.sum(persons).filter(CheckIn.direction == "out"), 0))
            .where(CheckIn.result == "ok", CheckIn.scanned_at >= day_start, CheckIn.scanned_at < day_end)
            .group_by(CheckIn.venue_id, hour).order_by(CheckIn.venue_id, hour))


def timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def run_backend(kind: str, args, tmp: Path) -> list[str]:
    import sqlalchemy as sa

    from visitorapp.extensions import db
    CheckIn = load_models()
    with scratch_database(kind, tmp) as url:
        app, day, generated, count = generate(url, args.rows)
        with app.app_context():
            stmt = report_query(CheckIn, day, db.engine.dialect.name)
            rows = db.session.execute(stmt).all()
            persons_in = sum(r[3] for r in rows)
            report = timed(lambda: db.session.execute(stmt).all(), args.repeat)
            bare = timed(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)),
                         args.repeat)
            db.session.remove()
            db.engine.dispose()
    return [f"[{kind}] generated {count} check-ins in {generated:.1f} s ({count / generated:.0f} rows/s)",
            f"[{kind}] day report: {len(rows)} venue-hour rows, {persons_in} persons in; best of "
            f"{args.repeat}: {report * 1000:.1f} ms",
            f"[{kind}] bare COUNT(*): {bare * 1000:.1f} ms; ratio report / bare {report / bare:.1f}x"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    args.rows = min(args.rows, 1_000_000)
    print(f"report day: {args.rows} check-ins over {VENUES} venues\nmachine: {machine()}")
    if load_models() is None:
        print("SKIPPED: visitorapp.checkin.models is not in this checkout yet (the check-in feature "
              "adds CheckIn); run again after it is merged.")
        return 0
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            if kind == "postgresql" and (reason := pg_available()):
                print(f"[postgresql] SKIPPED: {reason}")
                continue
            for line in run_backend(kind, args, Path(tmp)):
                print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
