"""Load: several browser sessions at once against one ``streamlit run app.py``.

A small run of the load benchmark (tests/support/load.py: 6 sessions, 20 s of
moving sliders and switching presets) as a subprocess: it must report no error
(page errors, console errors, failed HTTP or websocket traffic, exceptions on the
page, interactions that never finished), no request leaving the machine, and
sensible latency and memory figures.
The full benchmark (30 sessions) is ``python -m benchmarks.load``; its figures are
in the README. The report of this run is kept in ``$CI_ARTIFACTS/load.json``.

Covered elsewhere: many processes writing presets at once: tests/test_store.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT, require_chromium
from tests.support import load

SESSIONS = 6
DURATION_S = 20


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_concurrent_sessions_without_errors(tmp_path: Path) -> None:
    exe = require_chromium()
    out = tmp_path / "load.json"
    cmd = [
        sys.executable, "-m", "tests.support.load",
        "--sessions", str(SESSIONS),
        "--duration", str(DURATION_S),
        "--think", "1", "3",
        "--json", str(out),
    ]  # fmt: skip
    done = subprocess.run(
        cmd,
        cwd=ROOT,
        env={**os.environ, "CHROMIUM_PATH": exe},
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
    )
    assert out.exists(), f"no report (exit {done.returncode}):\n{done.stderr[-3000:]}"
    report = json.loads(out.read_text())
    artifacts = os.environ.get("CI_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        (Path(artifacts) / "load.json").write_text(out.read_text())

    assert report["errors"] == 0, report["error_samples"]
    assert done.returncode == 0, done.stderr[-3000:]
    assert report["external_requests"] == []  # works in a room without internet
    assert report["sessions_loaded"] == SESSIONS
    assert report["interactions"] >= SESSIONS  # every session did something
    latency = report["latency_ms"]
    assert latency["n"] == report["interactions"]
    assert 0 < latency["p50"] <= latency["p95"] <= latency["max"]
    assert latency["p95"] < 60_000  # an interaction that took longer is an error
    runs = report["server_script_run_ms"]
    assert runs["n"] >= report["interactions"]  # one script run per interaction
    assert set(runs["outcomes"]) <= {"finished", "RerunException", "StopException"}
    server = report["server"]
    assert 50 < server["rss_mib_before"] <= server["rss_mib_peak"] < 2048
    assert server["rss_mib_end"] <= server["rss_mib_peak"]
    print(json.dumps(report, indent=2))  # shown with -s, and in the CI log on failure


def test_percentiles_are_nearest_rank() -> None:
    stats = load.percentiles([float(v) for v in range(1, 101)])
    assert (stats["n"], stats["p50"], stats["p95"], stats["max"]) == (100, 50, 95, 100)
    assert load.percentiles([])["p50"] is None
    assert load.percentiles([7.0])["p95"] == 7.0


def test_memory_and_cpu_of_a_process_tree() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        deadline = time.monotonic() + 10
        while child.pid not in load.process_tree(os.getpid()):
            assert time.monotonic() < deadline, "child not found in /proc"
            time.sleep(0.05)
        alone = load.rss_mib([os.getpid()])
        both = load.rss_mib(load.process_tree(os.getpid()))
        assert 10 < alone < both
        assert load.cpu_seconds([os.getpid()]) > 0
        assert load.rss_mib([2**22 + 12345]) == 0  # a process that does not exist
    finally:
        child.kill()
        child.wait()


def test_script_run_log_is_read_from_the_interaction_phase(tmp_path: Path) -> None:
    log = tmp_path / load.RUNS_LOG
    log.write_text(
        "100.000 0.5000 0.4000 finished\n200.000 0.2500 0.1000 finished\n"
        "201.000 0.0100 0.0050 RerunException\n",
        encoding="utf-8",
    )
    runs = load.script_runs(log, since=150.0)
    assert runs["n"] == 2 and runs["max"] == 250.0
    assert runs["cpu_ms"]["max"] == 100.0
    assert runs["outcomes"] == {"finished": 1, "RerunException": 1}
    assert load.script_runs(tmp_path / "missing.log", since=0)["n"] == 0
