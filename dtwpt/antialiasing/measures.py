r"""What a pooling operator does to one packet: its shift instability and what it keeps.

For one image ``X``, one packet (or kernel) with stride-``m`` complex map
``Z = (X * W) down m`` of shape ``(2h, 2w)``, and one operator's output ``Y``
(shape ``(h, w)``) for ``X`` and ``Y'`` for the shifted image ``X'``:

- **instability** ``||Y' - Y|| / ||Y||``, outputs compared at the same
  positions (as in Leterme et al.'s ``rho_max`` and ``rho_mod``). Every
  operator here is positively homogeneous (``O(aX) = a O(X)`` for ``a > 0``),
  so dividing by the operator's own output norm makes the ratio blind to its
  gain: a blur that merely scales its output down is not rewarded, as it
  would be by a common normaliser such as ``||CMod X||`` (for RMax the two
  differ by ``||CMod X|| / ||RMax X||``, close to 1 on band-pass packets).
- **aligned instability** ``min_d ||T_d Y' - Y|| / ||Y||`` over the circular
  translations ``T_d Y'[n] = Y'[n - d]`` of the output grid by
  ``d in {-1, 0, 1}^2``: instability up to a translation of at most one output
  sample. It is 0 for APS under circular shifts of ``X`` by multiples of
  ``m`` (the shifts that translate the stride-``m`` map), where APS is exactly
  invariant up to its polyphase offset.
- **kept energy** ``mean(Y**2) / mean(|Z|**2)``: the output's energy per
  sample relative to the packet's energy per sample at stride ``m``. For CMod
  it is about 1 (exactly 1 on average over the four subsampling phases).
- **envelope recovery** ``r**2``: the squared Pearson correlation, over the
  ``2h x 2w`` samples, between the packet's envelope ``|Z|`` and ``U Y``,
  the output upsampled back to stride ``m`` by periodic bilinear
  interpolation (``U Y[2n] = Y[n]``, odd samples the mean of their two or
  four neighbours; APS's output placed at ``2n + phase``). Equivalently
  ``1 - r**2`` is the squared relative error of the best affine
  reconstruction ``a U Y + c`` of ``|Z|`` around its mean: the share of the
  envelope's variance the output does not explain. It measures what the
  output says about *where* the packet's energy is (its envelope), the part
  all five operators aim at; the phase of ``Z`` is beyond any of them.

Norms run over the last two axes, in float64; a ratio with a zero
denominator is NaN.

References
----------
.. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
   invariance of max pooling feature maps in convolutional neural networks",
   arXiv:2209.11740, Section 5.
"""
import numpy as np
from numpy.typing import ArrayLike

__all__ = ["instability", "kept_energy", "envelope_recovery", "upsample"]

_OFFSETS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]


def _maps(*arrays, names):
    out = [np.asarray(a) for a in arrays]
    for a, name in zip(out, names):
        if a.ndim < 2 or a.dtype.kind not in "biufc":
            raise ValueError(f"{name} must be a numeric array of shape (..., h, w), "
                             f"got dtype {a.dtype} and shape {a.shape}")
    return out


def _sq_norm(y):
    return np.sum(np.square(np.abs(y), dtype=np.float64), axis=(-2, -1))


def _ratio(num, den):
    num, den = np.broadcast_arrays(num, den)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def instability(y: ArrayLike, y_shifted: ArrayLike, *, aligned: bool = False) -> np.ndarray:
    """``||Y' - Y|| / ||Y||``, or its minimum over output translations by at most one sample.

    Parameters
    ----------
    y, y_shifted : array_like, shape (..., h, w)
        An operator's outputs for ``X`` and ``X'``.
    aligned : bool, keyword-only
        If True, ``min over d in {-1, 0, 1}^2 of ||roll(Y', d) - Y|| / ||Y||``.

    Returns
    -------
    ndarray, shape (...), float64
        NaN where ``Y = 0``.

    Raises
    ------
    ValueError
        If ``y`` or ``y_shifted`` is not a numeric array of at least 2
        dimensions, or their shapes differ.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural networks",
       arXiv:2209.11740, Section 5.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.arange(16.0).reshape(4, 4)
    >>> float(instability(y, np.roll(y, -1, axis=1)) > 0), float(
    ...     instability(y, np.roll(y, -1, axis=1), aligned=True))
    (1.0, 0.0)
    """
    y, y_shifted = _maps(y, y_shifted, names=("y", "y_shifted"))
    if y.shape != y_shifted.shape:
        raise ValueError(f"y and y_shifted must have the same shape, got {y.shape} "
                         f"and {y_shifted.shape}")
    y = y.astype(np.float64)
    y_shifted = y_shifted.astype(np.float64)
    if aligned:
        diff = np.min([_sq_norm(np.roll(y_shifted, d, axis=(-2, -1)) - y) for d in _OFFSETS],
                      axis=0)
    else:
        diff = _sq_norm(y_shifted - y)
    return _ratio(np.sqrt(diff), np.sqrt(_sq_norm(y)))


