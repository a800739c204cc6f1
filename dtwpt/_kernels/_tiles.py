"""Square tiles transposed in vector registers.

A tile is 8 x 8 values, one vector per row (256 bits of float32 values, 512
of float64 ones). Its rows are loaded as vectors, transposed by shuffles, and
stored as vectors, where an element-by-element transpose (LLVM does not
vectorise a loop whose loads stride down a column) loads and stores each value
on its own. The values move unchanged.

The shuffles swap one bit of the row index with the same bit of the column
index at a time: after the stage for bit ``k``, the value at ``(r, c)`` is the
one that was at ``(r`` with bit ``k`` of ``c``, ``c`` with bit ``k`` of
``r)``; after every bit, the one at ``(c, r)``. Each stage builds a pair of
rows ``r, r + 2**k`` (bit ``k`` of ``r`` clear) from the same pair.
"""
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

#: Rows and columns of a tile. Float32 tiles of 16 x 16 (one 512-bit vector per
#: row) were as fast as 8 x 8 ones on large images and slower on batches
#: (their rows cover less of a 28-row packet), and took longer to compile.
TILE = 8


def _stage(builder, rows, bit, lanes):
    """The rows after the stage that swaps ``bit`` of the row and column indices."""
    step = 1 << bit
    index = ir.VectorType(ir.IntType(32), lanes)
    # Shuffle positions: ``c`` takes lane ``c`` of the first row, ``lanes + c``
    # of the second.
    low = [c if not c & step else lanes + (c ^ step) for c in range(lanes)]
    high = [c | step if not c & step else lanes + c for c in range(lanes)]
    out = list(rows)
    for r in range(lanes):
        if r & step:
            continue
        a, b = rows[r], rows[r + step]
        out[r] = builder.shuffle_vector(a, b, ir.Constant(index, low))
        out[r + step] = builder.shuffle_vector(a, b, ir.Constant(index, high))
    return out


@intrinsic
def transpose_tile(typingctx, src, i0, c0, dst, d0, e0):
    """``dst[d0 + c, e0 + i] = src[i0 + i, c0 + c]`` for ``i, c <`` :data:`TILE`:
    one tile of two 2D float arrays of one dtype, rows of any stride,
    elements contiguous along each row."""
    if not (isinstance(src, types.Array) and isinstance(dst, types.Array)
            and src.ndim == dst.ndim == 2 and src.dtype == dst.dtype
            and isinstance(src.dtype, types.Float) and src.layout in "CA"
            and dst.layout in "CA"):
        return None
    sig = types.void(src, i0, c0, dst, d0, e0)

    def codegen(context, builder, signature, args):
        src_type, i_type, c_type, dst_type, d_type, e_type = signature.args
        item = context.get_value_type(src_type.dtype)
        vector = ir.VectorType(item, TILE).as_pointer()
        align = context.get_abi_sizeof(item)

        def as_intp(value, value_type):
            return context.cast(builder, value, value_type, types.intp)

        def row_pointers(array_type, value, row0, col):
            """Pointers to the TILE vectors from ``array[row0 + r, col]``."""
            array = context.make_array(array_type)(context, builder, value)
            shape = cgutils.unpack_tuple(builder, array.shape, 2)
            strides = cgutils.unpack_tuple(builder, array.strides, 2)
            rows = [builder.add(row0, context.get_constant(types.intp, r)) for r in range(TILE)]
            return [builder.bitcast(cgutils.get_item_pointer2(
                context, builder, array.data, shape, strides, array_type.layout, [row, col],
                wraparound=False), vector) for row in rows]

        sources = row_pointers(src_type, args[0], as_intp(args[1], i_type),
                               as_intp(args[2], c_type))
        rows = [builder.load(at, align=align) for at in sources]
        for bit in range(TILE.bit_length() - 1):
            rows = _stage(builder, rows, bit, TILE)
        targets = row_pointers(dst_type, args[3], as_intp(args[4], d_type),
                               as_intp(args[5], e_type))
        for row, at in zip(rows, targets):
            builder.store(row, at, align=align)
        return context.get_dummy_value()

    return sig, codegen
