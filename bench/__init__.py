"""Benchmarks: each module has ``run() -> dict`` of figures; ``python -m bench`` prints them as JSON."""
