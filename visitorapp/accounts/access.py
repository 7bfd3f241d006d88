"""Role checks for staff routes: every staff view is decorated with ``roles_required``."""
import functools

from flask import abort
from flask_login import current_user, login_required

from .models import Role


def roles_required(*roles: Role):
    """Signed in (else redirect to login) and holding one of ``roles`` (admin always passes)."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_roles = tuple(roles)  # read by the authorization-matrix test
        return wrapper

    return decorator


STAFF = (Role.ORGANIZER, Role.REPORTER, Role.GATE)
