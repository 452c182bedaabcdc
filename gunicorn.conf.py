"""gunicorn settings: `gunicorn wsgi:app` picks this file up; values come from app/config.py."""

from app.config import gunicorn_settings

_settings = gunicorn_settings()

bind = _settings["bind"]
workers = _settings["workers"]
threads = _settings["threads"]
worker_class = "gthread"
timeout = _settings["timeout"]
graceful_timeout = _settings["graceful_timeout"]
keepalive = _settings["keepalive"]
max_requests = _settings["max_requests"]
max_requests_jitter = _settings["max_requests_jitter"]
accesslog = _settings["accesslog"]
loglevel = _settings["loglevel"]
# Tokens in /reset/<token> and /verify/<token> are written as [redacted].
logger_class = "app.core.access_log.RedactingLogger"
# One JSON object per request line; no client address (docs/design.md: no IPs are stored).
access_log_format = (
    '{"time":"%(t)s","method":"%(m)s","path":"%(U)s","status":%(s)s,'
    '"bytes":%(B)s,"duration_us":%(D)s,"agent":"%(a)s"}'
)
# Load the app in each worker (not the master), so a killed worker leaves nothing shared.
preload_app = False
