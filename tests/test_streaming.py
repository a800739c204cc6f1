"""Streaming (nontemporal) stores of large outputs store the same bytes as
ordinary ones, wherever the output starts."""
import numpy as np
import pytest

import dtwpt
from dtwpt import _kernels
from dtwpt._kernels import page_aligned_empty
from dtwpt._kernels._memory import LINE, stream_row


def _buffer(n, dtype, offset, fill):
    """``n`` elements of ``dtype`` starting ``offset`` bytes past a page, set to ``fill``."""
    raw = page_aligned_empty(n * np.dtype(dtype).itemsize + offset, np.uint8)
    out = raw[offset:].view(dtype)
    out[:] = fill
    return out


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128, np.float32])
@pytest.mark.parametrize("offset", [0, 8, 16, 48])
@pytest.mark.parametrize("n", [0, 1, 4, 8, 16, 40, 64, 67])
def test_stream_row_copies_exactly_its_row(dtype, offset, n):
    """Every element of the row is copied (its whole cache lines streamed,
    the elements before and after them stored one by one; all of them one by
    one when none starts on a line: complex128 8 bytes past one), and nothing
    around it is touched."""
    src = np.arange(1, n + 1).astype(dtype)
    for d0 in (0, 1, 3):
        dst = _buffer(n + 8, dtype, offset, -7)
        stream_row(dst, d0, src, n)
        expected = np.full(n + 8, -7, dtype)
        expected[d0 : d0 + n] = src
        np.testing.assert_array_equal(dst, expected)


def _streaming(monkeypatch, on):
    """Streaming for every output (``on``) or none; returns the list of the
    drivers' decisions (:func:`dtwpt._kernels._streamed`) and the bytes of
    the chunks of a row they decided for, appended per call."""
    monkeypatch.setattr(_kernels, "STREAM_BYTES", 0 if on else 1 << 62)
    decide, seen = _kernels._streamed, []

    def recorded(outputs, chunk):
        seen.append((decide(outputs, chunk), chunk * outputs[0].itemsize))
        return seen[-1][0]

    monkeypatch.setattr(_kernels, "_streamed", recorded)
    return seen


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("decimated", [True, False])
@pytest.mark.parametrize("shape, level, options", [
    ((1, 256, 192), 3, {}),
    ((1, 1024, 512), 2, {}),  # bands, chunked packets
    ((3, 96, 160), 2, {"packet_wavelet": "db4"}),  # a batch, rows of 40 complex values
    ((1, 512, 96), 3, {"wavelet": "qshift_b", "packet_wavelet": "sym8"}),
])
def test_streamed_coefficients_match(monkeypatch, shape, level, options, decimated, dtype):
    """The forward transform streams its rows through a row buffer when they
    are whole cache lines, or long enough wherever they start; its
    coefficients equal those stored directly, bit for bit, in outputs that
    start on a cache line or 8, 16 or 48 bytes past one."""
    x = np.random.default_rng(level).standard_normal(shape).astype(dtype)
    like = dtwpt.dtcwpt2(x, level, decimated=decimated, **options).coeffs
    _streaming(monkeypatch, False)
    direct = dtwpt.dtcwpt2(x, level, decimated=decimated, out=np.full_like(like, np.nan),
                           **options).coeffs
    seen = _streaming(monkeypatch, True)
    for offset in (0, like.itemsize, 48):
        out = _buffer(like.size, like.dtype, offset, np.nan).reshape(like.shape)
        dtwpt.dtcwpt2(x, level, decimated=decimated, out=out, **options)
        np.testing.assert_array_equal(out, direct)
        streamed, nbytes = seen[-1]
        # Rows of whole cache lines in an aligned output stream, and long rows
        # wherever they start, if their elements do.
        whole = offset == 0 and like.shape[-1] * like.itemsize % LINE == 0 and nbytes % LINE == 0
        long = nbytes >= _kernels.STREAM_ROW_BYTES and offset % like.itemsize == 0
        assert streamed == (whole or long)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, level, q", [
    ((1, 512, 1024), 2, 1),  # bands, chunks of 128 (float32) or 64 (float64) columns
    ((1, 256, 512), 2, 2),
    ((2, 128, 256), 2, 0),  # a batch
    ((1, 192, 512), 2, 9),  # whole packets
])
def test_streamed_rmax_cmod_match(monkeypatch, shape, level, q, dtype):
    """RMax/CMod stream their rows when they are whole cache lines, or long
    enough wherever they start; the outputs equal those stored directly, bit
    for bit."""
    x = np.random.default_rng(q).standard_normal(shape).astype(dtype)
    _streaming(monkeypatch, False)
    direct = dtwpt.rmax_cmod(x, level, q=q)
    direct = tuple(np.array(a) for a in direct)
    seen = _streaming(monkeypatch, True)
    for offset in (0, 16):
        out = tuple(_buffer(a.size, dtype, offset, np.nan).reshape(a.shape) for a in direct)
        dtwpt.rmax_cmod(x, level, q=q, out=out)
        streamed, nbytes = seen[-1]
        assert streamed == (offset == 0 or nbytes >= _kernels.STREAM_ROW_BYTES)
        for a, b in zip(out, direct):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_long_rows_stream_wherever_they_start(monkeypatch, dtype):
    """An ``out=`` 16 bytes past a page (where NumPy's large arrays start)
    takes the streaming path for rows of at least ``STREAM_ROW_BYTES``, and
    gets the same values as a page-aligned one."""
    x = np.random.default_rng(5).standard_normal((1, 1024, 1024)).astype(dtype)
    seen = _streaming(monkeypatch, True)
    aligned = dtwpt.dtcwpt2(x, 2).coeffs
    assert seen[-1][0] and seen[-1][1] >= _kernels.STREAM_ROW_BYTES
    out = _buffer(aligned.size, aligned.dtype, 16, np.nan).reshape(aligned.shape)
    dtwpt.dtcwpt2(x, 2, out=out)
    assert seen[-1][0]
    np.testing.assert_array_equal(out, aligned)
    ymax, ymod = (np.array(a) for a in dtwpt.rmax_cmod(x, 2))
    out = tuple(_buffer(a.size, dtype, 16, np.nan).reshape(a.shape) for a in (ymax, ymod))
    dtwpt.rmax_cmod(x, 2, out=out)
    assert seen[-1][0] and seen[-1][1] >= _kernels.STREAM_ROW_BYTES
    np.testing.assert_array_equal(out[0], ymax)
    np.testing.assert_array_equal(out[1], ymod)


def test_large_outputs_stream_and_start_on_a_page():
    """Outputs past the threshold take the streaming path: fresh outputs start
    on a page, so that their rows can be whole cache lines."""
    from dtwpt import _outputs

    assert _kernels.STREAM_BYTES < _outputs.OUTPUT_POOL_BYTES
    for nbytes in (_kernels.STREAM_BYTES, 2 * _outputs.OUTPUT_POOL_BYTES):
        out = _outputs.empty((nbytes // 8,), np.complex64)
        assert out.ctypes.data % 4096 == 0
        del out
