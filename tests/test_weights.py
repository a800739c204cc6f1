"""Loading first-layer weights: formats, layouts, and clear errors for bad files."""
import sys
import zipfile

import numpy as np
import pytest
from _gabor import THETAS, gabor_bank

from dtwpt.kernel_analysis import gabor_likeness
from dtwpt.weights import load_first_layer

OIHW = gabor_bank(THETAS, 3.0, 11).astype(np.float32)  # (6, 3, 11, 11)
HWIO = OIHW.transpose(2, 3, 1, 0)                       # (11, 11, 3, 6)


def check_loaded(weights, info=None, layout=None):
    assert weights.shape == OIHW.shape and weights.dtype == np.float32
    np.testing.assert_array_equal(weights, OIHW)
    if info is not None:
        assert info.layout == layout and info.shape == (OIHW.shape if layout == "OIHW"
                                                        else HWIO.shape)


@pytest.mark.parametrize("layout, array", [("OIHW", OIHW), ("HWIO", HWIO)])
def test_npy_layout_detected(tmp_path, layout, array):
    np.save(tmp_path / "w.npy", array)
    check_loaded(*load_first_layer(tmp_path / "w.npy", return_info=True), layout)


def test_npz_key_and_ambiguity(tmp_path):
    np.savez(tmp_path / "w.npz", conv1=HWIO, conv2=np.zeros((5, 5, 6, 8), np.float32),
             bias=np.zeros(6))
    with pytest.raises(ValueError, match=r"2 4-dimensional arrays .*'conv1' \(11, 11, 3, 6\)"
                                         r".*key="):
        load_first_layer(tmp_path / "w.npz")
    weights, info = load_first_layer(tmp_path / "w.npz", key="conv1", return_info=True)
    check_loaded(weights, info, "HWIO")
    assert info.key == "conv1" and info.format == "npz"
    with pytest.raises(KeyError, match=r"no array named 'conv9' .*'bias' \(6,\)"):
        load_first_layer(tmp_path / "w.npz", key="conv9")
    np.savez(tmp_path / "one.npz", bias=np.zeros(6), weight=OIHW)
    check_loaded(load_first_layer(tmp_path / "one.npz"))


def test_ambiguous_layout_needs_layout(tmp_path):
    cube = np.random.default_rng(0).standard_normal((3, 3, 3, 3))
    np.save(tmp_path / "cube.npy", cube)
    with pytest.raises(ValueError, match=r"fits both layouts; pass layout='OIHW'"):
        load_first_layer(tmp_path / "cube.npy")
    np.testing.assert_array_equal(load_first_layer(tmp_path / "cube.npy", layout="OIHW"), cube)
    np.testing.assert_array_equal(load_first_layer(tmp_path / "cube.npy", layout="HWIO"),
                                  cube.transpose(3, 2, 0, 1))
    with pytest.raises(ValueError, match="layout must be one of"):
        load_first_layer(tmp_path / "cube.npy", layout="NCHW")


@pytest.mark.parametrize("array, match", [
    (np.zeros((64, 3, 7)), r"shape \(64, 3, 7\) \(3 dimensions\); a 2D convolution layer has 4"),
    (np.zeros((64, 3, 7, 5)), r"no pair of axes holds square kernels"),
    (np.full((4, 3, 5, 5), np.nan), r"holds 300 NaN or infinite value\(s\) out of 300"),
    (np.zeros((0, 3, 5, 5)), r"is empty"),
])
def test_bad_arrays(tmp_path, array, match):
    np.save(tmp_path / "bad.npy", array)
    with pytest.raises(ValueError, match=match):
        load_first_layer(tmp_path / "bad.npy")


def test_bad_files(tmp_path):
    (tmp_path / "w.txt").write_text("0")
    with pytest.raises(ValueError, match=r"unknown weights file suffix '.txt'"):
        load_first_layer(tmp_path / "w.txt")
    (tmp_path / "broken.npy").write_bytes(b"not an array")
    with pytest.raises(ValueError, match=r"cannot read .*broken.npy as npy"):
        load_first_layer(tmp_path / "broken.npy")
    with pytest.raises(FileNotFoundError, match="no such weights file"):
        load_first_layer(tmp_path / "missing.npy")
    np.save(tmp_path / "text.npy", np.array(["a", "b"]))
    with pytest.raises(TypeError, match="dtype <U1"):
        load_first_layer(tmp_path / "text.npy")
    np.savez(tmp_path / "dense.npz", kernel=np.zeros((128, 10)))
    with pytest.raises(ValueError, match=r"no 4-dimensional \(convolution\) array: 'kernel'"):
        load_first_layer(tmp_path / "dense.npz")


