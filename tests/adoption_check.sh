#!/usr/bin/env bash
# Adopting statusbook must leave its test suite green. In a copy of this checkout, do what a
# team running its own status page does: record a real incident now, resolve the example
# ongoing one, then delete every example record and define its own components; run the tests
# after each step. The suite builds only tests/fixtures/demo, so none of this may turn it red.
#
# Run by .ci/run after `make test`, whose .venv it reuses (the copy's code goes first on
# PYTHONPATH). Exits non-zero when a step or the tests fail.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$repo/.venv/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
copy="$work/status"
mkdir "$copy"

# The checkout as it is on disk: tracked and new files, as `make test` saw them; no .venv.
(
  cd "$repo"
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' file; do
      if [ -e "$file" ]; then printf '%s\0' "$file"; fi
    done |
    tar --null -T - -cf -
) | tar -xf - -C "$copy"

cd "$copy"
export PYTHONPATH="$copy/tooling${PYTHONPATH:+:$PYTHONPATH}" NO_MKDOCS_2_WARNING=1
unset STATUSBOOK_CONFIG SOURCE_DATE_EPOCH
"$python" -c "import statusbook, sys; sys.exit(not statusbook.__file__.startswith(sys.argv[1]))" \
  "$copy/" ||
  { echo "adoption check: statusbook is not imported from the copy" >&2; exit 1; }

statusbook() { "$python" -m statusbook "$@"; }
suite() {
  echo "== adoption check: the test suite $1"
  "$python" -m pytest -q -p no:cacheprovider -m "not browser" -n 2
}

echo "== adoption check: a real incident now, and the example ongoing incident resolved"
statusbook new --title "Login failures" --kind outage --impact minor \
  -c auth=degraded_performance -m "We are investigating login failures." --no-prompt
statusbook resolve api-elevated -m Resolved.
statusbook validate
# What the operators' pull-request workflow checks: the site builds, strictly.
statusbook build --site-dir "$work/site"
suite "after recording an incident and resolving the example"

echo "== adoption check: the examples deleted, the catalog's components replaced"
# Every example record goes: incidents and the problem records that name their components.
find incidents -name '*.md' -delete
if [ -d problems ]; then find problems -name '*.md' ! -name README.md -delete; fi
"$python" - <<'EOF'
from datetime import date

import yaml

with open("statusbook.yml", encoding="utf-8") as file:
    catalog = yaml.safe_load(file)
catalog.pop("demo", None)  # the examples' frozen instant, where the catalog has one
catalog["groups"] = [{"id": "apps", "name": "Apps"}]
catalog["components"] = [
    {"id": "web", "name": "Web app", "group": "apps", "sla": 99.9, "monitored_since": date(2026, 1, 1)},
    {"id": "mobile", "name": "Mobile app", "group": "apps", "monitored_since": date(2026, 1, 1)},
]
with open("statusbook.yml", "w", encoding="utf-8") as file:
    yaml.safe_dump(catalog, file, sort_keys=False, allow_unicode=True)
EOF
statusbook validate
statusbook build --site-dir "$work/site"
suite "after replacing the examples"
echo "== adoption check: passed"
