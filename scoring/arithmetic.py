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
# The 99.9th percentile: two-sided 99.8% limits (the outer funnel).
Z_998 = 3.090232306167813


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


# The benchmarks an inspectorate report names a share by, smallest first.
PHRASE_BENCHMARKS: tuple[tuple[Fraction, str], ...] = (
    (Fraction(1, 4), "a quarter"),
    (Fraction(1, 3), "a third"),
    (Fraction(1, 2), "half"),
    (Fraction(2, 3), "two-thirds"),
    (Fraction(3, 4), "three-quarters"),
)
# "just over" / "almost" a benchmark: within this distance of it.
PHRASE_NEAR = Fraction(1, 40)
PHRASE_ALMOST_ALL = Fraction(9, 10)


def proportion_phrase(part: int, whole: int) -> str:
    """part / whole in the words a report uses ("fewer than half", "just over two-thirds").

    Exact rational arithmetic, so a share that sits on a boundary (19 of 40 is exactly 1/2 -
    1/40) always gets the same words. The rule, p = part / whole, first that applies:

    - none (p = 0), all (p = 1), almost all (p >= 9/10);
    - a benchmark's name when p equals it (1/4, 1/3, 1/2, 2/3, 3/4);
    - "just over" b when b < p <= b + 1/40, "almost" b when b - 1/40 <= p < b;
    - below a half: "fewer than" the smallest benchmark above p;
      above a half: "over" the largest benchmark below p.

    Raises ValueError for no base (whole is zero) or impossible counts.
    """
    _check_counts(part, whole)
    if whole == 0:
        raise ValueError("There is no proportion of nothing (the whole is zero).")
    p = Fraction(part, whole)
    if p == 0:
        return "none"
    if p == 1:
        return "all"
    if p >= PHRASE_ALMOST_ALL:
        return "almost all"
    for benchmark, name in PHRASE_BENCHMARKS:
        if p == benchmark:
            return name
    for benchmark, name in PHRASE_BENCHMARKS:
        if benchmark < p <= benchmark + PHRASE_NEAR:
            return f"just over {name}"
        if benchmark - PHRASE_NEAR <= p < benchmark:
            return f"almost {name}"
    if p < Fraction(1, 2):
        above = next(name for benchmark, name in PHRASE_BENCHMARKS if benchmark > p)
        return f"fewer than {above}"
    below = [name for benchmark, name in PHRASE_BENCHMARKS if benchmark < p][-1]
    return f"over {below}"


def difference_interval(x1: int, n1: int, x2: int, n2: int, z: float = Z_95) -> tuple[float, float]:
    """95% interval for p2 - p1 (then x1 of n1, now x2 of n2), in percentage points.

    Newcombe's hybrid score interval (method 10 of Newcombe 1998, Statistics in Medicine
    17:873-890), built from each proportion's Wilson interval (l1, u1), (l2, u2):

        low  = (p2 - p1) - sqrt((p2 - l2)^2 + (u1 - p1)^2)
        high = (p2 - p1) + sqrt((u2 - p2)^2 + (p1 - l1)^2)

    Like Wilson it behaves at small bases and at 0% or 100%, where the simple (Wald)
    difference interval overshoots or collapses. Raises ValueError without a base.
    """
    first = wilson_interval(x1, n1, z)
    second = wilson_interval(x2, n2, z)
    if first is None or second is None:
        raise ValueError("Both proportions need a base (relevant cases) for a difference.")
    p1, p2 = 100 * x1 / n1, 100 * x2 / n2
    (l1, u1), (l2, u2) = first, second
    d = p2 - p1
    low = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return (max(-100.0, low), min(100.0, high))


def change_words(low: float, high: float) -> str:
    """What a difference interval lets a report say: a change only when it excludes zero."""
    if low > 0:
        return "improved"
    if high < 0:
        return "declined"
    return "no clear change"


