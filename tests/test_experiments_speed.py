"""What keeps the command line's first run short gives the same outputs.

- the verdicts' intervals take Student's t and the normal quantiles from
  scipy.special (the same numbers as scipy.stats, without importing it);
- figures are drawn in one pass (:func:`png_bytes`), byte for byte what
  ``savefig`` writes, with a fixed layout or Matplotlib's constrained one;
- a run drawing its figures in forked worker processes (the command line)
  writes the same files as one drawing them in-process (:func:`draw_all`).
"""
import io
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from _shift_tables import made_up_tables
from matplotlib.figure import Figure
from scipy import stats

from dtwpt.experiments import _drawing
from dtwpt.experiments._stats import grouped_mean_interval, pearson_interval
from dtwpt.experiments.shift import figures
from dtwpt.plotting import plot_tile_maps


@pytest.mark.parametrize("n_groups", [3, 4, 7, 30])
def test_grouped_interval_is_the_student_t_interval(n_groups):
    rng = np.random.default_rng(n_groups)
    values, groups = rng.normal(size=5 * n_groups), np.repeat(np.arange(n_groups), 5)
    mean, low, high, n = grouped_mean_interval(values, groups)
    means = values.reshape(n_groups, 5).mean(axis=1)
    low_ref, high_ref = stats.t.interval(0.95, n_groups - 1, loc=means.mean(),
                                         scale=stats.sem(means))
    assert n == n_groups
    np.testing.assert_allclose([mean, low, high], [means.mean(), low_ref, high_ref],
                               rtol=1e-12)


def test_pearson_interval_is_fishers():
    rng = np.random.default_rng(1)
    a = rng.normal(size=40)
    b = a + rng.normal(size=40)
    r, low, high, n = pearson_interval(a, b)
    half = stats.norm.ppf(0.975) / np.sqrt(n - 3)
    np.testing.assert_allclose([r, low, high],
                               [stats.pearsonr(a, b)[0], np.tanh(np.arctanh(r) - half),
                                np.tanh(np.arctanh(r) + half)], rtol=1e-12)


def _constrained():
    return plot_tile_maps({"a": np.arange(8.0), "b": np.ones(32)}, [1, 2], mask="lowpass")


@pytest.mark.parametrize("draw, args", [(figures.paper_figure, (2, made_up_tables([2])[2])),
                                        (figures.kernel_figure, (2, "qshift_a")),
                                        (_constrained, ())])
def test_png_bytes_is_savefig_in_one_pass(draw, args):
    saved = io.BytesIO()
    draw(*args).savefig(saved, format="png", dpi=60)
    fig = draw(*args)
    assert _drawing.png_bytes(fig, dpi=60) == saved.getvalue()
    assert fig.dpi == draw(*args).dpi  # the figure's own resolution is left alone


LAYOUTS = {"paper J2": (figures.paper_figure, (2, "tables")),
           "paper J3": (figures.paper_figure, (3, "tables")),
           "Fig. 8, J = 1..4": (figures.rho2_figure, ("rho2",)),
           "Fig. 8, J = 1": (figures.rho2_figure, ("rho2 J1",)),
           "Fig. 9": (figures.stability_figure, (1, "rho_max", "rho_mod")),
           "Fig. 5, J = 5": (figures.gamma_figure, (5, "gamma_sq")),
           "Fig. 6, J = 2": (figures.kernel_figure, (2, "qshift_a")),
           "Fig. 6, J = 4": (figures.kernel_figure, (4, "qshift_a"))}


@pytest.mark.parametrize("name", LAYOUTS)
def test_fixed_layout_keeps_every_label_inside_and_apart(name):
    tables = made_up_tables([1, 2, 3, 4, 5])
    values = {"tables": None, "rho2": {j: tables[j]["rho2_mean"] for j in (1, 2, 3, 4)},
              "rho2 J1": {1: tables[1]["rho2_mean"]}, "rho_max": tables[1]["rho_max_mean"],
              "rho_mod": tables[1]["rho_mod_mean"], "gamma_sq": tables[5]["gamma_sq"]}
    draw, args = LAYOUTS[name]
    args = [tables[args[0]] if a == "tables" else values.get(a, a) if isinstance(a, str) else a
            for a in args]
    fig = draw(*args)
    _drawing.png_bytes(fig)
    renderer = fig.canvas.get_renderer()
    x0, y0, x1, y1 = fig.get_tightbbox(renderer).extents  # inches
    width, height = fig.get_size_inches()
    assert 0 <= x0 and 0 <= y0 and x1 <= width and y1 <= height  # nothing cut off
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]  # with ticks, labels, titles
    boxes += [legend.get_window_extent(renderer) for legend in fig.legends]
    for k, box in enumerate(boxes):
        assert not any(box.overlaps(other) for other in boxes[k + 1:]), (name, k)
    for ax in fig.axes:  # tick labels apart, colour bars' included
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t.get_window_extent(renderer) for t in axis.get_ticklabels()
                      if t.get_visible() and t.get_text()]
            for k, box in enumerate(labels):
                assert not any(box.overlaps(other) for other in labels[k + 1:]), (name, ax)


