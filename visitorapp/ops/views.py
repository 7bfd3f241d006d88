"""Ops routes and commands: GET /healthz, `flask db-backup [PATH]`, `flask db-restore ARCHIVE`,
`flask uploads prune`."""
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from ..extensions import db, limiter
from ..timeutil import utcnow
from . import backup as backup_module
from . import restore as restore_module
from .health import database_ok
from .uploads import uploads_cli

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
    """Online backup of the instance: database, uploads and secret key in one archive (0600).

    Default: instance/backups/visitorapp-<time>.tar.gz. Restore with `flask db-restore`.
    """
    now = utcnow()
    target = Path(path) if path else backup_module.default_path(current_app.instance_path, now)
    try:
        written = backup_module.backup(
            current_app.config["SQLALCHEMY_DATABASE_URI"], current_app.instance_path,
            current_app.config["SECRET_KEY"], target, now=now, revision=_schema_revision())
    except backup_module.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"备份完成 backup written: {written} ({written.stat().st_size} bytes; "
               "database, uploads, secret key — keep it as private as the database)")


@click.command("db-restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def db_restore(archive):
    """Restore a db-backup archive into this instance, which must be empty (new database)."""
    try:
        manifest = restore_module.restore(archive, db.engine, current_app.instance_path,
                                          current_app.config["SECRET_KEY"])
    except backup_module.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"恢复完成 restored: backup of {manifest['created_at']}, "
               f"{manifest['uploads']} uploaded files, secret key in instance/secret_key.")
    if manifest.get("alembic_revision") != _head_revision():
        click.echo("The backup's schema is older than this version: run `flask db upgrade` now.")
    click.echo("Restart the app (every worker) so it uses the restored secret key.")


def _schema_revision() -> str | None:
    try:
        with db.engine.connect() as conn:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.SQLAlchemyError:  # a database made by create_all (tests) has no version table
        return None


def _head_revision() -> str | None:
    from alembic.script import ScriptDirectory
    migrate = current_app.extensions["migrate"]
    return ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory)).get_current_head()


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(db_backup)
    app.cli.add_command(db_restore)
    app.cli.add_command(uploads_cli)
