#!/usr/bin/env bash
# Lighthouse (mobile preset) on the demo's catalogue, a stage page and a survey page.
#
# Installs Lighthouse 12.2.3 into bench/.node/ (gitignored) when missing, seeds the demo into a
# temporary SQLite instance, serves it with gunicorn (gunicorn.conf.py) on a free port with no
# tile server, and prints performance, accessibility and best-practices scores plus the bytes
# transferred (compressed) for each page. JSON reports go to bench/out/lighthouse/.
#
# Targets (docs/design.md section 10): performance >= 90, accessibility 100, survey page <= 150 KB.
# Usage: bench/lighthouse.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
NODE_DIR="$ROOT/bench/.node"
LH="$NODE_DIR/node_modules/.bin/lighthouse"
OUT="$ROOT/bench/out/lighthouse"
mkdir -p "$OUT" "$NODE_DIR"

if [ ! -x "$LH" ]; then
  echo "Installing lighthouse@12.2.3 into bench/.node/ ..."
  (cd "$NODE_DIR" && [ -f package.json ] || echo '{"private": true}' > package.json)
  (cd "$NODE_DIR" && npm i -E --no-audit --no-fund --loglevel=error lighthouse@12.2.3)
fi

INSTANCE="$(mktemp -d)"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export PLATSDIALOG_INSTANCE="$INSTANCE"
export DATABASE_URL="sqlite:///$INSTANCE/platsdialog.db"
export TILE_URL=""
export FLASK_APP=wsgi.py
export BIND="127.0.0.1:$PORT"
export WEB_CONCURRENCY=2
unset REDIS_URL

"$PY" -m flask db upgrade >/dev/null
"$PY" -m flask demo seed --if-empty

"$PY" -m gunicorn -c gunicorn.conf.py wsgi:app >"$INSTANCE/gunicorn.log" 2>&1 &
GUNICORN=$!
cleanup() { kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true; rm -rf "$INSTANCE"; }
trap cleanup EXIT

BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$BASE/healthz" >/dev/null || { echo "the app did not start:"; tail -20 "$INSTANCE/gunicorn.log"; exit 1; }

# A stage page and a survey page of the demo: the first open survey and its stage.
read -r STAGE_PATH SURVEY_PATH < <("$PY" - <<'EOF'
from app import create_app
from app.extensions import db
from app.surveys.models import Survey, SurveyStatus
from flask import url_for

app = create_app()
app.config["SERVER_NAME"] = "localhost"
with app.app_context(), app.test_request_context():
    for survey in db.session.scalars(db.select(Survey).order_by(Survey.id)):
        if survey.status != SurveyStatus.OPEN or survey.activity is None:
            continue
        stage = survey.activity.stage
        project = stage.project
        print(
            url_for("public.stage", org=project.organization.slug, project=project.slug,
                    stage_id=stage.id, _external=False),
            url_for("surveys.take", survey_id=survey.id, _external=False),
        )
        break
EOF
)

run() {
  local name="$1" url="$2"
  CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}" "$LH" "$url" --quiet \
    --output=json --output-path="$OUT/$name.json" \
    --only-categories=performance,accessibility,best-practices \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic" \
    >/dev/null 2>"$OUT/$name.log" || { echo "lighthouse failed on $url (see $OUT/$name.log)"; return 1; }
}

printf '%-10s %-45s %5s %5s %5s %9s\n' page url perf a11y bp KB
for entry in "catalogue /" "stage $STAGE_PATH" "survey $SURVEY_PATH"; do
  set -- $entry
  run "$1" "$BASE$2"
  "$PY" - "$OUT/$1.json" "$1" "$2" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
cat = report["categories"]
score = lambda k: round((cat[k]["score"] or 0) * 100)
kb = report["audits"]["total-byte-weight"]["numericValue"] / 1024
print(f"{sys.argv[2]:<10} {sys.argv[3]:<45} {score('performance'):>5} {score('accessibility'):>5} "
      f"{score('best-practices'):>5} {kb:>9.1f}")
for key in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
            "cumulative-layout-shift"):
    audit = report["audits"][key]
    print(f"{'':<10}   {key}: {audit['displayValue']}")
failed = [a for a in cat["accessibility"]["auditRefs"]
          if report["audits"][a["id"]]["score"] == 0 and a["weight"]]
for a in failed:
    print(f"{'':<10}   accessibility: {a['id']}")
items = report["audits"]["total-byte-weight"]["details"]["items"][:5]
for item in items:
    print(f"{'':<10}   {item['totalBytes'] / 1024:7.1f} KB  {item['url'].split('/', 3)[-1]}")
EOF
done
