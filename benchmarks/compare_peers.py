"""Throughput of dtwpt against a PyWavelets baseline, with the project's goals.

Run from anywhere::

    python benchmarks/compare_peers.py [--batch 64] [--size 224] [--level 3]
                                       [--repeat 5] [--quick] [--json PATH]

What is timed, for float32 and float64 inputs:

- ``dtwpt.dtcwpt2(x, level)`` on a batch of images (after a warm-up call, so
  Numba compilation and cache loading are excluded; a child interpreter fills
  the Numba cache first, so that no compilation happens in this process);
- ``dtwpt.rmax_cmod(x, level)`` on the same batch;
- ``dtwpt.dtcwpt2`` on a single image, in milliseconds (median of many calls);
- the PyWavelets equivalent of the transform: per image, four
  ``pywt.WaveletPacket2D`` trees (one per pair of real trees ``(a|b, a|b)``),
  ``mode="periodization"``, all ``4**level`` leaves computed, the batch spread
  over two threads. PyWavelets cannot change filters from node to node, so all
  four trees use the tree-a Q-shift pair, which costs the same arithmetic as
  the dual-tree filters;
- the experiments' compute step, ``dtwpt.experiments.shift.compute.chunk_sums`` on
  already decoded float32 pairs (bundled photographs) at ``level``, in image
  pairs per second;
- decoding for the experiments: ``dtwpt.data.ImageFolder.load`` on a folder of
  ``--batch`` synthetic 500 x 375 JPEGs (the ImageNet protocol, parallel
  decoding), in images (= pairs) per second;
- the cold start of a fresh interpreter that imports dtwpt and runs both
  operators once, with a warm Numba cache;
- the first call of ``dtcwpt2`` and of ``rmax_cmod`` in a fresh interpreter
  with an empty temporary ``NUMBA_CACHE_DIR`` (kernels compiled), and a first
  ``python -m dtwpt.experiments`` (default run) likewise;
- single large images (``--large``, default 2048 and 4096 pixels square):
  ``dtcwpt2``, ``rmax_cmod`` and ``idtcwpt2`` in Mpix/s, with their ratio to
  the batch rate (the goal: at least 80 %) and, without a goal, the same
  ratio into reused ``out=`` arrays (outputs too large for the output pool,
  float64 at 4096, otherwise take fresh pages), PyWavelets on the 2048 image, and
  the peak memory of a call over its input plus output (``tracemalloc`` in a
  fresh interpreter, float32, the largest size);
- ``idtcwpt2`` on the batch, and its rate over the forward rate;
- the share of the machine's matrix-multiply peak (numpy ``matmul`` of
  2048 x 2048 matrices, measured in the same run) that the batch transform
  reaches, counting ``120 J`` flops per pixel (see :func:`transform_flops`).

Throughput goals are checked against the best of ``--repeat`` runs (the
figure least disturbed by other processes); single-image latency against the
median. On a shared machine the numbers are noisy: compare runs made under the
same load.
"""
import argparse
import concurrent.futures
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numba
import numpy as np
import pywt

import dtwpt
from dtwpt.data import BundledPhotos, ImageFolder
from dtwpt.experiments.shift.compute import chunk_sums

#: Goals of the project: (kind, dtype) -> (comparison, threshold, unit).
GOALS = {
    ("dtcwpt2 batch", "float32"): (">=", 4000.0, "img/s"),
    ("dtcwpt2 batch", "float64"): (">=", 2500.0, "img/s"),
    ("rmax_cmod batch", "float32"): (">=", 3000.0, "img/s"),
    ("rmax_cmod batch", "float64"): (">=", 1800.0, "img/s"),
    ("idtcwpt2 batch / dtcwpt2 batch", "float32"): (">=", 1.0, "x"),
    ("idtcwpt2 batch / dtcwpt2 batch", "float64"): (">=", 1.0, "x"),
    ("first dtcwpt2 call, cold cache", "-"): ("<=", 3.0, "s"),
    ("first rmax_cmod call, cold cache", "-"): ("<=", 3.0, "s"),
    ("first experiments run, cold cache", "-"): ("<=", 8.0, "s"),
    ("dtcwpt2 / PyWavelets", "float32"): (">=", 10.0, "x"),
    ("dtcwpt2 / PyWavelets", "float64"): (">=", 10.0, "x"),
    ("dtcwpt2 single", "float32"): ("<", 1.0, "ms"),
    ("cold start (warm cache)", "-"): ("<=", 2.0, "s"),
    ("experiment pairs, decoded", "float32"): (">=", 1000.0, "pairs/s"),
    ("JPEG decoding", "uint8"): (">=", 500.0, "img/s"),
}

