"""Load test: many browser sessions against one ``streamlit run app.py``.

The driver of the load benchmark and of tests/test_load.py (which runs a small
load with it as ``python -m tests.support.load``).

``python -m benchmarks.load [--sessions 30] [--duration 90]`` starts the app on a
free loopback port (or uses ``--url``), opens ``--sessions`` headless Chromium
pages on the same link (each a fresh browser context, i.e. a fresh Streamlit
session; ``--load-concurrency`` of them load at a time), waits until every page
has rendered, and then lets all sessions at once move sidebar sliders (one
keyboard step, on a random slider) and switch presets (``--preset-share`` of the
actions) with a think time of ``--think`` seconds, for ``--duration`` seconds.
It prints one JSON object (also written to ``--json``):

* ``errors``: uncaught page errors, console errors, HTTP responses >= 400, failed
  requests, websockets closed or failing while in use, ``stException`` elements,
  a page not connected, interactions that did not finish within ``--timeout``
  and pages that did not load; ``error_samples`` lists the first few. Must be 0.
* ``latency_ms``: per interaction, from the key press or option click inside the
  page (``performance.now()`` of the input event) to the last change of the
  page's main area (metrics, chart) drawn for the rerun it caused (``p50``,
  ``p95``, ``max``), over all interactions and by kind (``slider``, ``preset``).
  ``client_latency_ms``: from the driver's key press to the server's
  script-finished message reaching the page.
* ``server_script_run_ms``: wall-clock time of each script run on the server in
  the interaction phase (``cpu_ms``: CPU time of the script's thread), logged
  by a wrapper that executes ``app.py`` unchanged; the server's share of the
  latency, the rest being the browsers (which share the machine here).
* ``external_requests``: requests to anything but the app (answered with an
  empty 204 by the driver, so a room without internet behaves the same); they
  are listed, not counted as errors.
* ``first_render_ms``: navigation start to the first headline metric on screen.
* ``server``: resident memory of the server process and its children
  (``/proc/<pid>/status`` VmRSS, MiB) before the sessions, after they loaded, at
  the peak and at the end; CPU seconds the server used in the interaction phase,
  and the seconds its threads were ready to run but waited for a CPU.
* ``load_average``: of the machine before and after (other work skews figures).

An interaction is "done" when the server's script-finished message for the rerun
has reached the page, the app's run state (``data-test-script-state`` on
``stApp``) is ``notRunning``, no element is marked ``data-stale``, and the main
area has not changed for 250 ms: the chart and metrics then show the new levers.
The browsers run at a lower CPU priority (``--browser-nice``)
because on one machine they stand in for the audience's own laptops. Exit status
1 when there were errors, else 0.

The browser is Debian's ``chromium`` (``CHROMIUM_PATH`` overrides), never a
Playwright download.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from dashboard import i18n
from model.levers import LEVERS_BY_NAME
from tests.support.browser import CHROMIUM_ARGS, chromium_candidate
from tests.support.server import StreamlitServer, start_streamlit

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"

LOAD_CHROMIUM_ARGS = [
    *CHROMIUM_ARGS,
    # every page is "in front": no throttling of timers or rendering
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]

METRIC = '[data-testid="stMetricValue"]'
SMALL_FRAME = 2048
"""Websocket frames shorter than this are decoded to find script-finished ones."""

# Installed in every page before its scripts run: counts finished script runs
# (transitions of stApp's data-test-script-state to "notRunning") and stamps the
# time of the last key press or pointer press.
INIT_SCRIPT = """
(() => {
  window.__inputAt = 0;
  window.__drawnAt = 0;
  const stamp = () => { window.__inputAt = performance.now(); };
  window.addEventListener('keydown', stamp, true);
  window.addEventListener('pointerdown', stamp, true);
  const watch = () => new MutationObserver((records) => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (main && records.some((r) => main.contains(r.target))) {
      window.__drawnAt = performance.now();
    }
  }).observe(document.body, {subtree: true, childList: true, attributes: true,
                             characterData: true});
  if (document.body) { watch(); } else {
    document.addEventListener('DOMContentLoaded', watch);
  }
})();
"""

# After the server's script-finished message has reached the page: resolves once
# the app is idle (no run, nothing stale, the chart there) and the main area has
# not changed for SETTLE_MS, with the time from the input event to the last
# change of the main area [ms] (null if it did not change). Event driven, not
# polling every frame: that would load the machine with 30 pages.
SETTLE_MS = 250
SETTLED_JS = """
(settle) => new Promise((resolve) => {
  const idle = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
      && !document.querySelector('[data-stale="true"]')
      && !!document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  };
  const check = () => {
    if (idle() && performance.now() - window.__drawnAt >= settle) {
      clearInterval(timer);
      const drawn = window.__drawnAt > window.__inputAt;
      resolve(drawn ? window.__drawnAt - window.__inputAt : null);
    }
  };
  const timer = setInterval(check, 50);
  check();
})
"""

IDLE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"]')
    && !!document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
}
"""

