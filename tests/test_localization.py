"""Tests of ``python -m dtwpt.experiments localization`` (dtwpt/experiments/localization.py).

One tiny run (2 pairs of 64x64, J = 2, two families, a 2x2 theta grid, 2 kappas)
is shared by the tests; its numbers are recomputed here with direct library calls.
"""
import csv
import json

import numpy as np
import pytest

from dtwpt import metrics, theory, tree
from dtwpt.data import BundledPhotos
from dtwpt.experiments.localization import main
from dtwpt.operators import cmod_conv, gabor_filter, packet_kernels, rmax_cmod, rmax_conv

TINY = ["--pairs", "2", "--size", "64", "--theta-grid", "2", "--kappas", "2",
        "--levels", "2", "--wavelets", "qshift_a", "qshift_b"]
OUTPUTS = ("config.json", "families.csv", "gabor.csv", "families.png", "gabor_bounds.png",
           "report.md")
RTOL = 1e-5  # float32 images: batching may change the last bits


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def part_mtimes(out):
    return {p.relative_to(out): p.stat().st_mtime_ns for p in (out / "parts").rglob("*.json")}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("localization") / "run"
    code = main(TINY + ["--out", str(out), "--quiet"])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def pairs():
    batch = BundledPhotos(2, size=64, shift=1, axis="x", seed=0).load(0, 2)
    return batch.x, batch.x_shifted


def test_run_writes_its_files(tiny_run):
    for name in OUTPUTS:
        assert (tiny_run / name).stat().st_size > 0, name
    parts = sorted(str(p) for p in part_mtimes(tiny_run))
    assert len(parts) == 2 + 2  # 2 families x 1 level, 1 m x 2 kappas
    config = json.loads((tiny_run / "config.json").read_text())
    assert config["experiment"] == "localization"
    assert config["options"]["pairs"] == 2 and config["options"]["levels"] == [2]

    fam = read_csv(tiny_run / "families.csv")
    assert [(r["family"], r["level"]) for r in fam] == [("qshift_a", "2"), ("qshift_b", "2")]
    gab = read_csv(tiny_run / "gabor.csv")
    assert len(gab) == 2 * 2 * 2  # 2x2 thetas x 2 kappas x 1 m
    assert sorted({float(r["kappa"]) for r in gab}) == pytest.approx([np.pi / 16, np.pi / 2])
    thetas = {(float(r["theta_y"]), float(r["theta_x"])) for r in gab}
    expected = {(ty, tx) for ty in (-np.pi / 2, np.pi / 2) for tx in (np.pi / 4, 3 * np.pi / 4)}
    np.testing.assert_allclose(np.array(sorted(thetas)), np.array(sorted(expected)))
    for name in ("m", "cmod_applies"):
        assert {r[name] for r in gab} == {"2" if name == "m" else "1"}


def test_family_row_matches_library(tiny_run, pairs):
    row = next(r for r in read_csv(tiny_run / "families.csv") if r["family"] == "qshift_b")
    level, kw = 2, {"wavelet": "qshift_b"}
    kernels, _ = packet_kernels(level, **kw)
    conc = metrics.energy_concentration(level, **kw)
    wrong = 1 - metrics.analyticity(level, **kw)
    assert int(row["kernel_length"]) == kernels.shape[-1] == 42
    assert float(row["energy_concentration"]) == pytest.approx(conc.mean(), rel=1e-12)
    assert float(row["energy_concentration_std"]) == pytest.approx(conc.std(), rel=1e-12)
    assert float(row["wrong_side_mean"]) == pytest.approx(wrong.mean(), rel=1e-12)
    assert float(row["wrong_side_max"]) == pytest.approx(wrong.max(), rel=1e-12)

    x, xs = pairs
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
    W = gabor_filter(theta, kappa, 64)
    V = W.real
    x, xs = pairs
    rmax_x, rmax_xs = rmax_conv(x, V, m), rmax_conv(xs, V, m)
    cmod_x, cmod_xs = cmod_conv(x, W, m), cmod_conv(xs, W, m)
    cmod_roll = cmod_conv(np.roll(x, -1, axis=-1), W, m)
    p2 = np.mean(metrics.discrepancy(rmax_x, cmod_x) ** 2)
    r = np.mean(metrics.shift_stability(rmax_x, rmax_xs, cmod_x))
    c = np.mean(metrics.shift_stability(cmod_x, cmod_xs, cmod_x))
    c_per = np.mean(metrics.shift_stability(cmod_x, cmod_roll, cmod_x))
    assert float(row["p2_mean"]) == pytest.approx(p2, rel=RTOL, abs=1e-9)
    assert float(row["r_mean"]) == pytest.approx(r, rel=RTOL)
    assert float(row["cmod_ratio_mean"]) == pytest.approx(c, rel=RTOL)
    assert float(row["cmod_ratio_periodic_mean"]) == pytest.approx(c_per, rel=RTOL, abs=1e-5)

    p2_bound = theory.discrepancy_bound(theta, kappa, m, q=1)
    r_bound = theory.rmax_shift_bound(theta, kappa, m, u, q=1)
    c_bound = theory.cmod_shift_bound(kappa, u)
    assert float(row["p2_bound"]) == pytest.approx(p2_bound, rel=1e-12)
    assert float(row["r_bound"]) == pytest.approx(r_bound, rel=1e-12)
    assert float(row["cmod_bound"]) == pytest.approx(c_bound, rel=1e-12)
    assert float(row["gamma_sq"]) == pytest.approx(theory.gamma_sq(m * np.array(theta)))
    assert row["p2_holds"] == str(int(p2 <= p2_bound))
    assert row["r_holds"] == str(int(r <= r_bound))
    assert row["cmod_holds"] == str(int(c <= c_bound))
    assert row["cmod_applies"] == str(int(theory.bound_applies(kappa, m)))


