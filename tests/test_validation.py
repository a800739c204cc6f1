"""The validation layer: one exception type and one wording per mistake, everywhere.

The table at the bottom calls every public function of the core library with
bad input and checks the exception type and that the message names the
parameter and the offending value (or dtype, or shape).
"""
import dataclasses

import matplotlib
import numpy as np
import pytest
import pywt

import dtwpt
from dtwpt import _validation as v
from dtwpt import kernel_metrics, metrics, plotting, theory, tree
from dtwpt.filters import FilterPair, dual_tree_filters, qshift_lowpass

matplotlib.use("Agg")

IMG = np.zeros((16, 16))


# ---------------------------------------------------------------- the validators
@pytest.mark.parametrize("value", [3, np.int8(3), np.uint8(3), np.int64(3), np.uint64(3)])
def test_check_int_accepts_any_integer_type_as_python_int(value):
    out = v.check_int(value, "n", 0, 10)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize("value", [True, np.True_, 1.0, 1.5, "1", None, np.float64(2), [1]])
def test_check_int_rejects_non_integers_with_type_error(value):
    with pytest.raises(TypeError, match=r"^n must be an integer in \[0, 10\], got "):
        v.check_int(value, "n", 0, 10)


def test_check_int_unbounded_message():
    with pytest.raises(ValueError, match=r"^n must be an integer >= 0, got -1$"):
        v.check_int(-1, "n", 0)
    assert v.check_int(2 ** 70, "n", 0) == 2 ** 70


def test_check_int_range_names_bound_and_reason():
    with pytest.raises(ValueError, match=r"^q must be an integer in \[0, 4\] \(why\), got 5$"):
        v.check_int(5, "q", 0, 4, why=" (why)")


def test_uint8_level_cannot_overflow_later():
    level = v.check_level(np.uint8(3))
    assert type(level) is int and level << 62 == 3 * 2 ** 62


@pytest.mark.parametrize("value", [None, 0, 1, "yes", np.array([True])])
def test_check_bool_rejects_everything_but_bools(value):
    with pytest.raises(TypeError, match="^flag must be True or False, got"):
        v.check_bool(value, "flag")
    assert v.check_bool(np.False_, "flag") is False


def test_check_axes():
    assert v.check_axes((0, 1), 3) == (0, 1)
    assert v.check_axes((-1, -3), 3) == (2, 0)
    with pytest.raises(ValueError, match="two different axes"):
        v.check_axes((1, -2), 3)
    with pytest.raises(ValueError, match="out of range"):
        v.check_axes((0, 3), 3)
    with pytest.raises(TypeError, match="axes must be"):
        v.check_axes((0, True), 3)
    with pytest.raises(TypeError, match="pair of integers"):
        v.check_axes(1, 3)
    with pytest.raises(ValueError, match="pair of integers"):
        v.check_axes((0, 1, 2), 3)


@pytest.mark.parametrize("shape, colour", [
    ((224, 224, 3), True), ((5, 64, 48, 4), True), ((12, 12, 3), True),
    ((11, 12, 3), False), ((224, 224, 5), False), ((3, 224, 224), False), ((224, 3), False),
])
def test_colour_rule(shape, colour):
    assert v.looks_like_colour(shape) is colour


def test_as_real_array_dtypes_and_layouts():
    x = np.arange(12.0).reshape(3, 4)
    assert v.as_real_array(x.astype(">f4"), 2).dtype == np.dtype("float32")
    assert v.as_real_array(x.astype(">f8"), 2).dtype == np.dtype("float64")
    assert v.as_real_array(x.astype(np.uint8), 2).dtype == np.float64
    assert v.as_real_array(x.astype(bool), 2).dtype == np.float64
    assert v.as_real_array(x.astype(np.float16), 2).dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bad, words", [(np.nan, "NaN or infinite"), (-np.inf, "NaN or infinite"),
                                        (-7.5, "values up to 7.5 ")])
