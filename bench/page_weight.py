"""Bytes transferred (compressed, as on the wire) for pages on a phone (Pixel 7), on first
load and after scrolling to the bottom (lazy images then load). Requests to other hosts
(map tiles) are blocked and not counted, as in the budget (docs/design.md: 150 KB).

Usage: python bench/page_weight.py http://127.0.0.1:5104 / /p/botkyrka/tumba-centrum
"""

from __future__ import annotations

import sys
from collections import Counter
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu"]


def measure(base: str, paths: list[str]) -> None:
    host = urlsplit(base).netloc
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for path in paths:
            context = browser.new_context(**p.devices["Pixel 7"])
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if urlsplit(route.request.url).netloc == host
                    else route.abort()
                ),
            )
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            sizes: dict[str, int] = {}
            kinds: dict[str, str] = {}
            cdp.on(
                "Network.responseReceived",
                lambda e, kinds=kinds: kinds.__setitem__(e["requestId"], e["type"]),
            )
            cdp.on(
                "Network.loadingFinished",
                lambda e, sizes=sizes: sizes.__setitem__(
                    e["requestId"], int(e["encodedDataLength"])
                ),
            )
            page.goto(base + path, wait_until="networkidle")
            first = sum(sizes.values())
            by_kind: Counter[str] = Counter()
            for request_id, size in sizes.items():
                by_kind[kinds.get(request_id, "?")] += size
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_load_state("networkidle")
            total = sum(sizes.values())
            detail = ", ".join(f"{k} {v / 1024:.1f}" for k, v in by_kind.most_common())
            print(
                f"{path}: first load {first / 1024:.1f} KB ({len(sizes)} requests; {detail}); "
                f"after scrolling {total / 1024:.1f} KB"
            )
            context.close()
        browser.close()


if __name__ == "__main__":
    measure(sys.argv[1].rstrip("/"), sys.argv[2:] or ["/"])
