"""Image sources: pairs of grayscale images offset by a small shift.

Every experiment compares the output of an operator on an image ``X`` with its
output on a translated copy ``X'``. This module produces these pairs from two
kinds of sources, both with the same interface (:class:`BundledPhotos` and
:class:`ImageFolder`):

``len(source)``
    Number of candidate items (pairs for :class:`BundledPhotos`, files for
    :class:`ImageFolder`).
``source.load(start, stop)``
    A :class:`Batch` holding the pairs of items ``start, ..., stop - 1`` in
    index order, with the items that could not be decoded left out and listed
    in ``Batch.skipped``. Item ``i`` is the same whichever chunk it is loaded
    in, so a run can be split into chunks, spread over workers and resumed.
``source.describe()``
    A JSON-serialisable dict of the parameters, for a run's ``config.json``.

Sources only hold parameters (and a file list): they are cheap to pickle and
can be shipped to dask workers, which decode the pixels themselves.

Sampling protocol
-----------------
Images are float32 values in [0, 1]: luminance ``0.299 R + 0.587 G + 0.114 B``
(ITU-R BT.601, :func:`dtwpt.to_luminance`) by default, or the three RGB
channels with ``color=True`` (arrays ``(3, H, W)``: channel axis first, a
grayscale photograph repeated on the three channels). Let ``size`` be the side
of ``X`` and ``u > 0`` the translation along ``axis``: ``"x"`` (columns, the
last array axis) or ``"y"`` (rows, the second-to-last).

*One translation model for every u.* A square region ``R`` of side
``size + ceil(u)`` is cut out of the image, so that the content entering ``X'``
at its border is genuine image content whatever ``u``, and::

    X  = R[:size, :size]
    X' = (R translated by u along axis)[:size, :size],   X'[n] = R(n + u e)

with ``e = (0, 1)`` for ``"x"`` and ``(1, 0)`` for ``"y"``: ``X'`` shows the
content of ``X`` moved ``u`` pixels left (``"x"``) or up (``"y"``).

- For an integer ``u`` the translation is exact: ``X' = R[:size, u:u + size]``
  (``axis="x"``) or ``R[u:u + size, :size]`` (``axis="y"``).
- For a fractional ``u`` it is the band-limited (trigonometric) translation of
  the region along ``axis``: the region is extended by its mirror image
  (``[R, R[::-1]]``, which has no jump where it wraps, so no ringing enters
  the crop), translated by a phase ramp (:func:`fourier_shift`) and cropped.
  A real signal's Nyquist coefficient cannot be translated by a fraction of a
  pixel (``fourier_shift`` multiplies it by ``cos(pi u)``), so it is removed
  from the extended region before *both* ``X`` and ``X'`` are cut: the two
  images hold exactly the same frequencies, and for ``u -> 1`` the pair tends
  to the integer-shift pair minus that single coefficient. ``X'`` is not
  clipped and can slightly leave [0, 1].

Where the region comes from depends on the source:

* :class:`BundledPhotos`: pair ``i`` uses photo ``i % n_photos`` and a region
  whose top-left corner is drawn uniformly by ``numpy.random.default_rng([seed, i])``.
* :class:`ImageFolder`: the ImageNet evaluation protocol; the image is resized
  so that its shorter side is ``resize_to`` and the region is its centre. With
  ``shift_at="original"`` the translation is applied to the decoded image
  *before* resizing instead (by ``u`` pixels of the original resolution, so
  by ``u * resize_to / shorter_side`` pixels of ``X``), as a data-augmentation
  pipeline that translates the raw photograph would.
"""
import math
import numbers
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from PIL import Image

from dtwpt._validation import check_bool, check_choice, check_int
from dtwpt.color import to_luminance

__all__ = ["Batch", "BundledPhotos", "ImageFolder", "fourier_shift", "band_limited_pair",
           "BUNDLED_PHOTOS", "SHIFT_AT", "MAX_DECODED_PIXELS",
           "IMAGE_EXTENSIONS"]

