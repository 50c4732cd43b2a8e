#!/usr/bin/env bash
# Mutation testing of the scoring engine with mutmut (pinned in requirements-dev.txt).
#
# mutmut 2 rewrites the source files in place, one mutant at a time, so this runs in a scratch
# copy of the committed tree (git archive HEAD), never in your working tree; the copy uses this
# checkout's .venv and its own test database, so it can run beside your own test runs.
# Slow (see docs/testing.md for how long): not part of CI. Run it niced in the background:
#   nice -n 19 scripts/mutation.sh > /tmp/mutation.log 2>&1 &
#
#   MUTATION_PATHS         comma-separated files to mutate (default: the scoring engine)
#   MUTATION_TESTS         the tests run against each mutant (default: the scoring tests)
#   MUTATION_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/dipp_mutation_$USER
#   MUTATION_OUT           where the results go (default: mutation-results.txt here)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
bin/setup-venv requirements-dev.txt
paths="${MUTATION_PATHS:-scoring/arithmetic.py,scoring/selectors.py,scoring/presenters.py,scoring/agreement.py}"
tests="${MUTATION_TESTS:-scoring/tests/test_arithmetic.py scoring/tests/test_handworked_scores.py scoring/tests/test_scores_model_based.py scoring/tests/test_services_and_presenters.py scoring/tests/test_moderation_and_scores_pages.py}"
out="${MUTATION_OUT:-$root/mutation-results.txt}"
work="$(mktemp -d "${TMPDIR:-/tmp}/dipp-mutation.XXXXXX")"
trap 'rm -rf "$work"' EXIT
git archive HEAD | tar -x -C "$work"
ln -s "$root/.venv" "$work/.venv"
cd "$work"
export DATABASE_URL="${MUTATION_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dipp_mutation_${USER:-$(id -un)}}"
export DJANGO_SETTINGS_MODULE=config.settings.test
export DIPP_SHARED_DIR="${DIPP_SHARED_DIR:-$root/../shared}"
# --reuse-db: the test database is made once, not once per mutant; -x: the first failing test
# kills the mutant.
runner=".venv/bin/pytest -x -q -p no:cacheprovider --reuse-db -m 'not browser' $tests"
started=$(date +%s)
echo "Mutating $paths; tests: $tests"
# mutmut exits non-zero when any mutant survives; the results below say which.
.venv/bin/mutmut run --paths-to-mutate "$paths" --tests-dir scoring/tests --runner "$runner" \
  --no-progress || true
elapsed=$(($(date +%s) - started))
{
  echo "mutmut 2.5.1 on $paths"
  echo "tests: $tests"
  echo "commit: $(git -C "$root" rev-parse --short HEAD)  took: ${elapsed}s"
  .venv/bin/mutmut results || true
  for id in $(.venv/bin/mutmut result-ids survived 2>/dev/null); do
    echo "--- surviving mutant $id"
    .venv/bin/mutmut show "$id" || true
  done
} > "$out"
echo "Results in $out (took ${elapsed}s)"
