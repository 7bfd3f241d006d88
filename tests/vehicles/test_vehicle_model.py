"""Vehicles against a small model (Hypothesis stateful): groups change their vehicles, cancel and
move between days; after every step each entrance's day counter, the security office's list and
the limit agree with the model (SQLite, and PostgreSQL in the suite's PostgreSQL pass)."""
from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from tests.checkin.test_presence_model import wipe_database
from tests.factories import create_booking, create_slot
from visitorapp.booking import services as booking_services
from visitorapp.database import atomic
from visitorapp.errors import DomainError
from visitorapp.extensions import db as _db
from visitorapp.timeutil import utcnow
from visitorapp.vehicles import services
from visitorapp.vehicles.models import EntranceDay, VehicleSettings

LIMIT = 5
ENTRANCES = ("东门", "北门")
GROUPS = ("g1", "g2", "g3", "g4")


class VehicleWeek(RuleBasedStateMachine):
    @initialize()
    def build(self):
        wipe_database()
        first = create_slot(capacity=1000)
        second = create_slot(event=first.event, venue=first.venue, capacity=1000,
                             starts_at=first.starts_at + timedelta(days=1))
        self.edition = first.event.edition
        _db.session.add(VehicleSettings(edition_id=self.edition.id, entrances="\n".join(ENTRANCES),
                                        daily_limit=LIMIT))
        self.slots = {0: first, 1: second}
        self.days = {0: first.local_day, 1: second.local_day}
        self.bookings = {g: create_booking(first, students=10, teachers=1) for g in GROUPS}
        _db.session.commit()
        self.ids = {g: b.id for g, b in self.bookings.items()}
        #: group → day index, vehicles, entrance; None: cancelled
        self.model = {g: {"day": 0, "vehicles": 0, "entrance": ""} for g in GROUPS}

    def _held(self, day, entrance, without=None):
        return sum(m["vehicles"] for g, m in self.model.items()
                   if m and g != without and m["day"] == day and m["entrance"] == entrance)

    def _booking(self, group):
        return _db.session.get(type(self.bookings[group]), self.ids[group])

    @rule(group=st.sampled_from(GROUPS), vehicles=st.integers(0, 4),
          entrance=st.sampled_from(ENTRANCES))
    def set_vehicles(self, group, vehicles, entrance):
        mode = "coach" if vehicles else "walk"
        details = services.TransportDetails(mode, vehicles, [], entrance)
        m = self.model[group]
        fits = m is not None and (not vehicles or self._held(m["day"], entrance, group) + vehicles <= LIMIT)
        try:
            atomic(services.set_transport, self._booking(group), details)
        except DomainError as exc:
            assert not fits, exc.message
            assert exc.code in ("vehicle_limit", "cancelled")
        else:
            assert fits
            m.update(vehicles=vehicles, entrance=entrance if vehicles else "")

    @rule(group=st.sampled_from(GROUPS))
    def cancel(self, group):
        try:
            atomic(booking_services.cancel_booking, self._booking(group), now=utcnow())
        except DomainError:
            assert self.model[group] is None
        else:
            self.model[group] = None

    @rule(group=st.sampled_from(GROUPS))
    def move_to_the_other_day(self, group):
        m = self.model[group]
        target = 1 - m["day"] if m else 0
        fits = m is not None and (not m["vehicles"] or
                                  self._held(target, m["entrance"]) + m["vehicles"] <= LIMIT)
        try:
            atomic(booking_services.move_booking, self._booking(group),
                   _db.session.get(type(self.slots[0]), self.slots[target].id), enforce_deadline=False,
                   now=utcnow())
        except DomainError as exc:
            assert not fits, exc.message
        else:
            assert fits
            m["day"] = target

    @invariant()
    def counters_match_the_model(self):
        if not hasattr(self, "model"):
            return
        _db.session.expire_all()
        for day_index, day in self.days.items():
            lists = services.day_list(self.edition, day)
            for entrance in ENTRANCES:
                expected = self._held(day_index, entrance)
                assert services.entrance_day_vehicles(self.edition.id, entrance, day) == expected
                assert sum(t.vehicles for t in lists.get(entrance, [])) == expected <= LIMIT
        assert _db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(EntranceDay.vehicles), 0))) \
            == sum(m["vehicles"] for m in self.model.values() if m)

    def teardown(self):
        _db.session.rollback()


def test_vehicles_match_the_model(app, db):
    run_state_machine_as_test(VehicleWeek, settings=settings(
        max_examples=20, stateful_step_count=25, deadline=None,
        suppress_health_check=list(HealthCheck)))
