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
  rows (the inverse ran 1.1-1.2x faster);
- less compilation on first use:

  - the code of the kernels a kernel calls is linked into it after its own
    code is optimised, rather than optimised again there (``KernelLibrary``
    in :func:`_compilers`);
  - a kernel's functions are optimised once, in the whole module, not also
    one by one as Numba adds them;
  - a kernel that only kernels call is never compiled to machine code on
    its own (``CalleeLibrary``);
  - two front-end passes the kernels have no use for are left out
    (:data:`UNUSED_PASSES`).

None changes a result: each output is the same expression in every vector
lane. If a Numba release changes the compiler classes used here, the kernels
are compiled as plain ``numba.njit`` functions (and with Numba's own linking
if its code library changes).
"""
import numba as nb
from llvmlite import binding as llvm
from llvmlite import ir

#: The LLVM function attribute that the lowering pass of :func:`compiler` adds.
WIDE_VECTORS = '"prefer-vector-width"="512"'
#: How the symbols of this package's kernels begin: Numba mangles ``dtwpt._kernels.f``
#: as ``_ZN5dtwpt8_kernels...`` (see :class:`KernelLibrary <_compilers>`).
KERNEL_SYMBOLS = "_ZN5dtwpt8_kernels"
#: What :class:`KernelLibrary <_compilers>` uses of Numba's code library (private
#: names): a Numba without them finalizes kernels its own way.
_LIBRARY_NEEDS = ("_linking_libraries", "_reload_init", "_final_module", "_get_module_for_linking",
                  "_optimize_final_module", "_finalize_final_module", "_raise_if_finalized")
#: What :class:`CalleeLibrary <_compilers>` uses besides, of the library and
#: of Numba's code generator (private names): a Numba without them compiles
#: called kernels to machine code as well.
_CALLEE_NEEDS = ("_finalize_dynamic_globals", "_verify_declare_only_symbols", "_finalized")
_CODEGEN_NEEDS = ("_tm", "_create_empty_module", "_add_module", "_engine")
#: Passes of Numba's nopython pipeline that the kernels leave out: inlining
#: closures, and the rewrites after typing (whole-array arithmetic, indexing by
#: string literals). The kernels define no closures and use neither; each pass
#: cost a run of Numba's IR analysis over every kernel (0.3 s of the first
#: ``rmax_cmod`` call). Without them, a closure in a kernel still computes
#: right (Numba compiles it as a function), and whole-array arithmetic fails
#: to compile (it would need reference counting): no wrong result either way.
UNUSED_PASSES = ("InlineClosureLikes", "NopythonRewrites")
#: How the symbols of Numba's environment pointers begin.
ENV_SYMBOLS = "_ZN08NumbaEnv"


def _is_kernel(library):
    """Whether a Numba code library holds a dtwpt kernel (:data:`KERNEL_SYMBOLS`)."""
    return any(not f.is_declaration and f.name.startswith(KERNEL_SYMBOLS)
               for f in library._get_module_for_linking().functions)


def _compilers():
    """Numba compiler classes for outer and inner kernels (see :func:`compiler`),
    or ``(None, None)`` if this Numba lacks the classes they need."""
    try:
        from numba.core import lowering
        from numba.core.codegen import JITCodeLibrary
        from numba.core.compiler import CompilerBase, DefaultPassBuilder
        from numba.core.compiler_lock import require_global_compiler_lock
        from numba.core.compiler_machinery import register_pass
        from numba.core.typed_passes import NativeLowering
    except ImportError:
        return None, None

    class KernelLibrary(JITCodeLibrary):
        """Numba's code library of a kernel, except that the code of the kernels
        it calls is linked in after its own code is optimised, not before.

        Their code is optimised already: LLVM would optimise it again in every
        caller, and compile it to machine code there too. Linked after, it is
        compiled but not optimised again; the outputs are the same bit for bit
        (226 arrays of every transform and operator, 224² to 4096², both dtypes),
        and the first ``rmax_cmod`` call took 0.6 s less (of 5.1). Numba's own
        small functions (``min``, ``max``, reshaping) are still linked before,
        so that they are inlined: linked after, they were calls in the hot
        loops, and ``rmax_cmod`` ran three times slower.
        """

        def _optimize_functions(self, ll_module):
            # Numba optimises each function of a module as it is added (LLVM's
            # per-function pipeline at level 3), then the whole module at
            # level 3, which runs the same function passes again: only the
            # second is kept (0.45 s of the first ``rmax_cmod`` call; the
            # outputs, and the speed, are the same).
            ll_module.data_layout = self._codegen._data_layout

        def _link(self, libraries):
            for library in libraries:
                self._reload_init.update(library._reload_init)
                self._final_module.link_in(library._get_module_for_linking(), preserve=True)

        def finalize(self):
            if not all(hasattr(self, name) for name in _LIBRARY_NEEDS):
                return super().finalize()
            require_global_compiler_lock()
            self._codegen._check_llvm_bugs()
            self._raise_if_finalized()
            libraries = list(dict.fromkeys(self._linking_libraries))
            kernels = [library for library in libraries if _is_kernel(library)]
            self._link([library for library in libraries if library not in kernels])
            self._optimize_final_module()
            self._link(kernels)
            self._final_module.verify()
            self._finalize_final_module()

    class CalleeLibrary(KernelLibrary):
        """The code library of a kernel that only other kernels call (no Python
        or C wrapper): optimised, but never compiled to machine code on its
        own, since every caller compiles the copy it links (see
        :class:`KernelLibrary`). On first use this spares a second compilation
        of each called kernel (0.33 s of the first ``rmax_cmod`` call), and
        the process that compiles the kernels runs the same machine code as
        the later ones, which load it from the cache (before, its callers'
        calls went to the called kernels' own code, which LLVM compiled
        differently: ``rmax_cmod`` ran 9-16% slower in that process).

        Only the library's environment pointers (globals that Numba fills
        when it loads a function) are compiled and loaded: Numba's cache keeps
        a library as its object code, here theirs, and the LLVM code that
        callers link.
        """

        compiled = True  # whether it has machine code (a Numba without the needs)

        def _finalize_final_module(self):
            codegen = getattr(self, "_codegen", None)
            if not (all(hasattr(self, name) for name in _CALLEE_NEEDS)
                    and all(hasattr(codegen, name) for name in _CODEGEN_NEEDS)):
                return super()._finalize_final_module()
            self._finalize_dynamic_globals()
            self._verify_declare_only_symbols()
            envs = codegen._create_empty_module(self.name + ".env")
            for gv in self._final_module.global_variables:
                if not gv.is_declaration and gv.name.startswith(ENV_SYMBOLS):
                    env = ir.GlobalVariable(envs, ir.IntType(8).as_pointer(), name=gv.name)
                    env.linkage = "common"  # as Numba declares them
                    env.initializer = ir.Constant(env.type.pointee, None)
            envs = llvm.parse_assembly(str(envs))
            self._env_object = codegen._tm.emit_object(envs)
            codegen._add_module(envs)
            codegen._engine.finalize_object()
            self.compiled = False
            self._finalized = True

        def get_pointer_to_function(self, name):
            self._ensure_finalized()
            return super().get_pointer_to_function(name) if self.compiled else 0

        def serialize_using_object_code(self):
            self._ensure_finalized()
            if self.compiled:
                return super().serialize_using_object_code()
            return (self.name, "object",
                    (self._env_object, self._get_module_for_linking().as_bitcode()))

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
                if state.library is None:
                    callee = state.flags.no_cpython_wrapper and state.flags.no_cfunc_wrapper
                    library = CalleeLibrary if callee else KernelLibrary
                    state.library = library(state.targetctx.codegen(), state.func_id.func_qualname)
                    state.library.enable_object_caching()
                if noalias and hasattr(state.flags, "noalias"):
                    state.flags.noalias = True
                return super().run_pass(state)

        class KernelCompiler(CompilerBase):
            """Numba's nopython pipeline with :class:`KernelLowering`."""

            def define_pipelines(self):
                pm = DefaultPassBuilder.define_nopython_pipeline(self.state)
                pm.passes = [(KernelLowering if cls is NativeLowering else cls, what)
                             for cls, what in pm.passes if cls.__name__ not in UNUSED_PASSES]
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
