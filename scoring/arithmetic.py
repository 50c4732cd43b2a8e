"""Pure functions that turn counts into the figures the inspectorate publishes.

No ORM, no HTTP: counts in, numbers out. Everything here is exact where it can be (integers
and Fractions) so that a published whole-number percentage never depends on float rounding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

# The 97.5th percentile of the standard normal distribution: a two-sided 95% interval.
Z_95 = 1.959963984540054


def proportion_exact(part: int, whole: int) -> Fraction | None:
    """part / whole as an exact fraction, or None when the whole is zero."""
    _check_counts(part, whole)
    if whole == 0:
        return None
    return Fraction(part, whole)


def percent_exact(part: int, whole: int) -> float | None:
    """The percentage before rounding (e.g. 29 of 64 -> 45.3125), or None for no base."""
    share = proportion_exact(part, whole)
    return None if share is None else float(share * 100)


def percent_published(part: int, whole: int) -> int | None:
    """The whole-number percentage as the inspectorate publishes it: halves round up.

    Worked from the South West report: Medium RoSH was 40 of 64 cases = 62.5%, published as
    63%; round-half-to-even would have given 62%. Integer arithmetic only, so 62.5 is exact.
    """
    _check_counts(part, whole)
    if whole == 0:
        return None
    return (200 * part + whole) // (2 * whole)


# A percentage resting on fewer relevant cases than this is shown with a "small base" warning:
# one case more or less moves it by ten points or more.
SMALL_BASE_BELOW = 10


def is_small_base(whole: int) -> bool:
    """True when a percentage exists but rests on fewer than SMALL_BASE_BELOW cases (1-9).

    A base of 0 has no percentage to warn about, so it is not a small base.
    """
    _check_counts(0, whole)
    return 0 < whole < SMALL_BASE_BELOW


def whole_percent(value: float) -> int:
    """A percentage already computed (an interval end, say) to a whole number, halves up,
    as the published figures are rounded (Python's round() takes halves to even)."""
    return math.floor(value + 0.5)


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for a binomial proportion, as percentages (0-100).

    Chosen over the normal ("Wald") interval because the bases here are small (17 relevant
    cases is common) and proportions near 0% or 100% are real; Wilson stays inside [0, 100]
    and keeps close to its nominal coverage there.
    """
    _check_counts(successes, trials)
    if trials == 0:
        return None
    n = trials
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half_width = (z / denominator) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = max(0.0, centre - half_width)
    high = min(1.0, centre + half_width)
    # The exact ends are known: no failures means the upper end is 100%, and vice versa.
    if successes == 0:
        low = 0.0
    if successes == n:
        high = 1.0
    return (low * 100, high * 100)


def percent_agreement(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Share of double-marked judgements where both markers agreed, as a percentage."""
    if not pairs:
        return None
    agreed = sum(1 for first, second in pairs if first == second)
    return 100 * agreed / len(pairs)


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa for two markers' judgements of the same items.

    Returns None when there are no pairs, or when chance agreement is total (both markers
    used one and the same category throughout), where kappa is undefined.
    """
    if not pairs:
        return None
    n = len(pairs)
    categories = {c for pair in pairs for c in pair}
    observed = sum(1 for first, second in pairs if first == second) / n
    expected = sum(
        (sum(1 for f, _ in pairs if f == c) / n) * (sum(1 for _, s in pairs if s == c) / n)
        for c in categories
    )
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def _check_counts(part: int, whole: int) -> None:
    if part < 0 or whole < 0 or part > whole:
        raise ValueError(f"Counts must satisfy 0 <= part <= whole (got {part} of {whole}).")
