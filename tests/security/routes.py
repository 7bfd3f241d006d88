"""Who may call each route: the one table the security suite reads.

Every endpoint in ``app.url_map`` must appear here (test_route_classification fails otherwise), so a
new route cannot land without someone deciding who may use it. Kinds:

* ``PUBLIC``  — anyone (schools, the public);
* ``TOKEN``   — anyone holding a secret in the URL (management link, ticket token): a wrong or
  tampered token must answer 404, never another group's data;
* ``SIGNED_IN`` — any signed-in staff member, whatever the role;
* ``staff(Role.X, …)`` — only these roles (admin always passes): anonymous → login (401 on the API),
  other roles → 403. The view's ``roles_required`` must declare the same roles.

``URL_ARGS`` fills the path variables when the matrix builds a URL (unknown names get 1 or "x").
"""
from dataclasses import dataclass

from visitorapp.accounts.models import Role

PUBLIC = "public"
TOKEN = "token"
SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class Staff:
    roles: frozenset

    def allows(self, role: Role) -> bool:
        return role == Role.ADMIN or role in self.roles


def staff(*roles: Role) -> Staff:
    return Staff(frozenset(roles))


ACCESS = {
    # programme
    "programme.index": PUBLIC,
    # booking (public form + the teacher's management link)
    "booking.slots": PUBLIC,
    "booking.new": PUBLIC,
    "booking.privacy": PUBLIC,
    "booking.confirmation": TOKEN,
    "booking.manage": TOKEN,
    "booking.change_headcount": TOKEN,
    "booking.cancel": TOKEN,
    # accounts
    "accounts.login": PUBLIC,
    "accounts.logout": SIGNED_IN,
    # api
    "api.openapi": PUBLIC,
    # ops
    "ops.healthz": PUBLIC,
    "static": PUBLIC,
    # --- the integrator adds the routes of the other branches here, e.g. ---
    # "tickets.ticket": TOKEN,
    # "checkin.gate": staff(Role.GATE, Role.ORGANIZER),
    # "console.dashboard": staff(Role.ORGANIZER),
    # "reports.department_home": staff(Role.REPORTER, Role.ORGANIZER),
}

#: Roles the matrix signs in as (plus anonymous).
ROLES = (Role.ADMIN, Role.ORGANIZER, Role.REPORTER, Role.GATE)


def url_args(world) -> dict:
    """Path values that point at real rows of the test world (see conftest.world)."""
    return {"slot_id": world.slot.id, "token": world.booking.manage_token,
            "booking_id": world.booking.id, "filename": "css/app.css"}


#: Per-endpoint overrides of ``url_args`` (e.g. a ticket route whose <token> is the ticket token).
ENDPOINT_ARGS: dict = {
    # "tickets.ticket": lambda world: {"token": ticket_token_for(world.booking)},
}