#: Large single images: (kind, dtype) -> goal, added for every size in --large.
LARGE_GOALS = {
    "dtcwpt2 {n}^2 / batch rate": (">=", 0.8, "x"),
    "rmax_cmod {n}^2 / batch rate": (">=", 0.8, "x"),
    "idtcwpt2 {n}^2 / dtcwpt2 {n}^2": (">=", 1.0, "x"),
    "peak memory {f} {n}^2 / (input + output)": ("<=", 1.5, "x"),
}

FIRST_CALL_CODE = """
import time, numpy as np, dtwpt
x = np.random.default_rng(0).standard_normal((4, 64, 64)).astype(np.float32)
t = time.perf_counter(); dtwpt.{fn}(x, 3); print(time.perf_counter() - t)
"""

PEAK_MEMORY_CODE = """
import tracemalloc, numpy as np, dtwpt
x = np.random.default_rng(0).standard_normal(({n}, {n})).astype(np.float32)
fn = "{fn}"
p = dtwpt.dtcwpt2(x, 3) if fn == "idtcwpt2" else None
# Load the kernels, not part of a call's memory: for ordinary stores (a small
# image) and streaming ones (outputs of 64 MiB or more, of another size than
# the measured call's, which must not reuse them; the inverse does not stream).
for side in (64,) if p is not None else (64, {n} // 2):
    small = np.zeros((side, side), np.float32)
    dtwpt.idtcwpt2(dtwpt.dtcwpt2(small, 3)) if p is not None else getattr(dtwpt, fn)(small, 3)
tracemalloc.start()
out = dtwpt.idtcwpt2(p) if p is not None else getattr(dtwpt, fn)(x, 3)
peak = tracemalloc.get_traced_memory()[1]
out = out.coeffs if fn == "dtcwpt2" else out
out_bytes = sum(a.nbytes for a in out) if isinstance(out, tuple) else out.nbytes
in_bytes = p.coeffs.nbytes if p is not None else x.nbytes
print((in_bytes + peak) / (in_bytes + out_bytes))
"""

#: Compiles, in a child interpreter, every kernel variant the throughput rows
#: call: both dtypes, outputs below and above the streaming threshold (64 and
#: 2048 pixels square), the experiments' pairs.
FILL_CACHE_CODE = """
import numpy as np, dtwpt
from dtwpt.data import BundledPhotos
from dtwpt.experiments.shift.compute import chunk_sums
for dtype in ("float32", "float64"):
    for n in (64, 2048):
        x = np.zeros((n, n), dtype)
        dtwpt.idtcwpt2(dtwpt.dtcwpt2(x, {level}))
        dtwpt.rmax_cmod(x, {level})
chunk_sums(BundledPhotos(2).load(0, 2), levels=[{level}], wavelet="qshift_a", q=1)
"""

COLD_START_CODE = (
    "import dtwpt, numpy as np; "
    "dtwpt.dtcwpt2(np.zeros((64, 64), np.float32), 3); "
    "dtwpt.rmax_cmod(np.zeros((64, 64)), 3)"
)


# ------------------------------------------------------------------- timing
def time_calls(fn, repeat):
    """Wall-clock seconds of ``repeat`` calls of ``fn`` after one warm-up call.

    Parameters
    ----------
    fn : callable
        Called without arguments.
    repeat : int
        Number of timed calls.

    Returns
    -------
    list of float
    """
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def throughput(n_images, times):
    """Best and median images per second from a list of durations."""
    return n_images / min(times), n_images / statistics.median(times)


# ------------------------------------------------------------- experiments
def experiment_rate(n_pairs, level, repeat):
    """Best and median pairs/s of the experiments' compute step on decoded pairs."""
    batch = BundledPhotos(n_pairs).load(0, n_pairs)
    t = time_calls(lambda: chunk_sums(batch, levels=[level], wavelet="qshift_a", q=1), repeat)
    return throughput(n_pairs, t)


