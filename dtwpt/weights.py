"""Load the first convolutional layer of a trained network, without a deep-learning framework.

:func:`load_first_layer` returns the kernels as an array of shape ``(L, C, k, k)``
(output channels, input channels, rows, columns: the OIHW layout of PyTorch),
ready for :func:`dtwpt.rmax_conv` and :mod:`dtwpt.kernel_analysis`. Kernels are
read as cross-correlation kernels, ``y_l[n] = sum_c sum_t x_c[n + t] V[l, c, t]``,
which is what every framework's ``Conv2d`` computes (``t = (row, column)``).

Formats, chosen by the file suffix:

==================================  ===================  ========================
suffix                              needs                layout
==================================  ===================  ========================
``.npy``                            NumPy                detected, or ``layout=``
``.npz``                            NumPy                detected, or ``layout=``
``.safetensors``                    ``safetensors``      detected, or ``layout=``
``.h5``, ``.hdf5``, ``.keras``      ``h5py``             HWIO (Keras)
``.onnx``                           ``onnx``             OIHW
``.pt``, ``.pth``                   ``torch``            OIHW
==================================  ===================  ========================

The optional packages come with ``pip install 'dtwpt[formats]'`` (torch is not
part of it: export the layer to ``.npy`` where torch is installed, see below).

Which array: in a file holding several arrays, ``key=`` names it (an ``.npz``
entry, a safetensors tensor, an HDF5 dataset path, an ONNX initializer, a
state-dict entry). Without ``key``, the 4-dimensional arrays are the
candidates, those named ``*weight`` or ``*kernel*`` first (not, say, optimizer
moments); ONNX files give the weight of their first ``Conv`` node, PyTorch
state dicts and Keras 2 HDF5 files (which list their layers) their first
candidate in network order; other containers their only candidate, and an
error listing the candidates if there are several.

Layouts: ``"OIHW"`` (PyTorch, ONNX) is ``(L, C, k, k)``; ``"HWIO"`` (Keras,
TensorFlow) is ``(k, k, C, L)``. Where the format does not fix it, the layout
is detected from the shape (the two spatial axes have the same size); a shape
that fits both, such as ``(3, 3, 3, 3)``, needs ``layout=``.

Exporting a torchvision first layer to ``.npy`` (where torch is installed)::

    python -c "import numpy, torchvision as tv; m = tv.models.alexnet(weights='DEFAULT'); \
    numpy.save('alexnet_conv1.npy', m.features[0].weight.detach().numpy())"
    python -c "import numpy, torchvision as tv; m = tv.models.resnet18(weights='DEFAULT'); \
    numpy.save('resnet18_conv1.npy', m.conv1.weight.detach().numpy())"

AlexNet's first layer is 64 kernels of 3 x 11 x 11 at stride 4 (``m = 4``),
ResNet's 64 kernels of 3 x 7 x 7 at stride 2 (``m = 2``); both are followed by
3 x 3 max pooling with stride 2 (``q = 1``).
"""
import io
import os
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["FORMATS", "LAYOUTS", "LayerInfo", "load_first_layer"]

#: Kernel layouts understood by :func:`load_first_layer`.
LAYOUTS = ("OIHW", "HWIO")

#: File suffix -> format name.
FORMATS = {".npy": "npy", ".npz": "npz", ".safetensors": "safetensors", ".h5": "hdf5",
           ".hdf5": "hdf5", ".keras": "keras", ".onnx": "onnx", ".pt": "torch",
           ".pth": "torch"}

# Layout fixed by the format (None: detected from the shape).
_FORMAT_LAYOUT = {"hdf5": "HWIO", "keras": "HWIO", "onnx": "OIHW", "torch": "OIHW"}
# Package needed by each optional format.
_PACKAGE = {"safetensors": "safetensors", "hdf5": "h5py", "keras": "h5py", "onnx": "onnx"}

