"""The main experiment off its default path: shift model, scoped verdicts, protocol, paper."""
import csv
import fcntl
import json
from pathlib import Path

import numpy as np
import pytest

from dtwpt import dtcwpt2, rmax, tree
from dtwpt.data import BundledPhotos
from dtwpt.experiments import _paper, main
from dtwpt.experiments._common import remove_stale_temps
from dtwpt.experiments._stats import grouped_mean_interval, pearson_interval
from dtwpt.experiments.shift.compute import aggregate, chunk_sums, offset_rmax, packet_table
from dtwpt.experiments.shift.verdicts import evaluate, subpixel_tiles
from dtwpt.metrics import shift_metrics

TINY = ["--pairs", "10", "--size", "32", "--levels", "2", "--chunk", "5", "--quiet"]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return {name: np.array([row[i] for row in rows[1:]]) for i, name in enumerate(rows[0])}


def tables_for(shift, *, pairs=20, size=192, levels=(2, 3), q=1, axis="x"):
    batch = BundledPhotos(pairs, size=size, shift=shift, axis=axis).load(0, pairs)
    totals = aggregate([chunk_sums(batch, levels=levels, wavelet="qshift_a", q=q)], levels)
    u = (0.0, float(shift)) if axis == "x" else (float(shift), 0.0)
    return totals, {j: packet_table(j, totals[j], q=q, shift=u) for j in levels}


# ----------------------------------------------------------------- shift model
@pytest.fixture(scope="module")
def shift_sweep():
    return {u: tables_for(u) for u in (0.25, 0.5, 1, 2)}


@pytest.mark.parametrize("level", [2, 3])
@pytest.mark.parametrize("metric", ["rho_mod_mean", "rho_max_mean"])
def test_instability_grows_with_the_shift_up_to_a_pixel(shift_sweep, level, metric):
    """Fractional and integer pairs are one model: instability grows from 1/4 to 1 pixel.

    On the tiles the sub-pixel model covers (window inside (-pi, pi) along x);
    beyond one pixel a near-Nyquist or stride-m periodicity can make it fall.
    """
    theta = tree.tile_centres(level)
    tiles = ~tree.lowpass_mask(level) & subpixel_tiles(theta, level, "x")
    maps = np.array([shift_sweep[u][1][level][metric][tiles] for u in (0.25, 0.5, 1)])
    growing = np.all(np.diff(maps, axis=0) > 0, axis=0)
    assert growing.mean() >= 0.9, growing.mean()


def test_a_near_nyquist_tone_makes_cmod_instability_periodic_in_the_shift():
    """Why growth is asserted up to a pixel on the sub-pixel tiles only: physics, not the model.

    Exact translations of a pure tone, no interpolation. A packet whose window
    reaches pi passes the tone and its mirror, so |Z| beats with a phase that
    moves by 2 omega u: half a turn at u = 1/2, nearly a whole one at u = 1.
    Inside (-pi, pi) the analytic packet passes the tone alone: |Z| is flat.
    """
    n, side = np.arange(64), 64
    theta = tree.tile_centres(2)
    for k, packet_x, periodic in [(31, 7 * np.pi / 8, True), (20, 5 * np.pi / 8, False)]:
        omega = 2 * np.pi * k / side  # periodic on the 64-pixel image
        tone = [np.broadcast_to(np.cos(omega * (n - u)), (side, side)) for u in (0, 0.5, 1)]
        tiles = np.isclose(theta[:, 1], packet_x) & (np.abs(theta[:, 0]) < np.pi / 4)
        rho_mod = [shift_metrics(tone[0], t, 2)[2][tiles].mean() for t in tone[1:]]
        if periodic:
            assert rho_mod[1] < rho_mod[0] / 4, rho_mod
        else:
            assert max(rho_mod) < 0.02, rho_mod


def test_half_and_whole_pixel_pairs_share_their_region(shift_sweep):
    one = BundledPhotos(3, size=64, shift=1).load(0, 3)
    half = BundledPhotos(3, size=64, shift=0.5).load(0, 3)
    # X differs from the crop only by the mirror extension's Nyquist coefficient.
    assert np.abs(half.x - one.x).max() < 0.02


