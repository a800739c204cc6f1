"""Closed-form quantities and bounds of the RMax/CMod shift-invariance theory.

Theorem numbers follow v2 of Leterme et al. [1]_. Frequencies are pairs
``(omega_y, omega_x)`` stored on the last axis of an array of shape ``(..., 2)``;
every function is vectorised over the leading axes.

References
----------
.. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the Shift Invariance
   of Max Pooling Feature Maps in Convolutional Neural Networks",
   arXiv:2209.11740.
"""

import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_int, check_kappa, check_pairs, check_real

__all__ = [
    "alpha",
    "beta",
    "gamma_sq",
    "gamma",
    "is_pathological",
    "bound_applies",
    "cmod_shift_bound",
    "discrepancy_bound",
    "rmax_shift_bound",
]

TWO_PI = 2.0 * np.pi

# Integers enter the formulas as float64, exact up to 2**53: with q and m up to
# 2**51, 2q + 1 and every product below stay exact.
_MAX_FACTOR = 2 ** 51


def _check_factor(value, name, minimum):
    return check_int(value, name, minimum, _MAX_FACTOR)


def alpha(kappa: float, u: ArrayLike) -> float | np.ndarray:
    """Shift term ``alpha = kappa * (|u_1| + |u_2|) / 2``.

    Parameters
    ----------
    kappa : float
        Filter bandwidth, in ``(0, 2*pi]``.
    u : array_like, shape (..., 2)
        Shift vector(s) ``(u_y, u_x)``.

    Returns
    -------
    float or ndarray, shape (...)
        ``alpha(kappa, u)`` for each shift.

    Raises
    ------
    TypeError
        If ``kappa`` is not a real number (a bool included);
        or ``u`` does not hold real numbers (complex, string or object dtype).
    ValueError
        If ``kappa`` is not finite or lies outside ``(0, 2*pi]``;
        or ``u`` is 0-dimensional, its last axis does not have length 2, or it holds
        NaN or infinite values.

    References
    ----------
    Leterme et al., arXiv:2209.11740, Thm 2.9.

    Examples
    --------
    >>> float(alpha(1.0, (2, -4)))
    3.0
    """
    kappa = check_kappa(kappa)
    u = check_pairs(u, "u")
    return kappa * np.abs(u).sum(axis=-1) / 2.0


def beta(q: int, m: int, kappa: float) -> float:
    """Pooling/subsampling term ``beta = q * m * kappa``.

    Parameters
    ----------
    q : int
        Max-pooling half-width, ``q >= 0`` (window ``(2q+1) x (2q+1)``).
    m : int
        Subsampling factor, ``m >= 1``.
    kappa : float
        Filter bandwidth, in ``(0, 2*pi]``.

    Returns
    -------
    float
        ``q * m * kappa``.

    Raises
    ------
    TypeError
        If ``q`` or ``m`` is not an integer (a bool or a float included);
        or ``kappa`` is not a real number (a bool included).
    ValueError
        If ``q`` is negative or larger than ``2**51``;
        or ``m`` is smaller than 1 or larger than ``2**51``;
        or ``kappa`` is not finite or lies outside ``(0, 2*pi]``.

    References
    ----------
    Leterme et al., arXiv:2209.11740, Thm 3.11.

    Examples
    --------
    >>> beta(1, 2, 0.5)
    1.0
    """
    q = _check_factor(q, "q", 0)
    m = _check_factor(m, "m", 1)
    return q * m * check_kappa(kappa)


