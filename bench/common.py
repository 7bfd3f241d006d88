"""Shared plumbing for the benchmarks: scratch databases, a gunicorn on 127.0.0.1, timings.

Load only ever goes to 127.0.0.1, bounded in count and time. Every bench prints its figures beside
a bare baseline measured in the same run on the same machine.
"""
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PG_BASE = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 for line in open("/proc/meminfo")
                if line.startswith("MemTotal")), 0)
    import flask
    import sqlalchemy
    try:
        import psycopg
        pg = psycopg.__version__
    except ImportError:
        pg = "-"
    import sqlite3
    return (f"{os.cpu_count()} CPU ({cpu}), {mem} MiB RAM, Python {platform.python_version()}, "
            f"Flask {flask.__version__}, SQLAlchemy {sqlalchemy.__version__}, psycopg {pg}, "
            f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}")


def pg_available() -> str | None:
    try:
        engine = sa.create_engine(PG_BASE, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL not reachable at {PG_BASE}: {type(exc).__name__}"
    return None


@contextmanager
def scratch_database(kind: str, tmp: Path):
    """A throw-away database: a SQLite file in tmp, or a new PostgreSQL database (dropped after)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(PG_BASE).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Base(str):
    """The server's base URL, with the arbiter's pid for CPU accounting (``cpu_seconds``)."""

    pid: int


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields after "pid (comm)"


def cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) used so far by a gunicorn arbiter and its workers, those still
    running and those it has reaped (recycled workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    root = _stat(root_pid)
    if root is None:
        return float("nan")
    total = sum(int(x) for x in root[11:15])  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and fields[1] == str(root_pid):
            total += int(fields[11]) + int(fields[12])
    return total / tick


@contextmanager
def gunicorn(app_spec: str, env: dict, workers: int, cwd: Path = ROOT):
    """gunicorn -c gunicorn.conf.py on 127.0.0.1:<free port> with ``workers`` sync workers;
    yields its base URL (a ``Base``, carrying the arbiter's pid)."""
    port = free_port()
    full_env = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": str(workers), "GUNICORN_ACCESSLOG": "/dev/null",
                "GUNICORN_LOGLEVEL": "warning", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), app_spec],
                            cwd=cwd, env=full_env)
    base = Base(f"http://127.0.0.1:{port}")
    base.pid = proc.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def figures(latencies: list[float], seconds: float, cpu: float, successes: int | None = None) -> dict:
    """The steady-state figures of one timed run."""
    n = len(latencies)
    return {"n": n, "seconds": seconds, "rps": n / seconds,
            "ok_per_s": (successes if successes is not None else n) / seconds,
            "p50": percentile(latencies, 50) * 1000, "p99": percentile(latencies, 99) * 1000,
            "cpu_ms": cpu / n * 1000 if n else float("nan")}


def line(label: str, f: dict, ok_word: str = "") -> str:
    ok = f", {f['ok_per_s']:.0f} {ok_word}/s" if ok_word else ""
    return (f"{label}: {f['n']} requests in {f['seconds']:.2f} s = {f['rps']:.0f} req/s{ok}; "
            f"p50 {f['p50']:.1f} ms, p99 {f['p99']:.1f} ms; CPU {f['cpu_ms']:.2f} ms/request")


def ratio(f: dict, bare: dict) -> str:
    return (f"throughput {f['rps'] / bare['rps']:.2f}x, p99 {f['p99'] / bare['p99']:.1f}x, "
            f"CPU/request {f['cpu_ms'] / bare['cpu_ms']:.1f}x")


def summary(latencies: list[float]) -> str:
    return (f"p50 {percentile(latencies, 50) * 1000:.1f} ms, p99 {percentile(latencies, 99) * 1000:.1f} ms, "
            f"mean {statistics.fmean(latencies) * 1000:.1f} ms")


def run_each_database(choice: str, run_backend, args) -> int:
    """``run_backend(kind, args, tmp)`` on SQLite and/or PostgreSQL (``choice``: sqlite,
    postgresql or both), printing its lines; PostgreSQL skips with a reason when unreachable.
    Returns 1 if any line says FAILED (oversold, counters, double admissions), else 0."""
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for kind in (["sqlite", "postgresql"] if choice == "both" else [choice]):
            if kind == "postgresql" and (reason := pg_available()):
                print(f"[postgresql] SKIPPED: {reason}")
                continue
            for text in run_backend(kind, args, Path(tmp)):
                print(text, flush=True)
                failed |= "FAILED" in text
    return 1 if failed else 0
