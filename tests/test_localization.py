"""Tests of ``python -m dtwpt.experiments localization`` (dtwpt/experiments/localization/).

One tiny run (3 pairs of 72x72, J = 2, two families, a 2x2 theta grid, 2 kappas)
is shared by the tests; its numbers are recomputed here with direct library calls.
"""
import csv
import doctest
import importlib
import json

import numpy as np
import pytest

from dtwpt import (
    cmod_conv,
    gabor_filter,
    kernel_metrics,
    metrics,
    packet_kernels,
    rmax_cmod,
    rmax_conv,
    theory,
    tree,
)
from dtwpt.data import BundledPhotos
from dtwpt.experiments import _runner, main
from dtwpt.experiments._stats import grouped_mean_interval
from dtwpt.experiments.localization import verdicts

TINY = ["localization", "--pairs", "3", "--size", "72", "--theta-grid", "2", "--kappas", "2",
        "--levels", "2", "--wavelets", "qshift_a", "qshift_b"]
OUTPUTS = ("config.json", "families.csv", "gabor.csv", "families.png", "gabor_bounds.png",
           "report.md")
TABLES = ("families.csv", "gabor.csv")
RTOL = 1e-5  # float32 images: batching may change the last bits


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def unit_mtimes(out):
    return {p.name: p.stat().st_mtime_ns for p in (out / "units").glob("*.npz")}


