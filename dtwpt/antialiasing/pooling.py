r"""Pooling stages on feature maps: max filter, binomial blur, polyphase selection.

Every function here acts on the last two axes ``(y, x)`` of a map ``Y``
sampled on a grid of stride ``m`` (the output of ``(X * V) down m``), with
periodic boundaries, and keeps float32 as float32. The pooled outputs keep
the even samples ``2n`` of that grid, so output ``n`` sits at input position
``2 m n``: the grid of CMod (APS picks its own polyphase offset, see
:func:`aps_downsample`).

- :func:`max_filter`: ``M[k] = max_{|p|_inf <= q} Y[k + p]``, stride 1;
- :func:`blur`: ``B[k] = sum_{s, t} b[s] b[t] M[k + (s, t)]`` with the
  normalised binomial ``b`` of :func:`binomial_kernel`, centred;
- :func:`aps_downsample`: the polyphase component ``M[2n + (i, j)]`` of
  largest l2 norm;
- :func:`pool`: the five pooling operators of :data:`OPERATORS` on a
  (complex) map, the max-based ones on its real part and the CMod-based ones on
  its modulus.

References
----------
.. [1] R. Zhang, "Making convolutional networks shift-invariant again",
   ICML 2019, arXiv:1904.11486 (MaxBlurPool).
.. [2] A. Chaman, I. Dokmanić, "Truly shift-invariant convolutional neural
   networks", CVPR 2021, arXiv:2011.14214 (adaptive polyphase sampling, APS).
.. [3] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "From CNNs to
   shift-invariant twin models based on complex wavelets", arXiv:2212.00394
   (CMod + Blur).
"""
import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from dtwpt._validation import check_axis, check_int

__all__ = ["OPERATORS", "BLUR_SIZES", "binomial_kernel", "max_filter", "blur",
           "aps_downsample", "pool", "pool_all"]

#: Pooling operators, in the order of every table and figure.
OPERATORS = ("rmax", "cmod", "max_blur", "cmod_blur", "aps")
#: Sizes of the binomial blur: [1, 2, 1] / 4 and [1, 4, 6, 4, 1] / 16.
BLUR_SIZES = (3, 5)

#: The 2 x 2 polyphase offsets (i, j), in the order ties are broken.
PHASES = ((0, 0), (0, 1), (1, 0), (1, 1))


def _check_blur_size(size):
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, numbers.Integral):
        raise TypeError(f"blur_size must be one of {BLUR_SIZES}, got {size!r}")
    if size not in BLUR_SIZES:
        raise ValueError(f"blur_size must be one of {BLUR_SIZES}, got {size}")
    return int(size)


def _as_map(y, name="y", complex_ok=False):
    y = np.asarray(y)
    kinds = "biufc" if complex_ok else "biuf"
    if y.dtype.kind not in kinds:
        what = "a real or complex" if complex_ok else "a real"
        raise TypeError(f"{name} must be {what} numeric array, got dtype {y.dtype}")
    if y.ndim < 2:
        raise ValueError(f"{name} must have shape (..., h, w), got shape {y.shape}")
    if y.dtype.kind in "biu":
        y = y.astype(np.float64)
    return y


def _even_map(y, name="y"):
    if y.shape[-2] % 2 or y.shape[-1] % 2:
        raise ValueError(f"{name} must have even height and width (it is subsampled by 2), "
                         f"got shape {y.shape}")
    return y


def binomial_kernel(size: int = 3) -> np.ndarray:
    """Normalised binomial taps ``C(size-1, k) / 2**(size-1)``: the blur of [1]_.

    Parameters
    ----------
    size : {3, 5}
        Number of taps.

    Returns
    -------
    ndarray, shape (size,), float64
        Summing to 1; tap ``k`` applies to offset ``k - size // 2``.

    Raises
    ------
    TypeError
        If ``size`` is not an integer (booleans included).
    ValueError
        If ``size`` is an integer other than 3 or 5.

    References
    ----------
    .. [1] R. Zhang, "Making convolutional networks shift-invariant again",
       ICML 2019, arXiv:1904.11486.

    Examples
    --------
    >>> binomial_kernel(5) * 16
    array([1., 4., 6., 4., 1.])
    """
    size = _check_blur_size(size)
    taps = np.array([1.0])
    for _ in range(size - 1):
        taps = np.convolve(taps, [1.0, 1.0])
    return taps / taps.sum()


