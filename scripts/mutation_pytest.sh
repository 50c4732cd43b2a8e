#!/usr/bin/env bash
# The test command mutmut runs for each mutant (scripts/mutation.sh). mutmut 2 takes only exit
# code 1 as "killed"; pytest exits 2 when a mutant cannot even be imported (a syntax error,
# such as `(n, /f(x))` from `(n, *f(x))`), which mutmut would count as a survivor. Any failure
# here is 1.
.venv/bin/pytest -x -q -p no:cacheprovider --reuse-db -m "not browser" "$@" || exit 1