def test_half_pixel_shift_satisfies_thm_2_9():
    totals, tables = tables_for(0.5, pairs=30, size=224)
    setting = {"q": 1, "shift": 0.5, "axis": "x", "pool_align": "centred"}
    for level in (2, 3):
        verdicts = evaluate(tables[level], level, totals[level]["pairs"], totals["groups"],
                            setting)
        assert verdicts[0].claim.startswith("Thm 2.9") and verdicts[0].status == "PASS"


# ----------------------------------------------------------------- verdicts
def test_verdicts_outside_the_papers_setting_are_not_applicable(shift_sweep):
    totals, tables = shift_sweep[2]
    for setting, level in [({"q": 1, "shift": 2.0, "axis": "x", "pool_align": "centred"}, 2),
                           ({"q": 0, "shift": 1.0, "axis": "x", "pool_align": "centred"}, 3)]:
        verdicts = evaluate(tables[level], level, totals[level]["pairs"], totals["groups"],
                            setting)
        if setting["q"] == 0:
            assert [v.status for v in verdicts[1:]] == ["N/A"] * 4
            assert verdicts[0].status != "N/A" and "no max pooling" in verdicts[1].measured
        else:
            assert {v.status for v in verdicts} == {"N/A"}
            assert all("> 1 pixel" in v.measured for v in verdicts)
    offset = {"q": 1, "shift": 1.0, "axis": "x", "pool_align": "offset"}
    totals, tables = shift_sweep[1]
    statuses = [v.status for v in evaluate(tables[2], 2, totals[2]["pairs"], totals["groups"],
                                           offset)]
    assert statuses[1:3] == ["N/A", "N/A"] and "N/A" not in statuses[3:]


def test_an_insignificant_difference_is_not_a_pass(shift_sweep):
    totals, tables = shift_sweep[1]
    pairs = totals[2]["pairs"].copy()
    rng = np.random.default_rng(0)
    # rho_max = rho_mod + noise of mean 0.004: a difference well inside its interval.
    pairs[1] = pairs[2] + 0.004 + 0.05 * rng.standard_normal(pairs[2].shape)
    table = dict(tables[2], rho_max_mean=np.nanmean(pairs[1], axis=0))
    setting = {"q": 1, "shift": 1.0, "axis": "x", "pool_align": "centred"}
    verdict = evaluate(table, 2, pairs, totals["groups"], setting)[4]
    assert verdict.claim == "RMax is less stable than CMod"
    assert verdict.status == "INCONCLUSIVE"


def test_grouped_interval_counts_photographs_not_pairs():
    rng = np.random.default_rng(1)
    groups = np.repeat(list("abcde"), 40)
    offsets = np.repeat(rng.standard_normal(5), 40)
    values = offsets + 0.01 * rng.standard_normal(200)
    mean, low, high, n = grouped_mean_interval(values, groups)
    assert n == 5
    naive = 1.96 * values.std() / np.sqrt(values.size)
    assert high - low > 4 * naive  # five photographs, not 200 independent pairs
    # Monte Carlo: the interval covers the true mean (0) about 95% of the time.
    hits = 0
    for seed in range(400):
        r = np.random.default_rng(seed)
        v = np.repeat(r.standard_normal(5), 3) + 0.1 * r.standard_normal(15)
        _, lo, hi, _ = grouped_mean_interval(v, np.repeat(list("abcde"), 3))
        hits += lo <= 0 <= hi
    assert 0.9 <= hits / 400 <= 0.99


def test_pearson_interval_needs_enough_tiles_and_covers_r():
    r, low, high, n = pearson_interval(np.arange(5.0), np.arange(5.0) ** 2)
    assert n == 5 and np.isnan(r)
    x = np.random.default_rng(2).standard_normal(60)
    y = x + np.random.default_rng(3).standard_normal(60)
    r, low, high, n = pearson_interval(x, y)
    assert low < r < high and np.isclose(r, np.corrcoef(x, y)[0, 1])