def tables(out):
    return {name: (out / name).read_bytes() for name in TABLES}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("localization") / "run"
    assert main(TINY + ["--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def pairs():
    batch = BundledPhotos(3, size=72, shift=1, axis="x", seed=0).load(0, 3)
    return batch.x, batch.x_shifted, batch.groups


def test_run_writes_its_files(tiny_run):
    for name in OUTPUTS:
        assert (tiny_run / name).stat().st_size > 0, name
    assert sorted(unit_mtimes(tiny_run)) == [  # 2 families x 1 level, 1 m x 2 kappas
        "family-qshift_a-J2.npz", "family-qshift_b-J2.npz",
        "gabor-m2-kappa0.125000.npz", "gabor-m2-kappa1.000000.npz"]
    config = json.loads((tiny_run / "config.json").read_text())
    assert config["experiment"] == "localization"
    assert config["options"]["pairs"] == 3 and config["options"]["levels"] == [2]
    assert config["execution"]["out"] == str(tiny_run)

    fam = read_csv(tiny_run / "families.csv")
    assert [(r["family"], r["level"], r["n_pairs"]) for r in fam] == [
        ("qshift_a", "2", "3"), ("qshift_b", "2", "3")]
    gab = read_csv(tiny_run / "gabor.csv")
    assert len(gab) == 2 * 2 * 2  # 2x2 thetas x 2 kappas x 1 m
    assert sorted({float(r["kappa"]) for r in gab}) == pytest.approx([np.pi / 16, np.pi / 2])
    thetas = {(float(r["theta_y"]), float(r["theta_x"])) for r in gab}
    expected = {(ty, tx) for ty in (-np.pi / 2, np.pi / 2) for tx in (np.pi / 4, 3 * np.pi / 4)}
    np.testing.assert_allclose(np.array(sorted(thetas)), np.array(sorted(expected)))
    assert {(r["m"], r["bound_applies"], r["n_pairs"]) for r in gab} == {("2", "1", "3")}
    assert not any(name.startswith(("p2_", "r_", "cmod_ratio")) for name in gab[0])


def test_family_row_matches_library(tiny_run, pairs):
    row = next(r for r in read_csv(tiny_run / "families.csv") if r["family"] == "qshift_b")
    level, kw = 2, {"wavelet": "qshift_b"}
    kernels, _ = packet_kernels(level, **kw)
    conc = kernel_metrics.energy_concentration(level, **kw)
    wrong = 1 - kernel_metrics.analyticity(level, **kw)
    assert int(row["kernel_length"]) == kernels.shape[-1] == 42
    assert float(row["energy_concentration"]) == pytest.approx(conc.mean(), rel=1e-12)
    assert float(row["energy_concentration_std"]) == pytest.approx(conc.std(), rel=1e-12)
    assert float(row["wrong_side_mean"]) == pytest.approx(wrong.mean(), rel=1e-12)
    assert float(row["wrong_side_max"]) == pytest.approx(wrong.max(), rel=1e-12)

    x, xs, _ = pairs
    ymax, ymod = rmax_cmod(x, level, **kw)
    ymax_s, ymod_s = rmax_cmod(xs, level, **kw)
    keep = ~tree.lowpass_mask(level)
    rho2 = metrics.discrepancy(ymax, ymod)[:, keep] ** 2
    rho_max = metrics.shift_stability(ymax, ymax_s, ymod)[:, keep]
    rho_mod = metrics.shift_stability(ymod, ymod_s, ymod)[:, keep]
    assert float(row["rho2_mean"]) == pytest.approx(rho2.mean(), rel=RTOL)
    assert float(row["rho_max_mean"]) == pytest.approx(rho_max.mean(), rel=RTOL)
    assert float(row["rho_mod_mean"]) == pytest.approx(rho_mod.mean(), rel=RTOL)


@pytest.mark.parametrize("which", [0, -1])  # narrowest and widest kappa
def test_gabor_row_matches_library(tiny_run, pairs, which):
    row = read_csv(tiny_run / "gabor.csv")[which]
    theta = (float(row["theta_y"]), float(row["theta_x"]))
    kappa, m, u = float(row["kappa"]), int(row["m"]), (0, 1)
    W = gabor_filter(theta, kappa, 72)
    V = W.real
    x, xs, groups = pairs
    rmax_x, rmax_xs = rmax_conv(x, V, m), rmax_conv(xs, V, m)
    cmod_x, cmod_xs = cmod_conv(x, W, m), cmod_conv(xs, W, m)
    cmod_roll = cmod_conv(np.roll(x, -1, axis=-1), W, m)
    per_pair = {"rho2": metrics.discrepancy(rmax_x, cmod_x) ** 2,
                "rho_max": metrics.shift_stability(rmax_x, rmax_xs, cmod_x),
                "rho_mod": metrics.shift_stability(cmod_x, cmod_xs, cmod_x),
                "rho_mod_periodic": metrics.shift_stability(cmod_x, cmod_roll, cmod_x)}
    for name, values in per_pair.items():
        _, low, high, n = grouped_mean_interval(values, groups)
        assert n == 3
        assert float(row[f"{name}_mean"]) == pytest.approx(values.mean(), rel=RTOL, abs=1e-9)
        assert float(row[f"{name}_ci_low"]) == pytest.approx(low, rel=1e-4, abs=1e-8)
        assert float(row[f"{name}_ci_high"]) == pytest.approx(high, rel=1e-4, abs=1e-8)

    bounds = {"rho2": ("discrepancy_bound", theory.discrepancy_bound(theta, kappa, m, q=1)),
              "rho_max": ("rmax_shift_bound", theory.rmax_shift_bound(theta, kappa, m, u, q=1)),
              "rho_mod": ("cmod_shift_bound", theory.cmod_shift_bound(kappa, u))}
    bounds["rho_mod_periodic"] = bounds["rho_mod"]
    for name, (column, bound) in bounds.items():
        assert float(row[column]) == pytest.approx(bound, rel=1e-12)
        assert row[f"{name}_holds"] == str(int(per_pair[name].mean() <= bound))
    assert float(row["gamma_sq"]) == pytest.approx(theory.gamma_sq(m * np.array(theta)))
    assert row["bound_applies"] == str(int(theory.bound_applies(kappa, m)))


def test_report_gives_the_shares_and_verdicts(tiny_run):
    gab = read_csv(tiny_run / "gabor.csv")
    report = (tiny_run / "report.md").read_text()
    for column in ("rho2_holds", "rho_max_holds", "rho_mod_holds", "rho_mod_periodic_holds"):
        k = sum(r[column] == "1" for r in gab)
        assert f"{k}/{len(gab)} ({100 * k / len(gab):.1f}%)" in report
    assert "| qshift_b | 2 | 42 |" in report
    for metric, claim, _ in verdicts.CLAIMS:
        status = verdicts.point_status([float(r[f"{metric}_ci_low"]) for r in gab],
                                       [float(r[f"{metric}_ci_high"]) for r in gab],
                                       [float(r[verdicts.BOUNDS[metric]]) for r in gab])
        overall = ("FAIL" if "FAIL" in status else
                   "PASS" if (status == "PASS").all() else "INCONCLUSIVE")
        line = next(line for line in report.splitlines() if f"| 2 | {claim} |" in line)
        assert line.endswith(f"**{overall}** |"), line
    assert f"| 2 | {verdicts.PHOTO_CLAIM} | not applicable" in report


def synthetic_table(low, high, bound, applies):
    n = len(low)
    table = {"m": np.full(n, 2), "bound_applies": np.array(applies)}
    for metric, column in verdicts.BOUNDS.items():
        table[f"{metric}_ci_low"], table[f"{metric}_ci_high"] = np.array(low), np.array(high)
        table[f"{metric}_mean"] = (np.array(low) + np.array(high)) / 2
        table[f"{metric}_holds"] = table[f"{metric}_mean"] <= bound
        table[column] = np.full(n, bound)
    return table


@pytest.mark.parametrize("low, high, expected", [
    ([0.1, 0.2], [0.3, 0.4], "PASS"),  # every interval within 0.5
    ([0.1, 0.4], [0.3, 0.6], "INCONCLUSIVE"),  # one straddles the bound
    ([0.1, 0.6], [0.3, 0.7], "FAIL"),  # one lies above
    ([0.1, np.nan], [0.3, np.nan], "INCONCLUSIVE"),  # no interval (< 3 photographs)
])
def test_a_claim_passes_only_when_every_interval_clears_the_bound(low, high, expected):
    found = verdicts.evaluate(synthetic_table(low, high, 0.5, [True, True]), [2])
    assert [v.status for v in found] == [expected] * 3 + ["N/A"]


def test_thm_2_9_is_judged_only_where_kappa_is_at_most_pi_over_m():
    table = synthetic_table([0.1, 0.6], [0.3, 0.7], 0.5, [True, False])
    found = {v.claim: v for v in verdicts.evaluate(table, [2])}
    assert [found[c].status for _, c, _ in verdicts.CLAIMS] == ["FAIL", "FAIL", "PASS"]
    assert found[verdicts.CLAIMS[2][1]].measured.startswith("1 of 1 points within")
    table["bound_applies"][:] = False
    found = {v.claim: v for v in verdicts.evaluate(table, [2])}
    assert found[verdicts.CLAIMS[2][1]].status == "N/A"
    assert [v.status for v in verdicts.evaluate(table, [3])] == ["N/A"] * 4  # no point at m = 4


def test_resume_recomputes_nothing(tiny_run, capsys):
    before, csvs = unit_mtimes(tiny_run), tables(tiny_run)
    capsys.readouterr()
    assert main(TINY + ["--out", str(tiny_run)]) == 0
    assert "units: 0 computed, 4 reused" in capsys.readouterr().out
    assert unit_mtimes(tiny_run) == before and tables(tiny_run) == csvs


def test_an_interrupted_run_resumes_from_its_units(tiny_run, tmp_path, monkeypatch, capsys):
    out, save, saved = tmp_path / "resumed", _runner._save_chunk, []

    def save_then_interrupt(path, result):
        save(path, result)
        saved.append(path.name)
        if len(saved) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(_runner, "_save_chunk", save_then_interrupt)
    assert main(TINY + ["--out", str(out)]) == 130
    assert sorted(unit_mtimes(out)) == sorted(saved) and not (out / "gabor.csv").exists()
    kept = unit_mtimes(out)
    monkeypatch.setattr(_runner, "_save_chunk", save)
    capsys.readouterr()
    assert main(TINY + ["--out", str(out)]) == 0
    assert "units: 2 computed, 2 reused" in capsys.readouterr().out
    assert all(unit_mtimes(out)[name] == t for name, t in kept.items())
    assert tables(out) == tables(tiny_run)


def test_other_settings_on_the_same_out_are_refused(tiny_run, capsys):
    argv = TINY[:]
    argv[2] = "4"  # --pairs 4
    assert main(argv + ["--out", str(tiny_run), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "other settings" in err


@pytest.mark.parametrize("bad", [
    ["--pairs", "0"],
    ["--pairs", "-3"],
    ["--wavelets", "qshift_z"],
    ["--packet-wavelets", "no_such_wavelet"],
    ["--packet-wavelets", "bior2.2"],  # not orthogonal
    ["--size", "70"],  # not a multiple of 2**J = 4
    ["--size", "64"],  # kappa = pi/16 needs more than 64 samples
    ["--levels", "9"],
    ["--theta-grid", "0"],
    ["--workers", "2"],  # without --dask local
    ["--no-such-option"],
])
def test_bad_options_exit_2_on_one_line(bad, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(TINY + bad + ["--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "error" in captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    assert not out.exists()


def test_unwritable_out_exits_2(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    assert main(TINY + ["--out", str(blocker / "run")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--out" in err and "Traceback" not in err


def test_help_exits_0(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["localization", "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert "python -m dtwpt.experiments localization" in text
    for flag in ("--pairs", "--size", "--levels", "--wavelets", "--packet-wavelets",
                 "--theta-grid", "--kappas", "--out", "--chunk", "--dask", "--quiet"):
        assert flag in text


@pytest.mark.parametrize("name", ["dtwpt.experiments.localization.compute",
                                  "dtwpt.experiments.localization.verdicts"])
def test_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0
