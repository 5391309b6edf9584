"""Fixtures for browser tests: a real ``streamlit run`` server + Debian's Chromium.

pytest-playwright provides the ``playwright``/``browser``/``context``/``page``
fixtures; we only point it at the system Chromium (Playwright's own browser
download is impossible offline) and size the viewport. Each test gets a fresh
browser context, i.e. a fresh Streamlit session, while the server is shared.

User presets: every test session gets its own ``DECOUPLING_PRESETS_DIR`` (a temp
dir), so neither in-process tests (AppTest) nor the server ever write to a user's
folder. Tests that check saving should still use ``monkeypatch.setenv`` + ``tmp_path``.

Translations: tests run with strict i18n (``DECOUPLING_I18N_STRICT=1``, unless the
caller set the variable): a missing text or template field raises instead of
falling back, in process, in the Streamlit server and in every subprocess.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

from dashboard import i18n
from helpers import APP, require_chromium
from tests.support.browser import CHROMIUM_ARGS
from tests.support.server import PRESETS_ENV, StreamlitServer, start_streamlit

# At import, before any test module (or the app code it imports) looks a text up;
# subprocesses inherit it through the environment.
os.environ.setdefault(i18n.STRICT_ENV, "1")

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
        "args": list(CHROMIUM_ARGS),
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


@pytest.fixture(scope="session")
def streamlit_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[StreamlitServer]:
    """One ``streamlit run app.py`` for the whole session, on a free loopback port,
    with its own empty presets dir (``server.presets_dir``)."""
    if not APP.exists():
        pytest.fail(f"{APP} does not exist", pytrace=False)
    timeout = float(os.environ.get("STREAMLIT_START_TIMEOUT", 90))
    server = start_streamlit(
        APP,
        tmp_path_factory.mktemp("server"),
        timeout=timeout,
        env={i18n.STRICT_ENV: os.environ[i18n.STRICT_ENV]},
    )
    try:
        yield server
    finally:
        server.stop()
