#!/usr/bin/env python3
"""Workload W2 of issue 6 in numpy, the way research code does it: a multiregion network (spec 02) with P
regions of N units, tanh, shared random matrix chi (entries N(0, 1/N)) with one permutation pi_a per region
(J^a = g_a chi Pi_a, spec 02 section 1.4), one rank-one loop m^{ab} n^{ab}T / N per ordered pair of regions,
and forward Euler per step (spec 02 section 1.5):

    r^a = tanh(x^a);  p^{ab} = n^{ab} . r^b / N;
    x^a <- x^a + dt (-x^a + g_a chi r^a[pi_a] + sum_b m^{ab} p^{ab});  S <- S + dt (-S + p)

Two ways of forming the random input, both timed:
  "matvec": one matrix-vector product per region, chi @ r^a[pi_a] (chi is read P times per step);
  "matmul": one matrix product chi @ [r^0[pi_0], ..., r^{P-1}[pi_{P-1}]] (N x P), as spec 02 section 1.4
            describes the reference simulations (chi is read once, by BLAS gemm).

    OPENBLAS_NUM_THREADS=1 python3 bench/peers/w2.py '{"Ns": [2000, 8000], "steps": [10, 2], "samples": 15}'

The argument (JSON, every key optional): Ns, steps (steps per timed sample, one per N), samples, dtypes
("float64", "float32"), variants ("matvec", "matmul"), P, g, c (the symmetric interactions c[a][b]:
T[a][b][c'] = delta_{a c'} c[a][b]), S0, sigma0, dt, seed. The vectors are drawn per region b from the
Gaussian of spec 02 section 1.3 (covariance [[sigma_b^2 I, t^b], [t^bT, I]], t^b[a][c'] = T[a][b][c'], sigma_b
from 1 up by factors 1.05 until positive semidefinite, symmetric square root). For float32 every array is
float32 (drawn in float64, rounded once). Each sample times `steps` steps with time.perf_counter (and
time.process_time) after 2 warm-up steps. Prints one JSON line: versions, BLAS, the thread variables, the
peak resident memory, and per (N, dtype, variant) the median and minimum wall ms per step, the median CPU ms
per step and all samples.

With {"check": {...}} it instead reads a network that dmftlab built (chi, perm, n, m, x0 as raw little-endian
files; see bench/w2.ts) and runs K float64 Euler steps with both variants, printing the largest difference
from dmftlab's state after the same steps: the check that this peer integrates the same equations.
"""
import json
import os
import resource
import sys
import time

import numpy as np

from peer_env import peer_environment  # bench/peers/peer_env.py


def draw_vectors(rng, P, N, c):
    """n[a, b] = n^{ab} (in region b), m[a, b] = m^{ab} (in region a), spec 02 section 1.3, U = I."""
    n = np.empty((P, P, N))
    m = np.empty((P, P, N))
    sigmas = []
    for b in range(P):
        t = np.diag([c[a][b] for a in range(P)])  # t^b[a][c'] = T[a][b][c'] = delta_{a c'} c[a][b]
        s = 1.0
        while True:
            cov = np.block([[s * s * np.eye(P), t], [t.T, np.eye(P)]])
            w, V = np.linalg.eigh(cov)
            if w.min() >= -1e-10 * w.max():
                break
            s *= 1.05
        sigmas.append(s)
        root = (V * np.sqrt(np.clip(w, 0, None))) @ V.T
        z = root @ rng.standard_normal((2 * P, N))
        n[:, b, :] = z[:P]
        m[b, :, :] = z[P:]
    return n, m, sigmas


def make_step(variant, chi, perm, n, m, g, dt):
    P, _, N = n.shape

    def step(x, S):
        r = np.tanh(x)
        p = np.empty((P, P), dtype=x.dtype)
        for a in range(P):
            for b in range(P):
                p[a, b] = n[a, b] @ r[b] / N
        xn = np.empty_like(x)
        if variant == "matvec":
            for a in range(P):
                rec = g[a] * (chi @ r[a][perm[a]])
                xn[a] = x[a] + dt * (-x[a] + rec + m[a].T @ p[a])
        else:
            R = np.stack([r[a][perm[a]] for a in range(P)], axis=1)
            Y = chi @ R
            for a in range(P):
                xn[a] = x[a] + dt * (-x[a] + g[a] * Y[:, a] + m[a].T @ p[a])
        S = S + dt * (-S + p)
        return xn, S

    return step


