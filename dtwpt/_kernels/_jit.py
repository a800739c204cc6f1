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
  an array or returns a view to Python needs it;
- the widest vectors of the processor: LLVM vectorises loops for 256-bit
  registers on processors with AVX-512 unless a function asks for 512 bits
  (the LLVM function attribute ``"prefer-vector-width"="512"``), which every
  kernel does through its own lowering pass (:func:`compiler`). On this
  project's 2-core AVX-512 benchmark machine the filter levels ran 1.4-1.5x
  faster, whole transforms 1.15-1.2x. Processors without AVX-512 ignore the
  attribute;
- ``noalias`` array arguments for inner kernels: no two of their array
  arguments overlap in memory (scratch views are disjoint, and the drivers
  refuse an ``out=`` that shares memory with an input), so LLVM drops the
  run-time overlap checks of each vectorised loop, which cost most on short
  rows (the inverse ran 1.1-1.2x faster).

Neither changes a result: each output is the same expression in every vector
lane. If a Numba release changes the compiler classes used here, the kernels
are compiled as plain ``numba.njit`` functions.
"""
import numba as nb

#: The LLVM function attribute that the lowering pass of :func:`compiler` adds.
WIDE_VECTORS = '"prefer-vector-width"="512"'


def _compilers():
    """Numba compiler classes for outer and inner kernels (see :func:`compiler`),
    or ``(None, None)`` if this Numba lacks the classes they need."""
    try:
        from numba.core import lowering
        from numba.core.compiler import CompilerBase, DefaultPassBuilder
        from numba.core.compiler_machinery import register_pass
        from numba.core.typed_passes import NativeLowering
    except ImportError:
        return None, None

    class WideVectorLower(lowering.Lower):
        def pre_lower(self):
            super().pre_lower()
            # llvmlite accepts only its list of keyword attributes: a string
            # attribute goes straight into the (set-based) attribute set. A
            # Numba or llvmlite whose classes differ compiles without it.
            attributes = getattr(getattr(self, "function", None), "attributes", None)
            if isinstance(attributes, set):
                set.add(attributes, WIDE_VECTORS)

    def make(noalias):
        @register_pass(mutates_CFG=True, analysis_only=False)
        class KernelLowering(NativeLowering):
            _name = "dtwpt_inner_kernel_lowering" if noalias else "dtwpt_kernel_lowering"

            @property
            def lowering_class(self):
                return WideVectorLower

            def run_pass(self, state):
                if noalias and hasattr(state.flags, "noalias"):
                    state.flags.noalias = True
                return super().run_pass(state)

        class KernelCompiler(CompilerBase):
            """Numba's nopython pipeline with :class:`KernelLowering`."""

            def define_pipelines(self):
                pm = DefaultPassBuilder.define_nopython_pipeline(self.state)
                pm.passes = [(KernelLowering if cls is NativeLowering else cls, what)
                             for cls, what in pm.passes]
                pm.finalize()
                return [pm]

        return KernelCompiler

    return make(False), make(True)


_COMPILERS = _compilers()


def compiler(inner):
    """The Numba compiler class of a kernel: its lowering adds :data:`WIDE_VECTORS`
    to each function and, for inner kernels, ``noalias`` to its array arguments;
    None where this Numba lacks the classes it needs."""
    return _COMPILERS[bool(inner)]


def kernel(*, inner=False, nrt=False, **options):
    """``numba.njit`` with the options above, plus ``options`` (``fastmath``, ``inline``)."""
    if compiler(inner) is not None:
        options["pipeline_class"] = compiler(inner)
    return nb.njit(cache=True, nogil=True, error_model="numpy", no_cfunc_wrapper=True,
                   no_cpython_wrapper=inner, _nrt=nrt, **options)
