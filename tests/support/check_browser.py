"""Manual check of tests/support/browser.py.

    /work/venv/bin/python tests/support/check_browser.py [OUT_DIR]

Writes a small HTML page that logs a console error, throws an uncaught error
and has an <img src="http://example.com/x.png">, opens it from disk, and shows
that all three get recorded; saves a screenshot (OUT_DIR, default /tmp).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from support.browser import chromium_available, recording_page  # noqa: E402

HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>browser check</title>
<style>body{font-family:sans-serif;font-size:20px} .box{background:#cde;padding:1em}</style>
</head><body>
<h1>clausegraph browser check – Zürich ✓</h1>
<div class="box">If you can read this, fonts render.</div>
<img src="http://example.com/x.png" alt="remote image">
<script>
  console.log("just a log");
  console.error("deliberate console error");
  setTimeout(function () { throw new Error("deliberate uncaught error"); }, 0);
</script>
</body></html>
"""


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp")
    reason = chromium_available()
    if reason:
        print("SKIP:", reason)
        return 0
    page_file = out / "cg_browser_check.html"
    page_file.write_text(HTML, encoding="utf-8")
    t0 = time.monotonic()
    with recording_page() as rec:
        t1 = time.monotonic()
        rec.page.goto(page_file.as_uri())
        rec.page.wait_for_load_state("networkidle")
        rec.page.wait_for_timeout(200)
        shot = out / "cg_browser_check.png"
        rec.page.screenshot(path=str(shot), full_page=True)
        print("browser:", rec.page.context.browser.version if rec.page.context.browser else "?")
        print("launch took %.2fs, page+screenshot %.2fs" % (t1 - t0, time.monotonic() - t1))
        print("console_errors:", rec.console_errors)
        print("page_errors:", rec.page_errors)
        print("network_requests:", rec.network_requests)
        print("all console:", rec.console_messages)
        print("screenshot:", shot)
        ok = (any("deliberate console error" in e for e in rec.console_errors)
              and any("deliberate uncaught error" in e for e in rec.page_errors)
              and rec.network_requests == ["http://example.com/x.png"])
    print("total %.2fs" % (time.monotonic() - t0))
    print("all checks passed" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
