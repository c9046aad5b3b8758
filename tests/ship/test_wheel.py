"""The release as an operator gets it: `make dist` builds the wheel, docs/deploy.md's install and migrate steps run
as written in a clean directory outside the checkout, and the commands of deploy/ (each systemd unit's ExecStart,
each Procfile line) start from that virtualenv and answer: /readyz is 200 with a worker and the scheduler running,
503 naming the worker once it has been stopped, 503 naming the database when it cannot be reached.

Offline but for the first run: the locked packages come from a wheelhouse in .cache/ (filled once through pip's
own cache), so a CI run spends its time on the build, the install and the processes.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import requests

from tests.conftest import missing
from tests.workers.support import PrivateRedis, free_port, redis_binary, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
WHEELHOUSE = ROOT / ".cache" / "wheelhouse"
RUN_MARK = "<!-- tests/ship runs this -->"


def doc_blocks() -> list[str]:
    """The shell blocks of docs/deploy.md that are marked to be run, in order."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    return re.findall(re.escape(RUN_MARK) + r"\s*```sh\n(.*?)```", text, flags=re.S)


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{cmd!r} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def fill_wheelhouse(lock: Path) -> None:
    """Every locked package as a wheel in WHEELHOUSE: offline when it is complete, else through pip's cache and
    the index (http-ece publishes only an sdist: pip wheel builds it once)."""
    pip = [sys.executable, "-m", "pip", "wheel", "--quiet", "-w", str(WHEELHOUSE), "-r", str(lock)]
    offline = subprocess.run([*pip, "--no-index", "--find-links", str(WHEELHOUSE)], capture_output=True, timeout=300)
    if offline.returncode != 0:
        run(pip)


