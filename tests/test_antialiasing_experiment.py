"""Tests of ``python -m dtwpt.experiments antialiasing``: files, numbers, verdicts, errors."""
import csv
import doctest
import importlib

import numpy as np
import pytest

from dtwpt import antialiasing as aa
from dtwpt import dtcwpt2, tree
from dtwpt.data import BundledPhotos
from dtwpt.experiments import main
from dtwpt.experiments.antialiasing import compute, report

TINY = ["antialiasing", "--pairs", "2", "--size", "32", "--levels", "2", "--chunk", "1",
        "--quiet"]
FILES = ["config.json", "packets_J2.csv", "summary.csv", "skipped.csv", "report.md"] + [
    f"{name}_J2.png" for name in ("stability", "stability_roll_m", "recovery", "energy",
                                  "tradeoff")]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return {name: np.array([row[i] for row in rows[1:]]) for i, name in enumerate(rows[0])}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("aa") / "run"
    assert main(TINY + ["--out", str(out)]) == 0
    return out


def direct_values(level, pairs=2, size=32):
    """Per pair and packet, every operator's measures straight from the public API."""
    batch = BundledPhotos(pairs, size=size).load(0, pairs)
    m = 2 ** (level - 1)
    result = {}
    for k in range(pairs):
        x, x_crop = batch.x[k], batch.x_shifted[k]
        z = dtcwpt2(x, level, decimated=False).coeffs
        y = aa.pooled_packets(x, level)
        shifted = {"crop": aa.pooled_packets(x_crop, level),
                   "roll": aa.pooled_packets(np.roll(x, -1, axis=1), level),
                   "roll_m": aa.pooled_packets(np.roll(x, -m, axis=1), level)}
        phase = aa.aps_downsample(aa.max_filter(z.real, q=1))[1]
        for op in aa.OPERATORS:
            values = {"kept_energy": aa.kept_energy(y[op], z),
                      "recovery": aa.envelope_recovery(y[op], z,
                                                       offset=phase if op == "aps" else None)}
            for kind, ys in shifted.items():
                values[f"instability_{kind}"] = aa.instability(y[op], ys[op])
                values[f"aligned_{kind}"] = aa.instability(y[op], ys[op], aligned=True)
            for name, v in values.items():
                result.setdefault((op, name), []).append(v)
    return {key: np.array(v) for key, v in result.items()}


def test_writes_every_file(tiny_run):
    for name in FILES:
        assert (tiny_run / name).stat().st_size > 0, name
    assert len(list((tiny_run / "chunks").glob("*.npz"))) == 2


def test_numbers_equal_direct_api_calls(tiny_run, level=2):
    table = read_csv(tiny_run / f"packets_J{level}.csv")
    direct = direct_values(level)
    for (op, measure), values in direct.items():
        np.testing.assert_allclose(table[f"{op}_{measure}_mean"].astype(float),
                                   values.mean(axis=0), rtol=2e-5, atol=1e-6,
                                   err_msg=f"{op} {measure}")
    np.testing.assert_allclose(table["aps_aligned_roll_m_max"].astype(float)
                               [~tree.lowpass_mask(level)], 0.0, atol=1e-5)
    summary = read_csv(tiny_run / "summary.csv")
    band = ~tree.lowpass_mask(level)
    for op in ("rmax", "aps"):
        row = ((summary["level"] == str(level)) & (summary["operator"] == op)
               & (summary["measure"] == "instability_crop") & (summary["tiles"] == "band"))
        expected = direct[(op, "instability_crop")][:, band].mean()
        assert np.isclose(float(summary["mean"][row][0]), expected, rtol=2e-5)


def test_report_scopes_and_uncertainty(tiny_run):
    text = (tiny_run / "report.md").read_text(encoding="utf-8")
    # 2 pairs from 2 photographs: too few for an interval, no comparison may pass or fail.
    lines = [line for line in text.splitlines() if line.startswith("| 2 |")]
    compared = [line for line in lines if "interval over photographs" in line]
    assert compared and all("**INCONCLUSIVE**" in line for line in compared)
    assert any("APS is invariant" in line and "**PASS**" in line for line in lines)


def test_rerun_resumes_and_other_options_are_refused(tiny_run, capsys):
    before = (tiny_run / "packets_J2.csv").read_bytes()
    assert main(TINY + ["--out", str(tiny_run)]) == 0
    assert (tiny_run / "packets_J2.csv").read_bytes() == before
    assert main(TINY + ["--out", str(tiny_run), "--blur-size", "5"]) == 2
    assert "other settings" in capsys.readouterr().err


def test_empty_run_exits_non_zero(tmp_path, capsys):
    images = tmp_path / "images"
    images.mkdir()
    (images / "broken.jpg").write_bytes(b"not a jpeg")
    code = main(["antialiasing", "--images", str(images), "--size", "32", "--levels", "2",
                 "--quiet", "--out", str(tmp_path / "run")])
    assert code != 0
    assert "no pair could be processed" in capsys.readouterr().err


def _stats(first, second):
    """Aggregated statistics where every operator's band value is given per pair."""
    means = np.zeros((len(first), len(compute.MEASURES), len(aa.OPERATORS),
                      len(compute.TILE_GROUPS)))
    means[:, :, aa.OPERATORS.index("cmod")] = first[:, None, None]
    means[:, :, aa.OPERATORS.index("rmax")] = second[:, None, None]
    return {"tile_means": means, "photos": np.array([f"photo{i}" for i in range(len(first))])}


def test_verdict_needs_the_interval_to_clear_zero():
    claim = report.CLAIMS[0]  # CMod more stable than RMax
    rng = np.random.default_rng(0)
    base = rng.uniform(0.3, 0.5, 40)
    clear = report._compare(2, claim, _stats(base - 0.05, base), None)[0]
    assert clear.status == "PASS"
    reversed_ = report._compare(2, claim, _stats(base + 0.05, base), None)[0]
    assert reversed_.status == "FAIL"
    noisy = base + rng.normal(0, 0.05, 40)
    noisy -= noisy.mean() - base.mean()  # mean difference exactly 0
    assert report._compare(2, claim, _stats(noisy, base), None)[0].status == "INCONCLUSIVE"
    assert report._compare(2, claim, _stats(base[:2] - 0.05, base[:2]), None)[0].status \
        == "INCONCLUSIVE"  # two photographs: no interval
    assert claim.applies(2, 1, 2.0) == "made for shifts of at most one pixel"
    assert claim.applies(1, 1, 1.0) == "made for m = 2**(J-1) >= 2 (J >= 2)"
    assert report._compare(1, claim, _stats(base, base), "out of scope")[0].status == "N/A"
    assert claim.applies(2, 0, 1.0) is not None and claim.applies(2, 1, 1.0) is None


@pytest.mark.parametrize("name", ["compute", "report"])
def test_examples(name):
    module = importlib.import_module(f"dtwpt.experiments.antialiasing.{name}")
    assert doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
