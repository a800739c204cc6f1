"""Tests for dtwpt.filters: Q-shift families, filter banks, user filters."""
import numpy as np
import pytest
import pywt

from dtwpt.filters import FilterPair, dual_tree_filters, list_wavelets, qshift_lowpass

PAIRS = ("first_a", "first_b", "qshift_a", "qshift_b", "packet")


def analysis_matrix(pair, n=32):
    """Rows: low then high filter at every even shift (periodic cross-correlation, stride 2)."""
    m = np.zeros((n, n))
    for half, f in enumerate((pair.low, pair.high)):
        for row in range(n // 2):
            for k, w in enumerate(f):
                m[half * n // 2 + row, (2 * row + k) % n] += w
    return m


def response(f, omega):
    """Response of cross-correlation weights f to the input exp(1j omega n)."""
    return np.exp(1j * np.outer(omega, np.arange(f.size))) @ f


def test_list_wavelets():
    assert list_wavelets() == ["qshift_06", "qshift_a", "qshift_b", "qshift_c", "qshift_d"]


@pytest.mark.parametrize("wavelet", list_wavelets())
def test_family_builds(wavelet):
    f = dual_tree_filters(wavelet)
    L = f.h0a.size
    assert f.name == wavelet and f.packet_name == "tree_a"
    assert len(f.qshift_a) == len(f.qshift_b) == len(f.packet) == L
    assert len(f.first_a) == len(f.first_b) == L + 2
    assert f.qshift_a.low.sum() == pytest.approx(np.sqrt(2), abs=1e-10)  # published to ~1e-13
    np.testing.assert_array_equal(f.qshift_a.low, f.h0a[::-1])
    np.testing.assert_array_equal(f.qshift_b.low, f.h0a)


def test_qshift_a_values_from_spec():
    h = qshift_lowpass("qshift_a")
    assert h[0] == 0.051130405283831656 and h[-1] == -0.006181881892116438


@pytest.mark.parametrize("pair", PAIRS)
@pytest.mark.parametrize("wavelet", list_wavelets())
def test_pairs_are_orthonormal_banks(wavelet, pair):
    m = analysis_matrix(getattr(dual_tree_filters(wavelet), pair))
    np.testing.assert_allclose(m @ m.T, np.eye(m.shape[0]), atol=1e-12)


@pytest.mark.parametrize("pair", PAIRS)
def test_db5_packet_pair_is_orthonormal(pair):
    f = dual_tree_filters("qshift_b", packet_wavelet="db5")
    assert f.packet_name == "db5" and len(f.packet) == 10
    m = analysis_matrix(getattr(f, pair))
    np.testing.assert_allclose(m @ m.T, np.eye(32), atol=1e-12)


@pytest.mark.parametrize("wavelet", list_wavelets())
def test_hb_is_about_a_half_sample_delay_of_ha(wavelet):
    """Hb(w) ~ exp(-1j w / 2) Ha(w) over the low-pass band (hb lags ha by ~1/2 sample).

    The group delay exactly at w = 0 is a poor measure for the shortest
    families (qshift_a, qshift_06 give ~0.97 there), so measure the phase delay
    over the pass band, weighted by |Ha|^2, and the phase error itself.
    """
    f = dual_tree_filters(wavelet)
    omega = np.linspace(1e-3, np.pi / 2, 200)
    ha, hb = response(f.qshift_a.low, omega), response(f.qshift_b.low, omega)
    ratio = hb / ha
    delay = -np.angle(ratio) / omega
    weight = np.abs(ha) ** 2
    assert np.sum(delay * weight) / weight.sum() == pytest.approx(0.5, abs=0.15)
    assert np.max(np.abs(np.angle(ratio * np.exp(0.5j * omega)))) < 0.2
    # Equivalently, the energy centroids of the two low-passes are ~1/2 sample apart.
    k = np.arange(f.h0a.size)
    shift = np.sum(k * f.qshift_a.low**2) - np.sum(k * f.qshift_b.low**2)
    assert shift == pytest.approx(0.5, abs=0.15)


@pytest.mark.parametrize("wavelet", list_wavelets())
def test_first_stage_offset_is_one_sample(wavelet):
    f = dual_tree_filters(wavelet)
    np.testing.assert_array_equal(f.first_b.low, np.roll(f.first_a.low, -1))
    np.testing.assert_array_equal(f.first_b.high, -np.roll(f.first_a.high, 1))


@pytest.mark.parametrize(
    "h, match",
    [
        (np.array([0.5, 0.7, 0.5]), "even length"),
        (np.ones(4) * np.sqrt(2) / 4, "not orthonormal"),
        (np.array([np.nan, 1.0]), "non-finite"),
        (np.array([np.inf, 0.0, 0.0, 0.0]), "non-finite"),
        (np.array([1.0, 1.0]) / np.sqrt(2) * np.array([1, -1]), "sum sqrt"),
        (np.ones((2, 2)), "1D"),
    ],
)
def test_invalid_user_lowpass(h, match):
    with pytest.raises(ValueError, match=match):
        qshift_lowpass(h)
    with pytest.raises(ValueError, match=match):
        dual_tree_filters(h)


@pytest.mark.parametrize("h", [np.array(["a", "b"]), np.array([1 + 1j, 1.0]), None])
def test_user_lowpass_of_the_wrong_type(h):
    with pytest.raises(TypeError, match="real array, got dtype"):
        qshift_lowpass(h)


def test_custom_orthonormal_lowpass_accepted():
    h = np.asarray(pywt.Wavelet("db4").dec_lo)[::-1]  # convolution -> cross-correlation
    f = dual_tree_filters(h)
    assert f.name == "custom"
    np.testing.assert_allclose(f.h0a, h)
    for pair in PAIRS:
        m = analysis_matrix(getattr(f, pair))
        np.testing.assert_allclose(m @ m.T, np.eye(32), atol=1e-12)


def test_packet_wavelet_db5():
    f = dual_tree_filters("qshift_a", packet_wavelet="db5")
    np.testing.assert_allclose(f.packet.low, np.asarray(pywt.Wavelet("db5").dec_lo)[::-1])
    # the Q-shift pairs are unaffected
    np.testing.assert_array_equal(f.qshift_a.low, dual_tree_filters("qshift_a").qshift_a.low)


def test_packet_wavelet_filter_pair():
    tree_a = dual_tree_filters("qshift_a").qshift_a
    f = dual_tree_filters("qshift_a", packet_wavelet=FilterPair(tree_a.low, tree_a.high))
    assert f.packet_name == "custom"
    np.testing.assert_array_equal(f.packet.low, tree_a.low)


@pytest.mark.parametrize(
    "packet, match",
    [("nope", "unknown packet_wavelet"), ("bior2.2", "not orthogonal")],
)
def test_bad_packet_wavelet(packet, match):
    with pytest.raises(ValueError, match=match):
        dual_tree_filters("qshift_a", packet_wavelet=packet)


def test_bad_packet_wavelet_type():
    with pytest.raises(TypeError, match="packet_wavelet"):
        dual_tree_filters("qshift_a", packet_wavelet=3)


def test_unknown_wavelet():
    with pytest.raises(ValueError, match="unknown wavelet"):
        dual_tree_filters("qshift_z")
