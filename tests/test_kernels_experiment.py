"""``python -m dtwpt.experiments kernels``: every file, numbers equal to direct API calls."""
import csv
import json
import re

import numpy as np
import pytest
from _gabor import gabor_bank

from dtwpt import metrics
from dtwpt.convolution import cmod_conv, rmax_conv
from dtwpt.data import BundledPhotos
from dtwpt.experiments.cli import main
from dtwpt.experiments.kernels.compute import pair_values
from dtwpt.kernel_analysis import analyze_kernels, complex_companion

FILES = ("config.json", "kernels.csv", "gabor_counts.csv", "weights.npy", "skipped.csv",
         "kernels.png", "gamma_map.png", "rho2_vs_gamma.png", "stability.png", "report.md")

THETAS = [(ty * np.pi, tx * np.pi) for ty in (-0.6, 0.0, 0.3, 0.5)
          for tx in (0.3, 0.5, 0.75)]  # 12 kernels, three in the pathological zone for m = 2


def read_csv(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


def direct_metrics(V, m, q, n_pairs, size, color):
    """rho^2, rho_max, rho_mod per pair and kernel, from the public API alone."""
    batch = BundledPhotos(n_pairs, size=size, color=color).load(0, n_pairs)
    table = analyze_kernels(V, m, q=q)
    W = complex_companion(V, np.c_[table["theta_y"], table["theta_x"]]).astype(np.complex64)
    x, xs = (batch.x, batch.x_shifted) if color else (batch.x[:, None], batch.x_shifted[:, None])
    ymax, ymax2 = rmax_conv(x, V, m, q=q), rmax_conv(xs, V, m, q=q)
    ymod, ymod2 = cmod_conv(x, W, m), cmod_conv(xs, W, m)
    return np.stack([metrics.discrepancy(ymax, ymod) ** 2,
                     metrics.shift_stability(ymax, ymax2, ymod),
                     metrics.shift_stability(ymod, ymod2, ymod)])


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kernels")
    V = gabor_bank(THETAS, 2.0, 7).astype(np.float32)
    np.savez(tmp / "layer.npz", conv1=V.transpose(2, 3, 1, 0), bias=np.zeros(12))
    argv = ["kernels", "--weights", str(tmp / "layer.npz"), "--key", "conv1", "--stride", "2",
            "--pairs", "6", "--size", "32", "--chunk", "4", "--out", str(tmp / "out"),
            "--quiet"]
    assert main(argv) == 0
    return tmp, V, argv


def test_writes_every_file(tiny_run):
    tmp, V, _ = tiny_run
    for name in FILES:
        assert (tmp / "out" / name).stat().st_size > 0, name
    config = json.loads((tmp / "out" / "config.json").read_text())
    assert config["experiment"] == "kernels" and config["options"]["stride"] == 2
    assert config["source"]["color"] is True
    np.testing.assert_array_equal(np.load(tmp / "out" / "weights.npy"), V)


def test_numbers_equal_direct_api_calls(tiny_run):
    tmp, V, _ = tiny_run
    table = read_csv(tmp / "out" / "kernels.csv")
    values = direct_metrics(V, 2, 1, 6, 32, color=True)
    for k, name in enumerate(("rho2", "rho_max", "rho_mod")):
        np.testing.assert_allclose(table[f"{name}_mean"].astype(float),
                                   np.nanmean(values[k], axis=0), rtol=1e-5)
    expected = analyze_kernels(V, 2, q=1)
    for name in ("gabor_share", "theta_y", "theta_x", "gamma_sq", "delta", "bandwidth"):
        np.testing.assert_allclose(table[name].astype(float), expected[name], rtol=1e-12)
    # Every kernel of the bank is Gabor-like, monochrome, and at its own theta.
    assert (table["in_setting"] == "1").all()
    np.testing.assert_allclose(np.c_[table["theta_y"], table["theta_x"]].astype(float),
                               THETAS, atol=0.15)


def test_report_counts_and_correlation(tiny_run):
    tmp, _, _ = tiny_run
    table = read_csv(tmp / "out" / "kernels.csv")
    text = (tmp / "out" / "report.md").read_text()
    assert "**12 of 12 kernels are Gabor-like** at kappa = pi/2" in text
    rho2, gamma = table["rho2_mean"].astype(float), table["gamma_sq"].astype(float)
    r = np.corrcoef(rho2, gamma)[0, 1]
    found = re.search(r"across the 12 Gabor-like kernels in the setting: Pearson r = "
                      r"(-?[\d.]+), 95% interval \[(-?[\d.]+), (-?[\d.]+)\]", text)
    assert found and float(found[1]) == pytest.approx(r, abs=5e-4)
    assert float(found[2]) < float(found[1]) < float(found[3])
    zone = table["pathological"] == "1"
    for kernel in table["kernel"][zone]:
        assert re.search(rf"^\| {kernel} \| \(", text, re.MULTILINE)  # listed kernel by kernel


def test_rerun_resumes_and_other_options_are_refused(tiny_run, capsys):
    tmp, _, argv = tiny_run
    before = (tmp / "out" / "kernels.csv").read_text()
    assert main(argv) == 0
    assert (tmp / "out" / "kernels.csv").read_text() == before
    assert main([*argv[:-3], "--out", str(tmp / "out"), "--quiet", "--q", "0"]) == 2
    assert "holds a run with other settings" in capsys.readouterr().err


def test_bad_weights_give_one_line(tmp_path, capsys):
    np.save(tmp_path / "nan.npy", np.full((4, 3, 5, 5), np.nan))
    assert main(["kernels", "--weights", str(tmp_path / "nan.npy"), "--out",
                 str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "NaN or infinite" in err
    np.save(tmp_path / "deep.npy", np.zeros((8, 16, 3, 3)))
    assert main(["kernels", "--weights", str(tmp_path / "deep.npy"), "--out",
                 str(tmp_path / "o2"), "--quiet"]) == 2
    assert "16 input channels" in capsys.readouterr().err


def test_grayscale_layer_on_luminance(tmp_path):
    V = gabor_bank(THETAS[:4], 2.0, 5, mu=np.ones(1)).astype(np.float32)
    np.save(tmp_path / "gray.npy", V)
    assert main(["kernels", "--weights", str(tmp_path / "gray.npy"), "--stride", "2",
                 "--pairs", "3", "--size", "16", "--out", str(tmp_path / "o"), "--quiet"]) == 0
    table = read_csv(tmp_path / "o" / "kernels.csv")
    values = direct_metrics(V, 2, 1, 3, 16, color=False)
    np.testing.assert_allclose(table["rho_max_mean"].astype(float), np.nanmean(values[1], axis=0),
                               rtol=1e-5)


def test_learned_default_reports_the_correlation(tmp_path, capsys):
    assert main(["kernels", "--pairs", "10", "--size", "64", "--out", str(tmp_path / "o"),
                 "--quiet"]) == 0
    text = (tmp_path / "o" / "report.md").read_text()
    found = re.search(r"across the (\d+) Gabor-like kernels in the setting: Pearson r = "
                      r"(-?[\d.]+), 95% interval", text)
    assert found and int(found[1]) >= 10
    assert "of 64 kernels are Gabor-like** at kappa = pi/4" in text
    assert "rho^2 vs gamma^2 across" in capsys.readouterr().out


def test_narrow_gabors_follow_the_theory():
    """Narrow Gabor kernels at m = 2: RMax ~ CMod where gamma^2 is small, not where it is large."""
    rng = np.random.default_rng(0)
    thetas = rng.uniform([-np.pi, 0], [np.pi, np.pi], (24, 2))
    V = gabor_bank(thetas, 5.0, 25).astype(np.float32)
    table = analyze_kernels(V, 2)
    W = complex_companion(V, np.c_[table["theta_y"], table["theta_x"]]).astype(np.complex64)
    batch = BundledPhotos(10, size=64, color=True).load(0, 10)
    rho2 = np.nanmean(pair_values(batch.x, batch.x_shifted, V, W, 2)[0], axis=0)
    gamma = table["gamma_sq"]
    assert table["gabor_share"].min() > 0.99
    assert rho2[gamma < 0.01].max() < 0.1
    assert rho2[gamma > 0.3].min() > 0.3
    assert np.corrcoef(rho2, gamma)[0, 1] > 0.6
    assert np.all(rho2 <= table["discrepancy_bound"])  # Thm 3.11, on the mean over pairs


def _verdicts(values, *, m=2, q=1, shift=(0.0, 1.0), n_kernels=12):
    from dtwpt.experiments.kernels.verdicts import evaluate, kernel_table

    V = gabor_bank(THETAS[:n_kernels], 2.0, 7)
    groups = np.array([f"photo{i % 5}" for i in range(values.shape[1])])
    table = kernel_table(V, values, groups, m=m, q=q, shift=shift, min_share=0.5)
    return {v.claim.split(" (")[0].split(":")[0]: v
            for v in evaluate(table, values, groups, m=m, q=q, shift=shift)}


def test_verdicts_outside_the_setting_are_not_applicable():
    values = np.random.default_rng(0).random((3, 20, 12))
    assert _verdicts(values, q=0)["rho^2 follows gamma_q(m theta)^2 across kernels"].status \
        == "N/A"
    shifted = _verdicts(values, shift=(0.0, 2.0))
    assert shifted["RMax is less stable than CMod"].status == "N/A"
    assert "at most one pixel" in shifted["RMax is less stable than CMod"].measured
    assert _verdicts(values, m=1)["rho^2 follows gamma_q(m theta)^2 across kernels"].status \
        == "N/A"
    few = _verdicts(values[..., :6], n_kernels=6)
    assert "10 needed" in few["rho^2 follows gamma_q(m theta)^2 across kernels"].measured


def test_insignificant_difference_is_not_a_pass():
    rng = np.random.default_rng(1)
    values = rng.random((3, 20, 12))
    values[2] = values[1] + rng.normal(0, 0.05, (20, 12))  # rho_mod ~ rho_max: no difference
    assert _verdicts(values)["RMax is less stable than CMod"].status != "PASS"
    values[2] = values[1] - 0.2  # a clear difference on every photograph
    assert _verdicts(values)["RMax is less stable than CMod"].status == "PASS"