def decoding_rate(n_images, repeat):
    """Best and median images/s of :class:`ImageFolder` on synthetic JPEGs."""
    from PIL import Image

    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as root:
        for i in range(n_images):
            smooth = np.cumsum(np.cumsum(rng.standard_normal((375, 500, 3)), 0), 1)
            smooth = (smooth - smooth.min()) / np.ptp(smooth) * 255
            Image.fromarray(smooth.astype(np.uint8)).save(f"{root}/{i:05d}.jpg", quality=90)
        folder = ImageFolder(root)
        t = time_calls(lambda: folder.load(0, n_images), repeat)
    return throughput(n_images, t)


# --------------------------------------------------------------- PyWavelets
def qshift_pywt_wavelet(name="qshift_a"):
    """A ``pywt.Wavelet`` made of the tree-a Q-shift pair of ``name``.

    dtwpt stores cross-correlation weights; PyWavelets convolves, so its
    decomposition filters are ours reversed and its reconstruction filters
    are ours as stored.
    """
    pair = dtwpt.dual_tree_filters(name).qshift_a
    lo, hi = np.asarray(pair.low, float), np.asarray(pair.high, float)
    bank = (lo[::-1].tolist(), hi[::-1].tolist(), lo.tolist(), hi.tolist())
    return pywt.Wavelet("qa", filter_bank=bank)


def pywt_image(image, wavelet, level):
    """Four full 2D wavelet-packet trees of one image; returns the leaf count."""
    leaves = 0
    for _ in range(4):  # trees (a, a), (a, b), (b, a), (b, b)
        wp = pywt.WaveletPacket2D(image, wavelet, mode="periodization", maxlevel=level)
        for node in wp.get_level(level):
            leaves += node.data.size > 0
    return leaves


def pywt_batch(x, wavelet, level, pool):
    """:func:`pywt_image` over a batch of images, spread over ``pool``."""
    return sum(pool.map(lambda img: pywt_image(img, wavelet, level), x))


# --------------------------------------------------------------- cold start
def cold_start():
    """Seconds of two fresh interpreters running :data:`COLD_START_CODE`.

    The first run fills the Numba cache if needed; the second measures the
    start-up a user sees once the cache is warm.
    """
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        _child(["-c", COLD_START_CODE])
        times.append(time.perf_counter() - t0)
    return times


def fill_kernel_cache(level):
    """Seconds of a child interpreter running :data:`FILL_CACHE_CODE`, so that
    this process loads the kernels it times from the Numba cache, as every
    process after a user's first does."""
    t0 = time.perf_counter()
    _child(["-c", FILL_CACHE_CODE.format(level=level)])
    return time.perf_counter() - t0


def _child(args, cache_dir=None, **kw):
    """Run a child interpreter that imports this dtwpt (not one in its working
    directory), with ``NUMBA_CACHE_DIR=cache_dir`` if given."""
    return subprocess.run([sys.executable, *args], env=_fresh_env(cache_dir),
                          cwd=tempfile.gettempdir(), check=True, capture_output=True, text=True,
                          **kw)


