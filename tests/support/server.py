"""A ``streamlit run`` on a free loopback port: for the browser tests and benchmarks.

One place for starting, health-checking and stopping the server, so that the test
fixture, the app benchmark and the load test run it the same way (TESTING.md §9).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRESETS_ENV = "DECOUPLING_PRESETS_DIR"
ATTEMPTS = 3  # the free port can be taken between bind and listen


@dataclass
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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(
    script: Path, workdir: Path, *, timeout: float = 90.0
) -> StreamlitServer:
    """Start ``streamlit run script`` headless on loopback and wait until healthy.

    Logs and the preset folder go under ``workdir``; stdout goes to a file, never a
    pipe that nobody reads (a full pipe blocks the server).
    """
    last: Exception | None = None
    for attempt in range(ATTEMPTS):
        port = free_port()
        presets_dir = workdir / f"presets-{attempt}"
        presets_dir.mkdir(parents=True, exist_ok=True)
        log_path = workdir / f"streamlit-{attempt}.log"
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--server.headless", "true",
            "--server.fileWatcherType", "none",
            "--server.runOnSave", "false",
            "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "minimal",
        ]  # fmt: skip
        env = {**os.environ, PRESETS_ENV: str(presets_dir), "PYTHONUNBUFFERED": "1"}
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
        server = StreamlitServer(
            f"http://127.0.0.1:{port}", proc, log_path, presets_dir
        )
        try:
            server.wait_healthy(timeout)
        except (RuntimeError, TimeoutError) as error:
            server.stop()
            last = error
            continue
        return server
    raise RuntimeError(f"could not start streamlit: {last}")
