"""Jobs taken as threads come free: the threads of one call go through the
same list of jobs, each doing those whose flag it is the first to raise, so
that a thread slowed by other work on its core does fewer jobs rather than
holding the others up at the end of the call (see :mod:`._passes`).
"""
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def take(typingctx, counters, index):
    """``counters[index] += 1`` as one atomic step; returns the value before.

    ``counters`` is a 1D int64 array that threads share: each value a thread
    takes is taken by no other thread. The step orders nothing else (LLVM's
    "monotonic"): the jobs it hands out write disjoint outputs, which the
    calling thread reads after joining the others.
    """
    if not (isinstance(counters, types.Array) and counters.dtype == types.int64
            and counters.ndim == 1 and isinstance(index, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        array_type, index_type = signature.args
        array = context.make_array(array_type)(context, builder, args[0])
        at = context.cast(builder, args[1], index_type, types.intp)
        pointer = cgutils.get_item_pointer(context, builder, array_type, array, [at],
                                           wraparound=False)
        one = context.get_constant(types.int64, 1)
        return builder.atomic_rmw("add", pointer, one, "monotonic")

    return types.int64(counters, index), codegen
