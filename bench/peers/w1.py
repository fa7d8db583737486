#!/usr/bin/env python3
"""Workload W1 of issue 6 in numpy, the way research code does it: a dense i.i.d. network
J = g N(0, 1) / sqrt(N), drawn once, and forward Euler x <- x + dt (-x + J @ tanh(x)) per step.

    OPENBLAS_NUM_THREADS=1 python3 bench/peers/w1.py '{"Ns": [1000, 2000, 4000], "steps": [20, 10, 5], "samples": 15}'

The argument (JSON, every key optional): Ns, steps (steps per timed sample, one per N), samples (timed samples
per configuration), dtypes ("float64", "float32"), g, dt, seed. For float32, J and x are float32 (J is the
float64 draw rounded once; dt stays a Python float, which numpy 2 keeps float32). Each sample times `steps`
steps with time.perf_counter after 2 warm-up steps; the median over samples, divided by steps, is the time
per step. Prints one JSON line: python and numpy versions, the BLAS numpy was built with, the thread
variables of the environment, and per (N, dtype) the median, minimum and all samples (ms per step).
"""
import json
import sys
import time

import numpy as np

from peer_env import peer_environment  # bench/peers/peer_env.py


def main():
    p = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    Ns = p.get("Ns", [1000, 2000, 4000])
    steps = p.get("steps", [10] * len(Ns))
    samples = int(p.get("samples", 15))
    dtypes = p.get("dtypes", ["float64", "float32"])
    g = float(p.get("g", 2.0))
    dt = float(p.get("dt", 0.1))
    seed = int(p.get("seed", 1))
    results = []
    for N, S in zip(Ns, steps):
        rng = np.random.default_rng(seed)
        J64 = (g / np.sqrt(N)) * rng.standard_normal((N, N))
        x0 = rng.standard_normal(N)
        for dtype in dtypes:
            J = J64.astype(dtype)
            x = x0.astype(dtype)
            for _ in range(2):
                x = x + dt * (-x + J @ np.tanh(x))
            t = []
            for _ in range(samples):
                t0 = time.perf_counter()
                for _ in range(S):
                    x = x + dt * (-x + J @ np.tanh(x))
                t.append((time.perf_counter() - t0) * 1e3 / S)
            assert x.dtype == np.dtype(dtype) and np.all(np.isfinite(x))
            results.append(
                {
                    "N": N,
                    "dtype": dtype,
                    "stepsPerSample": S,
                    "samples": samples,
                    "medianMsPerStep": float(np.median(t)),
                    "minMsPerStep": float(np.min(t)),
                    "msPerStep": [round(v, 5) for v in t],
                }
            )
            del J
    print(
        json.dumps(
            {
                **peer_environment(),
                "g": g,
                "dt": dt,
                "seed": seed,
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
