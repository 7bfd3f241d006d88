"""Files in instance/ are the app's own: the database, uploaded CVs and images, backups (personal
data) and the secret key that signs every ticket. Directories are made 0700 and files 0600
whatever the umask (gunicorn's default umask is 0), and existing ones are tightened at start-up."""
import os


def restrict(path: str, mode: int) -> None:
    """chmod when the file is there and ours; otherwise leave it (another user's deployment)."""
    try:
        os.chmod(path, mode)
    except (FileNotFoundError, PermissionError):
        pass


def private_dir(path: str) -> str:
    """``path`` as a directory only its owner can enter (created, or tightened if it exists)."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    restrict(path, 0o700)
    return path


def create_private(path: str):
    """A new file, 0600 from its first byte (never world-readable for a moment); fails if it exists."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def private_sqlite_file(path: str | None) -> None:
    """The SQLite database (and its -wal/-shm files) 0600. Created empty here when missing, so
    SQLite — which gives its WAL and shared-memory files the database's mode — never makes a
    world-readable one."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    if not os.path.exists(path) and os.path.isdir(os.path.dirname(path) or "."):
        try:
            create_private(path).close()
        except FileExistsError:  # another worker created it just now
            pass
    for name in (path, f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        restrict(name, 0o600)