def kept_energy(y: ArrayLike, z: ArrayLike) -> np.ndarray:
    """``mean(Y**2) / mean(|Z|**2)`` over the last two axes.

    Parameters
    ----------
    y : array_like, shape (..., h, w)
        An operator's output.
    z : array_like, shape (..., H, W)
        The packet's map at stride ``m`` (complex or real), usually ``H = 2h``.

    Returns
    -------
    ndarray, shape (...), float64
        The kept energy per map; NaN where ``Z = 0``.

    Raises
    ------
    ValueError
        If ``y`` or ``z`` is not a numeric array of at least 2 dimensions, or
        their leading axes ``(...)`` do not broadcast together.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.exp(1j * np.arange(16.0)).reshape(4, 4)
    >>> round(float(kept_energy(np.abs(z[::2, ::2]), z)), 12)
    1.0
    """
    y, z = _maps(y, z, names=("y", "z"))
    size_y, size_z = y.shape[-2] * y.shape[-1], z.shape[-2] * z.shape[-1]
    return _ratio(_sq_norm(y) / size_y, _sq_norm(z) / size_z)


def upsample(y: ArrayLike, *, offset: ArrayLike | None = None) -> np.ndarray:
    """Periodic bilinear upsampling by 2: ``U[2n + offset] = Y[n]``, odd samples interpolated.

    Parameters
    ----------
    y : array_like, shape (..., h, w)
        Map(s) to upsample (float64 result).
    offset : array_like of int, shape (..., 2), optional
        Where sample ``n`` goes, ``2n + offset`` with ``offset`` in ``{0, 1}^2``
        per map (e.g. APS's phase); default ``(0, 0)``.

    Returns
    -------
    ndarray, shape (..., 2h, 2w), float64
        The upsampled map(s) ``U``.

    Raises
    ------
    ValueError
        If ``y`` is not a numeric array of at least 2 dimensions, or ``offset``
        does not broadcast to shape ``(..., 2)`` (the leading axes of ``y``) or
        holds values other than 0 and 1.

    Examples
    --------
    >>> import numpy as np
    >>> upsample(np.array([[0.0, 2.0]]))
    array([[0., 1., 2., 1.],
           [0., 1., 2., 1.]])
    """
    (y,) = _maps(y, names=("y",))
    u = y.astype(np.float64)
    for axis in (-2, -1):
        full = np.repeat(u, 2, axis=axis)
        odd = 0.5 * (u + np.roll(u, -1, axis=axis))
        index = [slice(None)] * full.ndim
        index[axis] = slice(1, None, 2)
        full[tuple(index)] = odd
        u = full
    if offset is None:
        return u
    offset = np.broadcast_to(np.asarray(offset), y.shape[:-2] + (2,))
    if not np.isin(offset, (0, 1)).all():
        raise ValueError(f"offset must hold 0s and 1s (the phase of 2n + offset), got {offset!r}")
    out = u.copy()
    for i in (0, 1):
        for j in (0, 1):
            if i or j:
                here = (offset[..., 0] == i) & (offset[..., 1] == j)
                out[here] = np.roll(u[here], (i, j), axis=(-2, -1))
    return out


def envelope_recovery(y: ArrayLike, z: ArrayLike, *,
                      offset: ArrayLike | None = None) -> np.ndarray:
    """Squared Pearson correlation between the envelope ``|Z|`` and the upsampled output.

    Parameters
    ----------
    y : array_like, shape (..., h, w)
        An operator's output.
    z : array_like, shape (..., 2h, 2w)
        The packet's map at stride ``m``.
    offset : array_like of int, shape (..., 2), optional
        Polyphase offset of the output (APS's phase), see :func:`upsample`.

    Returns
    -------
    ndarray, shape (...), float64
        ``r**2`` in [0, 1]; NaN where ``|Z|`` or ``Y`` is constant.

    Raises
    ------
    ValueError
        If ``y`` or ``z`` is not a numeric array of at least 2 dimensions,
        ``z``'s last two axes are not twice ``y``'s, ``offset`` does not
        broadcast to ``y``'s leading axes plus 2, or the leading axes of ``y``
        and ``z`` do not broadcast together.

    Examples
    --------
    >>> import numpy as np
    >>> envelope = np.random.default_rng(0).uniform(1, 2, (4, 4))
    >>> round(float(envelope_recovery(envelope, upsample(envelope))), 12)
    1.0
    """
    y, z = _maps(y, z, names=("y", "z"))
    if z.shape[-2:] != (2 * y.shape[-2], 2 * y.shape[-1]):
        raise ValueError(f"z must be twice as large as y on the last two axes, got "
                         f"{z.shape} and {y.shape}")
    u = upsample(y, offset=offset)
    a = np.abs(z).astype(np.float64)
    u = u - u.mean(axis=(-2, -1), keepdims=True)
    a = a - a.mean(axis=(-2, -1), keepdims=True)
    cov = np.sum(u * a, axis=(-2, -1))
    return _ratio(cov * cov, np.sum(u * u, axis=(-2, -1)) * np.sum(a * a, axis=(-2, -1)))
