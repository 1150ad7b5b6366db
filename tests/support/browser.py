"""Headless Debian Chromium driven by Playwright's Python API, for tests.

Usage::

    from support.browser import chromium_available, recording_page

    reason = chromium_available()
    if reason:
        pytest.skip(reason)
    with recording_page() as rec:
        rec.page.goto(path.as_uri())
        rec.page.wait_for_load_state("networkidle")
        assert rec.errors == []             # console errors + uncaught page errors
        assert rec.network_requests == []   # anything not file:, data:, blob:
        rec.page.screenshot(path=tmp_path / "shot.png")

It uses Debian's /usr/bin/chromium (override with $CLAUSEGRAPH_CHROMIUM); Playwright's
own browser download (``playwright install``) is never used.  Each session gets
a new, empty user-data-dir (removed afterwards).  By default every non-local
request is recorded *and aborted*, so a test never waits on a network that is
not there (``allow_urls=[server.base_url]`` lets a local test server through,
``block_network=False`` lets everything through; all are still recorded).

For several pages in one browser use ``chromium_session()`` and
``session.new_page()``; each RecordedPage has its own lists.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

DEFAULT_CHROMIUM = "/usr/bin/chromium"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # small /dev/shm in containers
]

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome-error:", "devtools:")

# Never let Playwright look for / download its own browser build.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def chromium_path() -> str:
    return os.environ.get("CLAUSEGRAPH_CHROMIUM", DEFAULT_CHROMIUM)


def chromium_available() -> Optional[str]:
    """None when Playwright + Debian's Chromium are usable here, else a reason (for pytest.skip)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright (Python package) not importable: {exc}"
    exe = chromium_path()
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        return (f"{exe} not found (apt-get install chromium, "
                "or set CLAUSEGRAPH_CHROMIUM)")
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{exe} --version failed: {exc}"
    if out.returncode != 0 or "Chromium" not in out.stdout + out.stderr:
        return f"{exe} --version failed: {(out.stdout + out.stderr).strip()[:200]}"
    return None


def _is_local(url: str) -> bool:
    return url.startswith(LOCAL_SCHEMES)


@dataclass
class RecordedPage:
    page: "object"  # playwright.sync_api.Page
    console_errors: list = field(default_factory=list)   # console.error(...) and browser-logged errors
    page_errors: list = field(default_factory=list)      # uncaught exceptions (pageerror)
    network_requests: list = field(default_factory=list) # URLs not file:/data:/blob:
    all_requests: list = field(default_factory=list)     # every URL, local ones too
    console_messages: list = field(default_factory=list) # (type, text) of every console message

    @property
    def errors(self) -> list:
        return self.console_errors + self.page_errors

    def _attach(self) -> None:
        page = self.page

        def on_console(msg):
            self.console_messages.append((msg.type, msg.text))
            if msg.type == "error":
                loc = msg.location or {}
                where = loc.get("url", "")
                if where:
                    where = f" ({where}:{loc.get('lineNumber', '?')})"
                self.console_errors.append(msg.text + where)

        def on_pageerror(exc):
            self.page_errors.append(f"{getattr(exc, 'name', '')}: {getattr(exc, 'message', exc)}"
                                    if hasattr(exc, "message") else str(exc))

        def on_request(req):
            self.all_requests.append(req.url)
            if not _is_local(req.url):
                self.network_requests.append(req.url)

        def on_websocket(ws):
            self.all_requests.append(ws.url)
            self.network_requests.append(ws.url)

        page.on("console", on_console)
        page.on("pageerror", on_pageerror)
        page.on("request", on_request)
        page.on("websocket", on_websocket)


class ChromiumSession:
    def __init__(self, browser, context):
        self.browser = browser
        self.context = context

    def new_page(self) -> RecordedPage:
        rec = RecordedPage(page=self.context.new_page())
        rec._attach()
        return rec


@contextlib.contextmanager
def chromium_session(*, block_network: bool = True, allow_urls=(), viewport=(1280, 800),
                     extra_args=(), user_data_dir=None, timeout_ms: int = 30_000
                     ) -> Iterator[ChromiumSession]:
    """Launch headless Debian Chromium with a new empty profile; close it on exit.

    block_network: abort every request that is not file:/data:/blob: unless its
    URL starts with one of ``allow_urls`` (e.g. a local test server's base URL).
    Blocked or not, every such request is recorded in ``network_requests``.
    """
    from playwright.sync_api import sync_playwright

    reason = chromium_available()
    if reason:
        raise RuntimeError(reason)
    own_dir = user_data_dir is None
    profile = Path(user_data_dir or tempfile.mkdtemp(prefix="cg-chromium-profile-"))
    try:
        with sync_playwright() as pw:
            # launch_persistent_context is the Playwright way to pass a user-data-dir.
            context = pw.chromium.launch_persistent_context(
                str(profile),
                executable_path=chromium_path(),
                headless=True,
                args=[*CHROMIUM_ARGS, *extra_args],
                viewport={"width": viewport[0], "height": viewport[1]},
                timeout=timeout_ms,
                service_workers="block",
            )
            context.set_default_timeout(timeout_ms)
            if block_network:
                allowed = tuple(allow_urls)

                def route(r):
                    url = r.request.url
                    if _is_local(url) or url.startswith(allowed):
                        r.continue_()
                    else:
                        r.abort("blockedbyclient")
                context.route("**/*", route)
            try:
                # a persistent context opens with one blank tab; close it
                for p in list(context.pages):
                    p.close()
                yield ChromiumSession(context.browser, context)
            finally:
                context.close()
    finally:
        if own_dir:
            shutil.rmtree(profile, ignore_errors=True)


@contextlib.contextmanager
def recording_page(**kwargs) -> Iterator[RecordedPage]:
    """One RecordedPage in its own browser (see chromium_session for kwargs)."""
    with chromium_session(**kwargs) as session:
        yield session.new_page()


def save_screenshot(target, name: str, folder) -> list[Path]:
    """Screenshot a page or a locator into ``folder`` and, when $CLAUSEGRAPH_SCREENSHOTS names a
    folder, into that one too (to look at by eye); returns the files written."""
    folders = [Path(folder)]
    if os.environ.get("CLAUSEGRAPH_SCREENSHOTS"):
        folders.append(Path(os.environ["CLAUSEGRAPH_SCREENSHOTS"]))
    written = []
    for f in folders:
        f.mkdir(parents=True, exist_ok=True)
        target.screenshot(path=str(f / name))
        written.append(f / name)
    return written
