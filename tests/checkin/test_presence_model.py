"""A day at the gate against a small in-memory model (Hypothesis stateful), on SQLite and — in the
suite's PostgreSQL pass — on PostgreSQL.

Random sequences of entries (default and counted), partial exits, re-entries, entries at another
venue's gate with and without confirmation, double scans, two gates scanning at once, offline
scans synced twice, the nightly no-show job and 统一退场 run against the app; after every step
the gate's count, GET /api/v1/checkins/summary, the dashboard's JSON, the emergency roster, the
console's no-show filter, the attendance export and the arrivals 附件1 counts must all equal the
model, per venue and for the campus.
"""
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.checkin.helpers import ticket
from tests.factories import (
    create_booking,
    create_edition,
    create_event,
    create_slot,
    create_user,
    create_venue,
)
from tests.registration.helpers import create_individual_slot, register
from visitorapp.accounts.models import Role, User
from visitorapp.booking.noshows import mark_no_shows
from visitorapp.checkin import counts
from visitorapp.checkin.actors import Actor
from visitorapp.checkin.services import check_in
from visitorapp.console.bookings import BookingFilter, search
from visitorapp.database import atomic
from visitorapp.extensions import db as _db
from visitorapp.programme.models import Edition, ParticipationMode, Venue
from visitorapp.reports import exports, roster, statistics
from visitorapp.timeutil import TZ, utcnow

DAY = date(2031, 5, 14)
START = datetime.combine(DAY, time(9, 20), TZ)
LAST = datetime.combine(DAY, time(17, 0), TZ)
WINDOW = timedelta(minutes=5)       # CHECKIN_REPEAT_WINDOW_SECONDS default
EARLY = timedelta(minutes=60)       # CHECKIN_EARLY_CONFIRM_MINUTES default
SAFE = 500                          # both venues' safe occupancy
TICKETS = ("g1", "g2", "g3", "p1")  # three groups and one registrant
VENUES = ("A", "B")


@dataclass
class Ticket:
    """The model of one ticket: what the gate should know about it."""

    booked: tuple[int, int]
    venue: str
    starts: datetime
    ends: datetime
    group: bool = True
    inside: dict[str, list[int]] = field(default_factory=dict)   # venue → [students, teachers]
    arrived_at: dict[str, int] = field(default_factory=dict)     # venue → persons arrived there
    arrived: list[int] = field(default_factory=lambda: [0, 0])
    last_in: datetime | None = None

    def inside_total(self) -> tuple[int, int]:
        return (sum(v[0] for v in self.inside.values()), sum(v[1] for v in self.inside.values()))


def wipe_database() -> None:
    """Every row gone, ids restarted on PostgreSQL: each example starts from nothing."""
    tables = _db.metadata.sorted_tables
    if _db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        _db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            _db.session.execute(table.delete())
    _db.session.commit()


