"""Fixtures for browser tests: a real ``streamlit run`` server + Debian's Chromium.

pytest-playwright provides the ``playwright``/``browser``/``context``/``page``
fixtures; we only point it at the system Chromium (Playwright's own browser
download is impossible offline) and size the viewport. Each test gets a fresh
browser context, i.e. a fresh Streamlit session, while the server is shared.

User presets: every test session gets its own ``DECOUPLING_PRESETS_DIR`` (a temp
dir), so neither in-process tests (AppTest) nor the server ever write to a user's
folder. Tests that check saving should still use ``monkeypatch.setenv`` + ``tmp_path``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import APP, ROOT, require_chromium

PRESETS_ENV = "DECOUPLING_PRESETS_DIR"

CHROMIUM_ARGS = [
    "--no-sandbox",  # required as root
    "--disable-gpu",
    "--disable-dev-shm-usage",  # small /dev/shm in containers
    "--disable-background-networking",  # offline: avoid refused background calls
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

_SESSION_PRESETS_DIR: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Redirect user presets to a throwaway dir for the whole session (even when the
    caller's environment points DECOUPLING_PRESETS_DIR at a real folder)."""
    global _SESSION_PRESETS_DIR
    _SESSION_PRESETS_DIR = tempfile.mkdtemp(prefix="decoupling-presets-")
    os.environ[PRESETS_ENV] = _SESSION_PRESETS_DIR


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SESSION_PRESETS_DIR:
        shutil.rmtree(_SESSION_PRESETS_DIR, ignore_errors=True)


# --- Playwright ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Override of pytest-playwright's fixture: Debian's Chromium, headless."""
    exe = require_chromium()  # skip locally if missing; fail when REQUIRE_BROWSER=1
    return {
        **browser_type_launch_args,
        "executable_path": exe,
        "args": CHROMIUM_ARGS,
        "timeout": 60_000,  # browser launch
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


# --- streamlit run ------------------------------------------------------------------


@dataclass
class StreamlitServer:
    url: str
    presets_dir: Path
    log_path: Path
    proc: subprocess.Popen

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "<no log>"
        return "\n".join(lines[-n:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(server: StreamlitServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_err: object = None
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited early (rc={server.proc.returncode}):\n"
                f"{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(server.url + "/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
            last_err = e
        time.sleep(0.2)
    raise TimeoutError(
        f"streamlit not healthy after {timeout}s ({last_err!r}):\n{server.log_tail()}"
    )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # own process group: catches children
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _start_server(
    tmp_path_factory: pytest.TempPathFactory, attempt: int
) -> StreamlitServer:
    presets_dir = tmp_path_factory.mktemp("server-presets")
    log_path = tmp_path_factory.mktemp("logs") / f"streamlit-{attempt}.log"
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
    ]  # fmt: skip
    env = {**os.environ, PRESETS_ENV: str(presets_dir), "PYTHONUNBUFFERED": "1"}
    # stdout to a file, not a PIPE: a never-read pipe fills up and blocks the server
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return StreamlitServer(f"http://127.0.0.1:{port}", presets_dir, log_path, proc)


@pytest.fixture(scope="session")
def streamlit_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[StreamlitServer]:
    """One ``streamlit run app.py`` for the whole session, on a free loopback port,
    with its own empty presets dir (``server.presets_dir``)."""
    if not APP.exists():
        pytest.fail(f"{APP} does not exist", pytrace=False)
    timeout = float(os.environ.get("STREAMLIT_START_TIMEOUT", 90))
    last: Exception | None = None
    for attempt in range(3):  # retry: the port can be taken between bind and listen
        server = _start_server(tmp_path_factory, attempt)
        try:
            _wait_healthy(server, timeout=timeout)
        except (RuntimeError, TimeoutError) as e:
            _stop(server.proc)
            last = e
            continue
        try:
            yield server
        finally:
            _stop(server.proc)
        return
    raise RuntimeError(f"could not start streamlit: {last}")
