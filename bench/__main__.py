"""Run every benchmark and print one JSON report: ``python -m bench [name ...]``."""

from __future__ import annotations

import importlib
import json
import platform
import sys

import torch

from models.model.device import device_label, pick_device

BENCHMARKS = [
    "foundation",
    "tokenization",
    "transformer",
    "next_token",
    "redraw",
    "training",
    "preference",
    "cold_start",
    "load",
    "load_rankings",
    "demos",
    "class_faults",
]


def main(names: list[str]) -> None:
    report = {
        "machine": {
            "platform": platform.platform(),
            "cpu_threads": torch.get_num_threads(),
            "device": device_label(pick_device()),
            "torch": torch.__version__,
        }
    }
    for name in names or BENCHMARKS:
        report[name] = importlib.import_module(f"bench.{name}").run()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
