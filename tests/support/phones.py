"""Audience phones on Streamlit's websocket: the driver of the room load test.

A :class:`Phone` is one Streamlit session of the audience page
(``?view=vote&room=CODE&me=ID``, dashboard/views/vote.py) without a browser: it
opens ``/_stcore/stream`` on a loopback server and speaks the protocol the
browser speaks, protobuf ``BackMsg`` up and ``ForwardMsg`` down:

* **load**: a ``rerun_script`` with the page's query string, then the script's
  messages until ``script_finished``; the slider's and the vote button's widget
  ids (and the fragment they are drawn in) come from those elements, so no id is
  guessed;
* **poll** (as the browser does on the ``auto_rerun`` message of the page's
  ``st.fragment(run_every=...)``): a fragment rerun every ``interval`` seconds
  while the phone is connected, so the server carries the room's real polling;
* **vote**: a fragment rerun with the slider at the phone's value and the
  button's trigger set, what a tap on "Send my guess" sends; the vote counts as
  acknowledged when the page shows this phone's guess back ("Your guess: X",
  ``vote.yours_open``, drawn by every run after a counted vote: the one-off
  ``vote.counted`` notice can be dropped when a poll's run overtakes the tap's),
  refused when it answers with a warning.

:func:`run_room` loads every phone (``load_concurrency`` at a time), then lets
them all vote at once (at most ``vote_concurrency`` taps in flight) and reports
the times of both phases. It refuses any address but loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from dashboard.i18n import DEFAULT_LANGUAGE, format_number, t

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def shown_back(value: float) -> str:
    """The caption the page shows under a counted guess (the app's start language)."""
    lang = DEFAULT_LANGUAGE
    return t("vote.yours_open", lang, value=format_number(value, lang, 2))


class PhoneError(RuntimeError):
    """A phone that could not load its page or whose tap got no answer."""


@dataclass
class Phone:
    """One audience session: its id in the link, the value it votes, what it saw."""

    me: str
    value: float
    slider_id: str = ""
    button_id: str = ""
    fragment_id: str = ""
    poll_interval_s: float = 0.0
    answer: str | None = None
    """``"counted"``, or the text of the warning the page showed instead."""
    exceptions: list[str] = field(default_factory=list)
    _ws: ClientConnection | None = None
    _finished: asyncio.Event = field(default_factory=asyncio.Event)
    _answered: asyncio.Event = field(default_factory=asyncio.Event)
    _tapped: bool = False
    _query: str = ""
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def load(self, url: str, code: str, timeout: float) -> None:
        """Connect, run the page once and keep reading (and polling) after it."""
        self._ws = await connect(
            stream_url(url), subprotocols=[Subprotocol("streamlit")], max_size=None
        )
        self._tasks.append(asyncio.create_task(self._read()))
        self._query = urlencode({"view": "vote", "room": code, "me": self.me})
        await self._send(ClientState(query_string=self._query))
        try:
            await asyncio.wait_for(self._finished.wait(), timeout)
        except TimeoutError:
            raise PhoneError(f"phone {self.me}: no page within {timeout:g} s") from None
        if not (self.slider_id and self.button_id):
            raise PhoneError(f"phone {self.me}: no slider or vote button on the page")
        if self.poll_interval_s > 0:
            self._tasks.append(asyncio.create_task(self._poll()))

    async def vote(self, timeout: float) -> None:
        """Tap the button with the slider at :attr:`value`; wait for the answer."""
        state = ClientState(query_string=self._query, fragment_id=self.fragment_id)
        slider = state.widget_states.widgets.add(id=self.slider_id)
        slider.double_array_value.data.append(self.value)
        state.widget_states.widgets.add(id=self.button_id, trigger_value=True)
        self._answered.clear()
        self._tapped = True
        await self._send(state)
        try:
            await asyncio.wait_for(self._answered.wait(), timeout)
        except TimeoutError:
            raise PhoneError(
                f"phone {self.me}: no answer within {timeout:g} s"
            ) from None

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._ws is not None:
            await self._ws.close()

    async def _send(self, state: ClientState) -> None:
        assert self._ws is not None
        message = BackMsg()
        message.rerun_script.CopyFrom(state)
        await self._ws.send(message.SerializeToString())

    async def _poll(self) -> None:
        """The browser's timer of the fragment's ``run_every``."""
        while True:
            await asyncio.sleep(self.poll_interval_s)
            await self._send(
                ClientState(
                    query_string=self._query,
                    fragment_id=self.fragment_id,
                    is_auto_rerun=True,
                )
            )

    async def _read(self) -> None:
        assert self._ws is not None
        async for frame in self._ws:
            if isinstance(frame, bytes):
                self._see(ForwardMsg.FromString(frame))

    def _see(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            self._finished.set()
        elif kind == "auto_rerun":
            self.poll_interval_s = msg.auto_rerun.interval
            self.fragment_id = self.fragment_id or msg.auto_rerun.fragment_id
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            shown = element.WhichOneof("type")
            if shown == "slider":
                self.slider_id = element.slider.id
                self.fragment_id = msg.delta.fragment_id or self.fragment_id
            elif shown == "button":
                self.button_id = element.button.id
            elif shown == "exception":
                self.exceptions.append(element.exception.message)
            elif self._tapped and not self._answered.is_set():
                self._answer(element)

    def _answer(self, element: Element) -> None:
        """The page's answer to the tap: this phone's guess shown back, or a
        warning (refused)."""
        shown = element.WhichOneof("type")
        if shown == "markdown" and element.markdown.body == shown_back(self.value):
            self.answer = "counted"
        elif shown == "alert" and element.alert.format == Alert.WARNING:
            self.answer = element.alert.body
        else:
            return
        self._answered.set()


def stream_url(url: str) -> str:
    """The websocket of the server at ``url``; ValueError unless on loopback."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise ValueError(f"the room load test runs on loopback only, not {url}")
    return f"ws://{parts.netloc}/_stcore/stream"


@dataclass
class RoomRun:
    """What :func:`run_room` measured: seconds per phase, the phones' answers."""

    load_s: float
    vote_s: float
    phones: list[Phone]
    errors: list[str]

    @property
    def sent(self) -> int:
        """Taps the page acknowledged (showed the phone's guess back)."""
        return sum(p.answer == "counted" for p in self.phones)


async def run_room(
    url: str,
    code: str,
    phones: list[Phone],
    *,
    load_concurrency: int = 20,
    vote_concurrency: int = 50,
    timeout: float = 30.0,
) -> RoomRun:
    """Load every phone, then let them all vote at once; close them all."""
    errors: list[str] = []

    async def bounded(gate: asyncio.Semaphore, step: Awaitable[None]) -> None:
        async with gate:
            try:
                await step
            except (PhoneError, OSError) as error:
                errors.append(str(error))

    try:
        began = time.monotonic()
        gate = asyncio.Semaphore(load_concurrency)
        await asyncio.gather(
            *(bounded(gate, p.load(url, code, timeout)) for p in phones)
        )
        loaded = time.monotonic()
        ready = [p for p in phones if p.button_id]
        gate = asyncio.Semaphore(vote_concurrency)
        await asyncio.gather(*(bounded(gate, p.vote(timeout)) for p in ready))
        voted = time.monotonic()
    finally:
        await asyncio.gather(*(p.close() for p in phones))
    for p in phones:
        errors.extend(f"phone {p.me}: exception on the page: {e}" for e in p.exceptions)
    return RoomRun(loaded - began, voted - loaded, phones, errors)