def check(c):
    """Run dmftlab's network for K steps in float64 with both variants; compare with dmftlab's x."""
    P, N, K = c["P"], c["N"], c["steps"]
    d = c["dir"]
    chi = np.fromfile(os.path.join(d, "chi.f64"), dtype="<f8").reshape(N, N)
    perm = np.fromfile(os.path.join(d, "perm.i32"), dtype="<i4").reshape(P, N)
    n = np.fromfile(os.path.join(d, "n.f64"), dtype="<f8").reshape(P, P, N)
    m = np.fromfile(os.path.join(d, "m.f64"), dtype="<f8").reshape(P, P, N)
    x0 = np.fromfile(os.path.join(d, "x0.f64"), dtype="<f8").reshape(P, N)
    xref = np.fromfile(os.path.join(d, "x.f64"), dtype="<f8").reshape(P, N)
    out = {}
    for variant in ("matvec", "matmul"):
        step = make_step(variant, chi, perm, n, m, [float(v) for v in c["g"]], float(c["dt"]))
        x, S = x0.copy(), np.zeros((P, P))
        for _ in range(K):
            x, S = step(x, S)
        out[variant] = float(np.max(np.abs(x - xref)))
    print(json.dumps({"maxAbsDiff": out, "maxAbsX": float(np.max(np.abs(xref))), "steps": K, "N": N, "P": P}))


def main():
    p = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    if "check" in p:
        return check(p["check"])
    Ns = p.get("Ns", [2000, 8000])
    steps = p.get("steps", [10] * len(Ns))
    samples = int(p.get("samples", 15))
    dtypes = p.get("dtypes", ["float64", "float32"])
    variants = p.get("variants", ["matvec", "matmul"])
    P = int(p.get("P", 2))
    g = p.get("g", [1.5] * P)
    c = p.get("c", [[0.0, 2.5], [2.5, 0.0]])
    S0 = np.array(p.get("S0", [[0.0, 0.5], [0.5, 0.0]]))
    sigma0 = float(p.get("sigma0", 1.0))
    dt = float(p.get("dt", 0.05))
    seed = int(p.get("seed", 1))
    results = []
    sigmas = None
    for N, K in zip(Ns, steps):
        rng = np.random.default_rng(seed)
        chi64 = rng.standard_normal((N, N))
        chi64 *= 1.0 / np.sqrt(N)
        perm = [rng.permutation(N) for _ in range(P)]
        n64, m64, sigmas = draw_vectors(rng, P, N, c)
        x064 = np.stack([sum(m64[a, b] * S0[a][b] for b in range(P)) + sigma0 * rng.standard_normal(N) for a in range(P)])
        for dtype in dtypes:
            chi = chi64 if dtype == "float64" else chi64.astype(dtype)
            n, m, x0 = n64.astype(dtype), m64.astype(dtype), x064.astype(dtype)
            for variant in variants:
                step = make_step(variant, chi, perm, n, m, [float(v) for v in g], dt)
                x, S = x0.copy(), np.zeros((P, P), dtype=dtype)
                for _ in range(2):
                    x, S = step(x, S)
                wall, cpu = [], []
                for _ in range(samples):
                    t0 = time.perf_counter()
                    c0 = time.process_time()
                    for _ in range(K):
                        x, S = step(x, S)
                    cpu.append((time.process_time() - c0) * 1e3 / K)
                    wall.append((time.perf_counter() - t0) * 1e3 / K)
                assert x.dtype == np.dtype(dtype) and np.all(np.isfinite(x))
                results.append(
                    {
                        "N": N,
                        "dtype": dtype,
                        "variant": variant,
                        "stepsPerSample": K,
                        "samples": samples,
                        "medianMsPerStep": float(np.median(wall)),
                        "minMsPerStep": float(np.min(wall)),
                        "cpuMedianMsPerStep": float(np.median(cpu)),
                        "msPerStep": [round(v, 5) for v in wall],
                    }
                )
            del chi
        del chi64
    print(
        json.dumps(
            {
                **peer_environment(),
                "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                "P": P,
                "g": g,
                "c": c,
                "readoutScale": sigmas,
                "dt": dt,
                "seed": seed,
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
