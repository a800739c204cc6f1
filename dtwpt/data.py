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
Images are converted to luminance ``0.299 R + 0.587 G + 0.114 B`` (ITU-R
BT.601, :func:`dtwpt.operators.to_luminance`), as float32 values in [0, 1].
Let ``size`` be the side of ``X`` and ``shift`` the translation, along
``axis`` ``"x"`` (columns, array axis 1) or ``"y"`` (rows, array axis 0).

*Integer shift* ``s >= 1``: a ``(size + s) x (size + s)`` region ``R`` is cut
out of the image, and::

    X  = R[:size, :size]
    X' = R[:size, s:s + size]      # axis="x"
    X' = R[s:s + size, :size]      # axis="y"

so that ``X'[n] = X[n + s e]`` with ``e = (0, 1)`` for ``"x"`` and ``(1, 0)``
for ``"y"``: the content of ``X'`` is that of ``X`` moved
``s`` pixels left (``axis="x"``) or up (``axis="y"``), with genuine image
content entering at the border instead of a periodic wrap-around.

*Non-integer shift* (e.g. 0.5): the region is ``size x size``, ``X = R`` and
``X'`` is the periodic band-limited translation of ``X`` by ``shift`` along
the axis, ``fourier_shift(X, shift, axis)`` (see :func:`fourier_shift`). ``X'`` is not clipped and can slightly
leave [0, 1] (ringing).

Where the region comes from depends on the source:

* :class:`BundledPhotos`: pair ``i`` uses photo ``i % n_photos`` and a region
  whose top-left corner is drawn uniformly by ``numpy.random.default_rng([seed, i])``.
* :class:`ImageFolder`: the ImageNet evaluation protocol; the image is resized
  so that its shorter side is ``resize_to`` and the region is its centre.
