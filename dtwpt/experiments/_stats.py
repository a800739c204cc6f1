"""Verdicts with a scope and an uncertainty, shared by every experiment.

A claim of a paper is judged only inside the setting it was made for, and only
when the measurement clears its uncertainty:

- :class:`Verdict` holds the claim, the number measured, the criterion, and a
  status: ``PASS``, ``FAIL``, ``INCONCLUSIVE`` (the 95% interval straddles the
  criterion) or ``N/A`` (outside the claim's setting, with the reason);
- :func:`grouped_mean_interval` is the 95% interval of a mean over pairs when
  pairs come in groups that are not independent (crops of one photograph): the
  Student t interval over the group means, so five photographs count as five
  observations however many crops they give;
- :func:`pearson_interval` is Pearson's r with its 95% Fisher-z interval.
"""
import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri, stdtrit  # normal and Student t quantiles (light imports)

__all__ = ["Verdict", "compare", "grouped_mean_interval", "pearson_interval",
           "MIN_GROUPS", "MIN_TILES", "CONFIDENCE"]

#: Coverage of every interval.
CONFIDENCE = 0.95
#: Fewest independent groups (photographs) a mean's interval is computed from.
MIN_GROUPS = 3
#: Fewest tiles a correlation across tiles is judged on.
MIN_TILES = 10


@dataclass
class Verdict:
    """One claim checked on one level.

    Attributes
    ----------
    level : int
    claim : str
    measured : str
        The number and its 95% interval, or why none was computed.
    criterion : str
        What PASS requires, and where its threshold comes from.
    status : {"PASS", "FAIL", "INCONCLUSIVE", "N/A"}
    """

    level: int
    claim: str
    measured: str
    criterion: str
    status: str

    @property
    def decided(self):
        """Whether the verdict is PASS or FAIL."""
        return self.status in ("PASS", "FAIL")


def compare(low, high, threshold):
    """Status of ``value > threshold`` from its interval ``[low, high]``.

    Examples
    --------
    >>> compare(0.2, 0.4, 0.1), compare(0.0, 0.4, 0.1), compare(-0.3, 0.05, 0.1)
    ('PASS', 'INCONCLUSIVE', 'FAIL')
    """
    if not (np.isfinite(low) and np.isfinite(high)):
        return "INCONCLUSIVE"
    if low > threshold:
        return "PASS"
    if high < threshold:
        return "FAIL"
    return "INCONCLUSIVE"


def grouped_mean_interval(values, groups):
    """Mean of ``values`` and its 95% interval over independent groups.

    Each group (e.g. the crops of one photograph) is reduced to its mean, and
    the interval is Student's t over the group means (each group weighs the
    same). With fewer than :data:`MIN_GROUPS` groups the interval is
    ``(nan, nan)``.

    Parameters
    ----------
    values : array_like, shape (n,)
        One value per pair (NaN values are left out).
    groups : array_like of str, shape (n,)
        The group of each pair.

    Returns
    -------
    mean, low, high : float
        Mean over the group means and the interval's bounds.
    n_groups : int

    Examples
    --------
    >>> m, lo, hi, k = grouped_mean_interval([1.0, 1.2, 2.0, 2.2, 3.0], list("aabbc"))
    >>> round(m, 3), k, bool(lo < m < hi)
    (2.067, 3, True)
    """
    values = np.asarray(values, dtype=float)
    groups = np.asarray(groups)
    keep = np.isfinite(values)
    values, groups = values[keep], groups[keep]
    names, index = np.unique(groups, return_inverse=True)
    if not names.size:
        return math.nan, math.nan, math.nan, 0
    means = np.bincount(index, values) / np.bincount(index)
    mean = float(means.mean())
    if names.size < MIN_GROUPS:
        return mean, math.nan, math.nan, int(names.size)
    half = stdtrit(names.size - 1, 0.5 + CONFIDENCE / 2) * means.std(ddof=1) / math.sqrt(
        names.size)
    return mean, mean - half, mean + half, int(names.size)


def pearson_interval(a, b):
    """Pearson's r between ``a`` and ``b`` with its 95% Fisher-z interval.

    Returns
    -------
    r, low, high : float
        NaN when fewer than :data:`MIN_TILES` finite pairs or a constant input.
    n : int
        Number of finite pairs used.

    Examples
    --------
    >>> x = np.arange(20.0)
    >>> r, lo, hi, n = pearson_interval(x, x + np.sin(x))
    >>> n, round(r, 3), bool(lo < r < hi)
    (20, 0.993, True)
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    n = int(a.size)
    if n < MIN_TILES or a.std() == 0 or b.std() == 0:
        return math.nan, math.nan, math.nan, n
    r = float(np.corrcoef(a, b)[0, 1])
    z, half = math.atanh(min(r, 1 - 1e-12)), ndtri(0.5 + CONFIDENCE / 2) / math.sqrt(
        n - 3)
    return r, math.tanh(z - half), math.tanh(z + half), n
