"""Tests of dtwpt.plotting: frequency-plane layout, figure objects, atomic saving."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from dtwpt.plotting import (
    full_plane,
    kernel_mosaic,
    lowpass_mask,
    plot_frequency_function,
    plot_kernel_gallery,
    plot_measured_vs_bound,
    plot_tile_map,
    plot_tile_maps,
    save_figure,
)


def tile_centre(r, c, level):
    """Centre (omega_y, omega_x) of packet (r, c), from the documented convention."""
    step = np.pi / 2 ** level
    return np.array([-np.pi + (r + 0.5) * step, (c + 0.5) * step])


def pixel_of(omega, level):
    """Full-plane pixel (i, j) whose centre is omega (row ~ omega_y, column ~ omega_x)."""
    step = np.pi / 2 ** level
    ij = (np.asarray(omega) + np.pi) / step - 0.5
    assert np.allclose(ij, np.round(ij))
    return tuple(int(k) for k in np.round(ij))


@pytest.mark.parametrize("level", [1, 2])
def test_single_packet_lands_at_theta_and_minus_theta(level):
    side = 2 ** level
    for r in range(2 * side):
        for c in range(side):
            values = np.zeros(2 * 4 ** level)
            values[r * side + c] = 1.0
            img = full_plane(values, level)
            theta = tile_centre(r, c, level)
            expected = {pixel_of(theta, level), pixel_of(-theta, level)}
            assert img.shape == (2 * side, 2 * side)
            assert set(zip(*np.nonzero(img))) == expected
            assert img.sum() == 2.0


def test_full_plane_explicit_level1_layout():
    img = full_plane(np.arange(8.0), 1)
    # packet (r, c) at pixel (r, 2 + c); mirror at (3 - r, 1 - c)
    np.testing.assert_array_equal(img[:, 2:], np.arange(8.0).reshape(4, 2))
    assert img[3, 1] == 0.0 and img[0, 1] == 6.0 and img[1, 0] == 5.0


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_full_plane_point_symmetric(level):
    values = np.random.default_rng(level).normal(size=2 * 4 ** level)
    img = full_plane(values, level)
    np.testing.assert_array_equal(img, img[::-1, ::-1])


def test_full_plane_stack():
    values = np.random.default_rng(0).normal(size=(3, 2, 32))
    img = full_plane(values, 2)
    assert img.shape == (3, 2, 8, 8)
    np.testing.assert_array_equal(img[1, 0], full_plane(values[1, 0], 2))


@pytest.mark.parametrize("shape", [(7,), (9,), (8, 3), ()])
def test_full_plane_shape_errors(shape):
    with pytest.raises(ValueError, match="packets"):
        full_plane(np.zeros(shape), 1)


def test_full_plane_rejects_bad_level_and_complex():
    with pytest.raises(ValueError, match="level"):
        full_plane(np.zeros(8), -1)
    with pytest.raises(TypeError, match="level"):
        full_plane(np.zeros(8), 1.0)
    with pytest.raises(TypeError, match="real"):
        full_plane(np.zeros(8, complex), 1)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_lowpass_mask_touches_origin(level):
    side = 2 ** level
    p = np.flatnonzero(lowpass_mask(level))
    centres = np.array([tile_centre(k // side, k % side, level) for k in p])
    np.testing.assert_allclose(np.abs(centres), np.pi / (2 * side))
    img = full_plane(lowpass_mask(level).astype(float), level)
    assert np.array_equal(np.argwhere(img), [[side - 1, side - 1], [side - 1, side],
                                             [side, side - 1], [side, side]])


def test_plot_tile_map_mask_and_orientation():
    values = np.arange(8.0)
    im = plot_tile_map(values, 1, mask="lowpass", title="rho")
    assert isinstance(im, AxesImage) and isinstance(im.figure, Figure)
    assert im.origin == "lower"
    assert list(im.get_extent()) == [-1, 1, -1, 1]
    shown = np.ma.filled(im.get_array().astype(float), np.nan)
    expected = full_plane(np.where(lowpass_mask(1), np.nan, values), 1)
    np.testing.assert_array_equal(shown, expected)
    assert im.get_clim() == (0.0, 7.0)  # range over the unmasked packets
    ax = im.axes
    assert ax.get_xlabel() == r"$\omega_x/\pi$" and ax.get_ylabel() == r"$\omega_y/\pi$"
    np.testing.assert_array_equal(ax.get_xticks(), [-1, -0.5, 0, 0.5, 1])
    assert ax.get_title() == "rho"
    assert len(im.figure.axes) == 2  # the map and its colour bar


def test_plot_tile_map_on_given_axes_without_colorbar():
    fig = Figure()
    ax = fig.add_subplot()
    im = plot_tile_map(np.ones(32), 2, ax=ax, vmin=0, vmax=2, colorbar=False)
    assert im.axes is ax and len(fig.axes) == 1 and im.get_clim() == (0, 2)
    with pytest.raises(ValueError, match="mask"):
        plot_tile_map(np.ones(32), 2, mask=np.zeros(8, bool))


def test_plot_tile_maps_shared_scale_and_levels():
    panels = {"J=1": np.arange(8.0), "J=2": np.arange(32.0) + 10}
    fig = plot_tile_maps(panels, [1, 2], mask="lowpass", suptitle="rho^2")
    assert isinstance(fig, Figure)
    maps = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in maps[:2]] == ["J=1", "J=2"]
    assert len(fig.axes) == 3  # two maps, one shared colour bar
    clims = {ax.images[0].get_clim() for ax in maps[:2]}
    assert clims == {(0.0, 41.0)}
    assert maps[1].images[0].get_array().shape == (8, 8)


def test_plot_tile_maps_list_per_panel_masks_grid():
    arrays = [np.arange(8.0), 2 * np.arange(8.0), np.ones(8)]
    masks = [None, lowpass_mask(1), "lowpass"]
    fig = plot_tile_maps(arrays, 1, titles=["a", "b", "c"], mask=masks,
                         shared_scale=False, ncols=2)
    maps = [ax for ax in fig.axes if ax.images and ax.get_title()]
    assert [ax.get_title() for ax in maps] == ["a", "b", "c"]
    assert len(fig.axes) == 6  # three maps, three colour bars, empty slot removed
    assert maps[0].images[0].get_clim() == (0.0, 7.0)
    assert maps[1].images[0].get_clim() == (0.0, 14.0)
    with pytest.raises(ValueError, match="titles"):
        plot_tile_maps(arrays, 1, titles=["a"])
    with pytest.raises(ValueError, match="level"):
        plot_tile_maps(arrays, [1, 1])


def test_plot_frequency_function_with_grid():
    n = 32
    w = (np.arange(n) + 0.5) / n * 2 - 1
    values = np.cos(np.pi * w)[:, None] + 0 * w
    im = plot_frequency_function(values, level=2, title="gamma^2")
    assert isinstance(im, AxesImage) and im.origin == "lower"
    assert list(im.get_extent()) == [-1, 1, -1, 1]
    vertical, horizontal = im.axes.collections  # tile boundaries
    assert len(vertical.get_segments()) == len(horizontal.get_segments()) == 9
    with pytest.raises(ValueError, match="2D"):
        plot_frequency_function(np.zeros(5))


@pytest.mark.parametrize("level", [1, 2])
def test_kernel_mosaic_places_kernel_at_tile(level):
    side, k = 2 ** level, 3
    n = 2 * 4 ** level
    kernels = np.zeros((n, k, k), complex)
    kernels[:, 0, 1] = np.arange(1, n + 1)  # real part identifies the packet
    kernels[:, 2, 2] = -1j
    mosaic = kernel_mosaic(kernels, level)
    assert mosaic.shape == (2 * side * (k + 1) - 1, side * (k + 1) - 1)
    for p in range(n):
        r, c = divmod(p, side)
        block = mosaic[r * (k + 1): r * (k + 1) + k, c * (k + 1): c * (k + 1) + k]
        np.testing.assert_allclose(block, kernels[p].real / (p + 1))
    seps = np.isnan(mosaic)
    assert seps[k::k + 1].all() and seps[:, k::k + 1].all()
    assert np.count_nonzero(seps) == mosaic.size - n * k * k


def test_kernel_mosaic_parts_mask_and_errors():
    kernels = np.zeros((8, 2, 2), complex)
    kernels[:, 0, 0] = 4j
    kernels[:, 1, 1] = 2
    imag = kernel_mosaic(kernels, 1, part="imag", mask="lowpass", sep=0)
    assert imag.shape == (8, 4)
    blocks = imag.reshape(4, 2, 2, 2).transpose(0, 2, 1, 3).reshape(8, 2, 2)
    assert np.isnan(blocks[lowpass_mask(1)]).all()
    np.testing.assert_array_equal(blocks[~lowpass_mask(1)], [[[1, 0], [0, 0]]] * 6)
    absolute = kernel_mosaic(kernels, 1, part="abs", sep=0)
    np.testing.assert_array_equal(absolute[:2, :2], [[1, -1], [-1, 0]])
    with pytest.raises(ValueError, match="part"):
        kernel_mosaic(kernels, 1, part="phase")
    with pytest.raises(ValueError, match="kernels"):
        kernel_mosaic(kernels, 2)


def test_plot_kernel_gallery_single_image():
    rng = np.random.default_rng(1)
    kernels = rng.normal(size=(128, 7, 7)) + 1j * rng.normal(size=(128, 7, 7))
    fig = plot_kernel_gallery(kernels, 3, mask="lowpass", title="J=3")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    (im,) = ax.images
    assert im.get_array().shape == (16 * 8 - 1, 8 * 8 - 1)
    assert im.origin == "lower" and im.get_clim() == (-1, 1)
    assert len(ax.get_xticks()) == len(ax.get_yticks()) == 0


def test_plot_measured_vs_bound():
    measured = np.array([0.1, 0.5, 0.9, np.nan, 0.3])
    bound = np.array([0.2, 0.4, 1.0, 0.5, 0.3])
    ax = plot_measured_vs_bound(measured, bound, labels=("gamma^2", "rho^2"), title="t")
    assert isinstance(ax, Axes)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0] == "rho^2 ≤ gamma^2: 75% (3/4)"
    assert ax.collections[0].get_offsets().shape == (4, 2)
    assert ax.get_xlabel() == "gamma^2" and ax.get_title() == "t"
    with pytest.raises(ValueError, match="shape"):
        plot_measured_vs_bound([1, 2], [1, 2, 3])


def test_save_figure_writes_png_atomically(tmp_path):
    fig = plot_tile_maps([np.arange(8.0), np.arange(8.0)], 1, mask="lowpass")
    out = save_figure(fig, tmp_path / "a" / "b" / "maps.png", dpi=60)
    assert out == tmp_path / "a" / "b" / "maps.png"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in out.parent.iterdir()] == ["maps.png"]
    save_figure(fig, out, dpi=60)  # overwriting is fine too
    assert [p.name for p in out.parent.iterdir()] == ["maps.png"]


def test_save_figure_cleans_up_on_failure(tmp_path):
    class Broken:
        def savefig(self, fh, **kwargs):
            fh.write(b"partial")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        save_figure(Broken(), tmp_path / "x.png")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_names_and_clean_up(tmp_path, monkeypatch):
    import os

    from dtwpt import _io

    seen = []

    def write(fh):
        seen.append(os.path.basename(fh.name))
        fh.write("text")

    out = _io.atomic_write(tmp_path / "a" / "b.txt", write)
    assert out.read_text() == "text" and list(out.parent.iterdir()) == [out]
    assert _io.temp_pid(seen[0]) == os.getpid() and seen[0].startswith(".b.txt.")
    assert _io.temp_pid("b.txt") is None and _io.temp_pid(".b.txt.12.tmp") is None

    def fail(fh):
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        _io.atomic_write(out, fail)
    assert out.read_text() == "text" and list(out.parent.iterdir()) == [out]


def test_plot_tile_maps_names_a_level_that_is_neither_a_value_nor_a_sequence():
    with pytest.raises(TypeError, match="level must be one value or a sequence of 1, got None"):
        plot_tile_maps([np.zeros(8)], level=None)