def test_large_arrays_are_checked_in_one_pass_with_the_same_verdicts(dtype, bad, words):
    """Arrays of at least SPLIT_ELEMENTS values are checked by one counting
    pass; a failure is then reported with the exact extremes."""
    from dtwpt import _kernels

    x = np.random.default_rng(0).uniform(-1, 1, v.SPLIT_ELEMENTS + 3).astype(dtype)
    assert _kernels.all_within(x, 1.0) and not _kernels.all_within(x, 0.5)
    assert v.check_values(x, "x", limit=5.0) is x
    x[12345] = bad
    assert not _kernels.all_within(x, 5.0)
    with pytest.raises(ValueError, match=words):
        v.check_values(x, "x", limit=5.0)


def test_one_pass_bound_is_rounded_down_to_the_dtype():
    """A float32 bound just under 1 rounds up to 1.0f: the pass must round it
    down, or 1.0 (above the bound) would pass."""
    from dtwpt import _kernels

    bound = 1 - 1e-9
    x = np.full(v.SPLIT_ELEMENTS, 1.0, dtype=np.float32)
    assert not _kernels.all_within(x, bound)
    with pytest.raises(ValueError, match="values up to 1 "):
        v.check_values(x, "x", limit=bound)
    assert _kernels.all_within(x, 1.0)


def test_check_values_bound_is_computed_from_the_gain():
    x = np.full(3, 1e30, dtype=np.float32)
    v.check_values(x, "x", gain=1e8)  # 1e38 < float32 max
    with pytest.raises(ValueError, match=r"x has values up to 1e\+30 in magnitude.*\+-3\.4"):
        v.check_values(x, "x", gain=1e9)
    with pytest.raises(ValueError, match="NaN or infinite"):
        v.check_values(np.array([0.0, np.nan]), "x")


def test_same_mistake_same_message_everywhere():
    """A non-integer level reads the same in every function that takes one."""
    calls = [
        lambda: dtwpt.dtcwpt2(IMG, 1.5), lambda: dtwpt.dtcwpt(IMG, 1.5),
        lambda: dtwpt.rmax_cmod(IMG, 1.5), lambda: dtwpt.rmax(IMG, 1.5),
        lambda: dtwpt.cmod(IMG, 1.5), lambda: dtwpt.pair_squared_norms(IMG, IMG, 1.5),
        lambda: dtwpt.packet_kernels(1.5), lambda: metrics.shift_metrics(IMG, IMG, 1.5),
        lambda: kernel_metrics.energy_concentration(1.5), lambda: kernel_metrics.analyticity(1.5),
        lambda: tree.node_types(1.5, "a"),
    ]
    messages = set()
    for call in calls:
        with pytest.raises(TypeError) as info:
            call()
        messages.add(str(info.value))
    assert messages == {"level must be an integer in [1, 8], got 1.5 of type float"}
    for call in (lambda: dtwpt.rmax_conv(IMG, np.ones((3, 3)), 1, q=0.5),
                 lambda: dtwpt.rmax_cmod(IMG, 1, q=0.5), lambda: theory.gamma_sq((0, 0), q=0.5)):
        with pytest.raises(TypeError, match=r"^q must be an integer .*got 0\.5 of type float$"):
            call()


# ------------------------------------------------------------ the bad-input table
def _packets():
    return dtwpt.dtcwpt2(np.zeros((16, 16)), 2)


def _packets1d():
    return dtwpt.dtcwpt(np.zeros(16), 2)


def _replace(**changes):
    return lambda: dtwpt.idtcwpt2(dataclasses.replace(_packets(), **changes))


def _replace1d(**changes):
    return lambda: dtwpt.idtcwpt(dataclasses.replace(_packets1d(), **changes))


def _pair_outputs():
    return dtwpt.rmax_cmod(np.random.default_rng(0).standard_normal((4, 16, 16)), 1)