def gamma_sq(omega: ArrayLike, *, q: int = 1) -> float | np.ndarray:
    """Squared gap ``gamma_q(omega)^2`` between max pooling of a sinusoid and its modulus.

    With the ``n_q = (2q+1)^2`` phases ``<omega, p> mod 2*pi``, ``p`` in
    ``{-q..q}^2``, sorted as ``0 = H_0 <= ... <= H_{n_q-1}`` and ``H_{n_q} = 2*pi``,
    ``dH_i = H_{i+1} - H_i``::

        gamma_q(omega)^2 = 3/2 + 1/(4 pi) sum_i (sin(dH_i) - 8 sin(dH_i / 2))
                         = E_phi[(1 - max_p cos(phi + <omega, p>))^2],

    ``phi`` uniform on ``[0, 2*pi)``. It is ``2*pi``-periodic in each coordinate.

    Parameters
    ----------
    omega : array_like, shape (..., 2)
        Frequencies ``(omega_y, omega_x)``.
    q : int, optional
        Max-pooling half-width, ``q >= 0``.

    Returns
    -------
    float or ndarray, shape (...)
        ``gamma_q(omega)^2``, in ``[0, 3/2]``.

    Raises
    ------
    TypeError
        If ``omega`` does not hold real numbers (complex, string or object dtype);
        or ``q`` is not an integer (a bool or a float included).
    ValueError
        If ``omega`` is 0-dimensional, its last axis does not have length 2, or it holds
        NaN or infinite values;
        or ``q`` is negative or larger than ``2**51``.

    References
    ----------
    Leterme et al., arXiv:2209.11740, Section 3 (definition of gamma_q).

    Examples
    --------
    >>> import numpy as np
    >>> float(gamma_sq((0.0, 0.0)))
    1.5
    >>> round(float(gamma_sq((np.pi, 0.0))), 4)
    0.2268
    >>> gamma_sq(np.zeros((5, 7, 2)), q=2).shape
    (5, 7)
    """
    omega = check_pairs(omega, "omega")
    q = _check_factor(q, "q", 0)
    r = np.arange(-q, q + 1)
    grid = np.stack(np.meshgrid(r, r, indexing="ij"), axis=-1).reshape(-1, 2)
    phases = np.sort(np.mod(omega @ grid.T, TWO_PI), axis=-1)
    d = np.diff(phases, axis=-1, append=TWO_PI)
    return 1.5 + (np.sin(d) - 8.0 * np.sin(d / 2.0)).sum(axis=-1) / (4.0 * np.pi)


def gamma(omega: ArrayLike, *, q: int = 1) -> float | np.ndarray:
    """Gap ``gamma_q(omega) = sqrt(gamma_sq(omega, q=q))``.

    Parameters
    ----------
    omega : array_like, shape (..., 2)
        Frequencies ``(omega_y, omega_x)``.
    q : int, optional
        Max-pooling half-width, ``q >= 0``.

    Returns
    -------
    float or ndarray, shape (...)
        ``gamma_q(omega)``, in ``[0, sqrt(3/2)]``.

    Raises
    ------
    TypeError
        If ``omega`` does not hold real numbers (complex, string or object dtype);
        or ``q`` is not an integer (a bool or a float included).
    ValueError
        If ``omega`` is 0-dimensional, its last axis does not have length 2, or it holds
        NaN or infinite values;
        or ``q`` is negative or larger than ``2**51``.

    References
    ----------
    Leterme et al., arXiv:2209.11740, Section 3 (definition of gamma_q).

    Examples
    --------
    >>> import numpy as np
    >>> round(float(gamma((np.pi / 2, np.pi / 2))), 4)
    0.133
    """
    # clip: rounding can leave a tiny negative value where gamma_q is 0
    return np.sqrt(np.maximum(gamma_sq(omega, q=q), 0.0))


