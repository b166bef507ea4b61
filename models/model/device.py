"""Pick the device to compute on: CUDA, then Apple's MPS, then the CPU."""

from __future__ import annotations

import torch


def pick_device(force_cpu: bool = False) -> torch.device:
    """The best available device, or the CPU when ``force_cpu`` is set."""
    if not force_cpu and torch.cuda.is_available():
        return torch.device("cuda")
    if not force_cpu and getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def device_label(device: torch.device | str) -> str:
    """A human label: 'CPU', 'CUDA (NVIDIA H100 …)', 'MPS'."""
    device = torch.device(device)
    if device.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(device)})"
    return device.type.upper()
