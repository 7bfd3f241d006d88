"""Ops routes and commands: GET /healthz, `flask db-backup [PATH]`."""
import click
from flask import Blueprint, current_app, jsonify

from ..extensions import db, limiter
from . import backup as backup_module
from .health import database_ok

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """For nginx / the load balancer: 200 when this instance and its database answer, else 503."""
    if database_ok():
        return jsonify(status="ok", database="ok")
    response = jsonify(status="error", database="unreachable", message="数据库暂时无法连接。")
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    return response


@click.command("db-backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def db_backup(path):
    """Online backup of the database (default: instance/backups/visitorapp-<time>)."""
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = path or backup_module.default_path(current_app.instance_path, db.engine.url)
    try:
        written = backup_module.backup(uri, target)
    except backup_module.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"备份完成 backup written: {written} ({written.stat().st_size} bytes)")


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(db_backup)
