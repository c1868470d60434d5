"""Layer 4: who may see a client's data, with ``formcheck app --address 0.0.0.0`` reached from another address.

Real parts: the CLI's own server process (sign-in gate, accounts file, secret
file), a history file seeded with two clients (alice, bob), a trainer's
reference clip and a trainer (tina), headless Chromium and plain HTTP requests
to this machine's non-loopback address (helpers in ``tests/auth_browser.py``).
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from formcheck.store.accounts import AccountStore
from formcheck.store.audit_log import AuditLog
from tests.auth_browser import ACCOUNTS, remote_app, sign_in, sign_in_cookie, status, websocket_status
from tests.live_browser import chromium_page
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: What of bob's, or of the trainer's reference, may never reach alice's browser.
NOT_FOR_ALICE = ("bob-clip.mp4", "bob: mind the knee", "Bob's lower back", "reference-clip.mp4", "· bob ·")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One server for the module (each test has its own browser profile, so its own cookies), started in a
    folder whose ``.streamlit/secrets.toml`` names the test OpenID provider (``tests/oidc_provider.py``)."""
    folder = tmp_path_factory.mktemp("remote")
    with running_provider() as provider:
        (folder / ".streamlit").mkdir()
        (folder / ".streamlit" / "secrets.toml").write_text(
            f'[auth]\ncookie_secret = "unused"\n\n[auth.testid]\nclient_id = "{CLIENT_ID}"\n'
            f'client_secret = "{CLIENT_SECRET}"\nserver_metadata_url = "{provider.metadata_url}"\n')
        with remote_app(folder, cwd=folder) as server:
            yield {**server, "provider": provider}


def _open(page: Any, app: dict[str, Any], slug: str, ready: str) -> str:
    page.goto(f"{app['url']}/?page={slug}")
    page.get_by_text(ready).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # the rest of the run's elements
    return str(page.inner_text("body"))


def _pages(page: Any) -> list[str]:
    """The pages the sidebar offers."""
    options = page.locator('[data-testid="stSidebar"] [data-testid="stRadioOption"]')
    options.first.wait_for(timeout=30_000)
    return [t.strip() for t in options.all_inner_texts()]


def _options(page: Any, label: str) -> list[str]:
    """The options of the selectbox labelled ``label`` (opened, read, closed)."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    box.locator('input[role="combobox"]').focus()
    page.keyboard.press("ArrowDown")
    page.locator('[role="option"]').first.wait_for(timeout=10_000)
    texts = [t.strip() for t in page.locator('[role="option"]').all_inner_texts()]
    page.keyboard.press("Escape")
    return texts


def _pick(page: Any, form: Any, option: str) -> None:
    """Choose ``option`` in the selectbox of ``form`` (opened again if a page rerun closed its list)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(4):
        form.locator('input[role="combobox"]').click()
        choice = page.locator('[role="option"]').filter(has_text=option)
        try:
            choice.first.wait_for(timeout=5_000)
            choice.first.click(timeout=5_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"no option {option!r} in the form")


def test_a_visitor_gets_only_the_sign_in_page(app: dict[str, Any], tmp_path: Path) -> None:
    with chromium_page(tmp_path, f"{app['url']}/?page=history") as page:
        assert page.url == f"{app['url']}/signin"
        text = page.content()
    assert "Sign in" in text and not any(s in text for s in ("alice", "bob", "webcam", str(app["db"].parent)))
    for path in ("/", "/?page=history", "/_stcore/host-config", "/media/x.mp4", "/static/js/index.js",
                 "/component/streamlit_webrtc.component/index.html"):
        code, headers, body = status(f"{app['url']}{path}")
        assert (code, headers.get("location")) == (303, "/signin"), (path, code, body[:200])
    assert status(f"{app['url']}/_stcore/upload_file/x/y", data={"f": "x"})[0] == 401
    assert websocket_status(app["url"], None) == 403  # the page's connection to the app is refused
    assert status(f"{app['url']}/_stcore/health")[2] == "ok"


