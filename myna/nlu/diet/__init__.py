"""DIET (Dual Intent and Entity Transformer): torch training and export, ONNX serving.

Serving-safe modules (no torch): config, data, bilou, crf, runtime.
Training modules (torch): layers, losses, torch_crf, model, trainer, export.
"""
