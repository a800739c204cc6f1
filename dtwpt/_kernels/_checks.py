"""One-pass check of array values for the validators."""
from ._jit import kernel


@kernel()
def count_outside(a, bound):
    """Elements of the 1D array ``a`` that are NaN or exceed ``bound`` in magnitude.

    ``bound`` is in ``a``'s dtype. One pass that vectorises: each comparison
    adds to an integer count (a floating-point reduction would need reordering
    that NaN forbids). A NaN fails ``abs(v) <= bound`` and is counted.
    """
    n = 0
    for i in range(a.size):
        n += not (abs(a[i]) <= bound)
    return n
