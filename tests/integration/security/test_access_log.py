"""Reset and verification tokens never reach the access log (gunicorn and development)."""

from __future__ import annotations

import json
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from app.accounts.tokens import Purpose, make_token
from app.core.access_log import RedactTokens, redact

ROOT = Path(__file__).resolve().parents[3]


def _gunicorn_logger(tmp_path: Path):
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("logger_class", settings["logger_class"])
    cfg.set("access_log_format", settings["access_log_format"])
    cfg.set("accesslog", str(tmp_path / "access.log"))
    return cfg.logger_class(cfg), tmp_path / "access.log"


def test_gunicorn_writes_reset_and_verify_paths_without_their_tokens(app, make_user, tmp_path):
    user = make_user()
    reset = make_token(user, Purpose.RESET_PASSWORD)
    verify = make_token(user, Purpose.VERIFY_EMAIL)
    logger, log_file = _gunicorn_logger(tmp_path)
    for method, path in (
        ("GET", f"/reset/{reset}"),
        ("POST", f"/reset/{reset}"),
        ("GET", f"/verify/{verify}"),
        ("GET", "/verify/sent"),
    ):
        environ = {
            "REQUEST_METHOD": method,
            "RAW_URI": path + "?lang=en",
            "PATH_INFO": path,
            "QUERY_STRING": "lang=en",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_USER_AGENT": "test",
            "HTTP_REFERER": f"https://dialog.example/reset/{reset}",
        }
        resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
        logger.access(resp, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    text = log_file.read_text()
    assert reset not in text and verify not in text
    paths = [json.loads(line)["path"] for line in text.splitlines()]
    assert paths == ["/reset/[redacted]", "/reset/[redacted]", "/verify/[redacted]", "/verify/sent"]
    for handler in list(logger.access_log.handlers):
        handler.close()
        logger.access_log.removeHandler(handler)


def test_the_development_server_log_is_redacted_too(client, make_user, caplog):
    token = make_token(make_user(), Purpose.RESET_PASSWORD)
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("werkzeug").filters)
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s -',
        ("127.0.0.1", f"GET /reset/{token} HTTP/1.1", "200"),
        None,
    )
    RedactTokens().filter(record)
    assert token not in record.getMessage()
    assert "/reset/[redacted]" in record.getMessage()


def test_redaction_keeps_other_paths():
    assert redact("/verify/resend") == "/verify/resend"
    assert redact("/reset") == "/reset"
    assert redact("GET /reset/abc.def-ghi HTTP/1.1") == "GET /reset/[redacted] HTTP/1.1"
    assert redact("/p/huddinge/resets/x") == "/p/huddinge/resets/x"
