"""Small transformer models run with ONNX Runtime: encodings shared by training and inference.

Nothing here imports spaCy or torch: the training scripts (``training/``) and
the runtime use the same input encoding, so what was trained is what runs.
"""
