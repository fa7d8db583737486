#!/usr/bin/env python3
"""Workload W3 of issue 6 in numpy: the two-time DMFT of the multiregion model (spec 02 §3.2), two peers.

* "research": the recursion written the way research codes write it. The two-time functions are full
  Nt x Nt arrays per region (Delta[a][k][i], Gamma[a][k][i]); a Python loop over the time steps k and over
  the regions, numpy over the row i <= k where that is natural (the off-diagonal update, the arcsines, the
  sources K), and the first-order filter of the new Gamma row,
      Gamma[a][k+1][i+1] = (1 - dt) Gamma[a][k+1][i] + dt K[a][i],   i = 0..k,
  as the plain serial Python loop over numpy array entries. No blocked scan, no lists, no numba.
* "vectorised": bench/peers/mrdmft.py (written for dmftlab's own benchmark): every row operation one numpy
  call over all regions, the filter as a blocked scan of two small triangular matrix products.

Both run the same scheme with the same initialisation and order of items as assembly/mrdmft.ts (no window,
no input; U, G2 general), so S and D agree with dmftlab to rounding.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 bench/peers/w3.py params.json > out.json
    (or the parameters' JSON itself as the argument)

The parameters: {"P", "dt", "T" (P^3, T[(a*P+b)*P+c]), "U" (P^3), "G2" (P^2), "Sinit" (P^2), "sigma0" (P),
"Nts" (list), "styles" (list of "research" / "vectorised"), "reps" ({style: {Nt: n}}: the most repetitions),
"budget" (seconds: after the first repetition, stop once the next one would end past this much time for
that (style, Nt); default 60)}. Prints one JSON line: python and numpy versions, BLAS, the thread variables
of the environment, and per (style, Nt) the wall (perf_counter) and CPU (process_time) seconds of every
repetition, their medians, and S (Nt x P^2, S[k][a*P+b]) and D (Nt x P) of the last repetition.
"""
import json
import sys
import time

import numpy as np

import mrdmft  # bench/peers/mrdmft.py, the vectorised peer
from peer_env import peer_environment  # bench/peers/peer_env.py


def solve_research(p, Nt):
    P, dt = p["P"], p["dt"]
    T = np.asarray(p["T"], float).reshape(P, P, P)
    U = np.asarray(p["U"], float).reshape(P, P, P)
    G2 = np.asarray(p["G2"], float).reshape(P, P)
    Sinit = np.asarray(p["Sinit"], float).reshape(P, P)
    sigma0 = np.asarray(p["sigma0"], float)

    S = np.zeros((Nt, P, P))  # currents S^{ab}(t_k)
    H = np.zeros((Nt, P, P))  # drives H^{ab}(t_k)
    psi = np.zeros((Nt, P))  # gains
    D = np.zeros((Nt, P))  # variances Delta^a(t_k, t_k)
    Delta = np.zeros((P, Nt, Nt))  # Delta^a(t_k, t_i), lower triangle
    Gamma = np.zeros((P, Nt, Nt))  # Gamma^a(t_k, t_i), i <= k

    def drive(k):
        psi[k] = 1.0 / np.sqrt(1.0 + np.pi / 2 * D[k])
        for a in range(P):
            for b in range(P):
                H[k, a, b] = psi[k, b] * (T[a, b] @ S[k, b])

    # initialisation
    S[0] = Sinit
    for a in range(P):
        D[0, a] = sigma0[a] ** 2 + Sinit[a] @ U[a] @ Sinit[a]
        Delta[a, 0, 0] = D[0, a]
    drive(0)
    for a in range(P):
        Gamma[a, 0, 0] = H[0, a] @ U[a] @ Sinit[a]

    for k in range(Nt - 1):
        # currents and variances
        S[k + 1] = S[k] + dt * (H[k] - S[k])
        for a in range(P):
            D[k + 1, a] = D[k, a] + 2 * dt * (Gamma[a, k, k] - D[k, a])
        drive(k + 1)
        # the new row of Delta, and the correlations of phi = erf(sqrt(pi) x / 2) on it
        C = np.zeros((P, k + 1))
        for a in range(P):
            Delta[a, k + 1, : k + 1] = (1 - dt) * Delta[a, k, : k + 1] + dt * Gamma[a, k, : k + 1]
            Delta[a, k + 1, k + 1] = D[k + 1, a]
            r = 1.0 / np.sqrt(D[: k + 1, a] + 2 / np.pi)
            rk = 1.0 / np.sqrt(D[k + 1, a] + 2 / np.pi)
            C[a] = 2 / np.pi * np.arcsin(np.clip(Delta[a, k + 1, : k + 1] * rk * r, -1.0, 1.0))
        # the new row of Gamma: sources K, then the first-order filter, entry by entry
        for a in range(P):
            w = H[k + 1, a] @ U[a]  # w[c] = sum_b H^{ab} U[a][b][c]
            K = G2[a] @ C + H[: k + 1, a, :] @ w
            Gamma[a, k + 1, 0] = w @ Sinit[a]
            for i in range(k + 1):
                Gamma[a, k + 1, i + 1] = (1 - dt) * Gamma[a, k + 1, i] + dt * K[i]
    return S.reshape(Nt, P * P), D


def solve_vectorised(p, Nt):
    return mrdmft.solve({**p, "Nt": Nt})


SOLVERS = {"research": solve_research, "vectorised": solve_vectorised}


def main():
    arg = sys.argv[1]
    if arg.lstrip().startswith("{"):
        p = json.loads(arg)
    else:
        with open(arg) as f:
            p = json.load(f)
    budget = float(p.get("budget", 60))
    out = []
    for style in p.get("styles", list(SOLVERS)):
        for Nt in p["Nts"]:
            most = int(p.get("reps", {}).get(style, {}).get(str(Nt), 3))
            secs, cpu = [], []
            start = time.perf_counter()
            while len(secs) < max(1, most):
                if secs and time.perf_counter() - start + secs[-1] > budget:
                    break
                t0 = time.perf_counter()
                c0 = time.process_time()
                S, D = SOLVERS[style](p, Nt)
                cpu.append(time.process_time() - c0)
                secs.append(time.perf_counter() - t0)
            out.append(
                {
                    "style": style,
                    "Nt": Nt,
                    "reps": len(secs),
                    "repsAsked": most,
                    "seconds": secs,
                    "median": float(np.median(secs)),
                    "cpu": cpu,
                    "cpuMedian": float(np.median(cpu)),
                    "S": S.tolist(),
                    "D": D.tolist(),
                }
            )
    json.dump({**peer_environment(), "budget": budget, "runs": out}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
