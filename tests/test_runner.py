"""Tests of the resumable unit runner (dtwpt/experiments/_runner.py)."""
import numpy as np
import pytest

from dtwpt.experiments import _runner
from dtwpt.experiments._common import UsageError, save_npz
from dtwpt.experiments._runner import (
    chunk_ranges,
    load_chunks,
    load_units,
    run_chunks,
    run_units,
)

KEYS = ["alpha", "b-2", "c+d", "e.5"]


def square(payload):
    """A unit: the payload's values, their squares and their sum (float64)."""
    values = np.asarray(payload, dtype=float)
    return {"values": values, "squares": values ** 2, "sum": np.array(values.sum())}


def make_units(keys=KEYS):
    return [(key, [k, k + 0.5, -k], 3) for k, key in enumerate(keys)]


class Counting:
    """``prepare`` and ``compute`` that record what they were called with."""

    def __init__(self):
        self.prepared, self.computed = [], []

    def prepare(self, payload):
        self.prepared.append(payload)
        return payload

    def compute(self, payload):
        self.computed.append(payload)
        return square(payload)


def run(folder, units, calls=None, **kw):
    calls = calls or Counting()
    return run_units(units, folder, prepare=calls.prepare, compute=calls.compute,
                     progress=False, **kw), calls


def test_every_unit_is_saved_under_its_key(tmp_path):
    stats, calls = run(tmp_path / "units", make_units())
    assert sorted(p.name for p in (tmp_path / "units").iterdir()) == sorted(
        f"{k}.npz" for k in KEYS)
    assert (stats.items, stats.computed, stats.reused) == (12, 4, 0)
    assert stats.compile_seconds == 0.0  # no warm-up asked for
    assert calls.prepared == calls.computed == [u[1] for u in make_units()]
    for (key, payload, _), result in zip(make_units(), load_units(tmp_path / "units", KEYS)):
        expected = square(payload)
        assert set(result) == set(expected)
        for name in expected:
            np.testing.assert_array_equal(result[name], expected[name], err_msg=key)


def test_an_interrupted_run_resumes_with_the_missing_units_only(tmp_path, monkeypatch):
    reference, folder = tmp_path / "reference", tmp_path / "resumed"
    run(reference, make_units())
    save, saved = _runner._save_chunk, []

    def save_then_interrupt(path, result):
        save(path, result)
        saved.append(path.stem)
        if len(saved) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(_runner, "_save_chunk", save_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        run(folder, make_units())
    assert sorted(p.stem for p in folder.iterdir()) == sorted(saved) == KEYS[:2]
    monkeypatch.setattr(_runner, "_save_chunk", save)
    (folder / ".c+d.npz.999999999.0123abcd.tmp").write_bytes(b"partial")  # a killed process's
    stats, calls = run(folder, make_units())
    assert (stats.computed, stats.reused, stats.items) == (2, 2, 6)
    assert calls.computed == [u[1] for u in make_units()[2:]]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}.npz" for k in KEYS)
    for key in KEYS:
        assert (folder / f"{key}.npz").read_bytes() == (reference / f"{key}.npz").read_bytes()
    stats, calls = run(folder, make_units())
    assert (stats.computed, stats.reused, calls.computed) == (0, 4, [])


def test_results_do_not_depend_on_the_order_of_computation(tmp_path):
    run(tmp_path / "forward", make_units())
    run(tmp_path / "backward", make_units()[::-1])
    order = KEYS[::-1] + KEYS
    for a, b in zip(load_units(tmp_path / "forward", order),
                    load_units(tmp_path / "backward", order)):
        for name in a:
            np.testing.assert_array_equal(a[name], b[name])
    sums = [float(r["sum"]) for r in load_units(tmp_path / "backward", KEYS)]
    assert sums == [square(u[1])["sum"] for u in make_units()]


def test_warm_up_computes_a_small_payload_first(tmp_path):
    calls = Counting()
    stats, _ = run(tmp_path / "units", make_units(), calls, warm_up=lambda p: p[:1])
    assert calls.computed[0] == [0]  # the first unit's warm-up payload
    assert calls.computed[1:] == [u[1] for u in make_units()]
    assert stats.compile_seconds > 0
    stats, calls = run(tmp_path / "units", make_units(), warm_up=lambda p: p[:1])
    assert calls.computed == [] and stats.compile_seconds == 0.0  # nothing pending


@pytest.mark.parametrize("keys", [["a/b"], [".hidden"], ["../up"], [""], [7], ["x", "y", "x"]])
def test_bad_keys_are_refused_before_any_work(tmp_path, keys):
    with pytest.raises(ValueError, match="unit key|unique"):
        run(tmp_path / "units", make_units(keys))
    assert not (tmp_path / "units").exists()


def test_a_missing_or_corrupt_unit_is_a_usage_error(tmp_path):
    run(tmp_path / "units", make_units())
    (tmp_path / "units" / "b-2.npz").write_bytes(b"not a zip file")
    with pytest.raises(UsageError, match="b-2.npz.*delete it"):
        load_units(tmp_path / "units", KEYS)
    with pytest.raises(UsageError, match="nothing.npz"):
        load_units(tmp_path / "units", ["nothing"])


class Source:
    """A minimal image source: item ``i`` is the vector ``[i, i, i]``."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def load(self, start, stop):
        return np.repeat(np.arange(start, stop, dtype=float)[:, None], 3, axis=1)


def test_chunks_keep_their_file_names_and_contents(tmp_path):
    source, folder = Source(10), tmp_path / "chunks"
    stats = run_chunks(source, square, folder, chunk=4, progress=False, quiet=True)
    assert (stats.items, stats.computed, stats.reused) == (10, 3, 0)
    assert stats.compile_seconds > 0  # the warm-up on the first item
    ranges = chunk_ranges(10, 4)
    assert ranges == [(0, 4), (4, 8), (8, 10)]
    assert sorted(p.name for p in folder.iterdir()) == [
        "000000000.npz", "000000004.npz", "000000008.npz"]
    for (start, stop), result in zip(ranges, load_chunks(folder, ranges)):
        expected = tmp_path / f"expected_{start}.npz"
        save_npz(expected, square(source.load(start, stop)))
        assert (folder / f"{start:09d}.npz").read_bytes() == expected.read_bytes()
        assert float(result["sum"]) == 3 * sum(range(start, stop))