_EXPORT_HINT = (
    "or export the layer to .npy where torch is installed: python -c \"import torch, numpy; "
    "numpy.save('conv1.npy', torch.load('{path}', map_location='cpu')['<key>'].numpy())\""
)


@dataclass(frozen=True)
class LayerInfo:
    """Where the kernels returned by :func:`load_first_layer` came from.

    Returned by ``load_first_layer(..., return_info=True)``; each parameter is
    kept as the attribute of the same name.

    Parameters
    ----------
    path : str
        The file.
    format : str
        One of the values of :data:`FORMATS`.
    key : str or None
        Name of the array inside the file (None for ``.npy``).
    layout : str
        Layout of the stored array, ``"OIHW"`` or ``"HWIO"``.
    shape : tuple of int
        Shape of the stored array.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "net.npz")
    >>> np.savez(path, conv1=np.zeros((64, 3, 7, 7), np.float32))
    >>> _, info = load_first_layer(path, return_info=True)
    >>> info.format, info.key, info.layout, info.shape
    ('npz', 'conv1', 'OIHW', (64, 3, 7, 7))
    """

    path: str
    format: str
    key: object
    layout: str
    shape: tuple

    def describe(self) -> dict[str, Any]:
        """JSON-serialisable dict of the attributes.

        Returns
        -------
        dict
            ``path``, ``format``, ``key``, ``layout`` and ``shape`` (a list).

        Examples
        --------
        >>> LayerInfo("w.npy", "npy", None, "OIHW", (64, 3, 11, 11)).describe()["shape"]
        [64, 3, 11, 11]
        """
        return {"path": self.path, "format": self.format, "key": self.key,
                "layout": self.layout, "shape": list(self.shape)}


# ----------------------------------------------------------------- readers
def _need(package, path, fmt):
    try:
        return __import__(package)
    except ImportError:
        raise ImportError(
            f"reading {os.path.basename(path)} ({fmt}) needs the '{package}' package: "
            "pip install 'dtwpt[formats]'") from None


# Each reader returns ``(arrays, ordered)``: name -> array, and whether the order
# of the names is the network's (so that the first convolution is the first layer).
def _read_npy(path):
    return {None: np.load(path, allow_pickle=False)}, True


def _read_npz(path):
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}, False


def _read_safetensors(path):
    _need("safetensors", path, "safetensors")
    from safetensors.numpy import load_file

    return load_file(path), False


def _h5_arrays(h5py, handle):
    found = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.ndim:
            found[name] = obj[()]

    handle.visititems(visit)
    return found


def _keras_layer_order(handle):
    """Group paths of the layers in network order, from Keras' ``layer_names`` attribute."""
    for group in (handle, handle.get("model_weights")):
        if group is not None and "layer_names" in group.attrs:
            prefix = group.name.strip("/")
            return [f"{prefix}/{n.decode() if isinstance(n, bytes) else n}".lstrip("/")
                    for n in group.attrs["layer_names"]]
    return None


def _read_hdf5(path):
    """Every dataset; in network order when the file lists its layers (Keras 2 files)."""
    h5py = _need("h5py", path, "hdf5")
    with h5py.File(path, "r") as handle:
        arrays, layers = _h5_arrays(h5py, handle), _keras_layer_order(handle)
    if layers is None:
        return arrays, False
    rank = {layer: i for i, layer in enumerate(layers)}

    def position(name):
        return min((rank[layer] for layer in rank if name.startswith(layer + "/")),
                   default=len(rank))

    return {name: arrays[name] for name in sorted(arrays, key=position)}, True


def _read_keras(path):
    """A Keras 3 ``.keras`` file: a zip archive holding ``model.weights.h5``."""
    h5py = _need("h5py", path, "keras")
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.endswith(".h5")]
        if not names:
            raise ValueError(f"{path} holds no .h5 weights file (found {archive.namelist()})")
        payload = io.BytesIO(archive.read(names[0]))
    with h5py.File(payload, "r") as handle:
        return _h5_arrays(h5py, handle), False


