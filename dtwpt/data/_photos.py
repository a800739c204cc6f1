"""Pairs cut from the photographs bundled with scikit-image (no download)."""
from functools import lru_cache
from typing import Any

import numpy as np

from dtwpt._validation import check_bool, check_choice, check_int
from dtwpt.color import to_luminance

from ._pairs import Batch, _check_range, _check_shift, _make_pair, _region_side, _stack

#: Natural photographs shipped inside the scikit-image wheel (no download).
BUNDLED_PHOTOS = ("astronaut", "camera", "chelsea", "coffee", "rocket")


@lru_cache(maxsize=None)
def _photo(name, color=False):
    """A bundled scikit-image photo, float32 in [0, 1], read-only.

    Luminance ``(H, W)``, or RGB ``(3, H, W)`` with ``color=True`` (a grayscale
    photo is repeated on the three channels).
    """
    import skimage.data

    pixels = getattr(skimage.data, name)()
    image = pixels.astype(np.float32) / np.float32(255)
    if color:
        image = np.repeat(image[None], 3, 0) if image.ndim == 2 else np.moveaxis(image, -1, 0)
        image = np.ascontiguousarray(image)
    elif image.ndim == 3:
        image = to_luminance(image)
    image.setflags(write=False)
    return image


class BundledPhotos:
    """Pairs cut at random from photographs bundled with scikit-image.

    The photos are those of ``skimage.data`` whose files ship inside the
    scikit-image wheel, so nothing is downloaded: ``astronaut`` (512 x 512,
    RGB), ``camera`` (512 x 512, grayscale), ``chelsea`` (300 x 451, RGB),
    ``coffee`` (400 x 600, RGB) and ``rocket`` (427 x 640, RGB). Pair ``i``
    uses photo ``BUNDLED_PHOTOS[i % 5]`` and a region whose top-left corner is
    drawn uniformly by ``numpy.random.default_rng([seed, i])``; see the module
    documentation for how the region becomes ``(X, X')``. Pairs of one photo
    overlap: they are 5 photographs seen through many windows, not independent
    images (``Batch.groups`` says which photo each pair comes from).

    Parameters
    ----------
    n_pairs : int, optional
        Number of pairs, ``len(source)``.
    size : int, optional
        Side of the images, at least 8; the region must fit in every photo
        (``size + ceil(shift) <= 300``).
    shift : float, optional
        Positive translation in pixels; see the module documentation.
    axis : {"x", "y"}, optional
        Direction of the translation: columns (``"x"``) or rows (``"y"``).
    seed : int, optional
        Non-negative seed of the region positions.
    color : bool, optional
        RGB pairs ``(3, size, size)`` instead of luminance.

    Raises
    ------
    TypeError
        If ``n_pairs``, ``size`` or ``seed`` is not an integer (a bool or a float included).
        If ``shift`` is not a real number (a bool included).
        If ``color`` is not a bool.
    ValueError
        If ``n_pairs < 1``, ``size < 8`` or ``seed < 0``.
        If ``shift`` is not finite or not positive.
        If ``axis`` is not ``"x"`` or ``"y"``.
        If the region, of side ``size + ceil(shift)``, does not fit in the smallest photo
        (side 300).

    Examples
    --------
    >>> source = BundledPhotos(4)
    >>> source.load(0, 2).x.shape
    (2, 224, 224)
    >>> source.load(0, 2).names
    ['astronaut#0', 'camera#1']
    >>> BundledPhotos(4, color=True).load(0, 1).x.shape
    (1, 3, 224, 224)
    """

    def __init__(self, n_pairs: int = 256, *, size: int = 224, shift: float = 1,
                 axis: str = "x", seed: int = 0, color: bool = False) -> None:
        self.n_pairs = check_int(n_pairs, "n_pairs", 1)
        self.size = check_int(size, "size", 8)
        self.shift = _check_shift(shift)
        self.axis = check_choice(axis, "axis", ("x", "y"))
        self.seed = check_int(seed, "seed", 0)
        self.color = check_bool(color, "color")
        side = _region_side(self.size, self.shift)
        smallest = min(min(_photo(name).shape) for name in BUNDLED_PHOTOS)
        if side > smallest:
            raise ValueError(
                f"size={size} with shift={shift} needs a {side}x{side} region, but the "
                f"smallest bundled photo has a side of {smallest}"
            )

    def __len__(self) -> int:
        return self.n_pairs

    def __repr__(self) -> str:
        return (f"BundledPhotos({self.n_pairs}, size={self.size}, shift={self.shift!r}, "
                f"axis={self.axis!r}, seed={self.seed}, color={self.color})")

    def _pair(self, i):
        name = BUNDLED_PHOTOS[i % len(BUNDLED_PHOTOS)]
        photo = _photo(name, self.color)
        side = _region_side(self.size, self.shift)
        rng = np.random.default_rng([self.seed, i])
        top = rng.integers(0, photo.shape[-2] - side + 1)
        left = rng.integers(0, photo.shape[-1] - side + 1)
        region = photo[..., top:top + side, left:left + side]
        return f"{name}#{i}", _make_pair(region, self.size, self.shift, self.axis)

    def load(self, start: int, stop: int) -> Batch:
        """Pairs ``start, ..., stop - 1`` (``stop`` is clipped to ``len(self)``).

        Parameters
        ----------
        start, stop : int
            Item range, ``0 <= start <= stop``.

        Returns
        -------
        Batch
            The pairs, named ``"photo#i"``; ``skipped`` is always empty.

        Raises
        ------
        TypeError
            If ``start`` or ``stop`` is not an integer (a bool or a float included).
        ValueError
            If ``start`` is negative or ``stop < start``.

        Examples
        --------
        >>> batch = BundledPhotos(3, size=16).load(1, 10)
        >>> batch.names, batch.x.dtype
        (['camera#1', 'chelsea#2'], dtype('float32'))
        """
        items = [self._pair(i) for i in _check_range(start, stop, len(self))]
        names = [name for name, _ in items]
        return _stack([pair for _, pair in items], names, [],
                      [name.split("#")[0] for name in names], self._shape)

    @property
    def _shape(self):
        return ((3,) if self.color else ()) + (self.size, self.size)

    def describe(self) -> dict[str, Any]:
        """JSON-serialisable parameters of the source.

        Returns
        -------
        dict
            ``kind``, ``n``, ``size``, ``shift``, ``axis``, ``seed``, ``photos``
            and the scikit-image version the photos come from (and
            ``color`` when true).

        Examples
        --------
        >>> BundledPhotos(4).describe()["photos"]
        ['astronaut', 'camera', 'chelsea', 'coffee', 'rocket']
        """
        import skimage

        described = {"kind": "BundledPhotos", "n": self.n_pairs, "size": self.size,
                     "shift": self.shift, "axis": self.axis, "seed": self.seed,
                     "photos": list(BUNDLED_PHOTOS), "skimage_version": skimage.__version__}
        if self.color:
            described["color"] = True
        return described
