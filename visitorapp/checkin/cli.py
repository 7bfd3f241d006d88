"""``flask devices …``: gate device tokens for scanners (the same operations as the console)."""
import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from .devices import create_device, revoke_device, venue_by_name
from .models import GateDevice

devices = AppGroup("devices", help="Gate devices (API tokens).")


@devices.command("create")
@click.argument("name")
@click.option("--venue", required=True, help="The venue whose gate the device serves.")
def create(name, venue):
    """Create a device; its token is printed on the last line (shown only once)."""
    try:
        device, token = atomic(lambda: create_device(name, venue_by_name(venue)))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"created device {device.name} for {device.venue.name}")
    click.echo(token)


@devices.command("revoke")
@click.argument("name")
def revoke(name):
    """Revoke a device's token at once."""
    device = db.session.scalar(sa.select(GateDevice).where(GateDevice.name == name))
    if device is None:
        raise click.ClickException(f"设备“{name}”不存在。")
    atomic(revoke_device, device)
    click.echo(f"revoked {name}")


@devices.command("list")
def list_devices():
    for d in db.session.scalars(sa.select(GateDevice).order_by(GateDevice.id)):
        click.echo(f"{d.name}\t{d.venue.name}\t{'revoked' if d.is_revoked else 'active'}")
