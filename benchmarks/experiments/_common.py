"""Shared helpers of the experiments: load the generator, make an instance."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]


def load_generator():
    name = "bench_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def params_for(size: str, seed: int = 0):
    from stockpile.data.params import build_params

    return build_params(load_generator().generate(size, seed))
