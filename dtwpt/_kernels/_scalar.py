"""``min`` and ``max`` of two numbers, for the kernels.

Numba compiles its builtin ``min`` and ``max`` as generic helpers, one per
argument type, on their first use in each process (0.1 s of the first
``rmax_cmod`` call). These intrinsics emit the same comparison and select in
place: ``larger(a, b)`` is ``b if b > a else a`` and ``smaller(a, b)`` is
``b if b < a else a``, as the builtins compute them (so a NaN or a signed
zero gives the same result), in the type the two arguments unify to.
"""
import operator

from numba import types
from numba.core import typing
from numba.extending import intrinsic


def _choose(typingctx, a, b, cmp):
    """Signature and code of ``b if cmp(b, a) else a`` in the unified type."""
    ty = typingctx.unify_types(a, b)
    if not isinstance(ty, (types.Integer, types.Float)):
        return None

    def codegen(context, builder, signature, args):
        x = context.cast(builder, args[0], a, ty)
        y = context.cast(builder, args[1], b, ty)
        compare = context.get_function(cmp, typing.signature(types.boolean, ty, ty))
        return builder.select(compare(builder, (y, x)), y, x)

    return ty(a, b), codegen


@intrinsic
def larger(typingctx, a, b):
    """``max(a, b)`` of two numbers: ``b if b > a else a``."""
    return _choose(typingctx, a, b, operator.gt)


@intrinsic
def smaller(typingctx, a, b):
    """``min(a, b)`` of two numbers: ``b if b < a else a``."""
    return _choose(typingctx, a, b, operator.lt)
