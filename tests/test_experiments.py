"""Tests of ``python -m dtwpt.experiments``: outputs, numbers, resumption, dask, errors."""
import csv
import doctest
import importlib
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from dtwpt import rmax_cmod, theory, tree
from dtwpt.data import BundledPhotos
from dtwpt.experiments import _runner, main
from dtwpt.experiments.shift.verdicts import pathological_tiles
from dtwpt.kernel_metrics import energy_concentration
from dtwpt.metrics import discrepancy, shift_stability

SMALL = ["--pairs", "8", "--size", "64", "--levels", "1", "2", "--chunk", "4", "--quiet"]
TINY = ["--pairs", "16", "--size", "32", "--levels", "1", "2", "--chunk", "4", "--quiet"]
RESULT_FILES = ["packets_J1.csv", "packets_J2.csv", "table1.csv", "skipped.csv"]


def read_csv(path):
    """Columns of a CSV file, as lists of strings."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return {name: [row[i] for row in rows[1:]] for i, name in enumerate(rows[0])}


def column(table, name):
    return np.array(table[name], dtype=float)


def smooth_rgb(height, width, seed):
    """A smooth random RGB uint8 image."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width] / max(height, width)
    channels = [np.sin(2 * np.pi * (rng.uniform(1, 4) * xx + rng.uniform(1, 4) * yy))
                for _ in range(3)]
    return np.round(127.5 + 100 * np.stack(channels, axis=-1)).astype(np.uint8)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("small") / "run"
    assert main(SMALL + ["--out", str(out)]) == 0
    return out


# ----------------------------------------------------------------- end to end
def test_writes_every_output(small_run):
    expected = RESULT_FILES + ["config.json", "report.md", "fig8_rho2.png"] + [
        f"fig{k}_{what}_J{j}.png" for j in (1, 2)
        for k, what in ((5, "gamma"), (6, "kernels"), (9, "stability"))]
    for name in expected:
        assert (small_run / name).stat().st_size > 0, name
    config = json.loads((small_run / "config.json").read_text())
    assert config["source"] == BundledPhotos(8, size=64).describe()
    assert {"dtwpt", "numpy", "numba", "scipy", "pywt", "python", "platform"} <= set(
        config["environment"])
    assert config["argv"][config["argv"].index("--levels") + 1:][:2] == ["1", "2"]
    assert read_csv(small_run / "skipped.csv") == {"name": [], "reason": []}


def test_report_has_a_verdict_with_a_number_per_claim(small_run):
    report = (small_run / "report.md").read_text()
    rows = [line for line in report.splitlines() if line.startswith(("| 1 |", "| 2 |"))
            and "**" in line]
    assert len(rows) == 10
    for row in rows:
        assert any(v in row for v in ("**PASS**", "**FAIL**", "**N/A**", "**INCONCLUSIVE**"))
        assert any(ch.isdigit() for ch in row.split("|")[3])
    assert "## This run next to the paper" in report and "0.45–0.53" in report


def test_numbers_match_the_library(small_run):
    batch = BundledPhotos(8, size=64).load(0, 8)
    for level in (1, 2):
        table = read_csv(small_run / f"packets_J{level}.csv")
        ymax, ymod = rmax_cmod(batch.x, level)
        ymax_s, ymod_s = rmax_cmod(batch.x_shifted, level)
        measured = {"rho2": discrepancy(ymax, ymod) ** 2,
                    "rho_max": shift_stability(ymax, ymax_s, ymod),
                    "rho_mod": shift_stability(ymod, ymod_s, ymod)}
        for name, values in measured.items():
            np.testing.assert_allclose(column(table, f"{name}_mean"), values.mean(0), rtol=1e-6)
            np.testing.assert_allclose(column(table, f"{name}_std"), values.std(0),
                                       rtol=1e-5, atol=1e-9)
        m, theta = 2 ** (level - 1), tree.tile_centres(level)
        np.testing.assert_array_equal(column(table, "theta_x"), theta[:, 1])
        np.testing.assert_array_equal(column(table, "is_lowpass"), tree.lowpass_mask(level))
        np.testing.assert_allclose(column(table, "gamma_sq"), theory.gamma_sq(m * theta))
        np.testing.assert_allclose(column(table, "cmod_shift_bound"), np.pi / m / 2)
        np.testing.assert_allclose(column(table, "rmax_shift_bound"),
                                   theory.rmax_shift_bound(theta, np.pi / m, m, (0, 1)))
        assert set(table["n_pairs"]) == {"8"}