def test_client_a_sees_only_her_sessions_on_every_page_and_in_the_export(app: dict[str, Any],
                                                                        tmp_path: Path) -> None:
    with chromium_page(tmp_path, f"{app['url']}/signin") as page:
        assert sign_in(page, app["url"], "alice") == ""
        pages = _pages(page)
        assert pages == ["Live", "History", "Compare"]
        history = _open(page, app, "history", "Export CSV")
        assert "Live sets (1)" in history and "Reviewed clips (1)" in history and "Sample replays (0)" in history
        assert "Clients (1)" in history  # History's Clients tab (main): her own name only
        with page.expect_download() as download:
            page.get_by_role("button", name="Export CSV").click()
        exported = Path(download.value.path()).read_text()
        page.get_by_role("tab", name="Routines").click()
        page.get_by_text("No routine sessions yet").wait_for(timeout=30_000)
        page.get_by_role("tab", name="Clients (1)").click()
        page.get_by_text("the client report of their next clip").wait_for(timeout=30_000)
        clients = str(page.inner_text("body"))
        compare = _open(page, app, "compare", "Compare two sets")
        picks = _options(page, "A (e.g. your reference)") + _options(page, "B (e.g. the client")
        review = _open(page, app, "review", "Live coaching")  # a client asking for Review gets Live
        html = page.content()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert sorted((r["source"], r["client"]) for r in rows) == [("alice-clip.mp4", "Alice"), ("webcam", "alice")]
    assert all(p.split(" · ")[1].lower() == "alice" for p in picks) and len(picks) == 3, picks
    assert "bob" not in clients.lower()
    for text in (history, clients, compare, review, html, exported):
        assert not any(s in text for s in NOT_FOR_ALICE), [s for s in NOT_FOR_ALICE if s in text]
        assert str(app["db"].parent) not in text
    entries = AuditLog(AccountStore(app["accounts"])).recent()
    assert any((e.actor, e.action, e.what) == ("alice", "export", "2 sessions as CSV") for e in entries)