FILTERS = dual_tree_filters()
H = qshift_lowpass("qshift_a")[::-1]
K3 = np.ones((3, 3))
TE, VE = TypeError, ValueError

# (id, call, exception, substrings the message must contain)
TABLE = [
    # transform
    ("dtcwpt2 complex", lambda: dtwpt.dtcwpt2(IMG + 0j, 1), TE, ["x must be real", "complex128"]),
    ("dtcwpt2 strings", lambda: dtwpt.dtcwpt2(np.full((4, 4), "a"), 1), TE, ["x", "<U1"]),
    ("dtcwpt2 1D", lambda: dtwpt.dtcwpt2(np.zeros(16), 1), VE, ["x", "(16,)"]),
    ("dtcwpt2 level 0", lambda: dtwpt.dtcwpt2(IMG, 0), VE, ["level", "got 0"]),
    ("dtcwpt2 level 2**70", lambda: dtwpt.dtcwpt2(IMG, 2 ** 70), VE, ["level", str(2 ** 70)]),
    ("dtcwpt2 level str", lambda: dtwpt.dtcwpt2(IMG, "2"), TE, ["level", "'2'"]),
    ("dtcwpt2 size", lambda: dtwpt.dtcwpt2(IMG, 5), VE, ["H", "got 16", "2**5"]),
    ("dtcwpt2 mode", lambda: dtwpt.dtcwpt2(IMG, 1, mode="zero"), VE, ["mode", "'zero'"]),
    ("dtcwpt2 mode None", lambda: dtwpt.dtcwpt2(IMG, 1, mode=None), VE, ["mode", "None"]),
    ("dtcwpt2 wavelet", lambda: dtwpt.dtcwpt2(IMG, 1, wavelet="haar"), VE, ["wavelet", "'haar'"]),
    ("dtcwpt2 wavelet type", lambda: dtwpt.dtcwpt2(IMG, 1, wavelet=3), TE, ["wavelet", "int"]),
    ("dtcwpt2 packet_wavelet", lambda: dtwpt.dtcwpt2(IMG, 3, packet_wavelet="bior2.2"), VE,
     ["packet_wavelet", "'bior2.2'", "not orthogonal"]),
    ("dtcwpt2 packet high-pass", lambda: dtwpt.dtcwpt2(
        IMG, 3, packet_wavelet=FilterPair(H, 2 * FILTERS.qshift_a.high)), VE,
     ["packet_wavelet high-pass", "orthonormal"]),
    ("dtcwpt2 decimated None", lambda: dtwpt.dtcwpt2(IMG, 1, decimated=None), TE,
     ["decimated", "None"]),
    ("dtcwpt2 decimated 0", lambda: dtwpt.dtcwpt2(IMG, 1, decimated=0), TE, ["decimated", "0"]),
    ("dtcwpt2 axes", lambda: dtwpt.dtcwpt2(IMG, 1, axes=(0, 0)), VE, ["axes", "(0, 0)"]),
    ("dtcwpt2 axes range", lambda: dtwpt.dtcwpt2(IMG, 1, axes=(0, 2)), VE, ["axes", "2"]),
    ("dtcwpt2 colour", lambda: dtwpt.dtcwpt2(np.zeros((64, 64, 3)), 1), VE,
     ["(64, 64, 3)", "axes=(0, 1)", "to_luminance"]),
    ("dtcwpt2 NaN", lambda: dtwpt.dtcwpt2(np.full((4, 4), np.nan), 1), VE, ["x", "NaN"]),
    ("dtcwpt2 overflow", lambda: dtwpt.dtcwpt2(np.full((4, 4), 3e38, np.float32), 1), VE,
     ["x has values up to 3e+38", "float32"]),
    ("dtcwpt axis bool", lambda: dtwpt.dtcwpt(IMG, 1, axis=True), TE, ["axis", "True"]),
    ("dtcwpt axis range", lambda: dtwpt.dtcwpt(IMG, 1, axis=2), VE, ["axis", "2"]),
    ("dtcwpt length", lambda: dtwpt.dtcwpt(np.zeros(20), 3), VE, ["signal length", "got 20"]),
    ("dtcwpt level", lambda: dtwpt.dtcwpt(np.zeros(16), 9), VE, ["level", "got 9"]),
    ("dtcwpt overflow", lambda: dtwpt.dtcwpt(np.full(8, 1.7e308), 1), VE, ["x has values"]),
    # inverses
    ("idtcwpt2 type", lambda: dtwpt.idtcwpt2(np.zeros((8, 4, 4), complex)), TE,
     ["Packets2D", "ndarray"]),
    ("idtcwpt2 undecimated", lambda: dtwpt.idtcwpt2(dtwpt.dtcwpt2(IMG, 1, decimated=False)),
     VE, ["decimated"]),
    ("idtcwpt2 shape", _replace(shape=(-4, 16)), VE, ["packets.shape", "-4"]),
    ("idtcwpt2 shape len", _replace(shape=(16,)), VE, ["packets.shape", "(16,)"]),
    ("idtcwpt2 shape mismatch", _replace(shape=(32, 16)), VE, ["(32, 16)", "4 x 4", "8 x 4"]),
    ("idtcwpt2 level", _replace(level=3), VE, ["packets", "level 3"]),
    ("idtcwpt2 level type", _replace(level=2.0), TE, ["level", "2.0"]),
    ("idtcwpt2 mode", _replace(mode="zero"), VE, ["mode", "'zero'"]),
    ("idtcwpt2 pad", _replace(pad=((1, 0), (0, 0))), VE, ["packets.pad", "((1, 0), (0, 0))"]),
    ("idtcwpt2 real coeffs", lambda: dtwpt.idtcwpt2(dataclasses.replace(
        _packets(), coeffs=_packets().coeffs.real)), TE, ["packets.coeffs", "float64"]),
    ("idtcwpt2 packets", lambda: dtwpt.idtcwpt2(dataclasses.replace(
        _packets(), coeffs=_packets().coeffs[:-1])), VE, ["31 packets", "32"]),
    ("idtcwpt2 NaN coeffs", lambda: dtwpt.idtcwpt2(dataclasses.replace(
        _packets(), coeffs=_packets().coeffs * np.nan)), VE, ["packets.coeffs", "NaN"]),
    ("idtcwpt2 axes", _replace(axes=(0, 1)), VE, ["packets.axes", "(0, 1)"]),
    ("idtcwpt2 decimated None", _replace(decimated=None), TE, ["decimated", "None"]),
    ("idtcwpt type", lambda: dtwpt.idtcwpt(_packets()), TE, ["Packets1D", "Packets2D"]),
    ("idtcwpt length", _replace1d(length=-3), VE, ["packets.length", "-3"]),
    ("idtcwpt length mismatch", _replace1d(length=32), VE, ["length 32", "(..., 4, 8)"]),
    ("idtcwpt axis", _replace1d(axis=3), VE, ["packets.axis", "3"]),
    # packet operators
    ("rmax_cmod q 2**61", lambda: dtwpt.rmax_cmod(IMG, 1, q=2 ** 61), VE,
     ["q must be an integer in [0, 16]", str(2 ** 61)]),
    # CNN first layers
    ("load_first_layer path", lambda: dtwpt.load_first_layer(3), TE, ["path", "3"]),
    ("load_first_layer suffix", lambda: dtwpt.load_first_layer("w.txt"), VE, ["suffix", ".txt"]),
    ("learn_first_layer tol",
     lambda: dtwpt.learned_filters.learn_first_layer(8, 5, n_patches=2000, tol=float("nan")),
     VE, ["tol", "nan"]),
    ("analyze_kernels V", lambda: dtwpt.analyze_kernels(np.ones((2, 2)), 2), VE,
     ["V", "(2, 2)"]),
    ("analyze_kernels m", lambda: dtwpt.analyze_kernels(np.ones((4, 3, 5, 5)), 0), VE,
     ["m", "got 0"]),
    ("rmax_cmod q 2**63", lambda: dtwpt.rmax_cmod(IMG, 2, q=2 ** 63), VE,
     ["[0, 8]", str(2 ** 63)]),
    ("rmax_cmod q bool", lambda: dtwpt.rmax_cmod(IMG, 1, q=True), TE, ["q", "True"]),
    ("rmax_cmod level", lambda: dtwpt.rmax_cmod(IMG, 13), VE, ["level", "got 13"]),
    ("rmax_cmod colour", lambda: dtwpt.rmax_cmod(np.zeros((32, 32, 4)), 1), VE,
     ["(32, 32, 4)", "axes=(0, 1)"]),
    ("rmax_cmod overflow", lambda: dtwpt.rmax_cmod(np.full((4, 4), 1e19, np.float32), 1), VE,
     ["x has values up to 1e+19"]),
    ("rmax q", lambda: dtwpt.rmax(IMG, 1, q=-1), VE, ["q", "-1"]),
    ("cmod mode", lambda: dtwpt.cmod(IMG, 1, mode="per"), VE, ["mode", "'per'"]),
    ("pair_squared_norms shapes", lambda: dtwpt.pair_squared_norms(IMG, IMG[:8], 1), VE,
     ["x and x_shifted", "(16, 16)", "(8, 16)"]),
    ("pair_squared_norms complex", lambda: dtwpt.pair_squared_norms(IMG, IMG + 0j, 1), TE,
     ["x_shifted", "complex128"]),
    ("pair_squared_norms string", lambda: dtwpt.pair_squared_norms(
        IMG, np.full((16, 16), "a"), 1), TE, ["x_shifted", "<U1"]),
    ("pair_squared_norms NaN", lambda: dtwpt.pair_squared_norms(IMG, IMG * np.nan, 1), VE,
     ["x_shifted", "NaN"]),
    ("packet_kernels level", lambda: dtwpt.packet_kernels(2 ** 70), VE, ["level", str(2 ** 70)]),
    ("packet_kernels memory", lambda: dtwpt.packet_kernels(6), VE, ["level 6", "GiB"]),
    # operators with any kernel
    ("rmax_conv m", lambda: dtwpt.rmax_conv(IMG, K3, 2 ** 40), VE, ["m", str(2 ** 40)]),
    ("rmax_conv q", lambda: dtwpt.rmax_conv(IMG, K3, 2, q=2 ** 61), VE, ["q", str(2 ** 61)]),
    ("rmax_conv kernel", lambda: dtwpt.rmax_conv(IMG, K3 + 1j, 2), TE, ["V", "complex128"]),
    ("cmod_conv kernel shape", lambda: dtwpt.cmod_conv(IMG, np.ones(3) + 0j, 2), VE,
     ["W", "(3,)"]),
    ("cmod_conv x", lambda: dtwpt.cmod_conv(IMG + 0j, K3 + 0j, 2), TE, ["x", "complex128"]),
    # design and colour
    ("hilbert_companion direction",
     lambda: dtwpt.hilbert_companion(K3, direction=(1, 2, 3)), VE, ["direction", "(1, 2, 3)"]),
    ("hilbert_companion V", lambda: dtwpt.hilbert_companion(K3 * np.nan), VE, ["V", "NaN"]),
    ("hilbert_companion V huge", lambda: dtwpt.hilbert_companion(K3 * 1e308), VE,
     ["V has taps up to 1e+308"]),
    ("gabor_filter size", lambda: dtwpt.gabor_filter((0.5, 1.0), 0.8, 11), VE,
     ["size=11", "kappa=0.8", "smallest size that works for this kappa is 16"]),
    ("gabor_filter size huge", lambda: dtwpt.gabor_filter((0.5, 1.0), 0.8, 2 ** 40), VE,
     ["size", str(2 ** 40)]),
    ("gabor_filter kappa", lambda: dtwpt.gabor_filter((0.5, 1.0), 7.0, 32), VE, ["kappa", "7.0"]),
    ("gabor_filter kappa type", lambda: dtwpt.gabor_filter((0.5, 1.0), "1", 32), TE,
     ["kappa", "'1'"]),
    ("gabor_filter theta", lambda: dtwpt.gabor_filter("ab", 1.0, 32), TE, ["theta", "<U2"]),
    ("to_luminance channels", lambda: dtwpt.to_luminance(np.ones((4, 4, 4))), VE,
     ["4 channels", "3 weights"]),
    ("to_luminance axis", lambda: dtwpt.to_luminance(np.ones((4, 4, 3)), channel_axis=1.0), TE,
     ["channel_axis", "1.0"]),
    ("to_luminance weights", lambda: dtwpt.to_luminance(np.ones((4, 4, 3)), ["a", "b", "c"]),
     TE, ["weights", "<U1"]),
    ("to_luminance NaN", lambda: dtwpt.to_luminance(np.full((4, 4, 3), np.nan)), VE,
     ["x", "NaN"]),
    # metrics
    ("pair_metrics n", lambda: metrics.pair_metrics(*_pair_outputs(), 3), VE,
     ["n must be half", "(4)", "got 3"]),
    ("pair_metrics n huge", lambda: metrics.pair_metrics(*_pair_outputs(), 100000), VE,
     ["got 100000"]),
    ("pair_metrics n type", lambda: metrics.pair_metrics(*_pair_outputs(), 2.0), TE, ["n", "2.0"]),
    ("pair_metrics n negative", lambda: metrics.pair_metrics(*_pair_outputs(), -1), VE,
     ["n must be an integer >= 0", "-1"]),
    ("pair_metrics shapes", lambda: metrics.pair_metrics(
        _pair_outputs()[0], _pair_outputs()[1][:2], 1), VE, ["ymax and ymod", "(2, 8, 8, 8)"]),
    ("pair_metrics ndim", lambda: metrics.pair_metrics(np.zeros((2, 8, 8)), np.zeros((2, 8, 8)),
                                                       1), VE, ["ymax", "(2, 8, 8)"]),
    ("pair_metrics complex", lambda: metrics.pair_metrics(
        _pair_outputs()[0] + 0j, _pair_outputs()[1], 2), TE, ["ymax", "complex128"]),
    ("discrepancy shapes", lambda: metrics.discrepancy(np.zeros((2, 2)), np.zeros((3, 2))), VE,
     ["ymax and ymod", "(3, 2)"]),
    ("discrepancy strings", lambda: metrics.discrepancy(np.full((2, 2), "a"), np.zeros((2, 2))),
     TE, ["ymax", "<U1"]),
    ("discrepancy NaN", lambda: metrics.discrepancy(np.zeros((2, 2)), np.full((2, 2), np.nan)),
     VE, ["ymod", "NaN"]),
    ("shift_stability overflow", lambda: metrics.shift_stability(
        np.zeros((2, 2), np.float32), np.full((2, 2), 3e38, np.float32), np.ones((2, 2))), VE,
     ["y_shifted has values up to 3e+38"]),
    ("shift_stability ndim", lambda: metrics.shift_stability(np.zeros(2), np.zeros(2),
                                                             np.zeros(2)), VE, ["(..., h, w)"]),
    ("shift_metrics q", lambda: metrics.shift_metrics(IMG, IMG, 1, q=2 ** 63), VE,
     ["q", str(2 ** 63)]),
    ("kernel_energy_spectra n_fft",
     lambda: kernel_metrics.kernel_energy_spectra(np.ones((1, 8, 8)), 4), VE,
     ["n_fft", "[8,", "got 4"]),
    ("kernel_energy_spectra huge",
     lambda: kernel_metrics.kernel_energy_spectra(np.ones((1, 8, 8)), 2 ** 40), VE,
     ["n_fft", str(2 ** 40)]),
    ("energy_concentration level", lambda: kernel_metrics.energy_concentration(0), VE,
     ["level", "0"]),
    ("analyticity level", lambda: kernel_metrics.analyticity(np.float64(2)), TE, ["level", "2.0"]),
    # theory
    ("alpha kappa", lambda: theory.alpha(0.0, (1, 1)), VE, ["kappa", "0.0"]),
    ("beta m", lambda: theory.beta(1, 2 ** 60, 1.0), VE, ["m", str(2 ** 60)]),
    ("beta q", lambda: theory.beta(1.5, 2, 1.0), TE, ["q", "1.5"]),
    ("gamma omega", lambda: theory.gamma([[1.0, np.inf]]), VE, ["omega", "inf"]),
    ("gamma_sq omega", lambda: theory.gamma_sq(np.zeros((4, 3))), VE, ["omega", "(4, 3)"]),
    ("is_pathological atol", lambda: theory.is_pathological((0, 0), 1, atol=-1e-3), VE,
     ["atol", ">= 0", "-0.001"]),
    ("is_pathological atol type", lambda: theory.is_pathological((0, 0), 1, atol="1"), TE,
     ["atol", "'1'"]),
    ("is_pathological theta", lambda: theory.is_pathological((1, 2, 3), 1), VE,
     ["theta", "(3,)"]),
    ("bound_applies m", lambda: theory.bound_applies(1.0, True), TE, ["m", "True"]),
    ("cmod_shift_bound u", lambda: theory.cmod_shift_bound(1.0, "ab"), TE, ["u", "<U2"]),
    ("discrepancy_bound q", lambda: theory.discrepancy_bound((0, 0), 1.0, 1, q=-1), VE,
     ["q", "-1"]),
    ("rmax_shift_bound u", lambda: theory.rmax_shift_bound((0, 0), 1.0, 1, (np.nan, 0)), VE,
     ["u", "nan"]),
    # filters
    ("qshift_lowpass name", lambda: qshift_lowpass("qshift_z"), VE, ["wavelet", "'qshift_z'"]),
    ("qshift_lowpass array", lambda: qshift_lowpass(np.ones(4)), VE, ["orthonormal"]),
    ("dual_tree_filters packet type", lambda: dual_tree_filters("qshift_a", 3), TE,
     ["packet_wavelet", "int"]),
    ("dual_tree_filters pywt", lambda: dual_tree_filters("qshift_a", pywt.Wavelet("bior1.3")),
     VE, ["bior1.3", "not orthogonal"]),
    ("dual_tree_filters high length", lambda: dual_tree_filters("qshift_a", FilterPair(H, H[:4])),
     VE, ["high-pass", "(4,)"]),
    # tree
    ("gray negative", lambda: tree.gray(-1), VE, ["b", "-1"]),
    ("inverse_gray float", lambda: tree.inverse_gray(1.5), TE, ["i", "float64"]),
    ("inverse_gray negative", lambda: tree.inverse_gray([3, -1]), VE, ["i", "-1"]),
    ("node_types tree", lambda: tree.node_types(2, "c"), VE, ["tree", "'c'"]),
    ("equivalent_kernels_1d filters", lambda: tree.equivalent_kernels_1d("qshift_a", 2, "a"), TE,
     ["filters", "str"]),
    ("orientation_1d level", lambda: tree.orientation_1d(FILTERS, 9), VE, ["level", "9"]),
    ("layout_2d orientation", lambda: tree.layout_2d(np.array([1, 0, 1, -1])), VE,
     ["orientation", "[ 1,  0,  1, -1]"]),
    ("layout_1d orientation", lambda: tree.layout_1d(np.ones(3)), VE, ["orientation", "3"]),
    ("tile_centres level", lambda: tree.tile_centres(-1), VE, ["level", "-1"]),
    ("lowpass_mask level", lambda: tree.lowpass_mask(2 ** 70), VE, ["level", str(2 ** 70)]),
    ("band_centres_1d level", lambda: tree.band_centres_1d(None), TE, ["level", "None"]),
    ("filter_table", lambda: tree.filter_table(None), TE, ["filters", "NoneType"]),
    # plotting
    ("full_plane level", lambda: plotting.full_plane(np.zeros(8), 2 ** 70), VE,
     ["level", str(2 ** 70)]),
    ("full_plane values", lambda: plotting.full_plane(np.full(8, "a"), 1), TE, ["<U1"]),
    ("plot_tile_map mask", lambda: plotting.plot_tile_map(np.ones(8), 1, mask="high"), VE,
     ["mask", "'high'"]),
    ("plot_tile_map cmap", lambda: plotting.plot_tile_map(np.ones(8), 1, cmap="nope"), VE,
     ["cmap", "'nope'"]),
    ("plot_measured_vs_bound labels", lambda: plotting.plot_measured_vs_bound(
        [1.0], [1.0], labels="ab"), VE, ["labels", "'ab'"]),
    ("plot_tile_maps ncols", lambda: plotting.plot_tile_maps([np.ones(8)], 1, ncols=0), VE,
     ["ncols", "got 0"]),
    ("plot_frequency_function complex", lambda: plotting.plot_frequency_function(
        np.zeros((4, 4), complex)), TE, ["func_values", "complex128"]),
    ("plot_frequency_function extent", lambda: plotting.plot_frequency_function(
        np.zeros((4, 4)), extent=(1, -1, -1, 1)), VE, ["extent", "(1, -1, -1, 1)"]),
    ("plot_frequency_function level", lambda: plotting.plot_frequency_function(
        np.zeros((4, 4)), level=2.5), TE, ["level", "2.5"]),
    ("kernel_mosaic sep", lambda: plotting.kernel_mosaic(np.ones((8, 3, 3)), 1, sep=10 ** 9),
     VE, ["sep", str(10 ** 9)]),
    ("kernel_mosaic part", lambda: plotting.kernel_mosaic(np.ones((8, 3, 3)), 1, part="phase"),
     VE, ["part", "'phase'"]),
    ("plot_kernel_gallery kernels", lambda: plotting.plot_kernel_gallery(np.ones((7, 3, 3)), 1),
     VE, ["kernels", "(7, 3, 3)"]),
    ("plot_measured_vs_bound", lambda: plotting.plot_measured_vs_bound(["a"], [1.0]), TE,
     ["measured", "<U1"]),
    ("save_figure dpi", lambda: plotting.save_figure(None, "unused.png", dpi=0), VE,
     ["dpi", "[1, 10000]", "0"]),
    ("save_figure dpi type", lambda: plotting.save_figure(None, "unused.png", dpi=None), TE,
     ["dpi", "None"]),
]


@pytest.mark.parametrize("name, call, error, parts", TABLE, ids=[row[0] for row in TABLE])
def test_bad_input_table(name, call, error, parts):
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error  # not a subclass such as a Numba or NumPy error
    message = str(info.value)
    for part in parts:
        assert part in message, (part, message)


def test_table_covers_every_public_function():
    """Each public function of the core modules appears in the table."""
    modules = [dtwpt, metrics, kernel_metrics, theory, tree, plotting]
    names = {n for m in modules for n in m.__all__ if callable(getattr(m, n))
             and not isinstance(getattr(m, n), type)}
    names -= {"list_wavelets", "learned_first_layer"}  # take no argument
    names |= {"qshift_lowpass", "dual_tree_filters"}
    covered = " ".join(row[0] for row in TABLE)
    missing = sorted(n for n in names if n not in covered)
    assert not missing, missing