def test_safetensors(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    st.save_file({"conv1.weight": OIHW, "fc.weight": np.zeros((10, 4), np.float32)},
                 str(tmp_path / "w.safetensors"))
    check_loaded(*load_first_layer(tmp_path / "w.safetensors", return_info=True), "OIHW")
    st.save_file({"kernel": np.ascontiguousarray(HWIO)}, str(tmp_path / "k.safetensors"))
    check_loaded(load_first_layer(tmp_path / "k.safetensors"))


def test_keras_hdf5_and_keras3(tmp_path):
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "model.h5", "w") as f:
        f["model_weights/conv1/conv1/kernel:0"] = HWIO
        f["model_weights/conv1/conv1/bias:0"] = np.zeros(6, np.float32)
        f["model_weights/dense/dense/kernel:0"] = np.zeros((100, 10), np.float32)
    weights, info = load_first_layer(tmp_path / "model.h5", return_info=True)
    check_loaded(weights, info, "HWIO")
    assert info.key == "model_weights/conv1/conv1/kernel:0"
    # A Keras 2 file lists its layers in network order: its first conv kernel is the
    # first layer, though a later layer's kernel and an optimizer moment sort before it.
    with h5py.File(tmp_path / "net.h5", "w") as f:
        f["model_weights/block/block/kernel:0"] = np.zeros((3, 3, 6, 8), np.float32)
        f["model_weights/stem/stem/kernel:0"] = HWIO
        f["model_weights"].attrs["layer_names"] = [b"stem", b"block"]
        f["a_optimizer/stem/kernel/m:0"] = np.zeros_like(HWIO)
    weights, info = load_first_layer(tmp_path / "net.h5", return_info=True)
    check_loaded(weights, info, "HWIO")
    assert info.key == "model_weights/stem/stem/kernel:0"
    with h5py.File(tmp_path / "model.weights.h5", "w") as f:
        f["layers/conv2d/vars/0"] = HWIO
    with zipfile.ZipFile(tmp_path / "model.keras", "w") as z:
        z.write(tmp_path / "model.weights.h5", "model.weights.h5")
        z.writestr("config.json", "{}")
    check_loaded(load_first_layer(tmp_path / "model.keras"))


def test_onnx_first_conv(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    later = np.zeros((8, 6, 3, 3), np.float32)
    nodes = [helper.make_node("Conv", ["x", "conv1_w"], ["h"], strides=[4, 4]),
             helper.make_node("Conv", ["h", "conv2_w"], ["y"])]
    graph = helper.make_graph(
        nodes, "net", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 64, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=[numpy_helper.from_array(later, "conv2_w"),
                     numpy_helper.from_array(OIHW, "conv1_w")])
    onnx.save(helper.make_model(graph), str(tmp_path / "net.onnx"))
    weights, info = load_first_layer(tmp_path / "net.onnx", return_info=True)
    check_loaded(weights, info, "OIHW")
    assert info.key == "conv1_w"
    assert load_first_layer(tmp_path / "net.onnx", key="conv2_w").shape == (8, 6, 3, 3)


def test_torch_missing_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch -> ImportError
    (tmp_path / "resnet.pth").write_bytes(b"\x80\x02")
    with pytest.raises(ImportError, match=r"needs PyTorch \(pip install torch\), or export "
                                          r"the layer to .npy .*numpy.save\("):
        load_first_layer(tmp_path / "resnet.pth")


def _write(fmt, path):
    """Write the HWIO bank in ``fmt``; returns the file."""
    if fmt == "npz":
        np.savez(path / "w.npz", w=HWIO)
        return path / "w.npz"
    if fmt == "npy":
        np.save(path / "w.npy", OIHW)
        return path / "w.npy"
    if fmt == "safetensors":
        pytest.importorskip("safetensors.numpy").save_file(
            {"w": np.ascontiguousarray(HWIO)}, str(path / "w.safetensors"))
        return path / "w.safetensors"
    with pytest.importorskip("h5py").File(path / "w.h5", "w") as f:
        f["conv/kernel:0"] = HWIO
    return path / "w.h5"


@pytest.mark.parametrize("fmt", ["npz", "npy", "safetensors", "hdf5"])
def test_loaded_kernels_keep_their_frequency(tmp_path, fmt):
    """Written in a file (either layout), read back OIHW: theta within half a J = 3 tile."""
    _, theta = gabor_likeness(load_first_layer(_write(fmt, tmp_path)), np.pi / 2)
    assert np.abs(theta - np.array(THETAS)).max() < np.pi / 16


def test_missing_optional_package(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    (tmp_path / "model.h5").write_bytes(b"")
    with pytest.raises(ImportError, match=r"needs the 'h5py' package: pip install "
                                          r"'dtwpt\[formats\]'"):
        load_first_layer(tmp_path / "model.h5")


class _FakeTensor:
    """Just enough of a torch tensor for the state-dict reader."""

    dtype = "float32"

    def __init__(self, array):
        self.array = array

    def detach(self):
        return self

    def numpy(self):
        return self.array


def test_torch_state_dict_first_conv_weight(tmp_path, monkeypatch):
    """With torch importable: the first 4-D '*weight' of the (possibly wrapped) state dict."""
    import types

    state = {"conv1.weight": _FakeTensor(OIHW), "bn1.weight": _FakeTensor(np.ones(6)),
             "layer1.0.conv1.weight": _FakeTensor(np.zeros((6, 6, 3, 3), np.float32))}
    fake = types.SimpleNamespace(bfloat16="bfloat16",
                                 load=lambda path, **kw: {"state_dict": state})
    monkeypatch.setitem(sys.modules, "torch", fake)
    (tmp_path / "resnet.pth").write_bytes(b"")
    weights, info = load_first_layer(tmp_path / "resnet.pth", return_info=True)
    check_loaded(weights, info, "OIHW")
    assert info.key == "conv1.weight"
    deeper = load_first_layer(tmp_path / "resnet.pth", key="layer1.0.conv1.weight")
    assert deeper.shape == (6, 6, 3, 3)