PAGE_STATE_JS = """
() => ({
  exceptions: document.querySelectorAll('[data-testid="stException"]').length,
  connection: document.querySelector('[data-testid="stApp"]')
    ?.getAttribute('data-test-connection-state') ?? null,
})
"""

SLIDER_VALUE_JS = "e => [Number(e.value), Number(e.min), Number(e.max)]"

# Texts the sessions look for, from the same i18n lookups as the app (so a relabel
# in dashboard/content/i18n cannot break the driver), in the app's start language.
LANG = i18n.DEFAULT_LANGUAGE
TARIFF_LEVER = "us_tariff_pct"
TARIFF_LABEL = i18n.lever_label(TARIFF_LEVER, LANG)
EXPAND = i18n.group_title(LEVERS_BY_NAME[TARIFF_LEVER].group, LANG)
"""A collapsed lever group every session opens (the tariff slider's): its tariff
sliders always change the results, whatever the preset."""
PRESET_LABEL = i18n.t("sidebar.preset", LANG)


# --- the server ----------------------------------------------------------------------


def chromium_path() -> str:
    """The system Chromium; SystemExit if it is missing."""
    exe = chromium_candidate()
    if not Path(exe).exists():
        raise SystemExit(f"chromium not found at {exe} (apt-get install chromium)")
    return exe


def niced(executable: str, nice: int, workdir: Path) -> str:
    """A wrapper script that starts ``executable`` at a lower CPU priority.

    On one machine the browsers stand in for the audience's own laptops: at a
    lower priority they cannot starve the server of the CPU it would have to
    itself in a real room (they still get every cycle the server leaves).
    """
    if nice <= 0:
        return executable
    wrapper = workdir / "chromium-niced"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n {int(nice)} "{executable}" "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


RUNS_LOG = "script-runs.log"
TIMED_APP = """\
# Written by tests/support/load.py: runs app.py unchanged and logs how long each
# script run took on the server (wall clock, so waits for the GIL count too).
import sys
import time

APP = {app!r}
sys.path.insert(0, {root!r})
_start, _cpu = time.perf_counter(), time.thread_time()
_status = "finished"
try:
    with open(APP, encoding="utf-8") as _source:
        _code = compile(_source.read(), APP, "exec")
    exec(_code, {{"__name__": "__main__", "__file__": APP}})
except BaseException as _error:  # st.stop, a rerun that interrupts this one
    _status = type(_error).__name__
    raise
finally:
    with open({log!r}, "a", encoding="utf-8") as _log:
        _took = time.perf_counter() - _start
        _used = time.thread_time() - _cpu
        _log.write(f"{{time.time():.3f}} {{_took:.4f}} {{_used:.4f}} {{_status}}\\n")
"""


