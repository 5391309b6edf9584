"""The streamlit server helper (tests/support/server.py) never outlives its parent.

A small Python parent starts a server on a one-line app, as the browser tests and
``python -m benchmarks --app`` do, and is then sent SIGTERM (what ``timeout``
sends), SIGINT (Ctrl-C, and what .ci/run's budget sends pytest) or SIGKILL: the
``streamlit run`` child must be gone within a few seconds, and the parent must
still end the way the signal ends it without the helper.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT

PARENT = """\
import signal, sys, time
from pathlib import Path

from tests.support.server import start_streamlit

# as in a terminal, even if this test runs with SIGINT ignored (a background job)
signal.signal(signal.SIGINT, signal.default_int_handler)
server = start_streamlit(Path(sys.argv[1]), Path(sys.argv[2]), timeout=60)
try:
    print(server.proc.pid, flush=True)
    time.sleep(120)
finally:
    server.stop()
"""

GONE_WITHIN_S = 5.0


def _state(pid: int) -> str | None:
    """The process's state letter (``/proc/<pid>/stat``), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _alive(pid: int) -> bool:
    # a zombie is dead: it waits only for its (new) parent to reap it
    return _state(pid) not in (None, "Z", "X")


def _read_pid(parent: subprocess.Popen[str], log: Path, timeout: float) -> int:
    """The server's pid, the first line the parent prints."""
    assert parent.stdout is not None
    ready, _, _ = select.select([parent.stdout], [], [], timeout)
    line = parent.stdout.readline() if ready else ""
    if not line.strip():
        parent.kill()
        parent.wait()
        pytest.fail(f"the parent printed no pid:\n{log.read_text()[-3000:]}")
    return int(line)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name
)
def test_server_ends_with_its_parent(tmp_path: Path, signum: signal.Signals) -> None:
    app = tmp_path / "tiny_app.py"
    app.write_text("import streamlit as st\n\nst.write('ok')\n", encoding="utf-8")
    log = tmp_path / "parent.log"
    with open(log, "w") as err:
        parent = subprocess.Popen(
            [sys.executable, "-c", PARENT, str(app), str(tmp_path)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    pid = None
    try:
        pid = _read_pid(parent, log, timeout=45)
        assert _alive(pid)
        parent.send_signal(signum)
        parent.wait(timeout=15)
        # the parent ends as the signal ends a Python process without the helper:
        # SIGTERM and SIGKILL kill it, SIGINT's uncaught KeyboardInterrupt makes
        # Python end itself by SIGINT
        assert parent.returncode == -signum, log.read_text()[-3000:]
        deadline = time.monotonic() + GONE_WITHIN_S
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid), f"streamlit (pid {pid}) outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if pid is not None and _alive(pid):
            os.killpg(pid, signal.SIGKILL)  # the server leads its own group
