"""ONNX Runtime sessions for the models saywho ships in ``saywho/data/models``.

One thread per session by default: saywho scales by processes (``--workers``),
and a core per process is what the speed figures are measured on. Set
SAYWHO_THREADS to give one process more.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import onnxruntime

from saywho.model import ConfigError

MODELS = "data/models"
TOKENIZER = "tokenizer.json"  # MiniLM's WordPiece vocabulary (English)
E5_TOKENIZER = "tokenizer-e5.json.gz"  # multilingual-e5's SentencePiece vocabulary


def model_path(file_name: str) -> Path:
    """A shipped model file, or a path the user gave."""
    given = Path(file_name)
    if given.is_file():
        return given
    shipped = Path(str(resources.files("saywho").joinpath(f"{MODELS}/{file_name}")))
    if not shipped.is_file():
        raise ConfigError(f"model file {file_name!r} not found (shipped models: {MODELS}/)")
    return shipped


@cache
def session(file_name: str) -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    threads = int(os.environ.get("SAYWHO_THREADS", "1"))
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(
        str(model_path(file_name)), options, providers=["CPUExecutionProvider"]
    )


def run(file_name: str, inputs: dict[str, np.ndarray]) -> np.ndarray:
    """The model's ``logits`` output for a batch."""
    outputs = session(file_name).run(["logits"], inputs)
    return np.asarray(outputs[0], dtype=np.float32)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)  # type: ignore[no-any-return]