def funnel_limits(team_rate: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """Control limits, in percent, for the Yes rate of someone with n judgements if they judged
    like the team (rate team_rate, 0-1): team_rate +- z * sqrt(team_rate (1 - team_rate) / n),
    kept within 0-100. The normal approximation to the binomial, as funnel plots use."""
    if n < 1:
        raise ValueError("A funnel needs at least one judgement.")
    if not 0 <= team_rate <= 1:
        raise ValueError("The team's rate is a proportion, 0 to 1.")
    half = z * math.sqrt(team_rate * (1 - team_rate) / n)
    return (max(0.0, team_rate - half) * 100, min(1.0, team_rate + half) * 100)


def binomial_quantile_limit(rate: float, n: int, p: float) -> float:
    """The p-th quantile, as a percentage, of the Yes rate of n cases drawn at `rate` (0-1):
    the exact binomial control limit with the interpolation of Spiegelhalter (2005, "Funnel
    plots for comparing institutional performance", appendix), which makes the limit a smooth
    line rather than a staircase. With F the binomial distribution function, r the smallest
    count with F(r) >= p: limit = (r - (F(r) - p) / (F(r) - F(r - 1))) / n."""
    if n < 1:
        raise ValueError("A funnel needs at least one case.")
    if not 0 <= rate <= 1:
        raise ValueError("The pooled rate is a proportion, 0 to 1.")
    if not 0 < p < 1:
        raise ValueError("The quantile is a probability strictly between 0 and 1.")
    if rate in (0, 1):
        return 100.0 * rate
    log_rate, log_other = math.log(rate), math.log1p(-rate)
    below = 0.0  # F(r - 1)
    for r in range(n + 1):
        log_pmf = (
            math.lgamma(n + 1)
            - math.lgamma(r + 1)
            - math.lgamma(n - r + 1)
            + r * log_rate
            + (n - r) * log_other
        )
        at = below + math.exp(log_pmf)  # F(r)
        if at >= p or r == n:
            step = at - below
            alpha = (at - p) / step if step > 0 else 0.0
            return 100.0 * min(1.0, max(0.0, (r - alpha) / n))
        below = at
    raise AssertionError("unreachable: F(n) = 1")  # pragma: no cover


# Two-sided limits: 95% (1 in 20 outside by chance) and 99.8% (1 in 500).
FUNNEL_95 = (0.025, 0.975)
FUNNEL_998 = (0.001, 0.999)


def binomial_funnel_limits(
    rate: float, n: int, levels: tuple[float, float] = FUNNEL_95
) -> tuple[float, float]:
    """(low, high) control limits in percent for n cases around the pooled rate (0-1): where a
    region with n relevant cases would fall, `levels` of the time, if it performed at the
    pooled rate (exact binomial, interpolated: binomial_quantile_limit)."""
    low, high = levels
    return binomial_quantile_limit(rate, n, low), binomial_quantile_limit(rate, n, high)


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


def gwet_ac1(
    pairs: Sequence[tuple[str, str]], categories: Sequence[str] | None = None
) -> float | None:
    """Gwet's AC1 for two markers' judgements of the same items.

    Like kappa it corrects agreement for chance, but its chance agreement,
    sum over categories of pi_k (1 - pi_k) / (q - 1) with pi_k the markers' mean share of
    category k, is small when nearly every answer is the same. So AC1 stays near the
    percentage agreement where kappa collapses (the "kappa paradox": 95% agreement on a
    question almost always answered Yes can give a kappa near zero).

    `categories` is the rating scale (q categories); by default the categories used. Returns
    None with no pairs, or when the scale has fewer than two categories.
    """
    if not pairs:
        return None
    scale = set(categories) if categories is not None else set()
    scale |= {c for pair in pairs for c in pair}
    q = len(scale)
    if q < 2:
        return None
    n = len(pairs)
    observed = Fraction(sum(1 for first, second in pairs if first == second), n)
    chance = Fraction(0)
    for category in scale:
        share = Fraction(
            sum(1 for f, _ in pairs if f == category) + sum(1 for _, s in pairs if s == category),
            2 * n,
        )
        chance += share * (1 - share)
    chance /= q - 1
    # chance <= (q - 1) / q / (q - 1) = 1 / q < 1 for q >= 2, so the division is safe.
    return float((observed - chance) / (1 - chance))


def _check_counts(part: int, whole: int) -> None:
    if part < 0 or whole < 0 or part > whole:
        raise ValueError(f"Counts must satisfy 0 <= part <= whole (got {part} of {whole}).")
