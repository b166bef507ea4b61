"""The model itself: presets (``presets``), where checkpoints live (``catalog``, no torch),
the device (``device``), building / loading / saving (``loading``) and the tokens a model sees
of a text (``inputs``)."""