#: Natural photographs shipped inside the scikit-image wheel (no download).
BUNDLED_PHOTOS = ("astronaut", "camera", "chelsea", "coffee", "rocket")

#: File extensions (lower case) that :class:`ImageFolder` considers.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif",
                    ".ppm", ".pgm")

_AXES = {"y": -2, "x": -1}
#: Where the translation is applied for an :class:`ImageFolder`.
SHIFT_AT = ("resized", "original")
#: Default bound on the decoded pixels of one file (after JPEG draft reduction).
MAX_DECODED_PIXELS = 40_000_000
_UINT16_MAX = 65535
_INT32_MAX = 2**31 - 1


@dataclass
class Batch:
    """Pairs loaded from a source.

    Attributes
    ----------
    x : ndarray, shape (k, size, size) or (k, 3, size, size), float32
        Images ``X`` (the second form with ``color=True``: RGB, channel axis 1).
    x_shifted : ndarray, same shape as ``x``, float32
        Shifted images ``X'``.
    names : list of str
        Name of each of the ``k`` items (file path relative to the root for an
        :class:`ImageFolder`, with bytes that are not UTF-8 written as
        ``\\xNN``; ``"photo#i"`` for :class:`BundledPhotos`).
    skipped : list of (str, str)
        ``(name, reason)`` of the items that were left out.
    groups : list of str
        The photograph each pair comes from (the photo's name for
        :class:`BundledPhotos`, the file for :class:`ImageFolder`): pairs of
        one group are not independent, so uncertainties are computed over
        groups.
    """

    x: np.ndarray
    x_shifted: np.ndarray
    names: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.names)


