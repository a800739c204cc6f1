"""The main experiment on a folder of real-size JPEGs: decoding and computing rates apart.

ImageNet's validation photographs vary in size (most near 500 x 375, some
from 200 to over 2,000 pixels a side, about 400 x 350 on average). This script
writes such a folder once (``--folder``, default ``benchmarks/.jpegs``):
photograph-like content (random crops of the bundled scikit-image photographs,
resized to the drawn size), JPEG quality 90, sizes drawn from a seeded
distribution of that shape. It then times, on the same files:

- decoding alone: :meth:`dtwpt.data.ImageFolder.load` (ImageNet protocol),
  files per second;
- computing alone: :func:`dtwpt.experiments.shift.compute.chunk_sums` on the
  already decoded pairs at the levels given, pairs per second;
- the pipeline the command runs, decoding and computing overlapped
  (:func:`dtwpt.experiments._runner.run_chunks`), pairs per second: the rate
  that sets the time of a large run, against the goal of 50,000 photographs
  in 3 minutes (>= 280 pairs/s);
- the whole command, ``python -m dtwpt.experiments --images FOLDER``, in a
  subprocess: its fixed cost (start-up, figures, report) is what it takes
  beyond the pipeline, and gives the projected time for 50,000 photographs.

Usage::

    python benchmarks/jpeg_pipeline.py [--files 1000] [--levels 2 3]
"""
import argparse
import math
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image

from dtwpt.data import BUNDLED_PHOTOS, ImageFolder
from dtwpt.experiments._runner import run_chunks
from dtwpt.experiments.shift.compute import chunk_sums

GOAL_PAIRS_PER_S = 50_000 / 180


def _size(rng):
    """(width, height): most from 300 to 500 pixels a side, a tail up to 2,000."""
    if rng.random() < 0.9:
        long, short = int(rng.choice([333, 375, 400, 450, 500])), int(rng.choice([250, 300,
                                                                                  333, 375]))
        short = min(short, long)
    else:
        long = int(math.exp(rng.uniform(math.log(200), math.log(2000))))
        short = max(200, int(long * rng.uniform(0.6, 0.8)))
    return (long, short) if rng.random() < 0.8 else (short, long)


def make_folder(folder, n_files, seed=0):
    """Write ``n_files`` JPEGs (skipped if the folder already holds them)."""
    import skimage.data

    folder.mkdir(parents=True, exist_ok=True)
    if len(list(folder.glob("*.jpg"))) >= n_files:
        return
    rng = np.random.default_rng(seed)
    photos = [getattr(skimage.data, name)() for name in BUNDLED_PHOTOS]
    for i in range(n_files):
        photo = photos[i % len(photos)]
        h, w = photo.shape[:2]
        ch, cw = int(rng.integers(h // 2, h + 1)), int(rng.integers(w // 2, w + 1))
        top, left = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        crop = Image.fromarray(photo[top:top + ch, left:left + cw]).convert("RGB")
        crop.resize(_size(rng), Image.BICUBIC).save(folder / f"{i:06d}.jpg", quality=90)


def _mean_size(folder):
    sizes = np.array([Image.open(p).size for p in sorted(folder.glob("*.jpg"))])
    return sizes.mean(axis=0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--levels", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--folder", default=str(Path(__file__).with_name(".jpegs")))
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    make_folder(folder, args.files)
    width, height = _mean_size(folder)
    print(f"{args.files} JPEGs, mean size {width:.0f} x {height:.0f}")

    source = ImageFolder(folder)
    began = time.perf_counter()
    batch = source.load(0, len(source))
    decode = len(source) / (time.perf_counter() - began)
    print(f"decoding (ImageNet protocol): {decode:,.0f} files/s")

    chunk_sums(source.load(0, 2), levels=args.levels, wavelet="qshift_a", q=1)  # compile
    began = time.perf_counter()
    for start in range(0, len(batch), 64):
        part = type(batch)(batch.x[start:start + 64], batch.x_shifted[start:start + 64],
                           batch.names[start:start + 64], [], batch.groups[start:start + 64])
        chunk_sums(part, levels=args.levels, wavelet="qshift_a", q=1)
    compute = len(batch) / (time.perf_counter() - began)
    print(f"computing (levels {args.levels}, decoded pairs): {compute:,.0f} pairs/s")

    with tempfile.TemporaryDirectory() as tmp:
        compute_chunk = partial(chunk_sums, levels=tuple(args.levels), wavelet="qshift_a", q=1)
        stats = run_chunks(source, compute_chunk, Path(tmp) / "chunks", chunk=64,
                           progress=False, quiet=True)
        pipeline = stats.rate
        print(f"pipeline (decoding and computing overlapped): {pipeline:,.0f} pairs/s; goal >= "
              f"{GOAL_PAIRS_PER_S:.0f} (50,000 in 3 min): "
              f"{'met' if pipeline >= GOAL_PAIRS_PER_S else 'not met'}")
        command = [sys.executable, "-m", "dtwpt.experiments", "--images", str(folder),
                   "--levels", *map(str, args.levels), "--quiet", "--out", f"{tmp}/run"]
        began = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        whole = time.perf_counter() - began
    fixed = max(whole - len(source) / pipeline, 0.0)
    print(f"whole command: {whole:.1f} s, of which about {fixed:.1f} s fixed (start-up, "
          f"figures, report); 50,000 photographs would take "
          f"{(fixed + 50_000 / pipeline) / 60:.1f} min")


if __name__ == "__main__":
    main()