# ----------------------------------------------------------------- protocol
def test_offset_pooling_is_a_window_moved_by_one_sample():
    x = np.random.default_rng(4).standard_normal((2, 32, 32))
    np.testing.assert_allclose(offset_rmax(x, 2, offset=(0, 0)), rmax(x, 2), atol=1e-12)
    y = dtcwpt2(x, 2, decimated=False).coeffs.real
    h, w = y.shape[-2:]
    expected = np.empty(y[..., ::2, ::2].shape)
    for oy, ox in [(1, 1), (0, 1), (1, 0)]:
        for i in range(h // 2):
            for j in range(w // 2):
                rows = [(2 * i + oy + d) % h for d in (-1, 0, 1)]
                cols = [(2 * j + ox + d) % w for d in (-1, 0, 1)]
                expected[..., i, j] = y[..., rows, :][..., cols].max(axis=(-2, -1))
        np.testing.assert_allclose(offset_rmax(x, 2, offset=(oy, ox)), expected, atol=1e-12)


@pytest.mark.parametrize("pool_align", ["centred", "offset"])
def test_rho_max_divided_by_rmax_norm_matches_a_direct_computation(pool_align):
    batch = BundledPhotos(4, size=64).load(0, 4)
    plain, own = (chunk_sums(batch, levels=[2], wavelet="qshift_a", q=1, pool_align=pool_align,
                             rho_max_norm=norm)["pairs_J2"] for norm in ("cmod", "rmax"))
    offset = {"centred": (0, 0), "offset": (1, 1)}[pool_align]
    ymax = offset_rmax(np.stack([batch.x, batch.x_shifted]).astype(np.float64), 2,
                       offset=offset)
    direct = (np.linalg.norm(ymax[1] - ymax[0], axis=(-2, -1))
              / np.linalg.norm(ymax[0], axis=(-2, -1)))
    np.testing.assert_allclose(own[1], direct, rtol=1e-4)
    np.testing.assert_allclose(own[[0, 2]], plain[[0, 2]], rtol=1e-5)  # rho^2, rho_mod


def test_protocol_options_land_in_config_and_a_different_rerun_is_refused(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(TINY + ["--protocol", "paper", "--mode", "symmetric", "--out", str(out)]) == 0
    options = json.loads((out / "config.json").read_text())["options"]
    assert (options["pool_align"], options["mode"], options["shift_at"],
            options["rho_max_norm"]) == ("offset-x", "symmetric", "resized", "rmax")
    report = (out / "report.md").read_text()
    assert "offset to 2n + (0, 1)" in report and "/ ||Ymax|| (RMax's own norm" in report
    capsys.readouterr()
    assert main(TINY + ["--protocol", "paper", "--out", str(out)]) == 2
    assert "other settings" in capsys.readouterr().err


def test_a_second_run_into_a_locked_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(TINY + ["--out", str(out)]) == 0
    with open(out / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        assert main(TINY + ["--out", str(out)]) == 2
    assert "another run is writing" in capsys.readouterr().err


def test_stale_temporary_files_of_every_writer_are_removed(tmp_path):
    dead = 2 ** 22 + 12345  # above the default pid_max: no such process
    stale = [tmp_path / f".fig.png.{dead}.1a2b3c4d.tmp",
             tmp_path / f".report.md.{dead}.00ff00ff.tmp"]
    for path in stale:
        path.write_text("partial")
    alive = tmp_path / ".x.csv.1.0a0b0c0d.tmp"  # pid 1 always runs
    alive.write_text("in progress")
    remove_stale_temps(tmp_path)
    assert not any(p.exists() for p in stale) and alive.exists()


# ----------------------------------------------------------------- the paper
def test_report_paper_comparison_equals_a_direct_computation(tmp_path):
    out = tmp_path / "run"
    assert main(["--pairs", "10", "--size", "64", "--levels", "2", "3", "--quiet",
                 "--out", str(out)]) == 0
    report = (out / "report.md").read_text()
    shipped = json.loads(Path(_paper.__file__).with_name("paper_maps.json").read_text())
    for level in (2, 3):
        packets = read_csv(out / f"packets_J{level}.csv")
        band = packets["is_lowpass"] == "0"
        side = 2 ** level
        for name, column, label in [("fig8", "rho2_mean", "rho2"),
                                    ("fig9_rmax", "rho_max_mean", "rho_max"),
                                    ("fig9_cmod", "rho_mod_mean", "rho_mod")]:
            paper = np.array(shipped["figures"][name][f"J{level}"]["values"],
                             dtype=float)[:, side:].ravel()
            run = packets[column].astype(float)
            r = np.corrcoef(run[band], paper[band])[0, 1]
            mad = np.abs(run[band] - paper[band]).mean()
            row = f"| {level} | {label} | "
            line = next(line for line in report.splitlines() if line.startswith(row)
                        and "Fig." in line)
            assert f"| {r:.3f} | {mad:.3f} | {band.sum()} |" in line
            per_tile = read_csv(out / f"paper_J{level}.csv")
            np.testing.assert_allclose(per_tile[f"{name}_paper"].astype(float)[band],
                                       paper[band])
        assert (out / f"paper_J{level}.png").stat().st_size > 0


def test_sensitivity_measures_every_combination(tmp_path):
    out = tmp_path / "sens"
    assert main(["sensitivity", "--pairs", "5", "--size", "32", "--levels", "2", "--quiet",
                 "--out", str(out)]) == 0
    table = read_csv(out / "sensitivity.csv")
    assert set(table["combination"]) == {f"{a}-{m}-resized-{n}"
                                         for a in ("centred", "offset", "offset-x", "offset-y")
                                         for m in ("periodization", "symmetric")
                                         for n in ("cmod", "rmax")}
    levels = table["map"] == "levels"
    ordinary = dict(zip(table["combination"][levels], table["rho2_ordinary"][levels]))
    assert float(ordinary["offset-periodization-resized-cmod"]) > float(
        ordinary["centred-periodization-resized-cmod"])
    assert "Closest to the paper" in (out / "report.md").read_text()


def test_a_level_whose_kernels_cannot_be_built_is_refused_before_computing(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["--pairs", "2", "--size", "64", "--levels", "6", "--quiet",
                 "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "--levels 6" in error and "GiB" in error and not (out / "chunks").exists()


def test_a_typo_in_the_subcommand_gets_a_suggestion(capsys):
    assert main(["sensitivty"]) == 2
    assert "did you mean 'sensitivity'" in capsys.readouterr().err


def test_absurd_pooling_width_is_a_usage_error(tmp_path, capsys):
    assert main(TINY + ["--q", "100000", "--out", str(tmp_path / "run")]) == 2
    assert "--q 100000 is wider than the pooled map" in capsys.readouterr().err


def test_non_utf8_skipped_names_are_written(tmp_path):
    import os
    folder = tmp_path / "images"
    folder.mkdir()
    with open(os.fsencode(str(folder)) + b"/bad\xff.jpg", "wb") as fh:
        fh.write(b"garbage")
    from PIL import Image
    Image.fromarray((np.arange(64 * 64).reshape(64, 64) % 251).astype(np.uint8)).save(
        folder / "good.png")
    out = tmp_path / "run"
    args = ["--images", str(folder), "--size", "32", "--resize-to", "40", "--levels", "2",
            "--quiet", "--out", str(out)]
    assert main(args) == 0 and main(args) == 0  # and again, resuming
    assert read_csv(out / "skipped.csv")["name"].tolist() == ["bad\\xff.jpg"]


def test_a_fifo_in_the_folder_neither_blocks_nor_stops_the_run(tmp_path):
    import os
    import subprocess
    import sys

    from PIL import Image
    folder = tmp_path / "images"
    folder.mkdir()
    Image.fromarray((np.arange(64 * 64).reshape(64, 64) % 251).astype(np.uint8)).save(
        folder / "a.png")
    os.mkfifo(folder / "p.jpg")
    done = subprocess.run([sys.executable, "-m", "dtwpt.experiments", "--images", str(folder),
                           "--size", "32", "--resize-to", "40", "--levels", "2", "--quiet",
                           "--out", str(tmp_path / "run")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 processed, 1 skipped" in done.stdout


def test_the_first_call_is_timed_apart_and_quiet_silences_the_notice(tmp_path, monkeypatch,
                                                                      capsys):
    import time as _time

    from dtwpt._kernels import _notice
    from dtwpt.experiments import _runner
    monkeypatch.setattr(_notice, "_shown", False)
    calls = []

    def slow(batch):
        if not calls:
            _time.sleep(0.3)  # stands for compiling the kernels
        calls.append(len(batch))
        return {"n": np.int64(len(batch))}

    stats = _runner.run_chunks(BundledPhotos(4, size=16), slow, tmp_path / "chunks", chunk=2,
                               progress=False, quiet=True)
    assert stats.compile_seconds >= 0.3 and stats.items == 4 and calls[0] == 1
    loading, computing = stats.stage_rates()
    assert 0 < loading < np.inf and 0 < computing < np.inf
    assert _notice._shown  # --quiet: the kernels' notice will not be printed
    assert capsys.readouterr().err == ""
