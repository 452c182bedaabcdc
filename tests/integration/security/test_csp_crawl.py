"""Crawl every page residents and staff can reach in the demo and check that nothing needs
an exception to the strict Content-Security-Policy: no inline scripts (JSON data blocks
excepted), no ``style=`` attributes, no ``on*=`` handlers, and the CSP header on every page.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from tests.integration.security.demo_world import demo_login, seed_demo

#: Who crawls, and where they start.
VISITORS: dict[str | None, list[str]] = {
    None: ["/", "/login", "/register"],
    "invanare@platsdialog.demo": ["/", "/account", "/my/data", "/my/delete"],
    "admin@huddinge.demo": ["/manage/", "/admin/", "/account", "/account/tokens"],
    "moderator@huddinge.demo": ["/manage/moderation"],
    "dialogledare@huddinge.demo": ["/manage/"],
    "partner@sh.demo": ["/manage/"],
    "superadmin@platsdialog.demo": ["/admin/", "/manage/"],
}

#: Links a crawler must not follow: they change state or end the session.
SKIP = re.compile(r"/logout|/download|/delete$|/export|\.(csv|xlsx|geojson|gpkg|pdf|docx|zip)$")
#: Pages per URL shape (digits folded): enough to meet each template with real data.
PER_SHAPE = 2
MAX_PAGES = 250

JSON_TYPES = {"application/json", "application/geo+json", "application/ld+json"}


class _Offenders(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            if (names.get("type") or "").lower() not in JSON_TYPES:
                self.problems.append(f"inline <script> at {self.getpos()}")
        for name, _value in attrs:
            if name == "style":
                self.problems.append(f"style= on <{tag}> at {self.getpos()}")
            elif re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"{name}= handler on <{tag}> at {self.getpos()}")
            elif name.startswith("hx-on"):
                # htmx compiles hx-on with Function(), which script-src 'self' forbids.
                self.problems.append(f"{name}= (needs unsafe-eval) on <{tag}> at {self.getpos()}")
        if tag == "a" and names.get("href"):
            self.links.append(names["href"] or "")


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _crawl(client: Any, starts: list[str]) -> tuple[dict[str, list[str]], int]:
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = deque(starts)
    problems: dict[str, list[str]] = {}
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            location = urlsplit(urljoin(url, response.headers["Location"]))
            if location.netloc in ("", "localhost"):
                queue.append(location.path + (f"?{location.query}" if location.query else ""))
            continue
        if not response.mimetype == "text/html":
            continue
        pages += 1
        found = []
        if "Content-Security-Policy" not in response.headers:
            found.append("no Content-Security-Policy header")
        parser = _Offenders()
        parser.feed(response.get_data(as_text=True))
        found += parser.problems
        if found:
            problems[url] = found
        for href in parser.links:
            target = urlsplit(urljoin(url, href))
            if target.scheme not in ("", "http") or target.netloc not in ("", "localhost"):
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if SKIP.search(target.path) or path in seen or target.path.startswith("/static"):
                continue
            shape = _shape(target.path) + ("?" if target.query else "")
            if shapes[shape] >= PER_SHAPE:
                continue
            shapes[shape] += 1
            queue.append(path)
    return problems, pages


def test_every_reachable_page_keeps_to_the_strict_csp(app, runner):
    seed_demo(runner)
    report: dict[str, list[str]] = {}
    total = 0
    for email, starts in VISITORS.items():
        client = app.test_client()
        if email:
            demo_login(client, email)
        problems, pages = _crawl(client, starts)
        total += pages
        for url, found in problems.items():
            report.setdefault(url, found)
    assert total > 60, f"the crawl reached only {total} pages"
    assert not report, "\n".join(f"{url}: {found}" for url, found in sorted(report.items()))


def test_the_checker_spots_each_kind_of_offender():
    parser = _Offenders()
    parser.feed(
        '<script>alert(1)</script><script type="application/json">{}</script>'
        '<script src="/static/js/app.js"></script><p style="color:red" onclick="x()">'
        '<button hx-on:click="x()">'
    )
    assert len(parser.problems) == 4, parser.problems
