"""Compare dtwpt's numbers with a reference saved from another version of the code.

Used when the kernels change but the results must not::

    python benchmarks/regression_check.py save REF.npz   # with the old code
    python benchmarks/regression_check.py check REF.npz  # with the new code

Random inputs (fixed seeds) over several shapes, levels, modes, wavelets and
both dtypes go through ``dtcwpt2`` (decimated and not), ``idtcwpt2``,
``rmax_cmod`` (q = 0, 1, 2), ``pair_squared_norms``, ``dtcwpt`` and
``idtcwpt``. ``check`` fails unless every float64 result agrees to 1e-12 and
every float32 result to 1e-5, relative to the largest magnitude of the array.
"""
import sys

import numpy as np

import dtwpt
from dtwpt import pair_squared_norms

CASES = [
    # (batch shape, H, W, level, wavelet, packet_wavelet, mode)
    ((), 64, 64, 1, "qshift_a", None, "periodization"),
    ((3,), 32, 48, 2, "qshift_a", None, "periodization"),
    ((2,), 64, 32, 3, "qshift_06", None, "periodization"),
    ((), 224, 224, 3, "qshift_a", None, "periodization"),
    ((2, 2), 40, 56, 3, "qshift_b", "db5", "periodization"),
    ((), 37, 51, 2, "qshift_a", None, "symmetric"),
    ((2,), 30, 20, 3, "qshift_c", "db3", "symmetric"),
    ((), 256, 256, 4, "qshift_a", None, "periodization"),
    ((), 512, 512, 3, "qshift_a", None, "periodization"),
    ((), 1024, 512, 2, "qshift_a", None, "periodization"),
]


def results():
    out = {}
    for i, (lead, H, W, level, wav, pwav, mode) in enumerate(CASES):
        x64 = np.random.default_rng(i).standard_normal(lead + (H, W))
        for dtype in (np.float64, np.float32):
            x = x64.astype(dtype)
            kw = {"wavelet": wav, "packet_wavelet": pwav, "mode": mode}
            tag = f"{i}_{np.dtype(dtype).name}"
            p = dtwpt.dtcwpt2(x, level, **kw)
            out[f"fwd_{tag}"] = p.coeffs
            out[f"inv_{tag}"] = dtwpt.idtcwpt2(p)
            out[f"undec_{tag}"] = dtwpt.dtcwpt2(x, level, decimated=False, **kw).coeffs
            for q in (0, 1, 2):
                ymax, ymod = dtwpt.rmax_cmod(x, level, q=q, **kw)
                out[f"rmax{q}_{tag}"], out[f"cmod{q}_{tag}"] = ymax, ymod
            xs = np.roll(x, (1, 2), axis=(-2, -1))
            # stored quantity-last, (..., P, 4), the layout of references saved by 0.1
            out[f"pairs_{tag}"] = np.moveaxis(pair_squared_norms(x, xs, level, **kw), 0, -1)
            p1 = dtwpt.dtcwpt(x, level, **kw)
            out[f"fwd1_{tag}"] = p1.coeffs
            out[f"inv1_{tag}"] = dtwpt.idtcwpt(p1)
    return out


def check(path):
    ref = np.load(path)
    new = results()
    worst = {}
    for k, a in new.items():
        b = ref[k]
        if a.shape != b.shape or a.dtype != b.dtype:
            raise SystemExit(f"{k}: {a.shape} {a.dtype} vs reference {b.shape} {b.dtype}")
        scale = max(np.abs(b).max(), np.finfo(np.float64).tiny)
        err = float(np.abs(a.astype(np.complex128) - b).max() / scale)
        tol = 1e-5 if k.endswith("float32") else 1e-12  # by the input's dtype
        worst[k] = (err, tol)
    bad = {k: v for k, v in worst.items() if v[0] > v[1]}
    for dt in ("float64", "float32"):
        errs = {k.split("_")[0]: 0.0 for k in worst if k.endswith(dt)}
        for k, v in worst.items():
            if k.endswith(dt):
                errs[k.split("_")[0]] = max(errs[k.split("_")[0]], v[0])
        print(f"{dt} inputs, worst relative error per output:",
              ", ".join(f"{k} {e:.1e}" for k, e in errs.items()))
    if bad:
        raise SystemExit(f"out of tolerance: {bad}")
    print("all within tolerance")


if __name__ == "__main__":
    cmd, path = sys.argv[1:3]
    if cmd == "save":
        np.savez_compressed(path, **results())
    else:
        check(path)
