"""Re-encode a dynamically quantized ONNX model's int8 MatMul weights as uint8, losslessly.

    python training/unsigned_weights.py src/saywho/data/models/*.onnx

``quantize_dynamic(weight_type=QInt8)`` gives MatMulInteger nodes with uint8
activations and int8 weights (U8S8). On x86 CPUs without VNNI (AVX2 only, such as
many AMD EPYC hosts) onnxruntime computes U8S8 with VPMADDUBSW, whose 16-bit sums
of two products saturate: the same model gave other spans there than on a VNNI
machine (the seed page lost a required statement's quoted words, a watch test
counted one alert less, German quote F1 on test moved by 1.5 points). U8U8 has no
such kernel: with each weight w stored as w + 128 and its zero point z as z + 128,
every product (a - za)(w - z) is the same integer, so each MatMul is the exact
integer result on every CPU, as VNNI computes it, from the very weights that were
trained and measured. Re-quantizing to 7 bits (onnxruntime's ``reduce_range``) also
avoids saturation and keeps the faster kernel, but it changed the model: the seed
page lost the same statement (docs/decisions.md). Needs the ``onnx`` package (the
training environment has it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

SHIFT = 128


def unsigned(model: onnx.ModelProto) -> int:
    """Rewrite the model in place; the number of weight tensors re-encoded."""
    initializers = {tensor.name: tensor for tensor in model.graph.initializer}
    shifted: set[str] = set()  # a tensor two nodes share is re-encoded once
    count = 0
    for node in model.graph.node:
        name = node.input[1] if node.op_type == "MatMulInteger" else ""
        weights = initializers.get(name)
        if weights is None or name in shifted or weights.data_type != TensorProto.INT8:
            continue
        zero_point = node.input[3] if len(node.input) > 3 else ""
        if not zero_point:
            raise ValueError(f"{name}: int8 weights without a zero point are not handled")
        for tensor_name in (name, zero_point):
            if tensor_name not in shifted:
                _shift(initializers[tensor_name])
                shifted.add(tensor_name)
        count += 1
    return count


def _shift(tensor: TensorProto) -> None:
    values = numpy_helper.to_array(tensor).astype(np.int16) + SHIFT
    tensor.CopyFrom(numpy_helper.from_array(values.astype(np.uint8), tensor.name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.models:
        model = onnx.load(str(path))
        count = unsigned(model)
        onnx.save(model, str(path))
        print(f"{path}: {count} MatMul weight tensors now uint8", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