"""
import math
import numbers
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image

from dtwpt.operators import to_luminance

__all__ = ["Batch", "BundledPhotos", "ImageFolder", "fourier_shift", "BUNDLED_PHOTOS",
           "IMAGE_EXTENSIONS"]

#: Natural photographs shipped inside the scikit-image wheel (no download).
BUNDLED_PHOTOS = ("astronaut", "camera", "chelsea", "coffee", "rocket")

#: File extensions (lower case) that :class:`ImageFolder` considers.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif",
                    ".ppm", ".pgm")

_AXES = {"y": 0, "x": 1}
_UINT16_MAX = 65535
_INT32_MAX = 2**31 - 1


@dataclass
class Batch:
    """Pairs loaded from a source.

    Attributes
    ----------
    x : ndarray, shape (k, size, size), float32
        Images ``X``.
    x_shifted : ndarray, shape (k, size, size), float32
        Shifted images ``X'``.
    names : list of str
        Name of each of the ``k`` items (file path relative to the root for an
        :class:`ImageFolder`, ``"photo#i"`` for :class:`BundledPhotos`).
    skipped : list of (str, str)
        ``(name, reason)`` of the items that were left out.
    """

    x: np.ndarray
    x_shifted: np.ndarray
    names: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    def __len__(self):
        return len(self.names)


def fourier_shift(x, shift, axis=-1):
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


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_shift(shift):
    if isinstance(shift, bool) or not isinstance(shift, numbers.Real):
        raise TypeError(f"shift must be a positive finite number, got {shift!r}")
    if not (math.isfinite(shift) and shift > 0):
        raise ValueError(f"shift must be a positive finite number, got {shift!r}")
    return int(shift) if float(shift).is_integer() else float(shift)


def _check_axis(axis):
    if axis not in _AXES:
        raise ValueError(f"axis must be one of {sorted(_AXES)}, got {axis!r}")
    return axis


def _region_side(size, shift):
    """Side of the region cut out of an image to make one pair."""
    return size + shift if isinstance(shift, int) else size


def _make_pair(region, size, shift, axis):
    """``(X, X')`` from a square region of side ``_region_side(size, shift)``."""
    x = region[:size, :size]
    if not isinstance(shift, int):
        return x, fourier_shift(x, shift, axis=_AXES[axis])
    if axis == "x":
        return x, region[:size, shift:shift + size]
    return x, region[shift:shift + size, :size]


def _stack(pairs, names, skipped, size):
    """Assemble a :class:`Batch` from a list of ``(X, X')`` pairs."""
    x = np.empty((len(pairs), size, size), np.float32)
    x_shifted = np.empty_like(x)
    for k, (a, b) in enumerate(pairs):
        x[k], x_shifted[k] = a, b
    return Batch(x, x_shifted, list(names), list(skipped))


def _check_range(start, stop, n):
    start = _check_int("start", start, 0)
    stop = _check_int("stop", stop, start)
    return range(start, min(stop, n))


@lru_cache(maxsize=None)
def _photo(name):
    """Luminance of a bundled scikit-image photo, float32 in [0, 1], read-only."""
    import skimage.data

    pixels = getattr(skimage.data, name)()
    image = pixels.astype(np.float32) / np.float32(255)
    if image.ndim == 3:
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
    documentation for how the region becomes ``(X, X')``.

    Parameters
    ----------
    n_pairs : int, optional
        Number of pairs, ``len(source)``.
    size : int, optional
        Side of the images, at least 8; the region must fit in every photo
        (``size + shift <= 300`` for integer shifts).
    shift : float, optional
        Positive translation in pixels; see the module documentation.
    axis : {"x", "y"}, optional
        Direction of the translation: columns (``"x"``) or rows (``"y"``).
    seed : int, optional
        Non-negative seed of the region positions.

    Examples
    --------
    >>> source = BundledPhotos(4)
    >>> source.load(0, 2).x.shape
    (2, 224, 224)
    >>> source.load(0, 2).names
    ['astronaut#0', 'camera#1']
    """

    def __init__(self, n_pairs=256, *, size=224, shift=1, axis="x", seed=0):
        self.n_pairs = _check_int("n_pairs", n_pairs, 1)
        self.size = _check_int("size", size, 8)
        self.shift = _check_shift(shift)
        self.axis = _check_axis(axis)
        self.seed = _check_int("seed", seed, 0)
        side = _region_side(self.size, self.shift)
        smallest = min(min(_photo(name).shape) for name in BUNDLED_PHOTOS)
        if side > smallest:
            raise ValueError(
                f"size={size} with shift={shift} needs a {side}x{side} region, but the "
                f"smallest bundled photo has a side of {smallest}"
            )

    def __len__(self):
        return self.n_pairs

    def __repr__(self):
        return (f"BundledPhotos({self.n_pairs}, size={self.size}, shift={self.shift!r}, "
                f"axis={self.axis!r}, seed={self.seed})")

    def _pair(self, i):
        name = BUNDLED_PHOTOS[i % len(BUNDLED_PHOTOS)]
        photo = _photo(name)
        side = _region_side(self.size, self.shift)
        rng = np.random.default_rng([self.seed, i])
        top = rng.integers(0, photo.shape[0] - side + 1)
        left = rng.integers(0, photo.shape[1] - side + 1)
        region = photo[top:top + side, left:left + side]
        return f"{name}#{i}", _make_pair(region, self.size, self.shift, self.axis)

    def load(self, start, stop):
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
        return _stack([pair for _, pair in items], [name for name, _ in items], [],
                      self.size)

    def describe(self):
        """JSON-serialisable parameters of the source.

        Returns
        -------
        dict
            ``kind``, ``n``, ``size``, ``shift``, ``axis``, ``seed``, ``photos``
            and the scikit-image version the photos come from.

        Examples
        --------
        >>> BundledPhotos(4).describe()["photos"]
        ['astronaut', 'camera', 'chelsea', 'coffee', 'rocket']
        """
        import skimage

        return {"kind": "BundledPhotos", "n": self.n_pairs, "size": self.size,
                "shift": self.shift, "axis": self.axis, "seed": self.seed,
                "photos": list(BUNDLED_PHOTOS), "skimage_version": skimage.__version__}


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


def _resized_shape(width, height, resize_to):
    """``(width, height)`` with the shorter side set to ``resize_to``."""
    short = min(width, height)
    return (resize_to if width == short else int(width * resize_to / short),
            resize_to if height == short else int(height * resize_to / short))


def _centre(image, side):
    """Centre ``side x side`` crop of a 2D array."""
    top = int(round((image.shape[0] - side) / 2))
    left = int(round((image.shape[1] - side) / 2))
    return image[top:top + side, left:left + side]


class ImageFolder:
    """Pairs made from the image files under a folder (ImageNet protocol).

    ``root`` is walked recursively in sorted order and every file whose
    extension (case-insensitive) is in ``IMAGE_EXTENSIONS`` is an item. Each
    file is processed as follows:

    1. Decoding with Pillow. JPEG files are decoded in draft mode,
       ``Image.draft("L", ...)``: the decoder outputs the luma channel only and
       downscales by 1/2, 1/4 or 1/8 in the DCT domain to the smallest size
       whose shorter side is still at least ``resize_to``.
    2. Luminance as float32 in [0, 1]: grayscale 8-bit modes (``L``, ``LA``)
       are divided by 255; other 8-bit modes (``P``, ``RGB``, ``RGBA``,
       ``CMYK``, ...) are converted to RGB by Pillow, alpha being dropped,
       divided by 255 and weighted by :func:`dtwpt.operators.to_luminance`
       (for colour JPEG the decoder's luma has the same BT.601 weights);
       16-bit modes (``I;16*``) are divided by 65535; 32-bit integer
       images (``I``) by 65535 if their values fit in 16 bits (how Pillow
       presents 16-bit PGM/PPM files), else by 2**31 - 1; float images
       (``F``) are clipped to [0, 1].
    3. Resizing so that the shorter side is ``resize_to`` (the longer side is
       scaled in proportion and truncated, as in torchvision), done in float32
       with Pillow's ``BILINEAR`` filter, which is antialiased when
       downscaling (its support widens with the scale factor).
    4. The centre region (of side ``size + shift`` for an integer shift,
       ``size`` otherwise) becomes ``(X, X')`` as described in the module
       documentation.

    Files that cannot be processed (corrupt or truncated data, not an image
    despite the extension, shorter side below ``min_side``) are left out of
    the batch and reported in ``Batch.skipped`` with the reason.

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
        ``min(8, os.cpu_count())``.

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

    def __init__(self, root, *, size=224, shift=1, axis="x", resize_to=256, min_side=32,
                 workers=None):
        self.size = _check_int("size", size, 8)
        self.shift = _check_shift(shift)
        self.axis = _check_axis(axis)
        side = _region_side(self.size, self.shift)
        self.resize_to = _check_int("resize_to", resize_to, side)
        self.min_side = _check_int("min_side", min_side, 1)
        if workers is None:
            workers = min(8, os.cpu_count() or 1)
        self.workers = _check_int("workers", workers, 1)
        if not isinstance(root, (str, os.PathLike)):
            raise TypeError(f"root must be a path, got {root!r}")
        self.root = os.path.abspath(os.fspath(root))
        if not os.path.isdir(self.root):
            raise ValueError(f"root {self.root!r} does not exist or is not a directory")
        self.files = _list_images(self.root)
        if not self.files:
            raise ValueError(f"root {self.root!r} contains no image files "
                             f"(extensions {', '.join(IMAGE_EXTENSIONS)})")

    def __len__(self):
        return len(self.files)

    def __repr__(self):
        return (f"ImageFolder({self.root!r}, size={self.size}, shift={self.shift!r}, "
                f"axis={self.axis!r}, resize_to={self.resize_to}) with {len(self)} files")

    def _decode(self, path):
        """Luminance of the file at ``path``, resized; raises on any failure."""
        with Image.open(path) as image:
            width, height = image.size
            if min(width, height) < self.min_side:
                raise ValueError(f"too small: {width}x{height}, shorter side < "
                                 f"min_side={self.min_side}")
            target = _resized_shape(width, height, self.resize_to)
            image.draft("L", target)  # JPEG only; a no-op for other formats
            image.load()
            pixels = _luminance(image)
        resized = Image.fromarray(pixels).resize(target, Image.BILINEAR)
        return np.asarray(resized, dtype=np.float32)

    def _item(self, index):
        """``(name, pair, None)`` or ``(name, None, reason)`` for file ``index``."""
        name = self.files[index]
        try:
            image = self._decode(os.path.join(self.root, name))
        except Exception as error:  # any undecodable file is skipped, never fatal
            return name, None, f"{type(error).__name__}: {error}"
        region = _centre(image, _region_side(self.size, self.shift))
        return name, _make_pair(region, self.size, self.shift, self.axis), None

    def load(self, start, stop):
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
        return _stack([pair for _, pair in done], [name for name, _ in done], skipped,
                      self.size)

    def describe(self):
        """JSON-serialisable parameters of the source.

        Returns
        -------
        dict
            ``kind``, ``root``, ``n`` (number of files), ``size``, ``shift``,
            ``axis``, ``resize_to``, ``min_side``, ``interpolation`` and the
            Pillow version.

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

        return {"kind": "ImageFolder", "root": self.root, "n": len(self),
                "size": self.size, "shift": self.shift, "axis": self.axis,
                "resize_to": self.resize_to, "min_side": self.min_side,
                "interpolation": "PIL.Image.BILINEAR (antialiased)",
                "pillow_version": PIL.__version__}