def test_table1_is_the_energy_concentration(small_run):
    table = read_csv(small_run / "table1.csv")
    for k, level in enumerate((1, 2)):
        shares = energy_concentration(level)
        assert float(table["mean"][k]) == pytest.approx(shares.mean())
        assert float(table["min"][k]) == pytest.approx(shares.min())
    assert table["paper_mean"] == ["", "0.98"]


@pytest.mark.parametrize("name", ["dtwpt.experiments.shift.compute",
                                  "dtwpt.experiments.shift.verdicts",
                                  "dtwpt.experiments._stats",
                                  "dtwpt.experiments._paper"])
def test_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_pathological_tiles_are_the_gamma_peaks(level):
    gamma2 = theory.gamma_sq(2 ** (level - 1) * tree.tile_centres(level))
    np.testing.assert_array_equal(pathological_tiles(level), np.isclose(gamma2, gamma2.max()))


def test_quiet_run_prints_only_the_summary(tmp_path, capsys):
    assert main(["shift", "--pairs", "4", "--size", "32", "--levels", "1", "--quiet",
                 "--out", str(tmp_path / "run")]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "report: " in captured.out and "4 processed, 0 skipped" in captured.out
    assert "pairs/s" in captured.out


# ----------------------------------------------------------------- image folders
def make_folder(root):
    """Four good images, three unusual but valid ones, three unusable files."""
    root.mkdir()
    for k in range(4):
        Image.fromarray(smooth_rgb(80, 100, k)).save(root / f"good{k}.{('png', 'jpg')[k % 2]}")
    Image.fromarray(smooth_rgb(90, 90, 7)).convert("CMYK").save(root / "cmyk.jpg")
    Image.fromarray(smooth_rgb(90, 90, 8)).convert("RGBA").save(root / "rgba.png")
    deep = (smooth_rgb(90, 90, 9)[..., 0].astype(np.uint16) * 257)
    Image.fromarray(deep).save(root / "deep16.png")
    good = (root / "good1.jpg").read_bytes()
    (root / "corrupt.jpg").write_bytes(good[:200] + bytes(range(256)) * 4)
    (root / "notes.png").write_text("not an image at all\n")
    Image.fromarray(np.zeros((10, 10), np.uint8)).save(root / "tiny.png")


def test_image_folder_skips_unusable_files(tmp_path, capsys):
    folder = tmp_path / "images"
    make_folder(folder)
    out = tmp_path / "run"
    assert main(["--images", str(folder), "--size", "32", "--levels", "1", "2",
                 "--chunk", "4", "--quiet", "--out", str(out)]) == 0
    skipped = read_csv(out / "skipped.csv")
    assert sorted(skipped["name"]) == ["corrupt.jpg", "notes.png", "tiny.png"]
    assert all(skipped["reason"])
    assert set(read_csv(out / "packets_J2.csv")["n_pairs"]) == {"7"}
    assert "7 processed, 3 skipped" in capsys.readouterr().out
    assert "3 item(s) could not be used" in (out / "report.md").read_text()


def test_a_folder_without_usable_images_exits_non_zero(tmp_path, capsys):
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"garbage")
    (folder / "b.png").write_text("text")
    out = tmp_path / "run"
    assert main(["--images", str(folder), "--levels", "2", "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no pair could be processed" in err
    assert sorted(read_csv(out / "skipped.csv")["name"]) == ["a.jpg", "b.png"]


# ----------------------------------------------------------------- resumption
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_sigterm_swallowed_by_a_finalizer_still_ends_the_run_as_interrupted(
        tmp_path, monkeypatch, capsys):
    """Python ignores an exception raised in a ``__del__``: a SIGTERM whose
    KeyboardInterrupt lands there is still reported (exit 130), not a success."""
    import gc
    import os
    import signal

    from dtwpt.experiments import shift

    class Finalized:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGTERM)  # handled while this runs

    def run(args):
        Finalized()
        gc.collect()
        return 0

    handler = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(shift, "run", run)
    assert main(TINY + ["--out", str(tmp_path / "run")]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGTERM) == handler  # restored
    monkeypatch.setattr(shift, "run", lambda args: 0)
    assert main(TINY + ["--out", str(tmp_path / "next")]) == 0  # nothing left pending


def test_interrupted_run_resumes_to_identical_numbers(tmp_path, monkeypatch):
    reference, out = tmp_path / "reference", tmp_path / "resumed"
    assert main(TINY + ["--out", str(reference)]) == 0

    save = _runner._save_chunk
    saved = []

    def save_then_interrupt(path, result):
        save(path, result)
        saved.append(path.name)
        if len(saved) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(_runner, "_save_chunk", save_then_interrupt)
    assert main(TINY + ["--out", str(out)]) == 130
    assert sorted(p.name for p in (out / "chunks").iterdir()) == sorted(saved)

    stale = out / "chunks" / ".000000012.npz.999999999.tmp"  # left by a killed process
    stale.write_bytes(b"partial")
    saved.clear()
    monkeypatch.setattr(_runner, "_save_chunk", lambda path, result: (
        saved.append(path.name), save(path, result)))
    assert main(TINY + ["--out", str(out)]) == 0
    assert len(saved) == 2  # of 4 chunks: the two saved before the interruption are reused
    assert not stale.exists()
    for name in RESULT_FILES:
        assert (out / name).read_text() == (reference / name).read_text(), name


def test_other_options_in_the_same_folder_are_refused(tmp_path, capsys):
    out = str(tmp_path / "run")
    assert main(["--pairs", "4", "--size", "32", "--levels", "1", "--quiet", "--out", out]) == 0
    capsys.readouterr()
    assert main(["--pairs", "4", "--size", "64", "--levels", "1", "--quiet", "--out", out]) == 2
    err = capsys.readouterr().err
    assert "other settings" in err and "size" in err and err.count("\n") == 1


# ----------------------------------------------------------------- dask
def test_local_cluster_gives_the_in_process_numbers(tmp_path):
    pytest.importorskip("distributed")
    argv = ["--pairs", "64", "--size", "32", "--levels", "1", "2", "--chunk", "32", "--quiet"]
    assert main(argv + ["--out", str(tmp_path / "local")]) == 0
    assert main(argv + ["--out", str(tmp_path / "dask"), "--dask", "local",
                        "--workers", "2"]) == 0
    for name in RESULT_FILES:
        assert (tmp_path / "dask" / name).read_text() == (tmp_path / "local" / name).read_text()


# ----------------------------------------------------------------- bad options
@pytest.mark.parametrize("argv, expected", [
    (["--images", "{tmp}/missing"], "does not exist"),
    (["--images", "{tmp}/empty"], "no image files"),
    (["--levels", "0"], "--levels"),
    (["--wavelet", "haar"], "--wavelet"),
    (["--out", "{tmp}/a_file/run"], "cannot write"),
    (["--chunk", "0"], "--chunk"),
    (["--dask", "local", "--chunk", "8"], "at least 32"),
    (["--size", "60"], "multiple of"),
    (["--pairs", "4", "--images", "{tmp}/empty"], "bundled"),
])
def test_bad_options_exit_with_one_line(tmp_path, capsys, argv, expected):
    (tmp_path / "empty").mkdir()
    (tmp_path / "a_file").write_text("")
    argv = [a.format(tmp=tmp_path) for a in argv]
    assert main(argv + ["--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_option_exit_code_in_a_subprocess(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dtwpt.experiments", "--levels", "0"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert "--levels" in done.stderr and not (tmp_path / "results").exists()


def test_help_documents_every_option(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--images", "--pairs", "--seed", "--size", "--shift", "--axis",
                 "--resize-to", "--levels", "--wavelet", "--q", "--out", "--chunk",
                 "--dask", "--workers", "--quiet"):
        assert flag in text
    assert "ImageNet protocol" in text
