"""Static files: versioned URLs with year-long caching, and compression of responses."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from flask import Flask, request
from werkzeug.wrappers import Response

from app.core.extensions import compress

YEAR = 31_536_000


def register_static_handling(app: Flask) -> None:
    versions: dict[str, str] = {}
    root = Path(app.static_folder or "static")

    def version_of(filename: str) -> str:
        if app.debug or filename not in versions:
            path = root / filename
            try:
                stat = path.stat()
            except OSError:
                return "0"
            digest = hashlib.sha256(f"{stat.st_mtime_ns}:{stat.st_size}".encode()).hexdigest()
            versions[filename] = digest[:10]
        return versions[filename]

    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            values["v"] = version_of(values["filename"])

    compress.init_app(app)

    @app.after_request
    def static_caching(response: Response) -> Response:
        # Registered after Flask-Compress, so it runs before it: let static files be compressed.
        if request.endpoint == "static" and response.status_code == 200:
            if request.args.get("v"):
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            if response.direct_passthrough:
                wrapped = response.response
                response.direct_passthrough = False
                # A file sent directly (send_file) yields bytes.
                response.set_data(b"".join(cast("Iterable[bytes]", wrapped)))
                close = getattr(wrapped, "close", None)
                if close is not None:
                    close()
        return response
