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
@pytest.mark.parametrize("offset", [0, 16, 48])
@pytest.mark.parametrize("n", [0, 1, 4, 8, 16, 40, 64, 67])
def test_stream_row_copies_exactly_its_row(dtype, offset, n):
    """Every element of the row is copied (whole lines streamed when the row
    starts on a line and fills its last one, else stored one by one), and
    nothing around it is touched."""
    src = np.arange(1, n + 1).astype(dtype)
    for d0 in (0, 1, 3):
        dst = _buffer(n + 8, dtype, offset, -7)
        stream_row(dst, d0, src, n)
        expected = np.full(n + 8, -7, dtype)
        expected[d0 : d0 + n] = src
        np.testing.assert_array_equal(dst, expected)


def _forward(x, level, decimated, streamed, out, monkeypatch, **options):
    monkeypatch.setattr(_kernels, "STREAM_BYTES", 0 if streamed else 1 << 62)
    out[...] = np.nan
    return dtwpt.dtcwpt2(x, level, decimated=decimated, out=out, **options).coeffs


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("decimated", [True, False])
@pytest.mark.parametrize("shape, level, options", [
    ((1, 256, 192), 3, {}),
    ((1, 1024, 512), 2, {}),  # bands, chunked packets
    ((3, 96, 160), 2, {"packet_wavelet": "db4"}),  # a batch, rows of 40 complex values
    ((1, 512, 96), 3, {"wavelet": "qshift_b", "packet_wavelet": "sym8"}),
])
def test_streamed_coefficients_match(monkeypatch, shape, level, options, decimated, dtype):
    """The forward transform streams its rows through a row buffer; its
    coefficients equal those stored directly, bit for bit, in outputs that
    start on a cache line or 8, 16 or 48 bytes past one."""
    x = np.random.default_rng(level).standard_normal(shape).astype(dtype)
    like = dtwpt.dtcwpt2(x, level, decimated=decimated, **options).coeffs
    direct = _forward(x, level, decimated, False, np.empty_like(like), monkeypatch, **options)
    itemsize = like.dtype.itemsize
    for offset in (0, itemsize, 48):
        out = _buffer(like.size, like.dtype, offset, np.nan).reshape(like.shape)
        streamed = _forward(x, level, decimated, True, out, monkeypatch, **options)
        assert streamed.ctypes.data % LINE == offset % LINE
        np.testing.assert_array_equal(streamed, direct)


def test_large_outputs_stream_and_start_on_a_page():
    """Outputs past the threshold take the streaming path: fresh outputs start
    on a page, so that their rows can be whole cache lines."""
    from dtwpt import _outputs

    assert _kernels.STREAM_BYTES < _outputs.OUTPUT_POOL_BYTES
    for nbytes in (_kernels.STREAM_BYTES, 2 * _outputs.OUTPUT_POOL_BYTES):
        out = _outputs.empty((nbytes // 8,), np.complex64)
        assert out.ctypes.data % 4096 == 0
        del out
