"""Export trained weights to int8 ONNX files that saywho ships and runs with ONNX Runtime.

    python training/export_onnx.py --encoder DIR --weights DIR --model stance|attribution --out FILE

Dynamic int8 quantization of the matrix products and the embedding table keeps
a MiniLM model near a quarter of its fp32 size; the script checks that the
quantized model agrees with the trained one on real inputs before writing it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic

from saywho.neural.pair_encoding import TargetInText, encode_pairs, load_tokenizer
from saywho.neural.token_windows import load_plain_tokenizer, tokenize, windows
from training.attribution import SpanTagger
from training.common import load_encoder, load_weights
from training.q4_embeddings import move_table_out, swap_in_q4
from training.stance import StanceClassifier
from training.unsigned_weights import unsigned

SAMPLE = (
    "The Kremlin claims to have no favorite in the race between Kamala Harris and Donald Trump. "
    "Sergei Lavrov said the Trump administration had adopted the most anti-Russian sanctions, "
    "while Putin welcomed the sincerity of Donald Trump."
)
# The frozen e5 word table, once for every model over it (training/q4_embeddings.py).
SHARED_TABLE = "e5-words.bin"


def build(kind: str, encoder_dir: Path, weights_dir: Path) -> torch.nn.Module:
    """The trained model: the base encoder's weights, then the trained ones over them
    (a model trained with a frozen table, like the e5 stance model, keeps the base's)."""
    encoder = load_encoder(encoder_dir)
    model: torch.nn.Module
    if kind == "stance":
        model = StanceClassifier(encoder, encoder.config.hidden_size)
    else:
        model = SpanTagger(encoder, encoder.config.hidden_size)
    model.load_state_dict(load_weights(weights_dir, kind), strict=False)
    return model.eval()


def sample_inputs(kind: str, encoder_dir: Path) -> dict[str, np.ndarray]:
    if kind == "stance":
        tokenizer = load_tokenizer(str(encoder_dir / "tokenizer.json"))
        start = SAMPLE.index("Donald Trump")
        items = [TargetInText(SAMPLE, start, start + 12), TargetInText(SAMPLE, 0, 11)]
        encoded = encode_pairs(tokenizer, items)
        return {
            "input_ids": encoded.input_ids,
            "attention_mask": encoded.attention_mask,
            "token_type_ids": encoded.token_type_ids,
            "target_mask": encoded.target_mask,
        }
    batch = next(
        windows(tokenize(load_plain_tokenizer(str(encoder_dir / "tokenizer.json")), SAMPLE), 8)
    )
    return {
        "input_ids": batch.input_ids,
        "attention_mask": batch.attention_mask,
        "token_type_ids": batch.token_type_ids,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoder", type=Path, required=True)
    parser.add_argument("--weights", type=Path, required=True)
    parser.add_argument("--model", choices=("stance", "attribution"), required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--per-channel", action="store_true", help="int8 scales per output channel")
    parser.add_argument(
        "--q4-embeddings", type=Path, help="word-q4.npz of a frozen 4-bit table (e5_encoder.py)"
    )
    parser.add_argument(
        "--share-table",
        action="store_true",
        help=f"keep the 4-bit table in {SHARED_TABLE} beside --out, shared by the models over it",
    )
    args = parser.parse_args()
    if args.share_table and not args.q4_embeddings:
        parser.error("--share-table moves the 4-bit table out: it needs --q4-embeddings")
    q4 = dict(np.load(args.q4_embeddings)) if args.q4_embeddings else None
    model = build(args.model, args.encoder, args.weights)
    inputs = sample_inputs(args.model, args.encoder)
    names = list(inputs)
    dynamic = {name: {0: "batch", 1: "tokens"} for name in names}
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "model.onnx"
        torch.onnx.export(
            model,
            tuple(torch.from_numpy(inputs[name]) for name in names),
            str(fp32),
            input_names=names,
            output_names=["logits"],
            dynamic_axes={
                **dynamic,
                "logits": {0: "batch", 1: "tokens"} if args.model != "stance" else {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        args.out.parent.mkdir(parents=True, exist_ok=True)
        quantize_dynamic(
            str(fp32),
            str(args.out),
            weight_type=QInt8,
            op_types_to_quantize=["MatMul"] if q4 else ["MatMul", "Gather"],
            per_channel=args.per_channel,
        )
        # The same numbers on every x86 CPU: uint8 weights (training/unsigned_weights.py).
        quantized = onnx.load(str(args.out))
        unsigned(quantized)
        if q4 is not None:
            swap_in_q4(quantized, q4["nibbles"], q4["scales"])
            if args.share_table:
                move_table_out(quantized, args.out.parent / SHARED_TABLE)
        onnx.save(quantized, str(args.out))
    with torch.no_grad():
        expected = model(*(torch.from_numpy(inputs[n]) for n in names)).numpy()
    session = onnxruntime.InferenceSession(str(args.out), providers=["CPUExecutionProvider"])
    got = session.run(["logits"], inputs)[0]
    agree = float((expected.argmax(-1) == got.argmax(-1)).mean())
    print(
        f"{args.out}: {args.out.stat().st_size / 2**20:.1f} MiB, argmax agreement {agree:.3f}, "
        f"max |diff| {np.abs(expected - got).max():.3f}"
    )


QInt8 = QuantType.QInt8

if __name__ == "__main__":
    main()
