"""Mark every line of a file that a diff (git diff -U0, on stdin) did not add or change with
"# pragma: no mutate", so that mutmut mutates only the new lines (scripts/mutation.sh,
MUTATION_SINCE). Lines inside a multi-line string or ending in a backslash are left alone: a
comment there would change the string or break the line (mutmut does not mutate strings'
inner lines anyway)."""

from __future__ import annotations

import io
import re
import sys
import tokenize


def changed_lines(diff: str) -> set[int]:
    lines: set[int] = set()
    for match in re.finditer(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", diff, re.MULTILINE):
        start, count = int(match.group(1)), int(match.group(2) or "1")
        lines.update(range(start, start + count))
    return lines


def main() -> None:
    path = sys.argv[1]
    keep = changed_lines(sys.stdin.read())
    with open(path, encoding="utf-8") as f:
        source = f.read()
    inside_strings: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING and token.end[0] > token.start[0]:
            inside_strings.update(range(token.start[0], token.end[0]))
    out = []
    for number, line in enumerate(source.splitlines(), start=1):
        frozen = (
            number not in keep
            and line.strip()
            and number not in inside_strings
            and not line.rstrip().endswith("\\")
        )
        out.append(f"{line}  # pragma: no mutate" if frozen else line)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"{path}: {len(keep)} lines to mutate", file=sys.stderr)


if __name__ == "__main__":
    main()