def _read_onnx(path):
    """Initializers, the weight of the first ``Conv`` node first."""
    onnx = _need("onnx", path, "onnx")
    from onnx import numpy_helper

    graph = onnx.load(path).graph
    arrays = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    first = [node.input[1] for node in graph.node
             if node.op_type == "Conv" and len(node.input) > 1 and node.input[1] in arrays]
    if first:  # put it in front so that it is the default
        arrays = {first[0]: arrays[first[0]], **arrays}
    return arrays, True


def _read_torch(path):
    try:
        import torch
    except ImportError:
        raise ImportError(
            f"reading {os.path.basename(path)} needs PyTorch (pip install torch), "
            + _EXPORT_HINT.format(path=os.path.basename(path))) from None
    state = torch.load(path, map_location="cpu", weights_only=True)
    for wrapper in ("state_dict", "model", "model_state_dict"):
        if isinstance(state, dict) and isinstance(state.get(wrapper), dict):
            state = state[wrapper]
    if hasattr(state, "detach"):  # a bare tensor
        return {None: state.detach().numpy()}, True
    if not isinstance(state, dict):
        raise TypeError(f"{path} holds a {type(state).__name__}, not a state dict "
                         "or a tensor; save model.state_dict() instead")
    return {name: t.detach().float().numpy() if t.dtype == torch.bfloat16 else t.numpy()
            for name, t in state.items() if hasattr(t, "detach")}, True


_READERS = {"npy": _read_npy, "npz": _read_npz, "safetensors": _read_safetensors,
            "hdf5": _read_hdf5, "keras": _read_keras, "onnx": _read_onnx,
            "torch": _read_torch}


# ----------------------------------------------------------------- choosing and checking
def _shapes(arrays):
    return ", ".join(f"{name!r} {tuple(np.shape(a))}" for name, a in arrays.items())


def _choose(arrays, ordered, key, path):
    """``(key, array)`` of the requested or the default first-layer array."""
    if key is not None:
        if key not in arrays:
            raise KeyError(f"no array named {key!r} in {path}; it holds {_shapes(arrays)}")
        return key, arrays[key]
    if None in arrays:
        return None, arrays[None]
    conv = {name: a for name, a in arrays.items() if np.ndim(a) == 4}
    # Convolution weights are called "*weight" (PyTorch, safetensors) or "*kernel*" (Keras):
    # prefer them to other 4-D arrays (e.g. optimizer moments).
    conv = {name: a for name, a in conv.items()
            if name.endswith("weight") or "kernel" in name} or conv
    if not conv:
        raise ValueError(f"{path} holds no 4-dimensional (convolution) array: "
                         f"{_shapes(arrays) or 'nothing'}")
    if len(conv) > 1 and not ordered:
        raise ValueError(f"{path} holds {len(conv)} 4-dimensional arrays ({_shapes(conv)}); "
                         "choose one with key=")
    name = next(iter(conv))
    return name, conv[name]


def _detect_layout(shape, where):
    oihw, hwio = shape[2] == shape[3], shape[0] == shape[1]
    if oihw and not hwio:
        return "OIHW"
    if hwio and not oihw:
        return "HWIO"
    if oihw and hwio:
        raise ValueError(f"{where} has shape {shape}, which fits both layouts; "
                         "pass layout='OIHW' (L, C, k, k) or layout='HWIO' (k, k, C, L)")
    raise ValueError(f"{where} has shape {shape}: no pair of axes holds square kernels, "
                     "so it is not a 2D convolution layer in layout 'OIHW' (L, C, k, k) or "
                     "'HWIO' (k, k, C, L)")


def _to_oihw(array, layout, where):
    shape = array.shape
    spatial = shape[2:] if layout == "OIHW" else shape[:2]
    if spatial[0] != spatial[1]:
        raise ValueError(f"{where} has shape {shape}: in layout {layout!r} its kernels "
                         f"would be {spatial[0]} x {spatial[1]}, but square kernels are "
                         "needed; check layout=")
    return array if layout == "OIHW" else array.transpose(3, 2, 0, 1)


