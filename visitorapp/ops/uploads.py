"""Orphaned uploads: files under instance/uploads/ that no row refers to any more.

Most never come to be — a deleted image's file goes when the deletion commits, and a refused
form removes what it stored — but a crash between writing a file and committing its row, or a
database restored from an older backup, leaves some. ``flask uploads prune`` removes them: only
files older than a grace period, so an upload whose row is being committed right now is safe.
"""
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from ..registration import answers
from ..submissions import services as submissions
from ..timeutil import utcnow

#: A file younger than this may belong to a request still in flight.
GRACE = timedelta(hours=1)


def referenced() -> dict[str, set[str]]:
    """Per uploads folder, the stored names some row still refers to (each feature says its own)."""
    return {"cv": answers.referenced_files(), "submissions": submissions.referenced_images()}


@dataclass
class PruneResult:
    removed: list[str]
    kept: int


def prune(now: datetime, grace: timedelta = GRACE, *, dry_run: bool = False) -> PruneResult:
    """Remove (or with ``dry_run`` only list) unreferenced files older than ``grace``."""
    root = os.path.join(current_app.instance_path, "uploads")
    removed, kept = [], 0
    for folder, names in referenced().items():
        directory = os.path.join(root, folder)
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            if not entry.is_file(follow_symlinks=False):
                continue
            young = now.timestamp() - entry.stat().st_mtime < grace.total_seconds()
            if entry.name in names or young:
                kept += 1
                continue
            if not dry_run:
                os.remove(entry.path)
            removed.append(f"{folder}/{entry.name}")
    return PruneResult(removed, kept)


uploads_cli = AppGroup("uploads", help="Uploaded files (CVs, submission images).")


@uploads_cli.command("prune")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@click.option("--grace-hours", type=click.FloatRange(min=0), default=GRACE.total_seconds() / 3600,
              show_default=True, help="Keep unreferenced files younger than this.")
def prune_command(dry_run, grace_hours):
    """Remove uploaded files no registration or submission refers to any more."""
    result = prune(utcnow(), timedelta(hours=grace_hours), dry_run=dry_run)
    for name in result.removed:
        click.echo(("would remove " if dry_run else "removed ") + name)
    verb = "将删除" if dry_run else "已删除"
    click.echo(f"{verb}无主上传文件 {len(result.removed)} 个，保留 {result.kept} 个。")
