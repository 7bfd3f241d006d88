"""Benchmark: 100 000 attendance rows to XLSX and CSV through the real export code, beside a bare
baseline (the same rows read with sqlite3 and written with bare XlsxWriter / csv) in the same run.

    .venv/bin/python bench/export.py [--rows 100000] [--repeat 3]

A scratch SQLite database is filled with bulk inserts; each measurement runs in a child process so
its peak RSS (ru_maxrss) is its own. Printed per case: wall time, peak RSS, RSS growth during the
export (peak − RSS before it started), tracemalloc peak (a separate run: tracing slows it down),
output size, and the ratio app / baseline. Each case runs --repeat times, interleaved with the
others; its fastest run is kept (a busy moment then costs app and baseline alike).
"""
import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

CASES = ("app-xlsx", "bare-xlsx", "app-csv", "bare-csv")


# --- the scratch database ---------------------------------------------------------------------

def make_app(path: str):
    from visitorapp import create_app
    return create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI":
                       f"sqlite:///{path}", "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})


def fill(path: str, rows: int) -> int:
    """Bulk-insert one edition with ``rows`` bookings (90 % checked in); returns the edition id."""
    import sqlalchemy as sa

    from visitorapp.booking.models import Booking
    from visitorapp.checkin.models import Attendance, CheckIn, Presence
    from visitorapp.extensions import db
    from visitorapp.programme.models import Edition, Event, Slot, Venue

    app = make_app(path)
    with app.app_context():
        db.create_all()
        edition = Edition(year=2026, title="2026年职业教育活动周", starts_on=date(2026, 5, 10),
                          ends_on=date(2026, 5, 16))
        db.session.add(edition)
        event = Event(edition=edition, seq=10, name="开放全国化学会科普基地以及精艺楼")
        venues = [Venue(name=f"实训基地{i}", safe_occupancy=100000) for i in range(10)]
        db.session.add_all([event, *venues])
        db.session.flush()
        per_slot = 200
        n_slots = (rows + per_slot - 1) // per_slot
        start = datetime(2026, 5, 11, 1, 0, tzinfo=timezone.utc)
        db.session.execute(sa.insert(Slot), [
            {"event_id": event.id, "venue_id": venues[i % 10].id,
             "starts_at": start + timedelta(hours=i // 10),
             "ends_at": start + timedelta(hours=i // 10, minutes=90),
             "capacity": 100000, "booked": 0} for i in range(n_slots)])
        slot_ids = list(db.session.scalars(sa.select(Slot.id).order_by(Slot.id)))
        now = datetime(2026, 4, 20, tzinfo=timezone.utc)
        for chunk in range(0, rows, 20000):
            batch = range(chunk, min(rows, chunk + 20000))
            db.session.execute(sa.insert(Booking), [{
                "slot_id": slot_ids[i // per_slot], "reference": f"TY-0511-{i:06d}",
                "manage_token": f"m{i}", "ticket_nonce": f"n{i}",
                "school_name": f"株洲市第{i % 977}中学" if i % 50 else "=cmd|' /C calc'!A0",
                "school_stage": "junior", "grades": "七年级", "students": 40, "teachers": 3,
                "leader_name": "王老师", "leader_mobile": f"139{i:08d}", "email": "", "notes": "",
                "status": "confirmed", "source": "web", "cancel_reason": "", "anonymized": False,
                "created_at": now, "updated_at": now} for i in batch])
            # Nine groups in ten arrived: their scan and the presence it left (what exports read).
            came = [i for i in batch if i % 10]
            db.session.execute(sa.insert(CheckIn), [{
                "booking_id": i + 1, "venue_id": venues[(i // per_slot) % 10].id, "direction": "in",
                "students": 38, "teachers": 3, "arrived_students": 38, "arrived_teachers": 3,
                "result": "ok", "client_id": f"c{i}",
                "scanned_at": start + timedelta(hours=(i // per_slot) // 10)} for i in came])
            db.session.execute(sa.insert(Attendance), [{
                "id": i + 1, "booking_id": i + 1, "day": date(2026, 5, 11),
                "first_in_at": start + timedelta(hours=(i // per_slot) // 10),
                "last_in_at": start + timedelta(hours=(i // per_slot) // 10)} for i in came])
            db.session.execute(sa.insert(Presence), [{
                "attendance_id": i + 1, "venue_id": venues[(i // per_slot) % 10].id,
                "day": date(2026, 5, 11), "students": 0, "teachers": 0, "arrived_students": 38,
                "arrived_teachers": 3} for i in came])
        db.session.commit()
        return edition.id


# --- one measured case (runs in a child process) ----------------------------------------------

def run_case(case: str, path: str, edition_id: int, out: str, started) -> int:
    """Export; ``started()`` is called once imports and the app are ready, so setup is not
    counted in the figures."""
    if not case.startswith("app"):
        started()
        return bare(case, path, out)
    from visitorapp.reports import exports, spreadsheet
    app = make_app(path)
    with app.app_context():
        started()
        now = datetime.now(timezone.utc)  # the bench is the outermost layer: it reads the clock
        rows = exports.attendance_rows(exports.ExportFilter(edition_id=edition_id), now)
        if case == "app-xlsx":
            return spreadsheet.write_xlsx(out, exports.ATTENDANCE_COLUMNS, rows, sheet="到场情况")
        with open(out, "wb") as f:
            n = 0
            for chunk in spreadsheet.csv_chunks(exports.ATTENDANCE_COLUMNS, rows):
                f.write(chunk)
                n += 1
            return n


#: The same sheet as the app's 到场情况 (17 columns, same rows and order), as raw values from one
#: query: the least any program must do to write these cells. (An earlier 10-column baseline
#: wrote 40 % fewer cells than the app's sheet, so its ratio compared unlike work.)
BARE_SQL = """
SELECT b.reference, substr(s.starts_at, 1, 10), substr(s.starts_at, 12, 5) || '–' || substr(s.ends_at, 12, 5),
       e.name, v.name, b.school_name, b.school_stage, b.students, b.teachers, b.students + b.teachers,
       c.students, c.teachers, c.students + c.teachers, c.scanned_at,
       CASE WHEN c.id IS NOT NULL THEN 'arrived' ELSE b.status END, s.label, b.notes
FROM booking b JOIN slot s ON b.slot_id = s.id JOIN event e ON s.event_id = e.id
LEFT JOIN venue v ON s.venue_id = v.id
LEFT JOIN check_in c ON c.booking_id = b.id AND c.result = 'ok' AND c.direction = 'in'
WHERE b.status != 'cancelled'
ORDER BY s.starts_at, v.name, b.id
"""


def bare(case: str, path: str, out: str) -> int:
    """The least a program must do: one query, one cell per value, no app, no safety checks."""
    import sqlite3
    conn = sqlite3.connect(path)
    cursor = conn.execute(BARE_SQL)
    header = ["预约号", "日期", "时间", "活动", "场馆", "学校", "学段", "预约学生", "预约教师", "预约合计",
              "实到学生", "实到教师", "实到合计", "签到时间", "到场情况", "路线/场次", "备注"]
    n = 0
    if case == "bare-xlsx":
        import xlsxwriter
        wb = xlsxwriter.Workbook(out, {"constant_memory": True})
        ws = wb.add_worksheet()
        ws.write_row(0, 0, header)
        for n, row in enumerate(cursor, 1):
            ws.write_row(n, 0, row)
        wb.close()
    else:
        with open(out, "w", newline="", encoding="utf-8-sig") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            for row in cursor:
                writer.writerow(row)
                n += 1
    conn.close()
    return n


def proc_kib(field: str) -> int:
    """VmRSS / VmHWM of this process (VmHWM starts afresh at exec, unlike ru_maxrss)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def child(args) -> None:
    marks = {}

    def started():
        if args.trace:
            tracemalloc.start()
        marks["rss"] = proc_kib("VmRSS")
        marks["t0"] = time.perf_counter()

    run_case(args.case, args.db, args.edition, args.out, started)
    seconds = time.perf_counter() - marks["t0"]
    peak = proc_kib("VmHWM")
    result = {"seconds": seconds, "peak_rss_kib": peak, "growth_kib": peak - marks["rss"],
              "size": os.path.getsize(args.out),
              "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    if args.trace:
        result["traced_peak_kib"] = tracemalloc.get_traced_memory()[1] // 1024
    print(json.dumps(result))


def measure(case: str, db: str, edition: int, workdir: str, trace: bool) -> dict:
    out = os.path.join(workdir, f"{case}.{case.split('-')[1]}")
    cmd = [sys.executable, __file__, "--child", case, "--db", db, "--edition", str(edition),
           "--out", out] + (["--trace"] if trace else [])
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=workdir)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child")
    parser.add_argument("--db")
    parser.add_argument("--edition", type=int)
    parser.add_argument("--out")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of all four cases, interleaved; each case's fastest is kept")
    parser.add_argument("--trace", action="store_true",
                        help="also measure the tracemalloc peak (a second, slower run per case)")
    args = parser.parse_args()
    if args.child:
        args.case = args.child
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-export-") as workdir:
        db = os.path.join(workdir, "bench.sqlite3")
        t0 = time.perf_counter()
        edition = fill(db, args.rows)
        print(f"filled {args.rows} bookings + check-ins in {time.perf_counter() - t0:.1f}s", flush=True)
        results = {}
        for _ in range(args.repeat):  # interleaved, so a busy moment hits app and bare alike
            for c in CASES:
                r = measure(c, db, edition, workdir, trace=False)
                if c not in results or r["seconds"] < results[c]["seconds"]:
                    results[c] = r
        for c in CASES:
            if args.trace:
                results[c]["traced_peak_kib"] = measure(c, db, edition, workdir, True)["traced_peak_kib"]
            r = results[c]
            print(f"{c:<10} {r['seconds']:8.2f}s  peak RSS {r['peak_rss_kib'] / 1024:6.1f} MiB  "
                  f"growth {r['growth_kib'] / 1024:6.1f} MiB"
                  + (f"  tracemalloc peak {r['traced_peak_kib'] / 1024:6.1f} MiB" if args.trace else "")
                  + f"  file {r['size'] / 2**20:5.1f} MiB", flush=True)
    for fmt in ("xlsx", "csv"):
        app, base = results[f"app-{fmt}"], results[f"bare-{fmt}"]
        line = (f"ratio app/bare {fmt}: time {app['seconds'] / base['seconds']:.2f}x, "
                f"peak RSS {app['peak_rss_kib'] / base['peak_rss_kib']:.2f}x, "
                f"RSS growth {app['growth_kib'] / max(base['growth_kib'], 1):.2f}x")
        if args.trace:
            line += f", tracemalloc peak {app['traced_peak_kib'] / max(base['traced_peak_kib'], 1):.2f}x"
        print(line)


if __name__ == "__main__":
    main()