def _check_array(array, where):
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{where} has dtype {array.dtype}; a convolution layer holds real "
                        "numbers")
    if array.ndim != 4:
        raise ValueError(f"{where} has shape {array.shape} ({array.ndim} dimensions); a 2D "
                         "convolution layer has 4: (L, C, k, k) or (k, k, C, L)")
    if 0 in array.shape:
        raise ValueError(f"{where} is empty (shape {array.shape})")
    bad = np.count_nonzero(~np.isfinite(array))
    if bad:
        raise ValueError(f"{where} holds {bad} NaN or infinite value(s) out of {array.size}")
    return array.astype(np.float32 if array.dtype == np.float32 else np.float64, copy=False)


def load_first_layer(path: str | os.PathLike, *, key: str | None = None,
                     layout: str | None = None,
                     return_info: bool = False) -> np.ndarray | tuple[np.ndarray, LayerInfo]:
    """Kernels of a convolution layer stored in a file, as ``(L, C, k, k)``.

    Parameters
    ----------
    path : str or os.PathLike
        ``.npy``, ``.npz``, ``.safetensors``, ``.h5``/``.hdf5``/``.keras``,
        ``.onnx`` or ``.pt``/``.pth`` file (see the module documentation).
    key : str, keyword-only, optional
        Name of the array inside the file; by default the first layer (see
        the module documentation).
    layout : {"OIHW", "HWIO"}, keyword-only, optional
        Layout of the stored array; by default fixed by the format or
        detected from the shape.
    return_info : bool, keyword-only, optional
        Also return a :class:`LayerInfo`.

    Returns
    -------
    weights : ndarray, shape (L, C, k, k)
        The kernels, float32 if stored as float32, float64 otherwise; a copy.
    info : LayerInfo
        Only with ``return_info=True``.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike, or ``key`` is neither None nor a
        str; if the chosen array does not hold real numbers (e.g. complex, string
        or object dtype); if a ``.pt``/``.pth`` file holds neither a state dict nor
        a tensor.
    ValueError
        For an unknown suffix or layout, an array that is not a 2D convolution
        layer (rank other than 4, non-square kernels, NaN or infinite values),
        an ambiguous file or layout. Also for a file that cannot be read in its
        format (corrupt or truncated data, a ``.keras`` archive without ``.h5``
        weights), an empty array, or a file holding no 4-dimensional array.
    FileNotFoundError
        If ``path`` does not exist or is not a regular file (a folder, say).
    KeyError
        If ``key`` names no array of the file.
    ImportError
        If the format needs a package that is not installed (the message says
        what to install).

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> hwio = np.zeros((7, 7, 3, 64), np.float32)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     np.save(os.path.join(tmp, "conv1.npy"), hwio)
    ...     w, info = load_first_layer(os.path.join(tmp, "conv1.npy"), return_info=True)
    >>> w.shape, w.dtype, info.layout
    ((64, 3, 7, 7), dtype('float32'), 'HWIO')
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or os.PathLike), got {path!r}")
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in FORMATS:
        raise ValueError(f"unknown weights file suffix {suffix!r} of {path}; "
                         f"expected one of {sorted(FORMATS)}")
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if key is not None and not isinstance(key, str):
        raise TypeError(f"key must be a string, got {key!r}")
    fmt = FORMATS[suffix]
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such weights file: {path}")
    try:
        arrays, ordered = _READERS[fmt](path)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"cannot read {path} as {fmt}: {error}") from None
    name, array = _choose(arrays, ordered, key, path)
    where = f"{path}" if name is None else f"array {name!r} of {path}"
    array = _check_array(array, where)
    layout = layout or _FORMAT_LAYOUT.get(fmt) or _detect_layout(array.shape, where)
    weights = np.array(_to_oihw(array, layout, where), order="C")
    if not return_info:
        return weights
    return weights, LayerInfo(path, fmt, name, layout, tuple(array.shape))
