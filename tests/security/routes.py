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


def draft_entries(app) -> list[str]:
    """ACCESS lines for endpoints not yet in the table, drafted from each view's roles_required.

    A route without roles_required is drafted as PUBLIC with a TODO: a person decides whether it is
    public, token-protected or should be guarded. ``python -m tests.security.routes`` prints them.
    """
    lines = []
    for endpoint in sorted(set(app.view_functions) - ACCESS.keys()):
        roles = getattr(app.view_functions[endpoint], "required_roles", None)
        rules = ", ".join(sorted(r.rule for r in app.url_map.iter_rules() if r.endpoint == endpoint))
        if roles is None:
            lines.append(f'    "{endpoint}": PUBLIC,  # TODO PUBLIC or TOKEN? {rules}')
        else:
            args = ", ".join(f"Role.{Role(r).name}" for r in roles)
            lines.append(f'    "{endpoint}": staff({args}),  # {rules}')
    return lines


if __name__ == "__main__":
    from visitorapp import create_app
    print("\n".join(draft_entries(create_app({"TESTING": True, "SECRET_KEY": "draft",
                                              "SQLALCHEMY_DATABASE_URI": "sqlite://"}))) or "all classified")