def test_the_trainer_sees_both_clients_and_who_did_what(app: dict[str, Any], tmp_path: Path) -> None:
    with chromium_page(tmp_path, f"{app['url']}/signin") as page:
        assert sign_in(page, app["url"], "tina") == ""
        pages = _pages(page)
        assert pages == ["Live", "Review a clip", "Samples", "History", "Compare", "Accounts"]
        history = _open(page, app, "history", "Export CSV")
        assert "Live sets (2)" in history and "Reviewed clips (3)" in history
        with page.expect_download() as download:
            page.get_by_role("button", name="Export CSV").click()
        clients = sorted(r["client"] for r in csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
        _open(page, app, "compare", "Compare two sets")
        picks = _options(page, "A (e.g. your reference)")
        accounts = _open(page, app, "accounts", "Who did what")
    assert clients == ["Alice", "alice", "bob", "bob", "reference"]
    assert {"reference", "bob", "Alice"} <= {p.split(" · ")[1] for p in picks}  # first: main's default pair
    assert "tina" in accounts and "export" in accounts and "5 sessions as CSV" in accounts
    assert all(name in accounts for name in ("alice", "bob", "carol"))


def test_ten_wrong_passwords_in_a_row_are_slowed(app: dict[str, Any], tmp_path: Path) -> None:
    signin, carol = f"{app['url']}/signin", {"name": "carol", "password": ACCOUNTS["carol"][1]}
    with chromium_page(tmp_path, signin) as page:
        messages = [sign_in(page, app["url"], "carol", f"wrong password {i}") for i in range(10)]
        # The right password at once after one more wrong try (plain HTTP, milliseconds apart, so however
        # slow a loaded machine made the ten, the wait that try left or found is still running).
        once_more = status(signin, data={"name": "carol", "password": "wrong password 10"})[0]
        code, headers, body = status(signin, data=carol)
        wait = int({k.lower(): v for k, v in headers.items()}.get("retry-after", "0"))
        unknown = sign_in(page, app["url"], "nobody-at-all", "wrong password x")
        time.sleep(wait + 1)
        after_waiting = sign_in(page, app["url"], "carol")
    assert messages[:3] == ["Wrong name or password."] * 3
    slowed = [m for m in messages[3:] if m.startswith("Too many failed tries: wait")]
    assert len(slowed) >= 3, messages  # each wait doubles: most of the seven tries came too early
    assert once_more in (401, 429) and code == 429 and wait >= 1, (once_more, code, body)
    assert re.search(r"Too many failed tries: wait \d+ s", body) and "Wrong name" not in body
    assert unknown == "Wrong name or password."  # an unknown name reads exactly like a wrong password
    assert after_waiting == ""


def test_a_tampered_or_expired_cookie_is_refused(app: dict[str, Any], tmp_path: Path) -> None:
    cookie = sign_in_cookie(app["url"], "bob")
    assert status(f"{app['url']}/?page=history", cookie)[0] == 200 and websocket_status(app["url"], cookie) == 101
    name, value = cookie.split("=", 1)
    payload, stamp, signature = value.split(".")
    for forged in (f"{name}={payload}.{stamp}.{signature[:-2]}{'AB' if signature[-2:] != 'AB' else 'CD'}",
                   f"{name}={payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{stamp}.{signature}",
                   f"{name}=x{value}"):
        assert status(f"{app['url']}/", forged)[:2][0] == 303, forged
        assert websocket_status(app["url"], forged) == 403
    with sqlite3.connect(app["accounts"]) as con:  # bob's sign-in unused for 2 hours (the limit is 30 min)
        con.execute("UPDATE sign_ins SET last_seen = last_seen - 7200, created_at = created_at - 7200"
                    " WHERE name = 'bob'")
    assert status(f"{app['url']}/", cookie)[0] == 303 and websocket_status(app["url"], cookie) == 403
    with chromium_page(tmp_path, f"{app['url']}/signin") as page:
        page.context.add_cookies([{"name": name, "value": value, "url": app["url"]}])
        page.goto(f"{app['url']}/?page=history")
        assert page.url == f"{app['url']}/signin"


def test_sign_out_ends_the_session(app: dict[str, Any], tmp_path: Path) -> None:
    with chromium_page(tmp_path, f"{app['url']}/signin") as page:
        assert sign_in(page, app["url"], "bob") == ""
        (cookie,) = [c for c in page.context.cookies() if c["name"] == "formcheck_session"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        header = f"formcheck_session={cookie['value']}"
        assert status(f"{app['url']}/", header)[0] == 200
        page.get_by_role("button", name="Sign out").click()
        page.get_by_text("You are signed out").wait_for(timeout=60_000)
        assert status(f"{app['url']}/", header)[0] == 303 and websocket_status(app["url"], header) == 403
        page.goto(f"{app['url']}/?page=history")
        assert page.url == f"{app['url']}/signin"
    entries = AuditLog(AccountStore(app["accounts"])).recent()
    assert ("bob", "sign out") in [(e.actor, e.action) for e in entries]


def test_no_auth_serves_everyone_with_a_warning_and_no_paths(tmp_path: Path) -> None:
    with remote_app(tmp_path, ("--no-auth",)) as app, \
            chromium_page(tmp_path, f"{app['url']}/?page=history") as page:
        page.get_by_text("Export CSV").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        text = page.content()
        log = app["log"].read_text()
    assert "formcheck app: WARNING: --no-auth: anyone who can reach http://0.0.0.0:" in log
    assert "Reviewed clips (3)" in text and "Sign out" not in text
    assert str(app["db"].parent) not in text  # beyond this computer the History page names no path


def test_streamlit_run_on_all_interfaces_turns_other_computers_away(tmp_path: Path) -> None:
    with remote_app(tmp_path, streamlit_run=True) as app, \
            chromium_page(tmp_path, f"{app['url']}/?page=history") as page:
        page.get_by_text("This app serves this computer only").wait_for(timeout=60_000)
        text = page.content()
    assert not any(s in text for s in ("alice", "bob-clip.mp4", "Export CSV"))


@pytest.mark.model
def test_a_clients_live_set_is_stored_under_her_name(tmp_path: Path, sample_videos: Path, model_path: Path) -> None:
    """The whole way: alice signs in, does a set on the Live page with a clip as her camera, presses STOP."""
    from tests.app_samples import pick_sample
    from tests.live_browser import live_rows, start, stop, webrtc_button, write_y4m

    clip, label = pick_sample(sample_videos)
    y4m = write_y4m([clip], tmp_path / "cam.y4m")
    camera = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              "--autoplay-policy=no-user-gesture-required", f"--use-file-for-fake-video-capture={y4m}"]
    with remote_app(tmp_path) as app, chromium_page(tmp_path, f"{app['url']}/signin", [
            *camera, f"--unsafely-treat-insecure-origin-as-secure={app['url']}"]) as page:  # as under HTTPS
        before = live_rows(app["db"])
        assert sign_in(page, app["url"], "alice") == ""
        page.goto(f"{app['url']}/?page=live&exercise={label['exercise']}")
        webrtc_button(page).wait_for(timeout=60_000)
        start(page)
        page.wait_for_function("() => Number(document.querySelector('#fc-live')?.dataset.count || 0) >= 1",
                               timeout=120_000)
        stop(page)
        with sqlite3.connect(app["db"]) as con:
            rows = con.execute("SELECT client, exercise, reps FROM sessions WHERE kind = 'live' ORDER BY id"
                               ).fetchall()
    assert len(rows) == len(before) + 1 and rows[-1][0] == "alice" and rows[-1][1] == label["exercise"], rows
    assert rows[-1][2] >= 1


def test_the_trainer_adds_a_client_and_gives_her_a_new_password_in_the_app(app: dict[str, Any],
                                                                          tmp_path: Path) -> None:
    with chromium_page(tmp_path, f"{app['url']}/signin") as page:
        assert sign_in(page, app["url"], "tina") == ""
        _open(page, app, "accounts", "Who did what")
        form = page.locator('[data-testid="stForm"]').filter(has_text="Add an account")
        form.get_by_role("textbox", name="Name").fill("dave")
        form.get_by_role("textbox", name="Password").fill("dave's first passphrase")
        form.get_by_role("button", name="Add account").click()
        page.get_by_text("Added dave (client).").wait_for(timeout=30_000)
        old = status(f"{app['url']}/signin", data={"name": "dave", "password": "dave's first passphrase"})
        assert old[0] == 303
        form = page.locator('[data-testid="stForm"]').filter(has_text="New password")
        _pick(page, form, "dave")
        form.get_by_role("textbox", name="New password").fill("dave's second passphrase")
        form.get_by_role("button", name="Set password").click()
        page.get_by_text("dave has a new password.").wait_for(timeout=30_000)
        audit = _open(page, app, "accounts", "Who did what")
    dave_cookie = old[1]["set-cookie"].split(";")[0]
    assert status(f"{app['url']}/", dave_cookie)[0] == 303  # the new password signed dave out
    assert status(f"{app['url']}/signin", data={"name": "dave", "password": "dave's second passphrase"})[0] == 303
    assert status(f"{app['url']}/signin", data={"name": "dave", "password": "dave's first passphrase"})[0] == 401
    assert "add account" in audit and "dave (client)" in audit and "new password" in audit
    assert "dave's first passphrase" not in audit and "dave's second passphrase" not in audit


def test_a_client_signs_in_with_the_provider_and_gets_her_own_pages(app: dict[str, Any], tmp_path: Path) -> None:
    with chromium_page(tmp_path / "trainer", f"{app['url']}/signin") as page:  # the trainer gives carol an e-mail
        assert sign_in(page, app["url"], "tina") == ""
        _open(page, app, "accounts", "Who did what")
        form = page.locator('[data-testid="stForm"]').filter(has_text="E-mail for sign-in with a provider")
        _pick(page, form, "carol")
        form.get_by_role("textbox", name="E-mail").fill("Carol@Example.org")
        form.get_by_role("button", name="Set e-mail").click()
        page.get_by_text("carol: e-mail carol@example.org.").wait_for(timeout=30_000)
    app["provider"].user = {"sub": "3", "email": "carol@example.org", "email_verified": True}
    with chromium_page(tmp_path / "carol", f"{app['url']}/signin") as page:
        page.get_by_role("link", name="Sign in with Testid").click()  # the provider approves at once
        page.get_by_text("Signed in as carol").wait_for(timeout=60_000)
        pages = _pages(page)
    assert pages == ["Live", "History", "Compare"]
    assert "formcheck app: sign-in with Testid too" in app["log"].read_text()
    entry = next(e for e in AuditLog(AccountStore(app["accounts"])).recent() if e.actor == "carol")
    assert entry.action == "sign in" and entry.what.endswith("with Testid (carol@example.org)")