def fourier_shift(x: ArrayLike, shift: float, axis: int = -1) -> np.ndarray:
    """Periodic sub-pixel translation ``y[n] = x[n + shift]`` by a phase ramp.

    The signal is seen as a trigonometric polynomial of period ``N`` (the length
    of ``axis``), evaluated at ``n + shift``: the rFFT coefficient ``k`` is
    multiplied by ``exp(2 i pi k shift / N)``. For even ``N`` the Nyquist
    coefficient is multiplied by ``cos(pi shift)`` (the real part of the ramp),
    which keeps the output real. An integer ``shift`` gives exactly
    ``np.roll(x, -shift, axis)``; composing fractional shifts (e.g. two
    shifts of 0.5) equals the sum shift for signals without Nyquist content.

    Parameters
    ----------
    x : array_like
        Real array.
    shift : float
        Translation in samples; positive values move the content towards
        lower indices.
    axis : int, optional
        Axis along which to translate.

    Returns
    -------
    ndarray
        Translated array, float32 if ``x`` is float32, float64 otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.cos(2 * np.pi * np.arange(8) / 8)
    >>> np.allclose(fourier_shift(x, 1), np.roll(x, -1))
    True
    """
    x = np.asarray(x)
    n = x.shape[axis]
    ramp = np.exp(2j * np.pi * np.arange(n // 2 + 1) * shift / n)
    if n % 2 == 0:
        ramp[-1] = np.cos(np.pi * shift)
    ramp = ramp.reshape((-1,) + (1,) * (x.ndim - 1 - axis % x.ndim))
    y = np.fft.irfft(np.fft.rfft(x.astype(np.float64), axis=axis) * ramp, n=n, axis=axis)
    return y.astype(np.float32 if x.dtype == np.float32 else np.float64)


def _check_shift(shift):
    if isinstance(shift, bool) or not isinstance(shift, numbers.Real):
        raise TypeError(f"shift must be a positive finite number, got {shift!r}")
    if not (math.isfinite(shift) and shift > 0):
        raise ValueError(f"shift must be a positive finite number, got {shift!r}")
    return int(shift) if float(shift).is_integer() else float(shift)


def _region_side(size, shift):
    """Side of the region cut out of an image to make one pair."""
    return size + math.ceil(shift)


def _without_nyquist(x, axis):
    """Mirror-extend ``x`` along ``axis`` and remove the Nyquist coefficient: (spectrum, n)."""
    extended = np.concatenate([x, np.flip(x, axis)], axis=axis).astype(np.float64)
    spectrum = np.fft.rfft(extended, axis=axis)
    index = [slice(None)] * x.ndim
    index[axis] = -1  # even length: the last rFFT coefficient is the Nyquist one
    spectrum[tuple(index)] = 0
    return spectrum, extended.shape[axis]


def band_limited_pair(region: np.ndarray, shift: float,
                      axis: int) -> tuple[np.ndarray, np.ndarray]:
    """``(R, R translated by shift)`` without the Nyquist coefficient, mirror-extended.

    The model of fractional shifts (see the module documentation): the region
    is extended by its mirror image along ``axis``, its Nyquist coefficient is
    removed, and both the unshifted and the translated signal are returned at
    the region's size.

    Parameters
    ----------
    region : ndarray, float32 or float64
        Real array.
    shift : float
        Translation in samples (``out[n] = region(n + shift)``).
    axis : int
        Axis of the translation.

    Returns
    -------
    tuple of ndarray
        Same shape and dtype as ``region``.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.cos(0.3 * np.arange(32))
    >>> a, b = band_limited_pair(r, 0.5, -1)
    >>> bool(np.allclose(b[4:20], np.cos(0.3 * (np.arange(4, 20) + 0.5)), atol=0.02))
    True
    """
    spectrum, n = _without_nyquist(region, axis)
    k = np.arange(spectrum.shape[axis])
    ramp = np.exp(2j * np.pi * k * shift / n).reshape((-1,) + (1,) * (-1 - axis % region.ndim
                                                                      + region.ndim))
    size = region.shape[axis]
    keep = [slice(None)] * region.ndim
    keep[axis] = slice(0, size)
    keep = tuple(keep)
    dtype = np.float32 if region.dtype == np.float32 else np.float64
    return tuple(np.fft.irfft(s, n=n, axis=axis)[keep].astype(dtype)
                 for s in (spectrum, spectrum * ramp))


def _make_pair(region, size, shift, axis):
    """``(X, X')`` from a region ``(..., side, side)``, ``side = _region_side(size, shift)``."""
    ax = _AXES[axis]
    if isinstance(shift, int):
        x = region[..., :size, :size]
        if axis == "x":
            return x, region[..., :size, shift:shift + size]
        return x, region[..., shift:shift + size, :size]
    x, moved = band_limited_pair(region, shift, ax)
    return x[..., :size, :size], moved[..., :size, :size]


def _stack(pairs, names, skipped, groups, shape):
    """Assemble a :class:`Batch` from a list of ``(X, X')`` pairs of the given shape."""
    x = np.empty((len(pairs),) + shape, np.float32)
    x_shifted = np.empty_like(x)
    for k, (a, b) in enumerate(pairs):
        x[k], x_shifted[k] = a, b
    return Batch(x, x_shifted, list(names), list(skipped), list(groups))


def _check_range(start, stop, n):
    start = check_int(start, "start", 0)
    stop = check_int(stop, "stop", start)
    return range(start, min(stop, n))


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


def _printable(name):
    """``name`` with the bytes that are not UTF-8 (surrogate escapes) written as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _list_images(root):
    """Sorted paths, relative to ``root`` and ``/``-separated, of the image files."""
    found = []
    for folder, _, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        found.extend(os.path.normpath(os.path.join(rel, f)).replace(os.sep, "/")
                     for f in files if f.lower().endswith(IMAGE_EXTENSIONS))
    return tuple(sorted(found))


def _luminance(image):
    """Pillow image -> float32 luminance in [0, 1] (see ``ImageFolder``)."""
    mode = image.mode
    if mode.startswith("I;16"):
        return np.asarray(image, dtype=np.float32) / np.float32(_UINT16_MAX)
    if mode == "I":
        pixels = np.asarray(image, dtype=np.float64)
        scale = _UINT16_MAX if pixels.max(initial=0) <= _UINT16_MAX else _INT32_MAX
        return np.clip(pixels / scale, 0, 1).astype(np.float32)
    if mode == "F":
        pixels = np.asarray(image, dtype=np.float32)
        if not np.isfinite(pixels).all():
            raise ValueError("float image with non-finite values")
        return np.clip(pixels, 0, 1)
    if mode in ("L", "LA"):
        pixels = np.asarray(image.getchannel(0), dtype=np.float32)
        return pixels / np.float32(255)
    pixels = np.asarray(image.convert("RGB"), dtype=np.float32) / np.float32(255)
    return to_luminance(pixels)


def _channels(image, color):
    """Pillow image -> float32 planes in [0, 1]: ``(H, W)``, or ``(3, H, W)`` if ``color``."""
    if not color:
        return _luminance(image)
    if image.mode in ("L", "LA", "F", "I") or image.mode.startswith("I;16"):
        return np.repeat(_luminance(image)[None], 3, 0)
    pixels = np.asarray(image.convert("RGB"), dtype=np.float32) / np.float32(255)
    return np.ascontiguousarray(np.moveaxis(pixels, -1, 0))


def _resized_shape(width, height, resize_to):
    """``(width, height)`` with the shorter side set to ``resize_to``."""
    short = min(width, height)
    return (resize_to if width == short else int(width * resize_to / short),
            resize_to if height == short else int(height * resize_to / short))


def _resize(planes, target):
    """Bilinear (antialiased) resize of ``(..., H, W)`` float32 planes to ``target = (W, H)``."""
    flat = planes.reshape((-1,) + planes.shape[-2:])
    out = np.stack([np.asarray(Image.fromarray(p).resize(target, Image.BILINEAR),
                               dtype=np.float32) for p in flat])
    return out.reshape(planes.shape[:-2] + out.shape[-2:])


def _centre(image, side):
    """Centre ``side x side`` crop of ``(..., H, W)``."""
    top = int(round((image.shape[-2] - side) / 2))
    left = int(round((image.shape[-1] - side) / 2))
    return image[..., top:top + side, left:left + side]


def _open_regular(path):
    """Open ``path`` for reading without blocking, only if it is a regular file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class ImageFolder:
    """Pairs made from the image files under a folder (ImageNet protocol).

    ``root`` is walked recursively in sorted order and every file whose
    extension (case-insensitive) is in ``IMAGE_EXTENSIONS`` is an item. Each
    file is processed as follows:

    1. Opening: only a regular file is read (a FIFO, device or folder named
       like an image is skipped without being opened, so nothing can block a
       run). Its size is read from the header first: files that would decode
       to more than ``max_pixels`` pixels (after the JPEG draft reduction
       below) are skipped, which bounds the memory of decoding at about
       ``workers * max_pixels * 16`` bytes whatever the machine.
    2. Decoding with Pillow. JPEG files are decoded in draft mode,
       ``Image.draft(...)``: the decoder downscales by 1/2, 1/4 or 1/8 in the
       DCT domain to the smallest size whose shorter side is still at least
       ``resize_to`` (and outputs the luma channel only, unless ``color``).
    3. Luminance as float32 in [0, 1]: grayscale 8-bit modes (``L``, ``LA``)
       are divided by 255; other 8-bit modes (``P``, ``RGB``, ``RGBA``,
       ``CMYK``, ...) are converted to RGB by Pillow, alpha being dropped,
       divided by 255 and weighted by :func:`dtwpt.to_luminance`
       (for colour JPEG the decoder's luma has the same BT.601 weights);
       16-bit modes (``I;16*``) are divided by 65535; 32-bit integer
       images (``I``) by 65535 if their values fit in 16 bits (how Pillow
       presents 16-bit PGM/PPM files), else by 2**31 - 1; float images
       (``F``) are clipped to [0, 1]. With ``color=True`` the three RGB
       channels are kept instead (grayscale files repeated on the three).
    4. Resizing so that the shorter side is ``resize_to`` (the longer side is
       scaled in proportion and truncated, as in torchvision), done in float32
       with Pillow's ``BILINEAR`` filter, which is antialiased when
       downscaling (its support widens with the scale factor).
    5. The centre region of side ``size + ceil(shift)`` becomes ``(X, X')`` as
       described in the module documentation (``shift_at="resized"``, the
       default). With ``shift_at="original"``, the decoded image is first
       translated by ``shift`` pixels of the original resolution (the model of
       the module documentation applied to the whole image), then both images
       are resized and their centre ``size`` squares are ``X`` and ``X'``.

    Files that cannot be processed (corrupt or truncated data, not an image
    despite the extension, not a regular file, shorter side below
    ``min_side``, too many pixels) are left out of the batch and reported in
    ``Batch.skipped`` with the reason.

    Parameters
    ----------
    root : str or os.PathLike
        Folder to walk.
    size : int, optional
        Side of the images, at least 8.
    shift : float, optional
        Positive translation in pixels; see the module documentation.
    axis : {"x", "y"}, optional
        Direction of the translation: columns (``"x"``) or rows (``"y"``).
    resize_to : int, optional
        Shorter side after resizing; at least the region side.
    min_side : int, optional
        Files whose shorter side is below this are skipped.
    workers : int, optional
        Number of decoding threads per ``load`` call; default
        ``min(4, os.cpu_count())``.
    color : bool, optional
        RGB pairs ``(3, size, size)`` instead of luminance.
    shift_at : {"resized", "original"}, optional
        Where the translation is applied (step 5).
    max_pixels : int, optional
        Largest number of decoded pixels of one file.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from PIL import Image
    >>> tmp = tempfile.TemporaryDirectory()
    >>> root = tmp.name
    >>> Image.fromarray(np.zeros((40, 60), np.uint8)).save(root + "/a.png")
    >>> source = ImageFolder(root, size=16, resize_to=20)
    >>> len(source), source.load(0, 1).x.shape
    (1, (1, 16, 16))
    >>> tmp.cleanup()
    """

    def __init__(self, root: str | os.PathLike, *, size: int = 224, shift: float = 1,
                 axis: str = "x", resize_to: int = 256, min_side: int = 32,
                 workers: int | None = None, color: bool = False, shift_at: str = "resized",
                 max_pixels: int = MAX_DECODED_PIXELS) -> None:
        self.size = check_int(size, "size", 8)
        self.shift = _check_shift(shift)
        self.axis = check_choice(axis, "axis", ("x", "y"))
        side = _region_side(self.size, self.shift)
        self.resize_to = check_int(resize_to, "resize_to", side)
        self.min_side = check_int(min_side, "min_side", 1)
        if workers is None:
            workers = min(4, os.cpu_count() or 1)
        self.workers = check_int(workers, "workers", 1)
        self.color = check_bool(color, "color")
        self.shift_at = check_choice(shift_at, "shift_at", SHIFT_AT)
        self.max_pixels = check_int(max_pixels, "max_pixels", 1)
        if not isinstance(root, (str, os.PathLike)):
            raise TypeError(f"root must be a path, got {root!r}")
        self.root = os.path.abspath(os.fspath(root))
        if not os.path.isdir(self.root):
            raise ValueError(f"root {self.root!r} does not exist or is not a directory")
        self.files = _list_images(self.root)
        if not self.files:
            raise ValueError(f"root {self.root!r} contains no image files "
                             f"(extensions {', '.join(IMAGE_EXTENSIONS)})")

    def __len__(self) -> int:
        return len(self.files)

    def __repr__(self) -> str:
        return (f"ImageFolder({self.root!r}, size={self.size}, shift={self.shift!r}, "
                f"axis={self.axis!r}, resize_to={self.resize_to}, color={self.color}, "
                f"shift_at={self.shift_at!r}) with {len(self)} files")

    def _decode(self, path):
        """Planes of the file at ``path`` before resizing, and the draft scale.

        Raises on any failure (the caller records it as a skipped file).
        """
        with _open_regular(path) as fh, Image.open(fh) as image:
            width, height = image.size
            if min(width, height) < self.min_side:
                raise ValueError(f"too small: {width}x{height}, shorter side < "
                                 f"min_side={self.min_side}")
            target = _resized_shape(width, height, self.resize_to)
            image.draft("RGB" if self.color else "L", target)  # JPEG only; else a no-op
            if image.size[0] * image.size[1] > self.max_pixels:
                raise ValueError(f"too large: {image.size[0]}x{image.size[1]} decoded pixels "
                                 f"> max_pixels={self.max_pixels}")
            image.load()
            return _channels(image, self.color), target, image.size[0] / width

    def _pair(self, path):
        planes, target, scale = self._decode(path)
        if self.shift_at == "resized":
            region = _centre(_resize(planes, target), _region_side(self.size, self.shift))
            return _make_pair(region, self.size, self.shift, self.axis)
        # Translate the decoded image by `shift` pixels of the original resolution
        # (`scale` < 1 after a JPEG draft reduction), then resize both.
        pair = band_limited_pair(planes, scale * self.shift, _AXES[self.axis])
        return tuple(_centre(_resize(p, target), self.size) for p in pair)

    def _item(self, index):
        """``(name, pair, None)`` or ``(name, None, reason)`` for file ``index``."""
        name = self.files[index]
        try:
            pair = self._pair(os.path.join(self.root, name))
        except Exception as error:  # any unusable file is skipped, never fatal
            return _printable(name), None, f"{type(error).__name__}: {_printable(str(error))}"
        return _printable(name), pair, None

    def load(self, start: int, stop: int) -> Batch:
        """Pairs of files ``start, ..., stop - 1`` (``stop`` clipped to ``len(self)``).

        Files are decoded in parallel by ``workers`` threads.

        Parameters
        ----------
        start, stop : int
            File range, ``0 <= start <= stop``.

        Returns
        -------
        Batch
            Pairs of the files that could be processed, in file order, and
            ``(path, reason)`` of the others.

        Examples
        --------
        >>> import tempfile, numpy as np
        >>> from PIL import Image
        >>> tmp = tempfile.TemporaryDirectory()
        >>> root = tmp.name
        >>> Image.fromarray(np.zeros((9, 9), np.uint8)).save(root + "/tiny.png")
        >>> ImageFolder(root, size=16, resize_to=20).load(0, 1).skipped
        [('tiny.png', 'ValueError: too small: 9x9, shorter side < min_side=32')]
        >>> tmp.cleanup()
        """
        indices = _check_range(start, stop, len(self))
        with ThreadPoolExecutor(max_workers=min(self.workers, max(len(indices), 1))) as pool:
            items = list(pool.map(self._item, indices))
        done = [(name, pair) for name, pair, _ in items if pair is not None]
        skipped = [(name, reason) for name, pair, reason in items if pair is None]
        names = [name for name, _ in done]
        shape = ((3,) if self.color else ()) + (self.size, self.size)
        return _stack([pair for _, pair in done], names, skipped, names, shape)

    def describe(self) -> dict[str, Any]:
        """JSON-serialisable parameters of the source.

        Returns
        -------
        dict
            ``kind``, ``root``, ``n`` (number of files), ``size``, ``shift``,
            ``axis``, ``resize_to``, ``min_side``, ``interpolation``, the
            Pillow version, and ``color`` / ``shift_at`` when not the default.

        Examples
        --------
        >>> import tempfile, numpy as np
        >>> from PIL import Image
        >>> tmp = tempfile.TemporaryDirectory()
        >>> root = tmp.name
        >>> Image.fromarray(np.zeros((40, 40), np.uint8)).save(root + "/a.png")
        >>> ImageFolder(root, size=16, resize_to=20).describe()["n"]
        1
        >>> tmp.cleanup()
        """
        import PIL

        described = {"kind": "ImageFolder", "root": _printable(self.root), "n": len(self),
                     "size": self.size, "shift": self.shift, "axis": self.axis,
                     "resize_to": self.resize_to, "min_side": self.min_side,
                     "interpolation": "PIL.Image.BILINEAR (antialiased)",
                     "pillow_version": PIL.__version__}
        if self.color:
            described["color"] = True
        if self.shift_at != "resized":
            described["shift_at"] = self.shift_at
        return described
