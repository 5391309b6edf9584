"""The room under load: 200 audience phones vote within ten seconds, no vote lost.

Through the real server (tests/support/server.py starts ``streamlit run app.py``
on loopback): the presenter's side is what seminar mode writes when it opens a
room and shows a step (:meth:`scenarios.votes.VoteStore.open_room` and
``show_step``, written here into the server's folder), the audience is 200
websocket sessions of ``?view=vote&room=CODE&me=ID`` (tests/support/phones.py:
Streamlit's own protocol, no browser), each polling the room as the page's
fragment asks. They load 20 at a time, then all tap "Send my guess" at once
(at most 50 taps in flight), each with its own value on the question's grid.
The store must then hold exactly the votes the pages acknowledged, each the
value its phone sent, and the taps must be answered within ten seconds.

Marked ``browser`` like tests/test_load.py (a real server, run by CI, not by the
quick ``-m "not browser"`` loop); it needs no Chromium.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dashboard.seminar_steps import default_storyline, guess_for
from helpers import APP
from scenarios.votes import VOTES_FILE, VoteStore, new_session_id
from tests.support.phones import Phone, run_room, stream_url
from tests.support.server import start_streamlit

PHONES = 200
WINDOW_S = 10.0


@pytest.mark.browser
@pytest.mark.timeout(120)
def test_two_hundred_phones_vote_through_the_server_and_lose_none(
    tmp_path: Path,
) -> None:
    server = start_streamlit(APP, tmp_path)
    try:
        store = VoteStore(server.presets_dir / VOTES_FILE)
        code = store.open_room()
        step = default_storyline()[0]
        question = guess_for(step.preset)
        store.show_step(code, 1, step.preset, question, revealed=False)
        points = round((question.high - question.low) / question.increment) + 1
        phones = [
            Phone(new_session_id(), question.low + (k % points) * question.increment)
            for k in range(PHONES)
        ]
        # a thread of its own: Playwright's sync API (earlier browser tests in
        # this process) leaves an event loop running in the main thread
        with ThreadPoolExecutor(max_workers=1) as pool:
            run = pool.submit(asyncio.run, run_room(server.url, code, phones)).result()
        counted = {p.me: store.my_guess(code, 1, step.preset, p.me) for p in phones}
        total = len(store.guesses(code, 1, step.preset))
        assert server.proc.poll() is None, server.log_tail()
    finally:
        server.stop()
    print(
        f"\nvotes sent {run.sent}, votes counted {total}; {PHONES} phones loaded"
        f" in {run.load_s:.1f} s, voted in {run.vote_s:.1f} s"
    )
    assert run.errors == [], run.errors[:5]
    assert [p.answer for p in phones] == ["counted"] * PHONES
    assert run.sent == total == PHONES
    assert counted == {p.me: p.value for p in phones}
    assert run.vote_s < WINDOW_S


def test_the_phones_stay_on_loopback() -> None:
    assert stream_url("http://127.0.0.1:8501/") == "ws://127.0.0.1:8501/_stcore/stream"
    with pytest.raises(ValueError, match="loopback"):
        stream_url("http://192.168.1.20:8501")
