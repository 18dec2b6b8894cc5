"""The trained model artifact: one ``.tar.gz`` holding a manifest and the trained parts.

``artifact`` (writing, finding and loading models) is serving code and imports no torch;
``training`` builds models from a project and may import training code.
"""
