"""Tests of the image sources of dtwpt.data."""
import json
import math
import pickle

import numpy as np
import pytest
from PIL import Image, JpegImagePlugin

from dtwpt import to_luminance
from dtwpt.data import (
    BUNDLED_PHOTOS,
    Batch,
    BundledPhotos,
    ImageFolder,
    band_limited_pair,
    fourier_shift,
)


def smooth_rgb(height, width, seed=0):
    """A smooth random RGB uint8 image (JPEG-friendly)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width] / max(height, width)
    channels = [np.sin(2 * np.pi * (rng.uniform(1, 4) * xx + rng.uniform(1, 4) * yy)
                       + rng.uniform(0, 6)) for _ in range(3)]
    return np.round(127.5 + 100 * np.stack(channels, axis=-1)).astype(np.uint8)


# ----------------------------------------------------------------- BundledPhotos

def test_bundled_shapes_dtypes_ranges():
    source = BundledPhotos(6)
    batch = source.load(0, 6)
    assert isinstance(batch, Batch) and len(source) == 6
    for a in (batch.x, batch.x_shifted):
        assert a.shape == (6, 224, 224) and a.dtype == np.float32
        assert a.min() >= 0 and a.max() <= 1
    assert batch.names == [f"{BUNDLED_PHOTOS[i % 5]}#{i}" for i in range(6)]
    assert batch.skipped == []


@pytest.mark.parametrize("shift", [1, 3])
def test_bundled_pair_relation_x(shift):
    batch = BundledPhotos(5, size=32, shift=shift, axis="x").load(0, 5)
    np.testing.assert_array_equal(batch.x_shifted[:, :, :-shift], batch.x[:, :, shift:])
    assert not np.array_equal(batch.x_shifted, batch.x)


def test_bundled_pair_relation_y():
    batch = BundledPhotos(5, size=32, axis="y").load(0, 5)
    np.testing.assert_array_equal(batch.x_shifted[:, :-1], batch.x[:, 1:])


def test_bundled_chunks_are_consistent():
    source = BundledPhotos(8, size=32, seed=3)
    whole, tail = source.load(0, 4), source.load(2, 4)
    np.testing.assert_array_equal(whole.x[2:], tail.x)
    np.testing.assert_array_equal(whole.x_shifted[2:], tail.x_shifted)
    assert whole.names[2:] == tail.names
    other_seed = BundledPhotos(8, size=32, seed=4).load(2, 4)
    assert not np.array_equal(other_seed.x, tail.x)


def test_bundled_load_clips_stop_and_accepts_empty_range():
    source = BundledPhotos(3, size=16)
    assert len(source.load(1, 10)) == 2
    empty = source.load(3, 3)
    assert empty.x.shape == (0, 16, 16) and empty.names == []


def _trig_translate(e, u):
    """Brute-force trigonometric interpolation of a periodic 1D signal at n + u, no Nyquist."""
    n = e.size
    k = np.arange(-(n // 2) + 1, n // 2)  # every frequency but the Nyquist one
    c = np.array([(e * np.exp(-2j * np.pi * kk * np.arange(n) / n)).sum() / n for kk in k])
    t = np.arange(n) + u
    return (c[None, :] * np.exp(2j * np.pi * k[None, :] * t[:, None] / n)).sum(1).real


@pytest.mark.parametrize("axis", ["x", "y"])
def test_bundled_subpixel_shift_is_band_limited_translation_of_a_larger_region(axis):
    """X and X' are cut from the mirror-extended region without its Nyquist coefficient."""
    size, u = 16, 0.5
    batch = BundledPhotos(1, size=size, shift=u, axis=axis, seed=3).load(0, 1)
    photo = _photo_for_test("astronaut")
    rng = np.random.default_rng([3, 0])
    side = size + 1
    top, left = rng.integers(0, 512 - side + 1), rng.integers(0, 512 - side + 1)
    region = photo[top:top + side, left:left + side].astype(np.float64)
    if axis == "y":
        region = region.T
    expected_x = np.empty((side, side))
    expected_xs = np.empty((side, side))
    for r in range(side):
        e = np.concatenate([region[r], region[r, ::-1]])
        expected_x[r] = _trig_translate(e, 0)[:side]
        expected_xs[r] = _trig_translate(e, u)[:side]
    got_x, got_xs = batch.x[0], batch.x_shifted[0]
    if axis == "y":
        got_x, got_xs = got_x.T, got_xs.T
    np.testing.assert_allclose(got_x, expected_x[:size, :size], atol=2e-6)
    np.testing.assert_allclose(got_xs, expected_xs[:size, :size], atol=2e-6)
    assert batch.x_shifted.dtype == np.float32