def env_file_values(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


@pytest.fixture
def redis_server(tmp_path_factory):
    if redis_binary() is None:
        missing("redis", "no redis-server binary")
    server = PrivateRedis(tmp_path_factory.mktemp("ship-redis"))
    yield server
    server.stop()


@pytest.fixture
def installed(tmp_path_factory, redis_server):
    """docs/deploy.md steps 2, 4 and 5 in a clean directory: APP (the virtualenv and instance/), ENV_FILE."""
    base = tmp_path_factory.mktemp("ship")
    release, app = base / "release", base / "srv-jewelpwa"
    release.mkdir()
    app.mkdir()
    run(["make", "-C", str(ROOT), "--no-print-directory", "dist"])  # step 2, as written
    wheels = list((ROOT / "dist").glob("jewelpwa-*.whl"))
    assert len(wheels) == 1, wheels
    shutil.copy(wheels[0], release)
    shutil.copy(ROOT / "requirements.lock", release)
    fill_wheelhouse(release / "requirements.lock")

    env_file = base / "jewelpwa.env"
    settings = env_file_values(DEPLOY / "env.example")  # the operator's template, with this test's places
    settings.update({"JEWELPWA_INSTANCE_PATH": str(app / "instance"),
                     "DATABASE_URL": f"sqlite:///{app / 'instance' / 'jewelpwa.db'}",
                     "REDIS_URL": redis_server.url,
                     # Beats every half second, stale after 3: the stopped worker shows in seconds, not minutes.
                     "HEARTBEAT_SECONDS": "0.5", "HEARTBEAT_STALE_SECONDS": "3"})
    env_file.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
    shell_env = {"PATH": os.environ["PATH"], "HOME": str(base), "LANG": "C.UTF-8",
                 "APP": str(app), "ENV_FILE": str(env_file), "OWNER_EMAIL": "owner@ship.test",
                 "OWNER_NAME": "Olive Owner", "STORE_NAME": "Ship Store", "OWNER_PASSWORD": "a long ship password",
                 "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE)}
    blocks = doc_blocks()
    assert len(blocks) == 2, "docs/deploy.md: the install and the migrate blocks are run by this test"
    for block in blocks:  # steps 4 and 5, as written
        run(["bash", "-euo", "pipefail", "-c", block], cwd=release, env=shell_env)
    return {"app": app, "release": release, "wheel": wheels[0], "env_file": env_file, "settings": settings}


class Started:
    """Processes started for one test, each in its own session; all stopped at the end."""

    def __init__(self, logdir: Path) -> None:
        self.logdir = logdir
        self.procs: list[subprocess.Popen] = []

    def start(self, argv: list[str], env: dict[str, str], cwd: Path, name: str) -> subprocess.Popen:
        log = open(self.logdir / f"{name}.log", "wb")  # noqa: SIM115 - the process writes to it until stopped
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        proc.log_path = log.name
        self.procs.append(proc)
        return proc

    def logs(self) -> str:
        return "".join(f"--- {p.args}\n{Path(p.log_path).read_text(errors='replace')[-2000:]}\n" for p in self.procs)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        self.procs.clear()


@pytest.fixture
def started(tmp_path):
    runner = Started(tmp_path)
    yield runner
    runner.stop_all()


def readyz(url: str) -> tuple[int, dict] | None:
    try:
        response = requests.get(url + "/readyz", timeout=5)
    except requests.RequestException:
        return None
    return response.status_code, response.json()


def wait_ready(url: str, started: Started) -> dict:
    def ok():
        for proc in started.procs:
            assert proc.poll() is None, f"{proc.args} exited with {proc.returncode}:\n{started.logs()}"
        answer = readyz(url)
        return answer[1] if answer and answer[0] == 200 else None

    try:
        return wait_for(ok, 90, interval=0.3, what=f"{url}/readyz to answer 200")
    except AssertionError:
        raise AssertionError(f"last answer {readyz(url)}\n{started.logs()}") from None


def test_the_release_installs_from_the_docs_and_runs_from_the_deploy_files(installed, started):
    """One test, so that one process builds and installs once (pytest-xdist would hand separate tests to
    separate processes, each building and installing the release again)."""
    the_wheel_holds_templates_static_assets_and_migrations(installed)
    systemd_units_run_the_store_and_readyz_names_a_stopped_worker(installed, started)
    started.stop_all()
    procfile_lines_run_the_store_and_readyz_names_an_unreachable_database(installed, started)


def the_wheel_holds_templates_static_assets_and_migrations(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    for must in ("jewelpwa/templates/base.html", "jewelpwa/static/vendor/htmx.min.js",
                 "jewelpwa/static/icons/icon-192.png", "jewelpwa/static/manifest.webmanifest",
                 "jewelpwa/migrations/alembic.ini", "jewelpwa/migrations/script.py.mako",
                 "jewelpwa/migrations/env.py"):
        assert must in names, must
    shipped = {n for n in names if n.startswith("jewelpwa/migrations/versions/") and n.endswith(".py")}
    assert {f"jewelpwa/migrations/versions/{p.name}" for p in (ROOT / "jewelpwa/migrations/versions").glob("*.py")} == shipped
    # The installed app runs from the virtualenv, not from the checkout.
    where = run([str(installed["app"] / "venv/bin/python"), "-c", "import jewelpwa; print(jewelpwa.__file__)"],
                cwd=installed["release"]).stdout
    assert where.startswith(str(installed["app"] / "venv")), where


def unit(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line and not line.startswith("#"))


def systemd_units_run_the_store_and_readyz_names_a_stopped_worker(installed, started):
    app, port = installed["app"], free_port()
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **env_file_values(installed["env_file"])}
    units = {p.name: unit(p) for p in sorted((DEPLOY / "systemd").glob("*.service"))}
    assert set(units) == {"jewelpwa-web.service", "jewelpwa-worker@.service", "jewelpwa-scheduler.service"}
    procs = {}
    for name, fields in units.items():
        assert fields["User"] == "jewelpwa" and fields["Restart"] == "always", name
        assert fields["EnvironmentFile"] == "/etc/jewelpwa/env" and fields["WorkingDirectory"] == "/srv/jewelpwa", name
        command = (fields["ExecStart"].replace("/srv/jewelpwa", str(app)).replace("%H", "ship").replace("%i", "1")
                   .replace("127.0.0.1:8000", f"127.0.0.1:{port}")
                   .replace("--workers 4", "--workers 2"))  # two gunicorn workers are enough to prove it here
        procs[name] = started.start(shlex.split(command), env, app, name)
    url = f"http://127.0.0.1:{port}"
    body = wait_ready(url, started)
    assert body == {"ok": True, "checks": {"database": "ok", "redis": "ok", "worker": "ok", "scheduler": "ok"}}
    assert requests.get(url + "/healthz", timeout=5).json() == {"ok": True}
    assert "<html" in requests.get(url + "/login", timeout=5).text
    assert requests.get(url + "/static/vendor/htmx.min.js", timeout=5).status_code == 200

    worker = procs["jewelpwa-worker@.service"]
    os.killpg(worker.pid, signal.SIGTERM)  # `systemctl stop jewelpwa-worker@1`: RQ's warm shutdown
    assert worker.wait(30) == 0, started.logs()  # it stops when asked, instead of starting its loop again
    stale = wait_for(lambda: (a := readyz(url)) and a[0] == 503 and a[1], 30, interval=0.3, what="/readyz to say 503")
    assert stale["failed"] == ["worker"], stale
    assert stale["checks"]["worker"].startswith("no heartbeat for "), stale


def procfile_lines_run_the_store_and_readyz_names_an_unreachable_database(installed, started):
    app, port = installed["app"], free_port()
    env = {"PATH": f"{app / 'venv' / 'bin'}:{os.environ['PATH']}", "LANG": "C.UTF-8",
           **env_file_values(installed["env_file"]), "PORT": str(port), "WEB_WORKERS": "1"}
    lines = dict(line.split(":", 1) for line in (DEPLOY / "Procfile").read_text().splitlines()
                 if line.strip() and not line.startswith("#"))
    assert set(lines) == {"web", "worker", "scheduler"}
    for name, command in lines.items():
        started.start(["bash", "-c", f"exec {command.strip()}"], env, app, name)
    url = f"http://127.0.0.1:{port}"
    assert wait_ready(url, started)["ok"] is True

    # The same web line on a database that cannot be opened (its folder does not exist).
    gone, other = installed["app"] / "no-such-folder" / "jewelpwa.db", free_port()
    started.start(["bash", "-c", f"exec {lines['web'].strip()}"],
                  {**env, "DATABASE_URL": f"sqlite:///{gone}", "PORT": str(other)}, app, "web-no-database")
    answer = wait_for(lambda: readyz(f"http://127.0.0.1:{other}"), 60, interval=0.3, what="the second web to answer")
    assert answer[0] == 503, answer
    assert answer[1]["failed"] == ["database"], answer
    assert answer[1]["checks"]["database"].startswith("unreachable"), answer


def test_systemd_units_parse(tmp_path):
    """systemd's own reading of the units: nothing wrong but the paths that exist only on a server."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("no systemd-analyze here")
    for path in (DEPLOY / "systemd").glob("*.service"):
        target = tmp_path / path.name.replace("@.", "@1.")
        target.write_text(path.read_text())
        result = subprocess.run([analyze, "verify", str(target)], capture_output=True, text=True, timeout=60)
        problems = [line for line in (result.stdout + result.stderr).splitlines()
                    if line.strip() and "is not executable" not in line and "/srv/jewelpwa" not in line]
        assert not problems, f"{path.name}: {problems}"