def test_jobs_are_written_in_order_and_errors_reach_the_caller(tmp_path):
    jobs = [(f"f{k}.png", f"figure {k}", Figure, ((1 + k, 1),), {}) for k in range(3)]
    with _drawing.FigureJobs() as drawer:
        drawer.submit(jobs[:1])
        drawer.submit(jobs[1:])
        assert drawer.write(tmp_path) == [("figure 0", "f0.png"), ("figure 1", "f1.png"),
                                          ("figure 2", "f2.png")]
        drawer.submit([("bad.png", "bad", "numpy:reshape", ([1, 2], 3), {})])
        with pytest.raises(ValueError):
            drawer.write(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f0.png", "f1.png", "f2.png"]


FORKED = """
import pathlib, sys, threading
import dtwpt.experiments.shift
from dtwpt.experiments import _drawing
from dtwpt.experiments.shift import _jobs
sys.path.insert(0, {tests!r})
from _shift_tables import made_up_tables
assert threading.active_count() == 1
with _drawing.FigureJobs() as drawer:
    assert drawer._pool is not None  # forked workers, as in the command line
    drawer.submit(_jobs.option_jobs([1, 2], wavelet="qshift_a", q=1))
    drawer.submit(_jobs.result_jobs(made_up_tables([1, 2])))
    drawer.write(pathlib.Path({out!r}))
assert "matplotlib" not in sys.modules  # only the workers draw
"""


def die_in_a_worker(parent):
    """A figure, drawn by the process ``parent`` only: any other process dies."""
    if os.getpid() != parent:
        os._exit(1)
    return Figure((1, 1))


DEAD_WORKER = """
import os, pathlib, sys
sys.path.insert(0, {tests!r})
from test_experiments_speed import die_in_a_worker
from dtwpt.experiments import _drawing
with _drawing.FigureJobs() as drawer:
    assert drawer._pool is not None
    drawer.submit([(f"{{k}}.png", "", die_in_a_worker, (os.getpid(),), {{}}) for k in range(3)])
    print(len(drawer.write(pathlib.Path({out!r}))))
"""

FORKING = pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
                             reason="workers are forked on Linux with two cores or more")


@FORKING
def test_figures_of_a_dead_worker_are_drawn_here(tmp_path):
    code = DEAD_WORKER.format(tests=os.path.dirname(__file__), out=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=True)
    assert done.stdout.split() == ["3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.png", "1.png", "2.png"]


STOPPED = """
import time
from dtwpt.experiments import _drawing
began = time.monotonic()
try:
    with _drawing.FigureJobs() as drawer:
        drawer.submit([("slow.png", "", "time:sleep", (60,), {})])
        time.sleep(0.5)
        raise KeyboardInterrupt
except KeyboardInterrupt:
    pass
"""


@FORKING
def test_an_interrupted_run_does_not_wait_for_its_workers():
    began = time.monotonic()
    subprocess.run([sys.executable, "-c", STOPPED], timeout=300, check=True)
    assert time.monotonic() - began < 30  # the worker drawing for 60 s was stopped


@FORKING
def test_forked_workers_draw_the_same_files(tmp_path):
    forked, here = tmp_path / "forked", tmp_path / "here"
    code = FORKED.format(tests=os.path.dirname(__file__), out=str(forked))
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)
    drawn = figures.draw_all(here, made_up_tables([1, 2]), wavelet="qshift_a", q=1)
    assert sorted(p.name for p in forked.iterdir()) == sorted(name for _, name in drawn)
    for _, name in drawn:
        assert (forked / name).read_bytes() == (here / name).read_bytes(), name


@pytest.mark.parametrize("level", [2, 3])
def test_kernel_figure_draws_each_mosaic_pixel_as_whole_image_pixels(level):
    """Fig. 6 at the saved resolution: the gallery's axes sit on whole pixels,
    and every mosaic pixel inside the frame is a constant 3 x 3 block."""
    from matplotlib.image import imread

    fig = figures.kernel_figure(level, "qshift_a", pixels=3)
    image = imread(io.BytesIO(_drawing.png_bytes(fig)))
    ax = fig.axes[0]
    x0, y0, w, h = ax.get_window_extent(fig.canvas.get_renderer()).bounds
    assert np.allclose([x0, y0, w, h], np.round([x0, y0, w, h]), atol=1e-6)
    x0, y0, w, h = (int(round(v)) for v in (x0, y0, w, h))
    assert (h // 3, w // 3) == ax.images[0].get_array().shape and h % 3 == w % 3 == 0
    top = image.shape[0] - y0 - h  # image rows run downwards
    blocks = image[top : top + h, x0 : x0 + w].reshape(h // 3, 3, w // 3, 3, -1)
    constant = (blocks == blocks[:, :1, :, :1]).all(axis=(1, 3, 4))
    assert constant[1:-1, 1:-1].all()  # the outer ring lies under the frame
