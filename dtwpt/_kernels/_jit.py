"""The options of every kernel: compiled once per machine, as little code as possible.

- ``cache=True``: compiled code is kept on disk (``__pycache__`` or
  ``NUMBA_CACHE_DIR``);
- ``nogil=True``: the drivers run kernels on several Python threads;
- ``error_model="numpy"``: no zero-division checks (no divisor in the kernels
  can be zero), which are code to compile and branches to run;
- ``no_cfunc_wrapper=True``: no C-callable wrapper (never used);
- ``inner=True`` (kernels only called by other kernels): no Python wrapper
  either;
- no reference counting (Numba's ``_nrt=False``) unless ``nrt=True``: the
  kernels write into arrays they are given, and only a kernel that allocates
  an array or returns a view to Python needs it.
"""
import numba as nb


def kernel(*, inner=False, nrt=False, **options):
    """``numba.njit`` with the options above, plus ``options`` (``fastmath``, ``inline``)."""
    return nb.njit(cache=True, nogil=True, error_model="numpy", no_cfunc_wrapper=True,
                   no_cpython_wrapper=inner, _nrt=nrt, **options)
