"""Hostile input: mangled share links, bad preset files, bad uploads, hostile names.

Every case runs the whole app (AppTest, or a real browser for what only a browser
can show) and checks the same three things: a clear message that names the
problem, nothing executed or rendered as HTML or Markdown (user text reaches the
page through ``dashboard.format.plain``; AppTest sees the escaped Markdown source),
and the session goes on (the headline metrics are there, a slider still works).

Covered elsewhere, not repeated here:

* the link codec on its own (bad values, unknown keys, versions, long values,
  quoting of hostile keys): tests/test_links.py; random links: tests/test_fuzz.py;
* the preset store's handling of each broken file kind (truncated, Latin-1, too
  large, schema version 2, unknown field, wrong type, not an object, file name
  vs id, reserved names) and of bad ids: tests/test_store.py;
* the wording of schema errors: tests/test_schema.py;
* bad CSV/JSON inputs of ``python -m model counterfactual`` and ``run`` (missing
  and unknown columns, negative, missing, NaN and infinite flows, not UTF-8, not
  CSV, bad JSON, keys twice): tests/test_cli.py. The CLI cases added here are the
  ones it lacked (deep nesting, huge integers, NUL bytes, huge CSV fields).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from streamlit.testing.v1 import AppTest

from dashboard.format import MARKDOWN_SPECIAL, plain
from helpers import APP, METRIC_VALUE, open_app
from model import cli
from model.levers import LEVERS
from scenarios import links
from scenarios.schema import MAX_PROBLEM_CHARS, MAX_PROBLEMS
from scenarios.store import MAX_PRESET_BYTES, PresetStore

HEADLINE_COUNT = 6
SCRIPT = "<script>alert(1)</script>"
MD_LINK = "[x](javascript:alert(1))"
IMG = "<img src=x onerror=alert(1)>"


# --- helpers --------------------------------------------------------------------------


@pytest.fixture
def presets_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "presets"
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(folder))
    return folder


@pytest.fixture
def at(presets_dir: Path) -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60)


def unescaped(markdown: str) -> list[str]:
    """Markdown-special characters of ``markdown`` that are not backslash-escaped."""
    found, k = [], 0
    while k < len(markdown):
        if markdown[k] == "\\":
            k += 2
            continue
        if markdown[k] in "<>[]()*_`!|~$#":
            found.append(markdown[k])
        k += 1
    return found


def shown_text(markdown: str) -> str:
    """What Markdown shows for text escaped by ``plain``: backslashes removed."""
    out, k = [], 0
    while k < len(markdown):
        if markdown[k] == "\\" and k + 1 < len(markdown):
            out.append(markdown[k + 1])
            k += 2
        else:
            out.append(markdown[k])
            k += 1
    return "".join(out)


def levers_of(at: AppTest) -> dict[str, object]:
    return {lever.name: at.session_state[lever.name] for lever in LEVERS}


def assert_session_goes_on(at: AppTest, *, headline: bool = True) -> None:
    """No exception, the headline metrics are shown (on the overview tab), and a
    slider still works."""
    assert not at.exception, at.exception
    count = HEADLINE_COUNT if headline else 0
    assert len(at.metric) == count
    before = at.metric[0].value if headline else None
    fence = at.slider(key="fence_pct")
    fence.set_value(450.0 if fence.value != 450.0 else 50.0).run()
    assert not at.exception, at.exception
    assert len(at.metric) == count
    assert at.session_state["fence_pct"] in (450.0, 50.0)
    if (
        headline
        and at.session_state["scope_ai_chips"]
        and not at.session_state["prohibitive"]
    ):
        assert at.metric[0].value != before


def sidebar_messages(at: AppTest, kind: str) -> list[str]:
    return [element.value for element in getattr(at.sidebar, kind)]


# --- share links ----------------------------------------------------------------------

LINKS: dict[str, tuple[dict[str, str], list[str]]] = {
    # case: (query parameters, fragments every one of which some warning shows)
    "unknown keys": (
        {"p": "oct_2023_update", "warp": "9", "fence_pct_typo": "1", "": "x"},
        ["unknown parameter 'warp' ignored", "unknown parameter 'fence_pct_typo'"],
    ),
    "wrong types": (
        {"deny": "maybe", "fence": "abc", "theta": "42", "nld": "0x10", "ai": "1,5"},
        [
            "deny: ignored, must be true or false, got 'maybe'",
            "fence: ignored, must be a number, got 'abc'",
            "theta: ignored, must be one of central, low, high",
            "nld: ignored, must be a number, got '0x10'",
            "ai: ignored, must be a number, got '1,5'",
        ],
    ),
    "huge values": (
        {"fence": "1e308", "ustariff": "9" * 60, "rd": "-1e308", "bri": "1e400"},
        [
            "fence: ignored, 1e+308 is outside its range [0, 500]",
            "ustariff: ignored, 1e+60 is outside its range [0, 150]",
            "rd: ignored, -1e+308 is outside its range [0, 20]",
            "bri: ignored, inf is outside its range [0, 30]",
        ],
    ),
    "NaN and inf": (
        {"fence": "nan", "ai": "-inf", "sme": "Infinity", "chips": "NaN"},
        [
            "fence: ignored, nan is outside its range",
            "ai: ignored, -inf is outside its range",
            "sme: ignored, inf is outside its range",
            "chips: ignored, nan is outside its range",
        ],
    ),
    "very long strings": (
        {"fence": "1" * 100_000, "k" * 100_000: "1", "p": "x" * 5_000},
        [
            "fence: value longer than 64 characters ignored",
            "unknown parameter 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' ignored",
            "unknown preset 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' ignored",
        ],
    ),
    "script tags and Markdown": (
        {
            SCRIPT: "1",
            MD_LINK: "1",
            "fence": SCRIPT,
            "p": IMG,
            "theta": "![x](http://example.invalid/t.png)",
            "**b**": "_i_ `c` # h",
        },
        [
            f"unknown parameter '{SCRIPT}' ignored",
            f"unknown parameter '{MD_LINK}' ignored",
            f"fence: ignored, must be a number, got '{SCRIPT}'",
            f"unknown preset '{IMG}' ignored",
            "theta: ignored, must be one of",
            "unknown parameter '**b**' ignored",
        ],
    ),
    "control characters": (
        {"fence": "1\x00", "p": "\x1b[2J\x1b[31mred", "v": "2\n# heading", "nld": "\t"},
        [
            r"fence: ignored, must be a number, got '1\x00'",
            r"unknown preset '\x1b[2J\x1b[31mred' ignored",
            r"link version '2\n# heading' is not 1",
            r"nld: ignored, must be a number, got '\t'",
        ],
    ),
}


@pytest.mark.parametrize("case", LINKS.values(), ids=LINKS.keys())
def test_bad_share_links_warn_literally_and_keep_the_session(
    at: AppTest, case: tuple[dict[str, str], list[str]]
):
    params, fragments = case
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    presets = {e.id: PresetStore().load(e.id).levers() for e in PresetStore().list()[0]}
    start = "trade_war_2018_2020"  # the preset of the lever defaults
    expected = links.decode(params, presets, fallback=start)
    assert levers_of(at) == expected.levers  # the valid rest is kept
    assert at.session_state["preset"] == expected.preset  # the levers' base
    warnings = sidebar_messages(at, "warning")
    name = PresetStore().load(start).name
    assert warnings == [
        f"Share link: {plain(w.replace(f'preset {start!r}', name))}"
        for w in expected.warnings
    ]
    for warning in warnings:
        assert unescaped(warning) == [], warning  # no Markdown, no HTML
        assert len(warning) < 400  # a 100,000-character link is not echoed
    shown = [shown_text(w) for w in warnings]
    for fragment in fragments:
        assert any(fragment in line for line in shown), (fragment, shown)
    assert_session_goes_on(at)


def test_repeated_parameters_use_the_last_value(at: AppTest):
    at.query_params["fence"] = ["abc", "250"]
    at.run()
    assert at.session_state["fence_pct"] == 250.0
    assert sidebar_messages(at, "warning") == []


def test_link_warnings_do_not_stay_after_a_preset_switch_breaks_nothing(at: AppTest):
    at.query_params["fence"] = SCRIPT
    at.run()
    at.selectbox(key="preset").select("no_controls").run()
    assert not at.exception
    assert levers_of(at) == PresetStore().load("no_controls").levers()
    assert_session_goes_on(at)


# --- bad preset files in the preset folder ------------------------------------------

BAD_FILES: dict[str, tuple[bytes, str]] = {
    # file name: (content, what the warning says about it)
    "truncated.json": (b'{"id": "truncated", "name": "Cut off', "not valid JSON"),
    "latin1.json": ('{"id": "latin1", "name": "Caf\xe9"}'.encode("latin-1"), "UTF-8"),
    "utf16.json": (json.dumps({"id": "utf16", "name": "U"}).encode("utf-16"), "UTF-8"),
    "huge.json": (b"[" + b" " * MAX_PRESET_BYTES + b"]", "larger than 65536 bytes"),
    "deep.json": (b"[" * 30_000 + b"]" * 30_000, "nested too deeply"),
    "nested.json": (b'{"a":' * 5_000 + b"1" + b"}" * 5_000, "nested too deeply"),
    "version.json": (
        b'{"schema_version": 2, "id": "version", "name": "V"}',
        "schema_version: this version reads schema_version 1 files only, got 2",
    ),
    "bignum.json": (
        b'{"id": "bignum", "name": "B", "fence_pct": ' + b"9" * 5000 + b"}",
        "not valid JSON: Exceeds the limit (4300 digits)",
    ),
    "empty.json": (b"", "not valid JSON: Expecting value"),
    "control.json": (
        json.dumps({"id": "control", "name": "A\x1b[31mB"}).encode(),
        "name: contains the control character U+001B",
    ),
    "keys.json": (
        json.dumps(
            {"id": "keys", "name": "K"} | {f"k{i}": 1 for i in range(500)}
        ).encode(),
        "... and 480 more problem(s)",
    ),
    f"{IMG}.json": (b'{"id": "x", "name": "X"}', "file name: invalid preset id"),
    "markdown.json": (
        json.dumps({"id": "markdown", "name": "M", "warp": MD_LINK}).encode(),
        "warp: unknown field",
    ),
}


def test_bad_preset_files_are_skipped_with_a_warning_each(
    at: AppTest, presets_dir: Path
):
    presets_dir.mkdir(parents=True)
    good = {"id": "good_one", "name": f"Good {SCRIPT}"}
    (presets_dir / "good_one.json").write_text(json.dumps(good), "utf-8")
    for name, (content, _) in BAD_FILES.items():
        (presets_dir / name).write_bytes(content)
    at.run()
    assert not at.exception, at.exception
    warnings = [w for w in sidebar_messages(at, "warning") if "broken preset" in w]
    assert len(warnings) == len(BAD_FILES)
    shown = [shown_text(w) for w in warnings]
    for name, (_, problem) in BAD_FILES.items():
        matching = [s for s in shown if f"{presets_dir / name}: " in s]
        assert len(matching) == 1, (name, shown)
        assert problem in matching[0], (name, matching[0])
    for warning in warnings:
        assert unescaped(warning) == [], warning
        assert len(warning) < 8_000  # capped: at most 20 problems of 200 characters
    assert "good_one" in at.selectbox(key="preset").options or any(
        "Good" in o for o in at.selectbox(key="preset").options
    )
    assert_session_goes_on(at)


def test_a_hostile_preset_name_and_description_are_shown_literally(
    at: AppTest, presets_dir: Path
):
    presets_dir.mkdir(parents=True)
    name = f"{SCRIPT} **bold** {MD_LINK}"
    description = f"{IMG}\n# not a heading\n![x](http://example.invalid/x.png)"
    preset = {"id": "hostile", "name": name, "description": description}
    (presets_dir / "hostile.json").write_text(json.dumps(preset), "utf-8")
    at.query_params["tab"] = "method"  # where the name and description are shown
    at.run()
    at.selectbox(key="preset").select("hostile").run()
    assert not at.exception, at.exception
    caption = next(c.value for c in at.caption if c.value.startswith("Scenario:"))
    assert plain(name) in caption
    assert unescaped(caption.split("**")[1]) == []  # the name between the bold marks
    texts = [t.value for t in at.text]  # method tab: st.text, never Markdown
    assert any(name in t for t in texts) and description in texts
    labels = [at.selectbox(key="preset").format_func(k) for k in ["hostile"]]
    assert labels == [f"{name} (saved)"]  # a widget option: plain text in the browser
    assert_session_goes_on(at, headline=False)  # the method tab is open


# --- uploads (the preset importer) ---------------------------------------------------

UPLOADS: dict[str, tuple[str, bytes, str]] = {
    # case: (file name, content, what the error says)
    "not JSON": ("notes.json", b"fence = 300\n", "not valid JSON: Expecting value"),
    "CSV": ("flows.json", b"exporter,importer,value\nUSA,CHN,1\n", "not valid JSON"),
    "truncated": ("cut.json", b'{"id": "cut", "name": "C', "not valid JSON"),
    "wrong encoding": (
        "utf16.json",
        json.dumps({"id": "u", "name": "U"}).encode("utf-16"),
        "not UTF-8 text",
    ),
    "huge": ("huge.json", b" " * (MAX_PRESET_BYTES + 1), "larger than 65536 bytes"),
    "deeply nested": ("deep.json", b'{"a":' * 10_000 + b"}" * 10_000, "nested too"),
    "wrong schema version": (
        "v9.json",
        b'{"schema_version": 9, "id": "v9", "name": "V"}',
        "schema_version: this version reads schema_version 1 files only, got 9",
    ),
    "a list": ("list.json", b"[1, 2, 3]", "expected one JSON object, got list"),
    "huge integer": (
        "big.json",
        b'{"id": "big", "name": "B", "fence_pct": ' + b"9" * 5000 + b"}",
        "Exceeds the limit (4300 digits)",
    ),
    "NaN": ("nan.json", b'{"id": "n", "name": "N", "fence_pct": NaN}', "fence_pct"),
    "out of range": (
        "range.json",
        b'{"id": "r", "name": "R", "fence_pct": 1e308}',
        "fence_pct: 1e+308 is outside its range [0, 500]",
    ),
    "path in id": (
        "id.json",
        b'{"id": "../../etc/passwd", "name": "P"}',
        "id: must be 1-64 lower-case letters",
    ),
    "control characters in name": (
        "ctl.json",
        json.dumps({"id": "ctl", "name": "A\x00B"}).encode(),
        "name: contains the control character U+0000",
    ),
    "script in file name": (f"{SCRIPT}.json", b"{", "not valid JSON"),
    "Markdown in file name": (f"{MD_LINK}\n# h.json", b"{", "not valid JSON"),
    "path in file name": ("../../../etc/passwd.json", b"[]", "expected one JSON"),
    "many problems": (
        "many.json",
        json.dumps(
            {"id": "m", "name": "M"} | {f"x{i}": 1 for i in range(2000)}
        ).encode(),
        "... and 1980 more problem(s)",
    ),
    "huge field value": (
        "long.json",
        json.dumps({"id": "l", "name": "L", "fence_pct": "9" * 60_000}).encode(),
        "fence_pct: must be a number, got '999",
    ),
}


@pytest.mark.parametrize("case", UPLOADS.values(), ids=UPLOADS.keys())
def test_bad_uploads_are_refused_with_a_message_naming_file_and_problem(
    at: AppTest, presets_dir: Path, case: tuple[str, bytes, str]
):
    file_name, content, problem = case
    at.run()
    at.file_uploader(key="import_file").set_value(
        (file_name, content, "application/json")
    ).run()
    assert not at.exception, at.exception
    (message,) = sidebar_messages(at, "error")
    shown = shown_text(message)
    assert shown.startswith(shown_text(plain(file_name)) + ": "), shown
    assert problem in shown, shown
    assert unescaped(message) == [], message
    assert len(shown) < len(file_name) + MAX_PROBLEMS * (MAX_PROBLEM_CHARS + 2) + 50
    assert not presets_dir.exists() or not any(presets_dir.glob("*.json"))
    assert_session_goes_on(at)


def test_a_good_upload_with_a_hostile_file_name_is_imported(
    at: AppTest, presets_dir: Path, tmp_path: Path
):
    at.run()
    content = json.dumps({"id": "from_upload", "name": f"Up {SCRIPT}"}).encode()
    at.file_uploader(key="import_file").set_value(
        ("../../../outside.json", content, "application/json")
    ).run()
    assert not at.exception
    (message,) = sidebar_messages(at, "success")
    assert shown_text(message) == f"Imported 'Up {SCRIPT}'."
    assert unescaped(message) == []
    assert sorted(p.name for p in presets_dir.iterdir()) == [
        ".lock",
        "from_upload.json",
    ]
    assert not (tmp_path / "outside.json").exists()


# --- names typed into the preset panel -----------------------------------------------

NAMES: dict[str, tuple[str, str, str | None]] = {
    # case: (name typed, message kind, saved id or None)
    "path separators": ("../../etc/passwd", "success", "etc_passwd"),
    "backslashes": ("..\\..\\windows\\win.ini", "success", "windows_win_ini"),
    "only separators": ("../../", "error", None),
    "control characters": ("Plan\x1b[2J\x07", "error", None),
    "NUL": ("Plan\x00B", "error", None),
    "bidi override": ("Plan \u202egnp.exe", "error", None),
    "script tag": (SCRIPT, "success", "script_alert_1_script"),
    "Markdown link": (MD_LINK, "success", "x_javascript_alert_1"),
    "reserved device name": ("CON", "success", "con_preset"),
    "built-in id": ("No controls", "error", None),
}


@pytest.mark.parametrize("case", NAMES.values(), ids=NAMES.keys())
def test_preset_names_with_separators_or_control_characters(
    at: AppTest, presets_dir: Path, tmp_path: Path, case: tuple[str, str, str | None]
):
    name, kind, saved_id = case
    at.run()
    at.text_input(key="save_name").input(name).run()
    at.button(key="save_preset").click().run()
    assert not at.exception, at.exception
    (message,) = sidebar_messages(at, kind)
    assert unescaped(message) == [], message
    shown = shown_text(message)
    files = sorted(p.name for p in presets_dir.glob("*.json"))
    if saved_id is None:
        assert files == []
        if "\x1b" in name or "\x00" in name or "\u202e" in name:
            assert "contains the control character U+" in shown, shown
        elif name == "No controls":
            assert "is a built-in preset" in shown, shown
        else:
            assert "no letter or digit" in shown, shown
    else:
        assert files == [f"{saved_id}.json"]
        assert shown == f"Saved {name!r}.", shown
        assert PresetStore().load(saved_id).name == name
    assert [p.name for p in tmp_path.iterdir()] == ["presets"] or files == []
    assert_session_goes_on(at)


def test_rename_to_a_hostile_name(at: AppTest, presets_dir: Path):
    at.run()
    at.text_input(key="save_name").input("Mine").run()
    at.button(key="save_preset").click().run()
    at.selectbox(key="manage_preset").select("mine").run()
    at.text_input(key="rename_to").input("\x00\x01").run()
    at.button(key="rename_preset").click().run()
    (message,) = sidebar_messages(at, "error")
    assert "no letter or digit" in shown_text(message)
    assert r"'\x00\x01'" in shown_text(message)  # the control characters, visibly
    at.text_input(key="rename_to").input("../../Ours").run()
    at.button(key="rename_preset").click().run()
    assert not at.exception
    assert sorted(p.name for p in presets_dir.glob("*.json")) == ["ours.json"]
    assert_session_goes_on(at)


# --- the command line: what tests/test_cli.py lacks -----------------------------------


def _cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.err


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
        ('{"fence_pct": ' + "9" * 5000 + "}", "Exceeds the limit (4300 digits)"),
        ('{"fence_pct": NaN}', "fence_pct = nan is outside its range"),
        ('{"fence_pct": Infinity}', "fence_pct = inf is outside its range"),
        ('{"fence_pct": "' + "9" * 10_000 + '"}', "fence_pct must be a number"),
    ],
    ids=["deep list", "deep object", "huge integer", "NaN", "Infinity", "long string"],
)
def test_cli_scenario_files_that_are_hostile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(text, "utf-8")
    out = tmp_path / "out.json"
    code, err = _cli(capsys, "run", scenario, "--out", out)
    assert code == cli.EXIT_BAD_INPUT
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(scenario) in err and fragment in err, err
    assert not out.exists()


FLOWS = "exporter,importer,value\nh,h,80\nh,f,20\nf,h,20\nf,f,80\n"
SHOCK = "exporter,importer,cost_change_factor\nh,f,1.2\n"


@pytest.mark.parametrize(
    ("flows", "fragment"),
    [
        (FLOWS.replace("h,f,20", "h,f,2\x000"), "line 3: value must be a finite"),
        ("exporter,importer,value\nh,h," + "1" * 200_000 + "\n", "not valid CSV"),
        (FLOWS.replace("h,f,20", "h,f,1e400"), "line 3: value must be a finite"),
        (FLOWS.replace("h,f,20", "h,f,-0.5"), "line 3: value must be a finite"),
        (FLOWS.replace("h,f,20", "h,f,"), "line 3: value must be a finite"),
        ("value,exporter\n1,h\n", "missing column 'importer'"),
        ('{"exporter": "h"}\n', "line 1"),
    ],
    ids=["NUL byte", "huge field", "1e400", "negative", "missing", "columns", "JSON"],
)
def test_cli_flow_files_that_are_hostile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flows: str, fragment: str
):
    (tmp_path / "flows.csv").write_text(flows, "utf-8")
    (tmp_path / "shock.csv").write_text(SHOCK, "utf-8")
    out = tmp_path / "out.json"
    code, err = _cli(
        capsys,
        "counterfactual",
        "--flows", tmp_path / "flows.csv",
        "--shock", tmp_path / "shock.csv",
        "--theta", "4",
        "--out", out,
    )  # fmt: skip
    assert code == cli.EXIT_BAD_INPUT
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "flows.csv" in err and fragment in err, err
    assert len(err) < 500
    assert not out.exists()


# --- a real browser: nothing runs, nothing is rendered as HTML ------------------------


def _no_injection(page: Page, dialogs: list[str]) -> None:
    """No dialog fired and no element came from user text."""
    page.wait_for_timeout(500)  # an onerror handler would fire by now
    assert dialogs == []
    injected = page.evaluate(
        """() => ({
            scripts: [...document.querySelectorAll('script')]
                .filter(s => s.textContent.includes('alert')).length,
            images: document.querySelectorAll('img[src="x"]').length,
            links: [...document.querySelectorAll('a')]
                .filter(a => (a.getAttribute('href') || '').startsWith('javascript'))
                .length,
            bold: [...document.querySelectorAll('strong, b')]
                .filter(b => b.textContent === 'b' || b.textContent === 'bold').length,
        })"""
    )
    assert injected == {"scripts": 0, "images": 0, "links": 0, "bold": 0}


def _watch_dialogs(page: Page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:  # noqa: ANN001 - playwright's Dialog
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


@pytest.mark.browser
def test_browser_hostile_link_is_shown_as_text(page: Page, streamlit_server) -> None:
    page.set_default_timeout(30_000)
    dialogs = _watch_dialogs(page)
    from urllib.parse import urlencode

    query = urlencode({SCRIPT: "1", MD_LINK: "1", "p": IMG, "**b**": "1"})
    open_app(page, streamlit_server, "?" + query)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(f"unknown parameter '{SCRIPT}' ignored")).to_be_visible()
    expect(
        sidebar.get_by_text(f"unknown parameter '{MD_LINK}' ignored")
    ).to_be_visible()
    expect(sidebar.get_by_text(f"unknown preset '{IMG}' ignored")).to_be_visible()
    expect(sidebar.get_by_text("unknown parameter '**b**' ignored")).to_be_visible()
    _no_injection(page, dialogs)
    assert page.locator(METRIC_VALUE).count() == HEADLINE_COUNT
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser
def test_browser_hostile_preset_name_and_upload_name(
    page: Page, streamlit_server, tmp_path: Path
) -> None:
    page.set_default_timeout(30_000)
    name = f"{IMG} **bold** {MD_LINK}"
    preset = streamlit_server.presets_dir / "zz_hostile_probe.json"
    preset.write_text(json.dumps({"id": "zz_hostile_probe", "name": name}), "utf-8")
    try:
        dialogs = _watch_dialogs(page)
        open_app(page, streamlit_server, "?p=zz_hostile_probe")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text(f"Scenario: {name}", exact=False)).to_be_visible()
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_role("combobox", name="Preset").click()
        expect(page.get_by_role("option", name=f"{name} (saved)")).to_be_visible()
        page.keyboard.press("Escape")

        sidebar.get_by_text("Save and manage presets").click()
        bad = tmp_path / f"{IMG}.json"
        bad.write_bytes(b"{")
        sidebar.locator('input[type="file"]').set_input_files(str(bad))
        expect(sidebar.get_by_text(f"{IMG}.json: not valid JSON")).to_be_visible()
        _no_injection(page, dialogs)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert page.locator(METRIC_VALUE).count() == HEADLINE_COUNT
    finally:
        preset.unlink(missing_ok=True)
        for leftover in streamlit_server.presets_dir.glob("*.json"):
            if leftover.name.startswith("zz_hostile"):
                leftover.unlink()


def test_markdown_special_characters_are_the_ones_escaped():
    """The checks above rely on plain() escaping what Markdown interprets."""
    assert set("<>[]()*_`!|~$#") <= set(MARKDOWN_SPECIAL)
    assert unescaped(plain(SCRIPT + MD_LINK + "**b** # h")) == []
    assert shown_text(plain("a\x1bb\nc")) == r"a\x1bb\nc"
