"""The stage page with 10,000 geolocated comments, in headless Chromium on a phone profile.

Serves the app with gunicorn on a fresh database holding one stage with N published, placed
comments, opens the stage page as a Pixel 7 and measures the time until the page is usable:
the thread's first comment is visible and the map shows its (clustered) markers. The same is
measured for the same stage before the comments are added, as the baseline of the same run.
Target (docs/design.md section 10): usable in under 2 s.

    python bench/stage_page.py [--db sqlite|postgres] [--comments 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.geojson import bulk_comments  # noqa: E402
from bench.harness import SECRET, Gunicorn, database, seed  # noqa: E402

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def usable_seconds(playwright, url: str, expect_markers: bool, repeat: int) -> float:  # type: ignore[no-untyped-def]
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    samples = []
    try:
        for _ in range(repeat):
            context = browser.new_context(**playwright.devices["Pixel 7"])
            page = context.new_page()
            started = time.perf_counter()
            page.goto(url, wait_until="domcontentloaded")
            page.locator("#main").wait_for(state="visible")
            if expect_markers:
                page.locator(".leaflet-marker-icon, .marker-cluster").first.wait_for(
                    state="attached", timeout=30_000
                )
                page.locator("article, .comment").first.wait_for(state="visible")
            else:
                page.locator(".leaflet-container").first.wait_for(state="attached")
            samples.append(time.perf_counter() - started)
            context.close()
    finally:
        browser.close()
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from app import create_app

    with database(args.db) as (url, instance), sync_playwright() as playwright:
        ids = seed(url, instance)
        server = Gunicorn(url, instance, workers=2, threads=8)
        server.start()
        page_url = f"http://127.0.0.1:{server.port}/p/huddinge/flemingsberg/{ids['stage_id']}"
        try:
            empty = usable_seconds(playwright, page_url, False, args.repeat)
            app = create_app(
                {
                    "DATABASE_URL": url,
                    "SECRET_KEY": SECRET,
                    "INSTANCE_DIR": str(instance),
                    "AUTO_CODING": "off",
                }
            )
            bulk_comments(app, ids["stage_id"], args.comments)
            full = usable_seconds(playwright, page_url, True, args.repeat)
        finally:
            server.stop()
    print(
        f"{args.db:8} stage page usable on a Pixel 7: {full:.2f} s with {args.comments} comments "
        f"(empty stage {empty:.2f} s, ratio {full / empty:.1f}x); target < 2 s: "
        f"{'met' if full < 2 else 'MISSED'}"
    )
    return 0 if full < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
