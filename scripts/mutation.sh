#!/usr/bin/env bash
# Mutation testing of the scoring engine with mutmut (pinned in requirements-dev.txt).
#
# mutmut 2 rewrites the source files in place, one mutant at a time, so this runs in a scratch
# copy of the committed tree (git archive HEAD), never in your working tree; the copy uses this
# checkout's .venv and its own test database, so it can run beside your own test runs.
# Slow (see docs/testing.md for how long): not part of CI. Run it niced in the background:
#   nice -n 19 scripts/mutation.sh > /tmp/mutation.log 2>&1 &
#
#   MUTATION_FILES         space-separated files to mutate, in this order (default: the engine)
#   MUTATION_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/dipp_mutation_$USER
#   MUTATION_OUT           where the results go (default: mutation-results.txt here)
#   DIPP_MODEL_EXAMPLES    examples of the model-based test per mutant (default 25)
#   MUTATION_SINCE         a commit: mutate only the lines added or changed since it (the others
#                          get "# pragma: no mutate" in the scratch copy), to re-measure a file
#                          that grew without re-running the mutants already measured
#
# Do not run mutmut (show, results) in the scratch copy while the run goes on: it re-reads the
# mutated file into its cache and the run then fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
bin/setup-venv requirements-dev.txt
files="${MUTATION_FILES:-scoring/arithmetic.py scoring/selectors.py scoring/presenters.py scoring/agreement.py}"
out="${MUTATION_OUT:-$root/mutation-results.txt}"

# The tests that can kill a mutant of each file, fastest first (-x stops at the first failure).
tests_for() {
  local t=scoring/tests
  case "$1" in
    # Pure tests first (no database: about 2 s a mutant); the hand-worked inspection last.
    scoring/arithmetic.py)
      echo "$t/test_arithmetic.py $t/test_proportion_phrase.py $t/test_difference_interval.py" \
        "$t/test_gwet_ac1.py $t/test_drift.py::test_funnel_limits_on_a_worked_example" \
        "$t/test_drift.py::test_the_funnel_holds_the_team_rate_and_narrows_with_more_judgements" \
        "$t/test_arithmetic_edges.py $t/test_presenters_by_hand.py" \
        "$t/test_programme_presenters_by_hand.py" \
        "$t/test_programme_scores.py::test_funnel_known_value" \
        "$t/test_programme_scores.py::test_funnel_limits_match_an_exact_computation" \
        "$t/test_handworked_scores.py" ;;
    scoring/selectors.py)
      echo "$t/test_handworked_scores.py $t/test_scores_model_based.py" \
        "$t/test_scores_cache_entry.py $t/test_programme_scores.py" ;;
    # A programme's figures (issue 14): pooled, ranged, funnels, who counts; then the pages.
    scoring/programme.py)
      echo "$t/test_programme_presenters_by_hand.py $t/test_programme_scores.py" \
        "$t/test_programme_pages.py tests/test_api_programmes.py" ;;
    scoring/programme_presenters.py)
      echo "$t/test_programme_presenters_by_hand.py $t/test_programme_pages.py" ;;
    # Hand-worked words and geometry on figures built in memory: no database at all.
    scoring/presenters.py) echo "$t/test_presenters_by_hand.py $t/test_programme_presenters_by_hand.py" ;;
    scoring/agreement.py)
      echo "$t/test_agreement_by_hand.py" \
        "$t/test_moderation_and_scores_pages.py::test_the_agreement_page_shows_percentage_kappa_and_ac1_with_their_bases" ;;
    *) echo "$t" ;;
  esac
}

# Mutants by file and status from mutmut's cache (ok_killed, bad_survived, ...), then the diff
# of each survivor. Also written when the run is stopped early, so a partial run still reports.
summary() {
  [ -f .mutmut-cache ] || return 0
  {
    echo "-- mutants by status ($(date -u +%H:%M:%S))"
    .venv/bin/python - <<'PY'
import sqlite3
rows = sqlite3.connect(".mutmut-cache").execute(
    "SELECT s.filename, m.status, COUNT(*) FROM Mutant m JOIN Line l ON m.line = l.id "
    "JOIN SourceFile s ON l.sourcefile = s.id GROUP BY 1, 2 ORDER BY 1, 2"
)
for filename, status, n in rows:
    print(f"{filename}\t{status}\t{n}")
PY
    for id in $(.venv/bin/mutmut result-ids survived 2>/dev/null); do
      echo "--- surviving mutant $id"
      .venv/bin/mutmut show "$id" || true
    done
  } >> "$out" 2>&1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/dipp-mutation.XXXXXX")"
trap 'cd "$work" 2>/dev/null && summary; rm -rf "$work"' EXIT
trap 'exit 143' TERM INT
git archive HEAD | tar -x -C "$work"
ln -s "$root/.venv" "$work/.venv"
if [ -n "${MUTATION_SINCE:-}" ]; then
  for file in $files; do
    git -C "$root" diff -U0 "$MUTATION_SINCE" HEAD -- "$file" \
      | .venv/bin/python scripts/mutation_since.py "$work/$file"
  done
fi
cd "$work"
export DATABASE_URL="${MUTATION_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dipp_mutation_${USER:-$(id -un)}}"
export DJANGO_SETTINGS_MODULE=config.settings.test
export DIPP_SHARED_DIR="${DIPP_SHARED_DIR:-$root/../shared}"
export DIPP_MODEL_EXAMPLES="${DIPP_MODEL_EXAMPLES:-25}"
{
  echo "mutmut 2.5.1, commit $(git -C "$root" rev-parse --short HEAD)"
  [ -z "${MUTATION_SINCE:-}" ] || echo "only the lines added or changed since $MUTATION_SINCE"
} > "$out"
for file in $files; do
  tests="$(tests_for "$file")"
  # pytest -x --reuse-db (the test database is made once, not once per mutant); any failure,
  # an import error too, counts as killed (scripts/mutation_pytest.sh).
  runner="scripts/mutation_pytest.sh $tests"
  started=$(date +%s)
  echo "== $file; tests: $tests ($(date -u +%H:%M:%S))"
  # mutmut exits non-zero when any mutant survives; the results below say which.
  .venv/bin/mutmut run --paths-to-mutate "$file" --tests-dir scoring/tests --runner "$runner" \
    --no-progress || true
  echo "== $file: $(($(date +%s) - started))s; tests: $tests" >> "$out"
  summary
done
trap 'rm -rf "$work"' EXIT
echo "Results in $out"