def script_runs(log: Path, since: float) -> dict[str, object]:
    """Percentiles of the server's script runs that ended after ``since`` [ms]:
    wall-clock time, and ``cpu_ms`` the CPU time of the script's own thread."""
    durations, cpu, statuses = [], [], {}
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    for line in lines:
        ended, seconds, used, status = line.split()
        if float(ended) >= since:
            durations.append(1000 * float(seconds))
            cpu.append(1000 * float(used))
            statuses[status] = statuses.get(status, 0) + 1
    return percentiles(durations) | {
        "cpu_ms": percentiles(cpu),
        "outcomes": statuses,
    }


def start_server(
    workdir: Path, app: Path = APP, timeout: float = 90.0
) -> StreamlitServer:
    """Start ``app`` through a wrapper that logs each script run's time."""
    script = workdir / "timed_app.py"
    script.write_text(
        TIMED_APP.format(app=str(app), root=str(ROOT), log=str(workdir / RUNS_LOG)),
        encoding="utf-8",
    )
    return start_streamlit(script, workdir, timeout=timeout)


# --- /proc: memory and CPU of a process tree ------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(_children(current))
    return tree


def rss_mib(pids: list[int]) -> float:
    """Sum of VmRSS [MiB] of the processes that still exist."""
    total_kib = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
                    break
        except OSError:
            continue
    return total_kib / 1024


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime [s] of the processes that still exist."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / ticks


