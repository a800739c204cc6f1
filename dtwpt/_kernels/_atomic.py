"""Jobs taken as threads come free: the threads of one call go through the
same list of jobs, each doing those whose flag it is the first to raise, so
that a thread slowed by other work on its core does fewer jobs rather than
holding the others up at the end of the call (see :mod:`._passes`).

Threads that share one image's steps also count the steps they have done
(:func:`arrive`) and wait for a count (:func:`arrived`) before the steps that
read what those wrote, giving their processor away (:func:`give_way`) when
the wait is long.
"""
import sys

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

#: The C library's call that gives the processor to another runnable thread
#: (POSIX ``sched_yield``); None where there is none to call (Windows).
YIELD = None if sys.platform == "win32" else "sched_yield"


def _counter(context, builder, signature, args):
    """Pointer to ``counters[index]`` (``args``: the array and the index)."""
    array_type, index_type = signature.args
    array = context.make_array(array_type)(context, builder, args[0])
    at = context.cast(builder, args[1], index_type, types.intp)
    return cgutils.get_item_pointer(context, builder, array_type, array, [at], wraparound=False)


def _counters_and_index(counters, index):
    return (isinstance(counters, types.Array) and counters.dtype == types.int64
            and counters.ndim == 1 and isinstance(index, types.Integer))


def _add_one(ordering):
    """Code of ``counters[index] += 1`` as one atomic step with LLVM's memory
    ``ordering``, returning the value before."""
    def codegen(context, builder, signature, args):
        one = context.get_constant(types.int64, 1)
        return builder.atomic_rmw("add", _counter(context, builder, signature, args), one,
                                  ordering)

    return codegen


@intrinsic
def take(typingctx, counters, index):
    """``counters[index] += 1`` as one atomic step; returns the value before.

    ``counters`` is a 1D int64 array that threads share: each value a thread
    takes is taken by no other thread. The step orders nothing else (LLVM's
    "monotonic"): the jobs it hands out write disjoint outputs, which the
    calling thread reads after joining the others.
    """
    if not _counters_and_index(counters, index):
        return None
    return types.int64(counters, index), _add_one("monotonic")


@intrinsic
def arrive(typingctx, counters, index):
    """``counters[index] += 1`` as one atomic step that *releases* the calling
    thread's earlier writes: a thread that reads the new count with
    :func:`arrived` sees them. Returns the value before."""
    if not _counters_and_index(counters, index):
        return None
    return types.int64(counters, index), _add_one("acq_rel")


@intrinsic
def arrived(typingctx, counters, index):
    """``counters[index]``, read atomically; the writes released by the
    :func:`arrive` calls it counts are visible after it ("acquire")."""
    if not _counters_and_index(counters, index):
        return None

    def codegen(context, builder, signature, args):
        return builder.load_atomic(_counter(context, builder, signature, args), "acquire", 8)

    return types.int64(counters, index), codegen


@intrinsic
def give_way(typingctx):
    """Lets another runnable thread have the calling thread's processor
    (:data:`YIELD`; nothing where there is none): a thread that waits for
    another, which may be waiting for a processor itself (more threads than
    processors, or other processes), then spins no longer than the
    scheduler's turn."""
    def codegen(context, builder, signature, args):
        if YIELD is not None:
            call = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(ir.IntType(32), []), YIELD)
            builder.call(call, [])
        return context.get_dummy_value()

    return types.void(), codegen
