"""A ``streamlit run`` on a free loopback port: for the browser tests and benchmarks.

One place for starting, health-checking and stopping the server, so that the test
fixture, the app benchmark and the load test run it the same way (TESTING.md §9).

The server never outlives the process that started it:

* it runs in its own process group (``start_new_session``), and :meth:`stop`
  ends the whole group: SIGTERM, then SIGKILL after 10 s;
* while a server runs, SIGTERM and SIGINT first stop every running server and
  then do what they did before: the previous Python handler runs (SIGINT:
  ``KeyboardInterrupt``, so pytest still tears its fixtures down), or the
  process dies of the signal as it would have by default. A signal that was
  ignored stays ignored (and the server keeps running with its parent);
* on Linux, the kernel kills the server if its parent dies anyway, e.g. of
  SIGKILL (``prctl(PR_SET_PDEATHSIG)``, set in the new process before it
  becomes streamlit).

Signal handlers and the parent-death signal need the main thread (the kernel
sends the parent-death signal when the *thread* that started the child ends), so
they are only set up when :func:`start_streamlit` is called from it; from other
threads only :meth:`stop` and the process group remain.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PRESETS_ENV = "DECOUPLING_PRESETS_DIR"
ATTEMPTS = 3  # the free port can be taken between bind and listen
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
"""Signals that stop every running server before they reach the process."""

# Run by the new process before it becomes streamlit (execv keeps the setting):
# SIGKILL when the parent dies (PR_SET_PDEATHSIG = 1), and quit at once if the
# parent is already gone (then the setting would never fire).
_DIE_WITH_PARENT = (
    "import ctypes, os, sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    os._exit(1)\n"
    "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])\n"
)


@dataclass(eq=False)
class StreamlitServer:
    """A running server in its own process group, with its own empty preset folder."""

    url: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    presets_dir: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "<no log>"
        return "\n".join(text.splitlines()[-lines:])

    def wait_healthy(self, timeout: float) -> None:
        """Until ``/_stcore/health`` says ok; RuntimeError if the process exits,
        TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited early (rc={self.proc.returncode}):\n"
                    f"{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(
                    f"{self.url}/_stcore/health", timeout=2
                ) as r:
                    if r.status == 200 and r.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
                last = e
            time.sleep(0.2)
        raise TimeoutError(
            f"streamlit not healthy after {timeout} s ({last!r}):\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """SIGTERM to the process group (children too), SIGKILL after 10 s."""
        try:
            if self.proc.poll() is not None:
                return
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        finally:
            _forget(self)


# --- ending with the parent ---------------------------------------------------------

_running: list[StreamlitServer] = []
_previous: dict[int, Any] = {}  # signal -> the handler ours replaced
_stopping = False


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """Stop every server, then let the signal do what it did before."""
    global _stopping
    if _stopping:  # a second signal while the first one stops the servers
        return
    _stopping = True
    try:
        for server in list(_running):
            server.stop()
    finally:
        _stopping = False
    previous = _previous.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    signal.signal(signum, signal.SIG_DFL)  # die of it, as without this handler
    os.kill(os.getpid(), signum)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _remember(server: StreamlitServer) -> None:
    """Register a new server; install the signal handlers with the first one."""
    _running.append(server)
    if not _in_main_thread():
        return
    for signum in STOP_SIGNALS:
        current = signal.getsignal(signum)
        if current is _on_signal or current in (signal.SIG_IGN, None):
            continue  # ours already, ignored on purpose, or set outside Python
        _previous[signum] = current
        signal.signal(signum, _on_signal)


def _forget(server: StreamlitServer) -> None:
    """Unregister a stopped server; the last one restores the previous handlers."""
    if server in _running:
        _running.remove(server)
    if _running or not _in_main_thread():
        return
    for signum, previous in list(_previous.items()):
        if signal.getsignal(signum) is _on_signal:
            signal.signal(signum, previous)
        del _previous[signum]


def _command(streamlit_args: list[str]) -> list[str]:
    """``python -m streamlit ...``, on Linux from the main thread through a
    launcher that makes the kernel kill it when this process dies."""
    if sys.platform.startswith("linux") and _in_main_thread():
        return [
            sys.executable, "-c", _DIE_WITH_PARENT, str(os.getpid()),
            "-m", "streamlit", *streamlit_args,
        ]  # fmt: skip
    return [sys.executable, "-m", "streamlit", *streamlit_args]


# --- starting -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(
    script: Path,
    workdir: Path,
    *,
    timeout: float = 90.0,
    env: Mapping[str, str] | None = None,
) -> StreamlitServer:
    """Start ``streamlit run script`` headless on loopback and wait until healthy.

    Logs and the preset folder go under ``workdir``; stdout goes to a file, never a
    pipe that nobody reads (a full pipe blocks the server). The server inherits
    this process's environment, plus ``env``. Stop it with
    :meth:`StreamlitServer.stop`; it ends with this process in any case (see the
    module docstring).
    """
    last: Exception | None = None
    for attempt in range(ATTEMPTS):
        port = free_port()
        presets_dir = workdir / f"presets-{attempt}"
        presets_dir.mkdir(parents=True, exist_ok=True)
        log_path = workdir / f"streamlit-{attempt}.log"
        cmd = _command([
            "run", str(script),
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--server.headless", "true",
            "--server.fileWatcherType", "none",
            "--server.runOnSave", "false",
            "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "minimal",
        ])  # fmt: skip
        child_env = {
            **os.environ,
            **(env or {}),
            PRESETS_ENV: str(presets_dir),
            "PYTHONUNBUFFERED": "1",
        }
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=child_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = StreamlitServer(
            f"http://127.0.0.1:{port}", proc, log_path, presets_dir
        )
        _remember(server)
        try:
            server.wait_healthy(timeout)
        except (RuntimeError, TimeoutError) as error:
            server.stop()
            last = error
            continue
        except BaseException:  # e.g. KeyboardInterrupt while waiting
            server.stop()
            raise
        return server
    raise RuntimeError(f"could not start streamlit: {last}")
