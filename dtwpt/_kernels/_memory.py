"""Memory traffic of large outputs: nontemporal ("streaming") stores of rows.

A large image's outputs (a 4096² float32 image's coefficients take 256 MiB)
do not fit in any cache, and an ordinary store first reads the cache line it
writes (the processor owns the line before changing it): writing them costs
twice their size in memory traffic, and the store buffer waits on those
reads. A nontemporal store writes a whole 64-byte line to memory without
reading it. On the benchmark machine one thread wrote 1 KiB rows of a 512 MiB
array at 5-6 GB/s with ordinary stores and 23 GB/s with streaming ones.

Outputs that fit in a cache are better written with ordinary stores (the
caller reads them from there next), so the drivers stream only large outputs
(see ``STREAM_BYTES`` in :mod:`dtwpt._kernels`). Streaming changes no value:
the same bytes are stored. The kernels that stream end with
:func:`store_fence`, so that the threads that read the outputs next see them.
"""
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from ._jit import kernel
from ._scalar import smaller

#: Bytes of a streaming store: one cache line.
LINE = 64


@intrinsic
def _stream_line(typingctx, dst, d0, src, s0):
    """Copy ``LINE`` bytes from ``src[s0:]`` to ``dst[d0:]`` (1D contiguous
    arrays) with one nontemporal store; ``dst[d0:]`` must start on a
    ``LINE``-byte boundary."""
    sig = types.void(dst, d0, src, s0)

    def codegen(context, builder, signature, args):
        dst_type, _, src_type, _ = signature.args
        d = context.make_array(dst_type)(context, builder, args[0])
        s = context.make_array(src_type)(context, builder, args[2])
        line = ir.VectorType(ir.IntType(64), LINE // 8)
        source = builder.bitcast(builder.gep(s.data, [args[3]]), line.as_pointer())
        target = builder.bitcast(builder.gep(d.data, [args[1]]), line.as_pointer())
        store = builder.store(builder.load(source, align=1), target, align=LINE)
        store.set_metadata("nontemporal", builder.module.add_metadata([ir.IntType(32)(1)]))
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _address(typingctx, array, i):
    """The address of ``array[i]`` (1D contiguous array), as an integer."""
    sig = types.intp(array, i)

    def codegen(context, builder, signature, args):
        a = context.make_array(signature.args[0])(context, builder, args[0])
        return builder.ptrtoint(builder.gep(a.data, [args[1]]), context.get_value_type(types.intp))

    return sig, codegen


@intrinsic
def store_fence(typingctx):
    """A sequentially consistent fence: it orders the nontemporal stores before
    it (which ordinary fences may not) with every later memory access."""
    sig = types.void()

    def codegen(context, builder, signature, args):
        builder.fence("seq_cst")
        return context.get_dummy_value()

    return sig, codegen


@kernel(inline="always")
def stream_row(dst, d0, src, n):
    """``dst[d0 : d0 + n] = src[:n]`` (1D contiguous arrays of one dtype): the
    whole cache lines of the destination with nontemporal stores, the
    elements before its first line boundary and after its last with ordinary
    ones (every element if none starts on a line: an address that is not a
    multiple of the item size)."""
    size = dst.itemsize
    per = LINE // size
    gap = -_address(dst, d0) % LINE  # bytes from dst[d0] to the next line
    head = smaller(gap // size if gap % size == 0 else n, n)
    lines = (n - head) // per
    for j in range(head):
        dst[d0 + j] = src[j]
    for k in range(lines):
        _stream_line(dst, d0 + head + k * per, src, head + k * per)
    for j in range(head + lines * per, n):
        dst[d0 + j] = src[j]
