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
from ._folder import IMAGE_EXTENSIONS, MAX_DECODED_PIXELS, SHIFT_AT, ImageFolder
from ._pairs import Batch, band_limited_pair, fourier_shift
from ._photos import BUNDLED_PHOTOS, BundledPhotos

__all__ = ["Batch", "BundledPhotos", "ImageFolder", "fourier_shift", "band_limited_pair",
           "BUNDLED_PHOTOS", "SHIFT_AT", "MAX_DECODED_PIXELS",
           "IMAGE_EXTENSIONS"]
