"""``flask users …``: staff accounts for scripts (the same operations as the admin pages)."""
import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from .models import Role, User
from .services import create_user

users = AppGroup("users", help="Staff accounts.")


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--venue", "venues", multiple=True, help="Gate staff: a venue name (repeatable).")
@click.option("--department", help="Reporters: the 填报单位 name.")
@click.option("--display-name", default="")
def create(username, role, password, venues, department, display_name):
    """Create a staff account."""
    try:
        user = atomic(create_user, username, password, role, venues=list(venues),
                      department=department, display_name=display_name)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"created {user.username} ({user.role.value})")


@users.command("list")
def list_users():
    """List staff accounts."""
    for user in db.session.scalars(sa.select(User).order_by(User.id)):
        venues = ",".join(v.name for v in user.venues)
        click.echo(f"{user.username}\t{user.role.value}\t{user.department.name if user.department else ''}"
                   f"\t{venues}\t{'active' if user.active else 'disabled'}")