class GateDay(RuleBasedStateMachine):
    app = None
    client = None

    def __init__(self):
        super().__init__()
        self.travel = time_machine.travel(START, tick=False)
        self.clock = self.travel.start()
        self.now = START

    def teardown(self):
        _db.session.rollback()
        self.travel.stop()

    # ---- the world -----------------------------------------------------------------------
    @initialize()
    def build(self):
        wipe_database()
        edition = create_edition(starts_on=DAY - timedelta(days=2))
        event = create_event(edition, name="开放科普基地")
        a, b = create_venue("精艺楼", safe_occupancy=SAFE), create_venue("创新楼", safe_occupancy=SAFE)
        at = lambda h, m: datetime.combine(DAY, time(h, m), TZ)  # noqa: E731
        s1 = create_slot(event, a, capacity=400, starts_at=at(9, 30), minutes=120)
        s3 = create_slot(event, b, capacity=400, starts_at=at(11, 0), minutes=60)
        g1 = create_booking(s1, school_name="株洲市第一中学", students=20, teachers=2)
        g2 = create_booking(s1, school_name="湘潭市第二中学", students=12, teachers=1)
        g3 = create_booking(s3, school_name="长沙市第三中学", students=8, teachers=1)
        clinic = create_event(edition, name="简历门诊", mode=ParticipationMode.INDIVIDUAL)
        s2 = create_individual_slot(clinic, venue=a, capacity=5, starts_at=at(9, 30), minutes=120)
        p1 = register(s2, name="王同学", mobile="13700001111")
        self.organizer = create_user(Role.ORGANIZER, username=f"org{uuid.uuid4().hex[:6]}")
        _db.session.commit()
        self.edition_year, self.edition_id = edition.year, edition.id
        self.venue_ids = {"A": a.id, "B": b.id}
        self.records = {"g1": g1, "g2": g2, "g3": g3, "p1": p1}
        self.tokens = {k: ticket(r) for k, r in self.records.items()}
        self.slot_of = {"g1": s1.id, "g2": s1.id, "g3": s3.id, "p1": s2.id}
        self.refs = {k: r.reference for k, r in self.records.items()}
        # Places held per slot (the capacity function's counter) and the slots of each venue.
        self.capacity = {s1.id: 400, s2.id: 5, s3.id: 400}
        self.slot_booked = {s1.id: 35, s2.id: 1, s3.id: 9}
        self.venue_slots = {"A": (s1.id, s2.id), "B": (s3.id,)}
        self.model = {
            "g1": Ticket((20, 2), "A", s1.starts_at, s1.ends_at),
            "g2": Ticket((12, 1), "A", s1.starts_at, s1.ends_at),
            "g3": Ticket((8, 1), "B", s3.starts_at, s3.ends_at),
            "p1": Ticket((1, 0), "A", s2.starts_at, s2.ends_at, group=False),
        }
        response = self.client.post("/login", data={"username": self.organizer.username,
                                                   "password": "correct-horse-9"})
        assert response.status_code == 302

    # ---- the model's rules (docs/gate.md) -------------------------------------------------
    def on_site(self, venue: str | None = None) -> int:
        return sum(sum(v) for t in self.model.values() for k, v in t.inside.items()
                   if venue is None or k == venue)

    def expect_entry(self, key, venue, numbers, confirm, passed=False, when=None) -> str:
        t, when = self.model[key], when or self.now
        (as_, at), (is_, it) = t.arrived, t.inside_total()
        gone = (as_ - is_, at - it)
        due = (max(0, t.booked[0] - as_), max(0, t.booked[1] - at))
        out_s, out_t = gone[0] + due[0], gone[1] + due[1]
        explicit = t.group and numbers is not None
        s, te = numbers if explicit else (gone if sum(gone) else due)
        double = t.last_in is not None and sum(gone) == 0 and when - t.last_in < WINDOW
        if not explicit and is_ + it > 0 and (s + te == 0 or double):
            return "already_inside"
        if s + te == 0:
            return "no_persons"
        extra = max(0, s - out_s) + max(0, te - out_t)
        wrong = t.venue != venue and venue not in t.inside
        early = as_ + at == 0 and when < t.starts - EARLY
        full = self.on_site(venue) + s + te > SAFE
        if (extra or wrong or early or full) and not (confirm or passed):
            return "confirm_required"
        new_s, new_t = max(0, is_ + s - as_), max(0, it + te - at)
        # Persons beyond the booking take places: the slot's capacity, then the venue's.
        places = max(0, as_ + at + new_s + new_t - max(sum(t.booked), as_ + at))
        slot = self.slot_of[key]
        peak = sum(self.slot_booked[x] for x in self.venue_slots[t.venue])
        if self.slot_booked[slot] + places > self.capacity[slot] or peak + places > SAFE:
            return "over_capacity"
        self.slot_booked[slot] += places
        here = t.inside.setdefault(venue, [0, 0])
        here[0] += s
        here[1] += te
        t.arrived = [as_ + new_s, at + new_t]
        t.arrived_at[venue] = t.arrived_at.get(venue, 0) + new_s + new_t
        t.last_in = max(filter(None, (t.last_in, when)))
        return "re_entry" if new_s + new_t == 0 else "ok"

    def expect_exit(self, key, venue, numbers) -> str:
        t = self.model[key]
        if sum(t.arrived) == 0:
            return "not_checked_in"
        if sum(t.inside_total()) == 0:
            return "already_checked_out"
        where = venue if sum(t.inside.get(venue, (0, 0))) else max(
            (k for k, v in t.inside.items() if sum(v)),
            key=lambda k: (sum(t.inside[k]), -self.venue_ids[k]))
        at_s, at_t = t.inside[where]
        s, te = numbers if t.group and numbers is not None else (at_s, at_t)
        if s > at_s or te > at_t:
            return "more_than_inside"
        if s + te == 0:
            return "no_persons"
        t.inside[where] = [at_s - s, at_t - te]
        return "ok"

    def no_shows(self) -> set[str]:
        return {k for k, t in self.model.items()
                if t.group and t.ends <= self.now and sum(t.arrived) == 0}

    # ---- the app ---------------------------------------------------------------------------
    def post(self, key, venue, direction, numbers=None, **extra):
        body = {"token": self.tokens[key], "direction": direction, "venue_id": self.venue_ids[venue],
                "client_id": extra.pop("client_id", uuid.uuid4().hex), **extra}
        if numbers is not None:
            body["students"], body["teachers"] = numbers
        response = self.client.post("/api/v1/checkins", json=body)
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return response.get_json()

    numbers = st.one_of(st.none(), st.tuples(st.integers(0, 24), st.integers(0, 3)))

    @rule(key=st.sampled_from(TICKETS), venue=st.sampled_from(VENUES), numbers=numbers,
          confirm=st.booleans())
    def enter(self, key, venue, numbers, confirm):
        answer = self.post(key, venue, "in", numbers, confirm=confirm)
        assert answer["result"] == self.expect_entry(key, venue, numbers, confirm), answer

    @rule(key=st.sampled_from(TICKETS), venue=st.sampled_from(VENUES), numbers=numbers)
    def leave(self, key, venue, numbers):
        answer = self.post(key, venue, "out", numbers)
        assert answer["result"] == self.expect_exit(key, venue, numbers), answer

    @rule(key=st.sampled_from(TICKETS), venue=st.sampled_from(VENUES),
          minutes_ago=st.integers(0, 4))
    def offline_entry_synced_twice(self, key, venue, minutes_ago):
        when = self.now - timedelta(minutes=minutes_ago)
        client_id = uuid.uuid4().hex
        offline = dict(offline=True, scanned_at=when.isoformat(), local_result="ok",
                       client_id=client_id)
        first = self.post(key, venue, "in", **offline)
        again = self.post(key, venue, "in", **offline)  # the phone lost the answer and resent
        expected = self.expect_entry(key, venue, None, False, passed=True, when=when)
        assert first["result"] == expected and not first["replay"]
        assert again["replay"] and again["id"] == first["id"]
        assert first["conflict"] is (expected not in ("ok", "re_entry"))

    @rule(key=st.sampled_from(TICKETS), venue=st.sampled_from(VENUES))
    def two_gates_at_once(self, key, venue):
        user_id, venue_id, token, now = (self.organizer.id, self.venue_ids[venue],
                                         self.tokens[key], self.now)
        results, barrier = [], threading.Barrier(2)

        def gate():
            with self.app.app_context():
                try:
                    barrier.wait()
                    outcome = atomic(check_in, token, _db.session.get(Venue, venue_id), "in", None,
                                     None, uuid.uuid4().hex, Actor(user=_db.session.get(User, user_id)),
                                     now=now, confirm=True)
                    results.append(outcome.checkin.result)
                finally:
                    _db.session.remove()

        threads = [threading.Thread(target=gate) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        expected = [self.expect_entry(key, venue, None, True) for _ in range(2)]
        assert sorted(results) == sorted(expected), (results, expected)

    @rule(venue=st.sampled_from(VENUES), repeat=st.booleans())
    def everyone_out(self, venue, repeat):
        form = {"venue_id": self.venue_ids[venue], "batch_id": f"out-{uuid.uuid4().hex[:12]}",
                "confirm": "y"}
        for _ in range(2 if repeat else 1):  # a double-tapped button counts once
            assert self.client.post("/gate/everyone-out", data=form).status_code == 302
        for t in self.model.values():
            if venue in t.inside:
                t.inside[venue] = [0, 0]

    @rule()
    def nightly_no_show_job(self):
        atomic(mark_no_shows, self.now)

    @precondition(lambda self: self.now < LAST)
    @rule(minutes=st.sampled_from([1, 3, 10, 25, 45]))
    def time_passes(self, minutes):
        self.now += timedelta(minutes=minutes)
        self.clock.move_to(self.now)

    # ---- every view agrees with the model ---------------------------------------------------
    @invariant()
    def every_view_agrees(self):
        if not hasattr(self, "model"):
            return
        _db.session.rollback()
        ids = self.venue_ids
        want_on_site = {v: self.on_site(v) for v in VENUES}
        want_arrived_at = {v: sum(t.arrived_at.get(v, 0) for t in self.model.values()) for v in VENUES}
        # The gate's own count (what its venue-full question asks).
        assert {v: counts.on_site(DAY, ids[v]) for v in VENUES} == want_on_site
        assert counts.on_site(DAY) == self.on_site()
        # GET /api/v1/checkins/summary
        summary = self.client.get(f"/api/v1/checkins/summary?date={DAY}").get_json()
        rows = {r["venue_id"]: r for r in summary["venues"]}
        assert {v: rows[ids[v]]["on_site"] for v in VENUES} == want_on_site
        assert {v: rows[ids[v]]["arrived_persons"] for v in VENUES} == want_arrived_at
        assert summary["campus"]["on_site"] == self.on_site()
        assert summary["campus"]["arrived_persons"] == sum(want_arrived_at.values())
        # The dashboard's JSON
        live = self.client.get(f"/console/live.json?edition={self.edition_year}&day={DAY}").get_json()
        assert {v["venue_id"]: v["on_site"] for v in live["venues"]} == {
            ids[v]: n for v, n in want_on_site.items()}
        assert live["on_site"] == self.on_site()
        arrived = {k: sum(t.arrived) for k, t in self.model.items()}
        by_slot = {}
        for k, n in arrived.items():
            by_slot[self.slot_of[k]] = by_slot.get(self.slot_of[k], 0) + n
        assert {s["slot_id"]: s["arrived"] for s in live["slots"]} == by_slot
        no_shows = self.no_shows()
        want_no_show = sum(sum(self.model[k].booked) for k in no_shows)
        assert live["no_show"] == want_no_show
        # The emergency roster: every ticket with people inside, where they are.
        lines = {(line.reference, line.venue): line.on_site for venue in roster.roster(DAY)
                 for line in venue.lines}
        names = {"A": "精艺楼", "B": "创新楼"}
        assert lines == {(self.refs[k], names[v]): sum(n) for k, t in self.model.items()
                         for v, n in t.inside.items() if sum(n)}
        # 附件1's arrivals (groups and registrations) and no-shows (group bookings), the export
        # and the console's filter.
        report = statistics.college_report(_db.session.get(Edition, self.edition_id), self.now).total
        assert report.arrived == sum(arrived.values())
        assert report.no_show == want_no_show
        export = {row[0]: row for row in exports.attendance_rows(exports.ExportFilter(self.edition_id),
                                                                 now=utcnow())}
        assert {ref: row[12] for ref, row in export.items()} == {
            self.refs[k]: arrived[k] for k in ("g1", "g2", "g3")}
        assert {ref for ref, row in export.items() if row[14] == "爽约"} == {
            self.refs[k] for k in no_shows}
        listed = _db.session.scalars(search(self.edition_id, BookingFilter(status="no_show"),
                                            self.now)).all()
        assert {b.reference for b in listed} == {self.refs[k] for k in no_shows}
        _db.session.rollback()


def test_a_day_at_the_gate_matches_the_model(app, client, db):
    GateDay.app, GateDay.client = app, client
    run_state_machine_as_test(GateDay, settings=settings(
        max_examples=15, stateful_step_count=30, deadline=None,
        suppress_health_check=list(HealthCheck)))
