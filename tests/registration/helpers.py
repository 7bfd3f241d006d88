"""Factories for individual events, registrations and waiting-list entries."""
import itertools

from tests.factories import create_event, create_slot
from visitorapp.programme.models import ParticipationMode
from visitorapp.registration import services
from visitorapp.registration.services import PersonDetails
from visitorapp.timeutil import utcnow

_seq = itertools.count(1)


def create_individual_slot(event=None, capacity=3, **kw):
    event = event or create_event(name=kw.pop("name", "简历门诊"), mode=ParticipationMode.INDIVIDUAL)
    return create_slot(event=event, capacity=capacity, **kw)


def person(internal=True, **kw) -> PersonDetails:
    n = next(_seq)
    values = dict(name="李同学", mobile=f"137{n:08d}"[-11:], email=f"student{n}@example.com")
    if internal:
        values.update(student_number=f"2024{n:06d}", college="化学工程学院", class_name="应化2401班")
    else:
        values.update(organisation="株洲市第二中学")
    values.update(kw)
    return PersonDetails(**values)


def register(slot, now=None, **kw):
    """A registration through the real service, at ``now`` or at the test's clock."""
    return services.create_registration(slot, person(**kw), now=now or utcnow())