def is_pathological(theta: ArrayLike, m: int, *, atol: float = 1e-8) -> bool | np.ndarray:
    """Whether ``theta`` is a pathological frequency, i.e. lies in ``(pi/m) Z^2``.

    ``gamma_q`` is evaluated at ``m * theta``; it is worst on ``(2*pi/m) Z^2``
    (where ``m * theta = 0 mod 2*pi``) and large on the rest of ``(pi/m) Z^2``.
    This returns True where both coordinates of ``m * theta`` are multiples of
    ``pi``, up to ``atol`` measured on ``theta``.

    Parameters
    ----------
    theta : array_like, shape (..., 2)
        Filter centre frequencies ``(theta_y, theta_x)``.
    m : int
        Subsampling factor, ``m >= 1``.
    atol : float, optional
        Absolute tolerance on the distance from ``theta`` to ``(pi/m) Z^2``
        (per coordinate).

    Returns
    -------
    bool or ndarray of bool, shape (...)
        True where ``theta`` lies within ``atol`` of ``(pi/m) Z^2`` in both coordinates.

    Raises
    ------
    TypeError
        If ``theta`` does not hold real numbers (complex, string or object dtype);
        or ``m`` is not an integer (a bool or a float included);
        or ``atol`` is not a real number.
    ValueError
        If ``theta`` is 0-dimensional, its last axis does not have length 2, or it holds
        NaN or infinite values;
        or ``m`` is smaller than 1 or larger than ``2**51``;
        or ``atol`` is negative or not finite.

    References
    ----------
    Leterme et al., arXiv:2209.11740, discussion after Thm 3.11.

    Examples
    --------
    >>> import numpy as np
    >>> is_pathological([[np.pi / 2, 0.0], [np.pi / 2, 0.3]], 2).tolist()
    [True, False]
    """
    theta = check_pairs(theta, "theta")
    m = _check_factor(m, "m", 1)
    atol = check_real(atol, "atol", 0.0)
    r = np.mod(m * theta, np.pi)
    dist = np.minimum(r, np.pi - r) / m
    return np.all(dist <= atol, axis=-1)


def bound_applies(kappa: float, m: int) -> bool:
    """Validity condition ``kappa <= pi / m`` of the CMod shift bound.

    Parameters
    ----------
    kappa : float
        Filter bandwidth, in ``(0, 2*pi]``.
    m : int
        Subsampling factor, ``m >= 1``.

    Returns
    -------
    bool
        True if ``kappa <= pi / m``.

    Raises
    ------
    TypeError
        If ``kappa`` is not a real number (a bool included);
        or ``m`` is not an integer (a bool or a float included).
    ValueError
        If ``kappa`` is not finite or lies outside ``(0, 2*pi]``;
        or ``m`` is smaller than 1 or larger than ``2**51``.

    References
    ----------
    Leterme et al., arXiv:2209.11740, Thm 2.9.

    Examples
    --------
    >>> import numpy as np
    >>> bound_applies(np.pi / 2, 2), bound_applies(np.pi / 2, 4)
    (True, False)
    """
    return check_kappa(kappa) <= np.pi / _check_factor(m, "m", 1)


def cmod_shift_bound(kappa: float, u: ArrayLike) -> float | np.ndarray:
    """Bound ``alpha(kappa, u)`` on ``||CMod(T_u X) - CMod X|| / ||CMod X||``.

    Valid (Thm 2.9) when the filter lies in ``J(theta, kappa)`` with
    ``kappa <= pi / m``; see :func:`bound_applies`. The value is returned
    whether or not the condition holds.

    Parameters
    ----------
    kappa : float
        Filter bandwidth, in ``(0, 2*pi]``.
    u : array_like, shape (..., 2)
        Shift vector(s) ``(u_y, u_x)``.

    Returns
    -------
    float or ndarray, shape (...)
        ``alpha(kappa, u)``, the bound on the relative CMod change for each shift
        (a number >= 0, returned even where :func:`bound_applies` is False).

    Raises
    ------
    TypeError
        If ``kappa`` is not a real number (a bool included);
        or ``u`` does not hold real numbers (complex, string or object dtype).
    ValueError
        If ``kappa`` is not finite or lies outside ``(0, 2*pi]``;
        or ``u`` is 0-dimensional, its last axis does not have length 2, or it holds
        NaN or infinite values.

    References
    ----------
    Leterme et al., arXiv:2209.11740, Thm 2.9.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(cmod_shift_bound(np.pi / 4, (1, 1))), 4)
    0.7854
    """
    return alpha(kappa, u)