def max_filter(y: ArrayLike, *, q: int = 1) -> np.ndarray:
    """Stride-1 periodic max filter: ``M[k] = max_{|p|_inf <= q} Y[k + p]``.

    The ``(2q+1) x (2q+1)`` window is centred on ``k`` and wraps around the
    last two axes; computed separably (rows, then columns), which is exact
    for a max.

    Parameters
    ----------
    y : array_like, shape (..., h, w)
        Real map(s).
    q : int, keyword-only
        Half-width >= 0 (``q = 0`` returns a copy).

    Returns
    -------
    ndarray, same shape and dtype as ``y`` (integers become float64)
        The max-filtered map(s) ``M``.

    Raises
    ------
    TypeError
        If ``y`` is not a real numeric array (complex, object, string...) or
        ``q`` is not an integer.
    ValueError
        If ``y`` has fewer than 2 dimensions, or ``q`` is negative or larger than
        the larger of the map's last two sides.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.zeros((1, 6)); y[0, 2] = 1.0
    >>> max_filter(y, q=1)
    array([[0., 1., 1., 1., 0., 0.]])
    """
    out = _as_map(y).copy()
    q = check_int(q, "q", 0, max(out.shape[-2:]), why=" (the map's larger side)")
    for axis in (-2, -1):
        src = out.copy()
        for p in range(1, q + 1):
            np.maximum(out, np.roll(src, -p, axis=axis), out=out)
            np.maximum(out, np.roll(src, p, axis=axis), out=out)
    return out


def blur(y: ArrayLike, *, size: int = 3) -> np.ndarray:
    """Periodic separable binomial blur: ``B[k] = sum_{s,t} b[s] b[t] Y[k + (s, t)]``.

    ``b = binomial_kernel(size)`` with offsets ``s, t`` in
    ``-size//2 .. size//2``: centred, so no sample moves, and normalised, so a
    constant map is unchanged. This is the anti-aliasing filter of [1]_.

    Parameters
    ----------
    y : array_like, shape (..., h, w)
        Real map(s).
    size : {3, 5}, keyword-only
        Taps per axis.

    Returns
    -------
    ndarray, same shape and dtype as ``y`` (integers become float64)
        The blurred map(s) ``B``.

    Raises
    ------
    TypeError
        If ``size`` is not an integer, or ``y`` is not a real numeric array.
    ValueError
        If ``size`` is not 3 or 5, or ``y`` has fewer than 2 dimensions.

    References
    ----------
    .. [1] R. Zhang, "Making convolutional networks shift-invariant again",
       ICML 2019, arXiv:1904.11486.

    Examples
    --------
    >>> import numpy as np
    >>> float(blur(np.full((4, 4), 2.0)).min())
    2.0
    """
    taps = binomial_kernel(size)
    y = _as_map(y)
    half = size // 2
    for axis in (-2, -1):
        acc = np.zeros_like(y)
        for k, tap in enumerate(taps):
            acc += y.dtype.type(tap) * np.roll(y, half - k, axis=axis)
        y = acc
    return y