def _photo_for_test(name):
    import skimage.data
    return to_luminance(getattr(skimage.data, name)().astype(np.float32) / 255)


def test_band_limited_integer_shift_is_the_crop_minus_nyquist():
    rng = np.random.default_rng(0)
    region = rng.standard_normal((5, 40))
    x, moved = band_limited_pair(region, 3, -1)
    e = np.concatenate([region, region[:, ::-1]], axis=1)
    sign = (-1.0) ** np.arange(e.shape[1])
    nyquist = (e * sign).mean(axis=1, keepdims=True) * sign
    np.testing.assert_allclose(x, (e - nyquist)[:, :40], atol=1e-12)
    np.testing.assert_allclose(moved[:, :37], (e - nyquist)[:, 3:40], atol=1e-12)


def test_integer_shift_pairs_are_exact_crops():
    """At integer u the pair is the crop of the region, exactly as before."""
    for u in (1, 2):
        batch = BundledPhotos(3, size=32, shift=u, axis="x").load(0, 3)
        np.testing.assert_array_equal(batch.x[:, :, u:], batch.x_shifted[:, :, :-u])


def test_color_pairs_and_groups():
    batch = BundledPhotos(6, size=32, color=True).load(0, 6)
    assert batch.x.shape == (6, 3, 32, 32) and batch.x.dtype == np.float32
    np.testing.assert_array_equal(batch.x[..., 1:], batch.x_shifted[..., :-1])
    assert batch.groups == ["astronaut", "camera", "chelsea", "coffee", "rocket", "astronaut"]
    grey = BundledPhotos(6, size=32).load(0, 6)
    weights = np.array([0.299, 0.587, 0.114], np.float32)
    np.testing.assert_allclose(np.tensordot(weights, batch.x, axes=([0], [1])), grey.x,
                               atol=1e-6)


def test_bundled_pickle_and_describe():
    source = BundledPhotos(4, size=32, shift=2, axis="y", seed=7)
    blob = pickle.dumps(source)
    assert len(blob) < 1000  # parameters only, no pixels
    clone = pickle.loads(blob)
    np.testing.assert_array_equal(clone.load(0, 4).x, source.load(0, 4).x)
    info = json.loads(json.dumps(source.describe()))
    assert info["kind"] == "BundledPhotos" and info["n"] == 4 and info["seed"] == 7
    assert info["shift"] == 2 and info["axis"] == "y"
    assert info["photos"] == list(BUNDLED_PHOTOS)


# ----------------------------------------------------------------- fourier_shift

