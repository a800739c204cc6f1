"""Pairs made from the image files under a folder: the ImageNet protocol."""
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from PIL import Image

from dtwpt._validation import check_bool, check_choice, check_int
from dtwpt.color import to_luminance

from ._pairs import (
    _AXES,
    Batch,
    _check_range,
    _check_shift,
    _make_pair,
    _region_side,
    _stack,
    band_limited_pair,
)

#: File extensions (lower case) that :class:`ImageFolder` considers.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif",
                    ".ppm", ".pgm")
#: Where the translation is applied for an :class:`ImageFolder`.
SHIFT_AT = ("resized", "original")
#: Default bound on the decoded pixels of one file (after JPEG draft reduction).
MAX_DECODED_PIXELS = 40_000_000
_UINT16_MAX = 65535
_INT32_MAX = 2**31 - 1


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

    Raises
    ------
    TypeError
        If ``size``, ``resize_to``, ``min_side``, ``workers`` or ``max_pixels`` is not an
        integer (a bool or a float included).
        If ``shift`` is not a real number (a bool included).
        If ``color`` is not a bool.
        If ``root`` is not a str or os.PathLike.
    ValueError
        If ``size < 8``, ``resize_to < size + ceil(shift)``, or ``min_side``, ``workers``
        or ``max_pixels`` is below 1.
        If ``shift`` is not finite or not positive.
        If ``axis`` is not ``"x"`` or ``"y"``.
        If ``shift_at`` is not ``"resized"`` or ``"original"``.
        If ``root`` does not exist or is not a directory, or contains no image file.
        A file that cannot be processed raises nothing: it is reported in
        ``Batch.skipped`` by :meth:`load`.

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

        Raises
        ------
        TypeError
            If ``start`` or ``stop`` is not an integer (a bool or a float included).
        ValueError
            If ``start`` is negative or ``stop < start``.

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
