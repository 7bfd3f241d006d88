"""`make bench`: run every benchmark in bench/ (each prints its figures beside a bare baseline).

Every bench/*.py with a ``main`` guard runs as its own process, so one failing bench does not hide
the others' figures. Helpers (common.py, bare_app.py, this file) are skipped.
"""
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HELPERS = {"run_all.py", "common.py", "bare_app.py", "__init__.py"}


def benches() -> list[Path]:
    return sorted(p for p in HERE.glob("*.py")
                  if p.name not in HELPERS and "__main__" in p.read_text("utf-8"))


def main() -> int:
    failed = []
    for path in benches():
        print(f"\n=== {path.name} " + "=" * (60 - len(path.name)), flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(path)], cwd=HERE.parent)
        print(f"--- {path.name}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
        if code:
            failed.append(path.name)
    if failed:
        print(f"\nFAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