def aps_downsample(y: ArrayLike, *,
                   channel_axis: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Adaptive polyphase sampling: keep the 2 x 2 polyphase component of largest norm.

    With the components ``Y_ij[n] = Y[2n + (i, j)]``, ``(i, j)`` in
    ``{0, 1}^2``, returns ``Y_ij`` for the ``(i, j)`` maximising
    ``||Y_ij||_2`` (APS with the l2 norm, as in [2]_). The norms are summed in
    float64; ties break towards the first phase in the order
    (0, 0), (0, 1), (1, 0), (1, 1).

    Exactness: if ``Y'[k] = Y[k + s]`` (a circular shift by any integer vector
    ``s``) and the maximal norm is attained by one phase only, then
    ``aps_downsample(Y')[n] = aps_downsample(Y)[n + d]`` with the integer vector
    ``d = floor((phase' + s) / 2)``: the outputs are circular shifts of each
    other (:func:`dtwpt.antialiasing.instability` with ``aligned=True`` is 0).

    Parameters
    ----------
    y : array_like, shape (..., h, w)
        Real map(s), ``h`` and ``w`` even.
    channel_axis : int, optional
        By default every map (every index of the leading axes) chooses its own
        phase. [2]_ chooses one phase per layer, from the norm over all its
        channels: give the channel axis (one of the leading axes) to sum the
        norms over it and share the phase.

    Returns
    -------
    out : ndarray, shape (..., h/2, w/2)
        Same dtype as ``y``; ``out[..., n]`` sits at ``2n + phase``.
    phase : ndarray of int, shape (..., 2)
        The chosen ``(i, j)`` per map (equal along ``channel_axis`` if given).

    Raises
    ------
    TypeError
        If ``y`` is not a real numeric array, or ``channel_axis`` is not an
        integer.
    ValueError
        If ``y`` has fewer than 2 dimensions or an odd height or width, or
        ``channel_axis`` is not one of the leading (non-spatial) axes of ``y``.

    References
    ----------
    .. [2] A. Chaman, I. Dokmanić, "Truly shift-invariant convolutional neural
       networks", CVPR 2021, arXiv:2011.14214.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.zeros((4, 4)); y[1, 2] = 5.0
    >>> out, phase = aps_downsample(y)
    >>> phase.tolist(), float(out.max())
    ([1, 0], 5.0)
    """
    y = _even_map(_as_map(y))
    parts = np.stack([y[..., i::2, j::2] for i, j in PHASES])
    norms = np.sum(np.square(parts, dtype=np.float64), axis=(-2, -1))  # (4, ...)
    if channel_axis is not None:
        # One of the leading axes of y (not a spatial one); axis 0 of norms is the phase.
        axis = check_axis(channel_axis, y.ndim - 2, "channel_axis")
        norms = np.broadcast_to(norms.sum(axis=1 + axis, keepdims=True), norms.shape)
    best = np.argmax(norms, axis=0)  # first maximum on ties
    out = np.take_along_axis(parts, best[None, ..., None, None], axis=0)[0]
    return out, np.asarray(PHASES)[best]


def pool_all(z: ArrayLike, *, operators: Sequence[str] = OPERATORS, q: int = 1,
             blur_size: int = 3, return_phase: bool = False
             ) -> dict[str, np.ndarray] | tuple[dict[str, np.ndarray], np.ndarray | None]:
    """Several pooling operators on the same stride-``m`` map(s), sharing their stages.

    With ``Y = Re z`` and ``A = |z|`` on the stride-``m`` grid:

    - ``"rmax"``: ``max_filter(Y, q)[2n]`` (RMax);
    - ``"cmod"``: ``A[2n]`` (CMod);
    - ``"max_blur"``: ``blur(max_filter(Y, q), size)[2n]`` (MaxBlurPool of [1]_);
    - ``"cmod_blur"``: ``blur(A, size)[2n]`` (CMod + Blur of [3]_);
    - ``"aps"``: ``aps_downsample(max_filter(Y, q))`` (max pooling with APS, [2]_,
      each map choosing its own phase).

    Parameters
    ----------
    z : array_like, shape (..., 2h, 2w)
        Complex (or real) map(s) at stride ``m``, e.g. the coefficients of
        ``dtwpt.dtcwpt2(x, J, decimated=False)``.
    operators : sequence of str, keyword-only
        Names from :data:`OPERATORS`.
    q : int, keyword-only
        Max-pooling half-width (max-based operators).
    blur_size : {3, 5}, keyword-only
        Binomial blur taps (blurred operators).
    return_phase : bool, keyword-only
        Also return APS's phase.

    Returns
    -------
    outputs : dict of str to ndarray, each of shape (..., h, w)
        Real; float32 for complex64 or float32 input.
    phase : ndarray of int, shape (..., 2), or None
        Only with ``return_phase``: APS's ``(i, j)`` per map (None without ``"aps"``).

    Raises
    ------
    TypeError
        If ``z`` is not a numeric array, ``q`` is not an integer or ``blur_size``
        is not an integer.
    ValueError
        If ``z`` has fewer than 2 dimensions or an odd height or width,
        ``operators`` is empty or holds a name not in :data:`OPERATORS`, ``q`` is
        negative or larger than the map's larger side, or ``blur_size`` is not 3
        or 5.

    References
    ----------
    .. [1] R. Zhang, "Making convolutional networks shift-invariant again",
       ICML 2019, arXiv:1904.11486.
    .. [2] A. Chaman, I. Dokmanić, "Truly shift-invariant convolutional neural
       networks", CVPR 2021, arXiv:2011.14214.
    .. [3] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "From CNNs to
       shift-invariant twin models based on complex wavelets", arXiv:2212.00394.

    Examples
    --------
    >>> import numpy as np

    A wave at pi/2 rad per sample: RMax's even samples see cos = 1, 0, 1, 0...
    through their windows (0 at k = 2 mod 4), APS picks the phase that sees 1,
    CMod sees the envelope 1 everywhere.

    >>> z = np.exp(1j * np.pi / 2 * np.arange(8))[None, :] * np.ones((8, 1))
    >>> out = pool_all(z)
    >>> {name: float(y.mean()) for name, y in out.items()}
    {'rmax': 0.5, 'cmod': 1.0, 'max_blur': 0.75, 'cmod_blur': 1.0, 'aps': 1.0}
    """
    z = _even_map(_as_map(z, "z", complex_ok=True), "z")
    operators = tuple(operators)
    unknown = [op for op in operators if op not in OPERATORS]
    if unknown or not operators:
        raise ValueError(f"operators must be names from {OPERATORS}, got {operators!r}")
    q = check_int(q, "q", 0, max(z.shape[-2:]), why=" (the map's larger side)")
    blur_size = _check_blur_size(blur_size)
    out, phase = {}, None
    if {"cmod", "cmod_blur"} & set(operators):
        a = np.abs(z)
        out["cmod"] = a[..., ::2, ::2]
        if "cmod_blur" in operators:
            out["cmod_blur"] = blur(a, size=blur_size)[..., ::2, ::2]
    if {"rmax", "max_blur", "aps"} & set(operators):
        m = max_filter(z.real, q=q)
        out["rmax"] = m[..., ::2, ::2]
        if "max_blur" in operators:
            out["max_blur"] = blur(m, size=blur_size)[..., ::2, ::2]
        if "aps" in operators:
            out["aps"], phase = aps_downsample(m)
    out = {op: out[op] for op in operators}
    return (out, phase) if return_phase else out


def pool(z: ArrayLike, operator: str, *, q: int = 1, blur_size: int = 3) -> np.ndarray:
    """One pooling operator on stride-``m`` map(s): ``pool_all(z, operators=[operator])``.

    See :func:`pool_all` for the operators' formulas.

    Parameters
    ----------
    z : array_like, shape (..., h, w)
        Map(s) at stride ``m``: real for the max-based operators, complex for
        the CMod-based ones (as in :func:`pool_all`).
    operator : str
        One of :data:`OPERATORS`.
    q : int, keyword-only
        Max-pooling half-width.
    blur_size : {3, 5}, keyword-only
        Size of the binomial blur.

    Returns
    -------
    ndarray, shape (..., h/2, w/2)
        The pooled map(s), on CMod's grid.

    Raises
    ------
    TypeError
        If ``operator`` is not a string, or as :func:`pool_all` (``z`` not
        numeric, ``q`` or ``blur_size`` not an integer).
    ValueError
        If ``operator`` is not in :data:`OPERATORS`, or as :func:`pool_all`
        (``z`` not ``(..., h, w)`` with ``h`` and ``w`` even, ``q`` or
        ``blur_size`` out of range).

    Examples
    --------
    >>> import numpy as np
    >>> pool(np.arange(16.0).reshape(4, 4), "rmax", q=0)
    array([[ 0.,  2.],
           [ 8., 10.]])
    """
    if not isinstance(operator, str):
        raise TypeError(f"operator must be one of {OPERATORS}, got {operator!r}")
    return pool_all(z, operators=(operator,), q=q, blur_size=blur_size)[operator]