def cpu_wait_seconds(pids: list[int]) -> float:
    """Time the threads of these processes spent runnable but waiting for a CPU
    (``/proc/<pid>/task/<tid>/schedstat``, second field) [s]."""
    total = 0
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                total += int((task / "schedstat").read_text().split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return total / 1e9


class MemorySampler:
    """Samples the server tree's RSS every ``interval`` seconds in the background."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, float]] = []
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> float:
        value = rss_mib(process_tree(self.pid))
        self.samples.append((time.monotonic(), value))
        return value

    async def _run(self) -> None:
        while True:
            await asyncio.to_thread(self.sample)
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    @property
    def peak(self) -> float:
        return max((v for _, v in self.samples), default=0.0)


# --- sessions -------------------------------------------------------------------------


@dataclass
class Stats:
    """What all sessions saw."""

    errors: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    client_latencies: dict[str, list[float]] = field(default_factory=dict)
    external: set[str] = field(default_factory=set)
    first_render: list[float] = field(default_factory=list)
    skipped: int = 0  # chosen actions that could not change anything (at a bound)
    unchanged: int = 0  # runs that changed nothing in the main area

    def error(self, session: int, kind: str, detail: object = "") -> None:
        text = " ".join(str(detail).split())[:300]
        self.errors.append(f"session {session}: {kind}: {text}")

    def record(self, kind: str, in_page_ms: float, client_ms: float) -> None:
        self.latencies.setdefault(kind, []).append(in_page_ms)
        self.client_latencies.setdefault(kind, []).append(client_ms)


class Session:
    """One user: a browser context on the shared link, moving levers."""

    def __init__(
        self, index: int, browser: Any, args: argparse.Namespace, stats: Stats
    ):
        self.index, self.browser, self.args, self.stats = index, browser, args, stats
        self.rng = random.Random(args.seed * 1000 + index)
        self.context: Any = None
        self.page: Any = None
        self.closing = False
        self.ready = False
        self.runs_finished = 0
        self.run_finished = asyncio.Event()

    def _error(self, kind: str, detail: object = "") -> None:
        if not self.closing:
            self.stats.error(self.index, kind, detail)

    def _watch(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self._error("page error", exc))
        page.on(
            "console",
            lambda msg: (
                self._error("console error", msg.text) if msg.type == "error" else None
            ),
        )
        page.on(
            "response",
            lambda r: (
                self._error("HTTP", f"{r.status} {r.url}") if r.status >= 400 else None
            ),
        )
        page.on(
            "requestfailed",
            lambda r: self._error("request failed", f"{r.failure} {r.url}"),
        )

        def websocket(ws: Any) -> None:
            ws.on("socketerror", lambda e: self._error("websocket error", e))
            ws.on("close", lambda _: self._error("websocket closed", ws.url))
            ws.on("framereceived", self._frame)

        page.on("websocket", websocket)

    def _frame(self, payload: str | bytes) -> None:
        """Count the server's script-finished messages (small frames only: the
        large ones carry elements)."""
        if isinstance(payload, bytes) and len(payload) < SMALL_FRAME:
            kind = ForwardMsg.FromString(payload).WhichOneof("type")
            if kind == "script_finished":
                self.runs_finished += 1
                self.run_finished.set()

    async def _external(self, route: Any) -> None:
        self.stats.external.add(route.request.url.split("?")[0])
        await route.fulfill(status=204, body="")

    async def open(self, url: str) -> None:
        self.context = await self.browser.new_context(
            viewport={"width": 1280, "height": 900}
        )
        # Only requests that leave the app are routed here; a regular expression
        # is matched in the browser driver, so the app's own requests never wait
        # for a round trip to this process.
        base = re.escape(url.split("?")[0].rstrip("/"))
        await self.context.route(re.compile(f"^(?!{base}(/|$))"), self._external)
        self.page = await self.context.new_page()
        self.page.set_default_timeout(self.args.timeout * 1000)
        self._watch(self.page)
        await self.page.add_init_script(INIT_SCRIPT)
        start = time.monotonic()
        try:
            await self.page.goto(url, wait_until="domcontentloaded")
            await self.page.locator(METRIC).first.wait_for(
                state="visible", timeout=self.args.load_timeout * 1000
            )
            self.stats.first_render.append(1000 * (time.monotonic() - start))
            await self._wait_idle()
            await self.page.get_by_test_id("stSidebar").get_by_text(EXPAND).click()
            await (
                self.page.get_by_test_id("stSidebar")
                .get_by_role("slider", name=TARIFF_LABEL)
                .wait_for(state="visible")
            )
            await self._check_page()
            self.ready = True
        except Exception as error:  # noqa: BLE001 - every failure is a finding
            self._error("page did not load", repr(error))

    async def _wait_idle(self) -> None:
        await self.page.wait_for_function(
            IDLE_JS, polling=100, timeout=self.args.timeout * 1000
        )

    async def _check_page(self) -> None:
        state = await self.page.evaluate(PAGE_STATE_JS)
        if state["exceptions"]:
            self._error("stException on the page", state["exceptions"])
        if state["connection"] != "CONNECTED":
            self._error("not connected", state["connection"])

    async def _runs_done(self) -> int:
        """Script runs finished so far (seen on the websocket); resets the wait."""
        self.run_finished.clear()
        return self.runs_finished

    async def _done(self, kind: str, runs0: int, start: float) -> None:
        """Wait for the rerun the input caused and record its latency.

        The server's script-finished message is the signal that the run is over
        (the page's own run state can skip "running" when the browser handles
        the whole run's messages at once); then the page must settle.
        """
        deadline = start + self.args.timeout
        try:
            while self.runs_finished <= runs0:
                self.run_finished.clear()
                await asyncio.wait_for(
                    self.run_finished.wait(), timeout=deadline - time.monotonic()
                )
            finished = time.monotonic()
            drawn = await asyncio.wait_for(
                self.page.evaluate(SETTLED_JS, SETTLE_MS),
                timeout=max(1.0, deadline - time.monotonic()),
            )
        except TimeoutError:
            raise TimeoutError(
                f"the rerun did not finish within {self.args.timeout:g} s"
            ) from None
        if drawn is None:  # nothing in the main area changed: the run's end counts
            self.stats.unchanged += 1
            drawn = 1000 * (finished - start)
        self.stats.record(kind, float(drawn), 1000 * (finished - start))

    async def move_slider(self) -> None:
        sliders = self.page.get_by_test_id("stSidebar").get_by_role("slider")
        count = await sliders.count()
        slider = sliders.nth(self.rng.randrange(count))
        value, low, high = await slider.evaluate(SLIDER_VALUE_JS)
        if low == high:
            self.stats.skipped += 1
            return
        if value <= low:
            key = "ArrowRight"
        elif value >= high:
            key = "ArrowLeft"
        else:
            key = self.rng.choice(("ArrowRight", "ArrowLeft"))
        runs0 = await self._runs_done()
        start = time.monotonic()
        await slider.press(key)
        await self._done("slider", runs0, start)

    async def switch_preset(self) -> None:
        sidebar = self.page.get_by_test_id("stSidebar")
        box = sidebar.get_by_role("combobox", name=PRESET_LABEL)
        current = await box.input_value()
        await box.click()
        options = self.page.get_by_role("option")
        names = [n.strip() for n in await options.all_inner_texts()]
        choices = [k for k, name in enumerate(names) if name and name != current]
        if not choices:
            await self.page.keyboard.press("Escape")
            self.stats.skipped += 1
            return
        runs0 = await self._runs_done()
        start = time.monotonic()
        await options.nth(self.rng.choice(choices)).click()
        await self._done("preset", runs0, start)

    async def interact(self, deadline: float) -> None:
        failures = 0
        while time.monotonic() < deadline and failures < 3:
            await asyncio.sleep(self.rng.uniform(*self.args.think))
            if time.monotonic() >= deadline:
                break
            action = (
                self.switch_preset
                if self.rng.random() < self.args.preset_share
                else self.move_slider
            )
            try:
                await action()
                await self._check_page()
                failures = 0
            except Exception as error:  # noqa: BLE001 - timeouts are findings
                failures += 1
                self._error(f"{action.__name__} failed", repr(error).splitlines()[0])
                try:  # the next action must not see a half-finished run
                    await self.page.keyboard.press("Escape")
                    await self._wait_idle()
                except Exception:  # noqa: BLE001
                    pass
        if failures >= 3:
            self._error("session gave up", "three failures in a row")

    async def close(self) -> None:
        self.closing = True
        if self.context is not None:
            try:
                await self.context.close()
            except Exception:  # noqa: BLE001 - closing after a browser crash
                pass


# --- the run --------------------------------------------------------------------------


def _load_average() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    ordered = sorted(values)

    def pick(q: float) -> float:  # nearest rank
        return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 1)

    return {
        "n": len(ordered),
        "p50": pick(0.50),
        "p95": pick(0.95),
        "max": round(ordered[-1], 1),
        "mean": round(statistics.fmean(ordered), 1),
    }


async def run(
    args: argparse.Namespace, url: str, server_pid: int | None, workdir: Path
) -> dict:
    from playwright.async_api import async_playwright

    stats = Stats()
    load_before = _load_average()
    sampler = MemorySampler(server_pid) if server_pid else None
    server: dict[str, object] = {}
    if sampler:
        server["rss_mib_before"] = round(sampler.sample(), 1)
        sampler.start()
    async with async_playwright() as pw:
        browsers = [
            await pw.chromium.launch(
                executable_path=niced(chromium_path(), args.browser_nice, workdir),
                headless=True,
                args=LOAD_CHROMIUM_ARGS,
                timeout=60_000,
            )
            for _ in range(max(1, min(args.browsers, args.sessions)))
        ]
        sessions = [
            Session(k, browsers[k % len(browsers)], args, stats)
            for k in range(args.sessions)
        ]
        try:
            load_start = time.monotonic()
            gate = asyncio.Semaphore(max(1, args.load_concurrency))

            async def open_session(session: Session) -> None:
                async with gate:
                    await session.open(url)

            await asyncio.gather(*(open_session(s) for s in sessions))
            load_seconds = time.monotonic() - load_start
            if sampler:
                server["rss_mib_after_load"] = round(sampler.sample(), 1)
                tree = process_tree(server_pid)
                cpu_before = cpu_seconds(tree)
                wait_before = cpu_wait_seconds(tree)
            phase_start = time.monotonic()
            phase_wall = time.time()
            deadline = phase_start + args.duration
            ready = [s for s in sessions if s.ready]
            await asyncio.gather(*(s.interact(deadline) for s in ready))
            phase_seconds = time.monotonic() - phase_start
            if sampler:
                tree = process_tree(server_pid)
                cpu = cpu_seconds(tree) - cpu_before
                server["cpu_seconds"] = round(cpu, 1)
                server["cpu_share_of_one_core"] = round(cpu / phase_seconds, 2)
                wait = cpu_wait_seconds(tree) - wait_before
                server["waited_for_a_cpu_seconds"] = round(wait, 1)
        finally:
            for s in sessions:
                await s.close()
            for b in browsers:
                await b.close()
    if sampler:
        await sampler.stop()
        server["rss_mib_end"] = round(sampler.sample(), 1)
        server["rss_mib_peak"] = round(sampler.peak, 1)
    everything = [v for values in stats.latencies.values() for v in values]
    client = [v for values in stats.client_latencies.values() for v in values]
    return {
        "sessions": args.sessions,
        "sessions_loaded": sum(s.ready for s in sessions),
        "browsers": len(browsers),
        "duration_s": args.duration,
        "load_phase_s": round(load_seconds, 1),
        "interaction_phase_s": round(phase_seconds, 1),
        "think_time_s": list(args.think),
        "load_concurrency": args.load_concurrency,
        "browser_nice": args.browser_nice,
        "interactions": len(everything),
        "interactions_per_s": round(len(everything) / phase_seconds, 2),
        "skipped_actions": stats.skipped,
        "runs_without_visible_change": stats.unchanged,
        "errors": len(stats.errors),
        "error_samples": stats.errors[:20],
        "latency_ms": percentiles(everything)
        | {kind: percentiles(v) for kind, v in sorted(stats.latencies.items())},
        "client_latency_ms": percentiles(client),
        "server_script_run_ms": script_runs(workdir / RUNS_LOG, phase_wall),
        "external_requests": sorted(stats.external),
        "first_render_ms": percentiles(stats.first_render),
        "server": server,
        "cpu_count": os.cpu_count(),
        "load_average": {"before": load_before, "after": _load_average()},
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load",
        description="Concurrent browser sessions against streamlit run app.py.",
    )
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument(
        "--duration", type=float, default=90.0, help="interaction phase [s]"
    )
    parser.add_argument(
        "--load-concurrency",
        type=int,
        default=3,
        help="pages loading at the same time (the rest wait their turn)",
    )
    parser.add_argument("--browsers", type=int, default=3, help="Chromium processes")
    parser.add_argument(
        "--browser-nice",
        type=int,
        default=19,
        help="run the browsers at this lower CPU priority (0: same as the server)",
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(5.0, 15.0),
        metavar=("MIN", "MAX"),
        help="pause between one session's interactions [s]",
    )
    parser.add_argument(
        "--preset-share", type=float, default=0.2, help="share of preset switches"
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="one interaction [s]"
    )
    parser.add_argument(
        "--load-timeout", type=float, default=240.0, help="first render [s]"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--url", help="use this running app instead of starting one")
    parser.add_argument(
        "--app",
        type=Path,
        default=APP,
        help="the script to serve (to compare variants)",
    )
    parser.add_argument("--json", type=Path, help="also write the report here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    server: StreamlitServer | None = None
    workdir = Path(tempfile.mkdtemp(prefix="decoupling-load-"))
    try:
        if args.url:
            url, pid = args.url.rstrip("/"), None
        else:
            server = start_server(workdir, args.app.resolve())
            url, pid = server.url, server.proc.pid
        report = asyncio.run(run(args, f"{url}/", pid, workdir))
        if server is not None:
            if server.proc.poll() is not None:
                report["errors"] += 1
                report["error_samples"].append(
                    f"server exited with {server.proc.returncode}"
                )
            report["server_log_tail"] = server.log_tail(10)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