def discrepancy_bound(theta: ArrayLike, kappa: float, m: int, *, q: int = 1) -> float | np.ndarray:
    """Bound ``(beta + gamma_q(m * theta))^2`` on ``E[P^2]``.

    ``P = ||CMod X - RMax X|| / ||CMod X||`` (Thm 3.11).

    Parameters
    ----------
    theta : array_like, shape (..., 2)
        Filter centre frequencies ``(theta_y, theta_x)``.
    kappa : float
        Filter bandwidth, in ``(0, 2*pi]``.
    m : int
        Subsampling factor, ``m >= 1``.
    q : int, optional
        Max-pooling half-width, ``q >= 0``.

    Returns
    -------
    float or ndarray, shape (...)
        ``(q * m * kappa + gamma_q(m * theta))^2``, the bound on ``E[P^2]`` for each
        centre frequency.

    Raises
    ------
    TypeError
        If ``theta`` does not hold real numbers (complex, string or object dtype);
        or ``q`` or ``m`` is not an integer (a bool or a float included);
        or ``kappa`` is not a real number (a bool included).
    ValueError
        If ``theta`` is 0-dimensional, its last axis does not have length 2, or it holds
        NaN or infinite values;
        or ``q`` is negative or larger than ``2**51``;
        or ``m`` is smaller than 1 or larger than ``2**51``;
        or ``kappa`` is not finite or lies outside ``(0, 2*pi]``.

    References
    ----------
    Leterme et al., arXiv:2209.11740, Thm 3.11.

    Examples
    --------
    >>> round(float(discrepancy_bound((0.0, 0.0), 0.1, 2, q=0)), 4)
    1.5
    """
    theta = check_pairs(theta, "theta")
    b = beta(q, m, kappa)
    return (b + gamma(m * theta, q=q)) ** 2


def rmax_shift_bound(theta: ArrayLike, kappa: float, m: int, u: ArrayLike, *,
                     q: int = 1) -> float | np.ndarray:
    """Bound ``2 (beta + gamma_q(m * theta)) + alpha(kappa, u)`` on ``E[R]``.

    ``R = ||RMax(T_u X) - RMax X|| / ||CMod X||`` (Thm 4.2). ``theta`` and ``u``
    broadcast against each other over their leading axes.

    Parameters
    ----------
    theta : array_like, shape (..., 2)
        Filter centre frequencies ``(theta_y, theta_x)``.
    kappa : float
        Filter bandwidth, in ``(0, 2*pi]``.
    m : int
        Subsampling factor, ``m >= 1``.
    u : array_like, shape (..., 2)
        Shift vector(s) ``(u_y, u_x)``.
    q : int, optional
        Max-pooling half-width, ``q >= 0``.

    Returns
    -------
    float or ndarray, shape (...)
        ``2 (q * m * kappa + gamma_q(m * theta)) + alpha(kappa, u)``, the bound on
        ``E[R]``, broadcast over the leading axes of ``theta`` and ``u``.

    Raises
    ------
    TypeError
        If ``theta`` does not hold real numbers (complex, string or object dtype);
        or ``u`` does not hold real numbers (complex, string or object dtype);
        or ``q`` or ``m`` is not an integer (a bool or a float included);
        or ``kappa`` is not a real number (a bool included).
    ValueError
        If ``theta`` is 0-dimensional, its last axis does not have length 2, or it holds
        NaN or infinite values;
        or ``u`` is 0-dimensional, its last axis does not have length 2, or it holds
        NaN or infinite values;
        or ``q`` is negative or larger than ``2**51``;
        or ``m`` is smaller than 1 or larger than ``2**51``;
        or ``kappa`` is not finite or lies outside ``(0, 2*pi]``;
        or the leading axes of ``theta`` and ``u`` do not broadcast together.

    References
    ----------
    Leterme et al., arXiv:2209.11740, Thm 4.2.

    Examples
    --------
    >>> round(float(rmax_shift_bound((0.0, 0.0), 0.5, 2, (1, 1), q=1)), 4)
    4.9495
    """
    theta = check_pairs(theta, "theta")
    b = beta(q, m, kappa)
    return 2.0 * (b + gamma(m * theta, q=q)) + alpha(kappa, u)