def _fresh_env(cache_dir=None):
    """Environment of a child interpreter that imports this dtwpt."""
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(dtwpt.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    return env


def first_call_cold(fn):
    """Seconds of the first ``dtwpt.<fn>`` call in a fresh interpreter with an
    empty Numba cache (what a new user meets), and the child's CPU seconds."""
    with tempfile.TemporaryDirectory() as cache:
        before = os.times()
        out = _child(["-c", FIRST_CALL_CODE.format(fn=fn)], cache)
        after = os.times()
    return float(out.stdout.split()[-1]), after.children_user - before.children_user


def experiments_cold():
    """Wall and CPU seconds of a default ``python -m dtwpt.experiments`` with an
    empty Numba cache (output in a temporary folder)."""
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        before, t0 = os.times(), time.perf_counter()
        _child(["-m", "dtwpt.experiments", "--out", f"{out}/run", "--quiet"], cache)
        wall, after = time.perf_counter() - t0, os.times()
    return wall, after.children_user - before.children_user


def peak_memory_ratio(fn, n):
    """Peak traced memory of one ``dtwpt.<fn>`` call on an ``n x n`` float32
    image, plus its input, over its input plus output (fresh interpreter)."""
    out = _child(["-c", PEAK_MEMORY_CODE.format(fn=fn, n=n)])
    return float(out.stdout.split()[-1])


# ------------------------------------------------------------ machine peak
def transform_flops(size, level):
    """Flops of a J-level ``dtcwpt2`` of a ``size x size`` image with ten-tap filters.

    Each level of each real tree computes, per input sample, one output of a
    ten-tap filter (low or high): 10 multiply-adds = 20 flops. The x-pass runs
    2 trees and the y-pass 4 (two y-trees over the two x-trees' outputs), each
    with J levels: ``6 * 20 * J = 120 J`` flops per pixel (the packet assembly,
    4 flops per complex output, is left out).
    """
    return 120 * level * size * size


def matmul_peak(dtype, n=2048, repeat=5):
    """Best GFLOP/s of ``numpy.matmul`` on ``n x n`` matrices (all cores)."""
    a = np.random.default_rng(0).standard_normal((n, n)).astype(dtype)
    t = min(time_calls(lambda: a @ a, repeat))
    return 2 * n ** 3 / t / 1e9


# ----------------------------------------------------------------- report
def large_image_rows(n, dtype, level, batch_rate, wavelet, repeat, with_pywt):
    """Rows of one ``n x n`` image: rates in Mpix/s and their goals' ratios."""
    x = np.random.default_rng(2).standard_normal((n, n)).astype(dtype)
    reps = max(2, repeat // 2) if n > 2048 else repeat
    mpix = n * n / 1e6
    rate = {}
    for fn, call in (("dtcwpt2", lambda: dtwpt.dtcwpt2(x, level)),
                     ("rmax_cmod", lambda: dtwpt.rmax_cmod(x, level))):
        rate[fn] = throughput(mpix, time_calls(call, reps))
    packets = dtwpt.dtcwpt2(x, level)
    rate["idtcwpt2"] = throughput(mpix, time_calls(lambda: dtwpt.idtcwpt2(packets), reps))
    # The same into reused outputs: without the fresh pages of outputs too large
    # for the output pool (float64 at 4096^2), which the rows above include.
    pooled = dtwpt.rmax_cmod(x, level)
    reused = {"dtcwpt2": throughput(mpix, time_calls(
                  lambda: dtwpt.dtcwpt2(x, level, out=packets.coeffs), reps)),
              "rmax_cmod": throughput(mpix, time_calls(
                  lambda: dtwpt.rmax_cmod(x, level, out=pooled), reps))}
    rows = [row(f"{fn} {n}^2", dtype, "Mpix/s", *r) for fn, r in rate.items()]
    for fn in ("dtcwpt2", "rmax_cmod"):
        ratio = [r / batch_rate[fn] for r in rate[fn]]
        rows.append(row(f"{fn} {n}^2 / batch rate", dtype, "x", *ratio))
        rows.append(row(f"{fn} {n}^2, out= reused / batch rate", dtype, "x",
                        *[r / batch_rate[fn] for r in reused[fn]]))
    rows.append(row(f"idtcwpt2 {n}^2 / dtcwpt2 {n}^2", dtype, "x",
                    rate["idtcwpt2"][0] / rate["dtcwpt2"][0],
                    rate["idtcwpt2"][1] / rate["dtcwpt2"][1]))
    if with_pywt:
        t = time_calls(lambda: pywt_image(x, wavelet, level), 1)
        ref = throughput(mpix, t)
        rows.append(row(f"PyWavelets 4 x WP2D {n}^2", dtype, "Mpix/s", *ref))
        rows.append(row(f"dtcwpt2 {n}^2 / PyWavelets", dtype, "x",
                        rate["dtcwpt2"][0] / ref[0], rate["dtcwpt2"][1] / ref[1]))
    return rows


def _goal(kind, dtype):
    """The goal of a row: :data:`GOALS`, else the :data:`LARGE_GOALS` pattern it matches."""
    if (kind, dtype) in GOALS:
        return GOALS[kind, dtype]
    for pattern, goal in LARGE_GOALS.items():
        regex = re.escape(pattern).replace(r"\{n\}", r"\d+").replace(r"\{f\}", r"\w+")
        if re.fullmatch(regex, kind):
            return goal
    return None


def goal_text(kind, dtype):
    goal = _goal(kind, dtype)
    return "" if goal is None else f"{goal[0]} {goal[1]:g} {goal[2]}"


def goal_met(kind, dtype, value):
    goal = _goal(kind, dtype)
    if goal is None:
        return ""
    op, threshold, _ = goal
    ok = {">=": value >= threshold, "<": value < threshold, "<=": value <= threshold}[op]
    return "yes" if ok else "NO"


def format_table(rows):
    """Fixed-width text table of result rows.

    Each row is a dict with ``kind``, ``dtype``, ``unit``, ``best``, ``median``
    and ``checked`` (the figure compared to the goal).
    """
    header = ("measurement", "dtype", "best", "median", "unit", "goal", "met")
    lines = [header]
    for r in rows:
        lines.append((
            r["kind"], r["dtype"], f"{r['best']:.4g}", f"{r['median']:.4g}", r["unit"],
            goal_text(r["kind"], r["dtype"]), goal_met(r["kind"], r["dtype"], r["checked"]),
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for i, line in enumerate(lines):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def row(kind, dtype, unit, best, median, checked=None):
    return {"kind": kind, "dtype": dtype, "unit": unit, "best": best, "median": median,
            "checked": best if checked is None else checked}


# ------------------------------------------------------------------- main
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--batch", type=int, default=64, help="images per batch (default 64)")
    p.add_argument("--size", type=int, default=224, help="image side (default 224)")
    p.add_argument("--level", type=int, default=3, help="transform level J (default 3)")
    p.add_argument("--repeat", type=int, default=None,
                   help="timed runs per batch measurement (default 5, 2 with --quick)")
    p.add_argument("--quick", action="store_true",
                   help="fewer repeats, fewer single-image calls, PyWavelets on <= 16 images")
    p.add_argument("--large", type=int, nargs="*", default=None, metavar="N",
                   help="sides of the single large images (default 2048 4096, 2048 with --quick)")
    p.add_argument("--no-cold", action="store_true",
                   help="skip the cold-cache measurements (they compile every kernel)")
    p.add_argument("--cold-only", action="store_true",
                   help="only the cold-cache first calls (compilation) and the cold start")
    p.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    return p.parse_args(argv)


def throughput_rows(level, size, batch, repeat, n_single, n_pywt, large):
    """Rows of the batch, single-image, large-image and experiment measurements."""
    rng = np.random.default_rng(0)
    base = rng.standard_normal((batch, size, size))
    wavelet = qshift_pywt_wavelet()
    rows = []
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for dtype in ("float32", "float64"):
            x = base.astype(dtype)
            x1 = np.ascontiguousarray(x[0])

            t = time_calls(lambda: dtwpt.dtcwpt2(x, level), repeat)
            fwd = throughput(batch, t)
            rows.append(row("dtcwpt2 batch", dtype, "img/s", *fwd))

            t = time_calls(lambda: dtwpt.rmax_cmod(x, level), repeat)
            rc = throughput(batch, t)
            rows.append(row("rmax_cmod batch", dtype, "img/s", *rc))

            coeffs = dtwpt.dtcwpt2(x, level).coeffs  # reused: no fresh pages
            t = time_calls(lambda: dtwpt.dtcwpt2(x, level, out=coeffs), repeat)
            rows.append(row("dtcwpt2 batch, out= reused", dtype, "img/s",
                            *throughput(batch, t)))
            pooled = dtwpt.rmax_cmod(x, level)
            t = time_calls(lambda: dtwpt.rmax_cmod(x, level, out=pooled), repeat)
            rows.append(row("rmax_cmod batch, out= reused", dtype, "img/s",
                            *throughput(batch, t)))

            xp = x[:n_pywt]
            t = time_calls(lambda: pywt_batch(xp, wavelet, level, pool), repeat)
            ref = throughput(n_pywt, t)
            rows.append(row("PyWavelets 4 x WP2D batch", dtype, "img/s", *ref))

            rows.append(row("dtcwpt2 / PyWavelets", dtype, "x",
                            fwd[0] / ref[0], fwd[1] / ref[1]))
            rows.append(row("rmax_cmod / PyWavelets", dtype, "x",
                            rc[0] / ref[0], rc[1] / ref[1]))

            packets = dtwpt.dtcwpt2(x, level)
            t = time_calls(lambda: dtwpt.idtcwpt2(packets), repeat)
            inv = throughput(batch, t)
            rows.append(row("idtcwpt2 batch", dtype, "img/s", *inv))
            rows.append(row("idtcwpt2 batch / dtcwpt2 batch", dtype, "x",
                            inv[0] / fwd[0], inv[1] / fwd[1]))

            peak = matmul_peak(dtype)
            share = fwd[0] * transform_flops(size, level) / 1e9 / peak
            rows.append(row("matmul peak (numpy)", dtype, "GFLOP/s", peak, peak))
            rows.append(row("dtcwpt2 batch share of matmul peak", dtype, "%",
                            100 * share, 100 * share))

            t = time_calls(lambda: dtwpt.dtcwpt2(x1, level), n_single)
            ms = [1e3 * s for s in t]
            med = statistics.median(ms)
            rows.append(row("dtcwpt2 single", dtype, "ms", min(ms), med, checked=med))

            batch_rate = {"dtcwpt2": fwd[0] * size * size / 1e6,
                          "rmax_cmod": rc[0] * size * size / 1e6}
            for n in large:
                rows += large_image_rows(n, dtype, level, batch_rate, wavelet, repeat,
                                         with_pywt=n == min(large))

    rows.append(row("experiment pairs, decoded", "float32", "pairs/s",
                    *experiment_rate(batch, level, repeat)))
    rows.append(row("JPEG decoding", "uint8", "img/s", *decoding_rate(batch, repeat)))
    return rows


def main(argv=None):
    args = parse_args(argv)
    repeat = args.repeat or (2 if args.quick else 5)
    n_single = 30 if args.quick else 300
    n_pywt = min(args.batch, 16) if args.quick else args.batch
    large = args.large if args.large is not None else ([2048] if args.quick else [2048, 4096])
    level, size, batch = args.level, args.size, args.batch

    print(f"dtwpt {dtwpt.__version__} | numpy {np.__version__} | numba {numba.__version__} "
          f"({numba.get_num_threads()} threads, layer {numba.config.THREADING_LAYER}) | "
          f"PyWavelets {pywt.__version__}")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    print(f"batch {batch} x {size} x {size}, level {level}, {repeat} repeats; "
          f"PyWavelets on {n_pywt} images, 2 threads; single image: {n_single} calls")
    print("(timings are wall clock; other processes on the machine add noise; load average "
          + " ".join(f"{v:.2f}" for v in os.getloadavg()) + ")\n")

    rows = []
    if not args.cold_only:
        print(f"kernel cache filled by a child interpreter in {fill_kernel_cache(level):.1f} s\n")
        rows += throughput_rows(level, size, batch, repeat, n_single, n_pywt, large)

    first, second = cold_start()
    rows.append(row("cold start (warm cache)", "-", "s", second, second))
    if large and not args.cold_only:
        for fn in ("dtcwpt2", "rmax_cmod", "idtcwpt2"):
            n = max(large)
            ratio = peak_memory_ratio(fn, n)
            rows.append(row(f"peak memory {fn} {n}^2 / (input + output)", "float32", "x",
                            ratio, ratio))
    cpu = {}
    if not args.no_cold:
        for fn in ("dtcwpt2", "rmax_cmod"):
            wall, cpu[fn] = first_call_cold(fn)
            rows.append(row(f"first {fn} call, cold cache", "-", "s", wall, wall))
        wall, cpu["experiments"] = experiments_cold()
        rows.append(row("first experiments run, cold cache", "-", "s", wall, wall))

    print(format_table(rows))
    print(f"\ncold start: first run {first:.2f} s, second run {second:.2f} s")
    if cpu:
        print("cold cache, CPU seconds of the child interpreters (import included): "
              + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items()))
    print("the real-JPEG pipeline row (ImageNet-like folder, decoding overlapped with "
          "compute) is not measured here")
    print("goals are checked against 'best' for throughput and ratios, "
          "'median' for single-image latency")

    if args.json:
        figures = {
            "config": {"batch": batch, "size": size, "level": level, "repeat": repeat,
                       "pywt_images": n_pywt, "single_calls": n_single,
                       "numba_threads": numba.get_num_threads(), "cpus": os.cpu_count(),
                       "versions": {"dtwpt": dtwpt.__version__, "numpy": np.__version__,
                                    "numba": numba.__version__, "pywt": pywt.__version__}},
            "results": [dict(r, goal=goal_text(r["kind"], r["dtype"]),
                             met=goal_met(r["kind"], r["dtype"], r["checked"]))
                        for r in rows],
            "cold_start_s": {"first": first, "second": second},
        }
        with open(args.json, "w") as fh:
            json.dump(figures, fh, indent=2)
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