def test_report_gives_the_shares(tiny_run):
    gab = read_csv(tiny_run / "gabor.csv")
    report = (tiny_run / "report.md").read_text()
    for column in ("p2_holds", "r_holds", "cmod_holds", "cmod_periodic_holds"):
        k = sum(r[column] == "1" for r in gab)
        assert f"{k}/{len(gab)} ({100 * k / len(gab):.1f}%)" in report
    assert "| qshift_b | 2 | 42 |" in report


def test_resume_recomputes_nothing(tiny_run, capsys):
    before = part_mtimes(tiny_run)
    csvs = {n: (tiny_run / n).read_bytes() for n in ("families.csv", "gabor.csv")}
    capsys.readouterr()
    assert main(TINY + ["--out", str(tiny_run)]) == 0
    assert "units: 0 computed, 4 reused" in capsys.readouterr().out
    assert part_mtimes(tiny_run) == before
    for name, content in csvs.items():
        assert (tiny_run / name).read_bytes() == content, name


def test_resume_recomputes_a_missing_part_only(tiny_run, tmp_path):
    out = tmp_path / "copy"
    import shutil

    shutil.copytree(tiny_run, out)
    csvs = {n: (out / n).read_bytes() for n in ("families.csv", "gabor.csv")}
    gabor_parts = sorted((out / "parts" / "gabor").glob("*.json"))
    gabor_parts[0].unlink()
    before = part_mtimes(out)
    assert main(TINY + ["--out", str(out), "--quiet"]) == 0
    after = part_mtimes(out)
    assert set(after) == set(before) | {gabor_parts[0].relative_to(out)}
    assert all(after[p] == t for p, t in before.items())
    for name, content in csvs.items():
        assert (out / name).read_bytes() == content, name


def test_other_settings_on_the_same_out_are_refused(tiny_run, capsys):
    argv = TINY[:]
    argv[1] = "3"  # --pairs 3
    assert main(argv + ["--out", str(tiny_run), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "other settings" in err


@pytest.mark.parametrize("bad", [
    ["--pairs", "0"],
    ["--pairs", "-3"],
    ["--wavelets", "qshift_z"],
    ["--packet-wavelets", "no_such_wavelet"],
    ["--packet-wavelets", "bior2.2"],  # not orthogonal
    ["--size", "62"],  # not a multiple of 2**J = 4
    ["--levels", "9"],
    ["--theta-grid", "0"],
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


def test_runs_as_a_subcommand_of_the_cli(tiny_run, monkeypatch, capsys):
    """The module fits the CLI's experiment interface (DESCRIPTION, add_arguments, run)."""
    cli = pytest.importorskip("dtwpt.experiments.cli")
    if not hasattr(cli, "EXPERIMENTS"):
        pytest.skip("dtwpt.experiments.cli has no EXPERIMENTS registry")
    monkeypatch.setitem(cli.EXPERIMENTS, "localization", "dtwpt.experiments.localization")
    before = part_mtimes(tiny_run)
    capsys.readouterr()
    assert cli.main(["localization"] + TINY + ["--out", str(tiny_run)]) == 0
    assert "units: 0 computed, 4 reused" in capsys.readouterr().out
    assert part_mtimes(tiny_run) == before
    assert cli.main(["localization", "--pairs", "0"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "python -m dtwpt.experiments localization" in capsys.readouterr().out