def band_limited(shape, seed=0):
    """A real periodic image without Nyquist content along either axis."""
    rng = np.random.default_rng(seed)
    coefs = np.fft.rfft2(rng.standard_normal(shape))
    coefs[shape[0] // 2] = 0
    coefs[:, -1] = 0
    return np.fft.irfft2(coefs, s=shape)


@pytest.mark.parametrize("axis", [0, 1])
def test_half_shift_twice_is_one_pixel_roll(axis):
    x = band_limited((16, 24)).astype(np.float32)
    twice = fourier_shift(fourier_shift(x, 0.5, axis=axis), 0.5, axis=axis)
    np.testing.assert_allclose(twice, np.roll(x, -1, axis=axis), atol=1e-5)


def test_fourier_shift_matches_explicit_dft():
    n, shift = 9, 0.3
    x = np.random.default_rng(1).standard_normal(n)
    k = np.fft.fftfreq(n, 1 / n)  # odd n: no Nyquist bin
    dft = np.exp(-2j * np.pi * np.outer(k, np.arange(n)) / n) @ x
    expected = (np.exp(2j * np.pi * np.outer(np.arange(n) + shift, k) / n) @ dft).real / n
    np.testing.assert_allclose(fourier_shift(x, shift), expected, atol=1e-12)


def test_fourier_shift_even_length_is_real_and_integer_shift_is_roll():
    x = np.random.default_rng(2).standard_normal((6, 8))
    np.testing.assert_allclose(fourier_shift(x, 3, axis=1), np.roll(x, -3, axis=1),
                               atol=1e-12)
    nyquist = np.cos(np.pi * np.arange(8))  # Nyquist bin: cos(pi * shift) convention
    np.testing.assert_allclose(fourier_shift(nyquist, 0.5), 0, atol=1e-12)


# ------------------------------------------------------------------ ImageFolder

@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "other").mkdir()
    Image.fromarray(smooth_rgb(120, 90, 0)).save(root / "b_rgb.jpg", quality=95)
    Image.fromarray(smooth_rgb(70, 100, 1)[..., 0]).save(root / "sub" / "gray.PNG")
    Image.fromarray(smooth_rgb(80, 80, 2)).save(root / "sub" / "deeper" / "c.png")
    Image.fromarray(smooth_rgb(100, 64, 3)).convert("CMYK").save(root / "cmyk.jpg")
    rgba = np.dstack([smooth_rgb(64, 96, 4), np.linspace(0, 255, 64 * 96)
                      .reshape(64, 96).astype(np.uint8)])
    Image.fromarray(rgba, "RGBA").save(root / "other" / "rgba.png")
    wide = (np.linspace(0, 65535, 80 * 120).reshape(80, 120)).astype(np.uint16)
    Image.fromarray(wide).save(root / "other" / "deep16.png")
    assert Image.open(root / "other" / "deep16.png").mode == "I;16"
    Image.fromarray(smooth_rgb(64, 64, 5)).convert("P").save(root / "palette.gif")
    data = (root / "b_rgb.jpg").read_bytes()
    (root / "sub" / "corrupt.jpg").write_bytes(data[: len(data) // 2])
    (root / "fake.jpg").write_text("this is not an image\n")
    (root / "notes.txt").write_text("ignored by extension\n")
    Image.fromarray(np.zeros((10, 10), np.uint8)).save(root / "tiny.png")
    return root


VALID = ["b_rgb.jpg", "cmyk.jpg", "other/deep16.png", "other/rgba.png", "palette.gif",
         "sub/deeper/c.png", "sub/gray.PNG"]
BROKEN = ["fake.jpg", "sub/corrupt.jpg", "tiny.png"]


def test_folder_lists_images_sorted(folder):
    source = ImageFolder(folder, size=32, resize_to=48)
    assert list(source.files) == sorted(VALID + BROKEN)
    assert len(source) == len(VALID + BROKEN)


def test_folder_loads_valid_and_skips_broken(folder):
    source = ImageFolder(folder, size=32, resize_to=48, workers=2)
    batch = source.load(0, len(source))
    assert batch.names == sorted(VALID)
    assert batch.x.shape == batch.x_shifted.shape == (len(VALID), 32, 32)
    assert batch.x.dtype == batch.x_shifted.dtype == np.float32
    assert batch.x.min() >= 0 and batch.x.max() <= 1
    reasons = dict(batch.skipped)
    assert sorted(reasons) == sorted(BROKEN)
    assert "too small" in reasons["tiny.png"]
    assert "Unidentified" in reasons["fake.jpg"]
    assert "truncated" in reasons["sub/corrupt.jpg"]
    np.testing.assert_array_equal(batch.x_shifted[:, :, :-1], batch.x[:, :, 1:])


def test_folder_axis_y_and_chunks(folder):
    source = ImageFolder(folder, size=16, axis="y", resize_to=24)
    whole = source.load(0, len(source))
    np.testing.assert_array_equal(whole.x_shifted[:, :-1], whole.x[:, 1:])
    part = source.load(4, 8)
    first = whole.names.index(part.names[0])
    np.testing.assert_array_equal(whole.x[first:first + len(part)], part.x)


def test_folder_modes_are_scaled_to_unit_range(folder):
    source = ImageFolder(folder, size=32, resize_to=48)
    batch = source.load(0, len(source))
    images = dict(zip(batch.names, batch.x))
    deep = images["other/deep16.png"]
    assert 0 <= deep.min() < 0.3 and 0.7 < deep.max() <= 1  # 16-bit / 65535
    # RGBA: alpha dropped, luminance of the colour channels.
    rgb = smooth_rgb(64, 96, 4).astype(np.float32) / 255
    expected = Image.fromarray(to_luminance(rgb)).resize((72, 48), Image.BILINEAR)
    crop = np.asarray(expected)[8:40, 20:52]
    np.testing.assert_allclose(images["other/rgba.png"], crop, atol=1e-5)
    # CMYK JPEG: close to the luminance of the RGB image it was made from.
    cmyk = Image.fromarray(to_luminance(smooth_rgb(100, 64, 3).astype(np.float32) / 255))
    reference = np.asarray(cmyk.resize((48, 75), Image.BILINEAR))[21:53, 8:40]
    assert np.abs(images["cmyk.jpg"] - reference).mean() < 0.03


def test_folder_uses_jpeg_draft_mode(tmp_path, monkeypatch):
    Image.fromarray(smooth_rgb(800, 1024, 6)).save(tmp_path / "big.jpg", quality=95)
    calls = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = original(self, mode, size)
        calls.append((mode, size, self.mode, self.size))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    batch = ImageFolder(tmp_path, size=32, resize_to=64).load(0, 1)
    assert len(batch) == 1
    [(mode, requested, decoded_mode, decoded_size)] = calls
    assert mode == "L" and requested == (81, 64)
    assert decoded_mode == "L" and decoded_size == (128, 100)  # 1/8 DCT scaling
    # Draft decoding agrees with full decoding followed by the same resize.
    full = to_luminance(smooth_rgb(800, 1024, 6).astype(np.float32) / 255)
    reference = np.asarray(Image.fromarray(full).resize((81, 64), Image.BILINEAR))
    assert np.abs(batch.x[0] - reference[16:48, 24:56]).mean() < 0.005


def test_folder_pickle_and_describe(folder):
    source = ImageFolder(folder, size=16, shift=0.5, resize_to=20, workers=1)
    clone = pickle.loads(pickle.dumps(source))
    assert clone.files == source.files
    np.testing.assert_array_equal(clone.load(0, 3).x_shifted, source.load(0, 3).x_shifted)
    info = json.loads(json.dumps(source.describe()))
    assert info["kind"] == "ImageFolder" and info["n"] == len(source)
    assert info["root"] == str(folder) and info["shift"] == 0.5


def test_folder_subpixel_shift_uses_a_larger_region(folder):
    batch = ImageFolder(folder, size=16, shift=0.5, resize_to=20).load(0, 2)
    whole = ImageFolder(folder, size=16, shift=1, resize_to=20).load(0, 2)
    # Same region as the one-pixel pair; X differs from it only by the Nyquist term.
    assert np.abs(batch.x - whole.x).max() < 0.05
    halfway = 0.5 * (whole.x + whole.x_shifted)
    assert np.abs(batch.x_shifted - halfway).mean() < np.abs(whole.x_shifted - whole.x).mean()


def test_folder_shift_at_original_and_color(folder):
    source = ImageFolder(folder, size=16, shift=1, resize_to=20, color=True,
                         shift_at="original")
    batch = source.load(0, 2)
    assert batch.x.shape == (2, 3, 16, 16)
    assert source.describe()["shift_at"] == "original" and source.describe()["color"]
    assert not np.array_equal(batch.x, batch.x_shifted)


# ---------------------------------------------------------------- bad arguments

@pytest.mark.parametrize("kwargs, error, match", [
    ({"size": 4}, ValueError, "size must be an integer >= 8, got 4"),
    ({"size": 32.0}, TypeError, "size must be an integer"),
    ({"shift": 0}, ValueError, "shift must be a positive finite number, got 0"),
    ({"shift": -1}, ValueError, "shift"),
    ({"shift": math.nan}, ValueError, "shift"),
    ({"shift": math.inf}, ValueError, "shift"),
    ({"shift": "1"}, TypeError, "shift"),
    ({"axis": "z"}, ValueError, r"axis must be one of \('x', 'y'\), got 'z'"),
    ({"n_pairs": 0}, ValueError, "n_pairs must be an integer >= 1, got 0"),
    ({"seed": -1}, ValueError, "seed"),
    ({"size": 300}, ValueError, "smallest bundled photo"),
])
def test_bundled_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        BundledPhotos(**kwargs)


def test_bad_load_ranges():
    source = BundledPhotos(4, size=16)
    with pytest.raises(ValueError, match="start"):
        source.load(-1, 2)
    with pytest.raises(ValueError, match="stop"):
        source.load(3, 1)


def test_folder_bad_arguments(folder, tmp_path):
    with pytest.raises(ValueError, match="does not exist or is not a directory"):
        ImageFolder(tmp_path / "missing")
    (tmp_path / "file.png").write_bytes(b"")
    with pytest.raises(ValueError, match="file.png"):
        ImageFolder(tmp_path / "file.png")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.txt").write_text("no images")
    with pytest.raises(ValueError, match="contains no image files"):
        ImageFolder(tmp_path / "empty")
    with pytest.raises(TypeError, match="root must be a path"):
        ImageFolder(3)
    with pytest.raises(ValueError, match="resize_to must be an integer >= 225"):
        ImageFolder(folder, resize_to=200)
    with pytest.raises(ValueError, match="axis"):
        ImageFolder(folder, axis="xy")
    with pytest.raises(ValueError, match="workers"):
        ImageFolder(folder, workers=0)


def test_bundled_photos_need_no_network(monkeypatch):
    import socket

    from dtwpt import data

    def refuse(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    data._photos._photo.cache_clear()
    assert BundledPhotos(5, size=16).load(0, 5).x.shape == (5, 16, 16)


# ---------------------------------------------------------------- hostile folders

def test_fifo_named_like_an_image_is_skipped_without_blocking(tmp_path):
    import os
    import subprocess
    import sys
    Image.fromarray(smooth_rgb(40, 40)).save(tmp_path / "a.png")
    os.mkfifo(tmp_path / "p.jpg")
    code = ("from dtwpt.data import ImageFolder; import sys; "
            f"b = ImageFolder({str(tmp_path)!r}, size=16, resize_to=20).load(0, 2); "
            "print(len(b), b.skipped)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "1 [('p.jpg', 'ValueError: not a regular file')]" in done.stdout


def test_non_utf8_file_names_are_recorded_printably(tmp_path):
    import os
    raw = os.fsencode(str(tmp_path)) + b"/bad\xff.jpg"
    with open(raw, "wb") as fh:
        fh.write(b"not a jpeg")
    batch = ImageFolder(tmp_path, size=16, resize_to=20).load(0, 1)
    (name, reason), = batch.skipped
    assert name == "bad\\xff.jpg"
    name.encode("utf-8")  # writable as UTF-8
    reason.encode("utf-8")


def test_images_with_too_many_pixels_are_skipped_before_decoding(tmp_path):
    Image.fromarray(np.zeros((300, 400), np.uint8)).save(tmp_path / "big.png")
    batch = ImageFolder(tmp_path, size=16, resize_to=20, max_pixels=100_000).load(0, 1)
    assert batch.skipped == [("big.png", "ValueError: too large: 400x300 decoded pixels "
                                         "> max_pixels=100000")]
