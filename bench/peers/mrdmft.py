#!/usr/bin/env python3
"""The two-time DMFT recursion of spec 02 §3.2 in numpy, for the benchmark bench/mrdmft.ts.

Same scheme, same initialisation and same order of the items as assembly/mrdmft.ts (no window, no input;
U, G2 general): per step k -> k+1 the currents, the off-diagonal Δ row, the diagonal, psi and H, then the
new Γ rows. Every row operation is one numpy call over all regions at once; the first-order filter
Γ[k+1][i+1] = (1-dt) Γ[k+1][i] + dt K[i], a serial recursion numpy has no primitive for, is evaluated as
a blocked scan: within blocks of M entries y = dt L K with the M x M matrix L[j][i] = (1-dt)^(j-i) (i <= j),
one matrix product for all blocks and regions, then the block starts from a second, nb x nb triangular
product. It is exact algebra; the rounding differs from the serial loop at the 1e-16 level.

    OPENBLAS_NUM_THREADS=1 python3 bench/peers/mrdmft.py params.json > out.json

params.json: {"P", "dt", "Nt", "T" (P^3, T[(a*P+b)*P+c]), "U" (P^3), "G2" (P^2), "Sinit" (P^2), "sigma0" (P),
"reps"}. Prints JSON: per-repetition wall and CPU seconds (perf_counter, process_time), their medians, and
S (Nt x P^2) and D (Nt x P) of the last run.
"""
import json
import sys
import time

import numpy as np

TWO_OVER_PI = 2.0 / np.pi
HALF_PI = np.pi / 2
BLOCK = 32


def scan_matrices(c1, nt):
    """L (BLOCK x BLOCK) and the block-start matrix E (nb x nb) of the blocked first-order filter."""
    j = np.arange(BLOCK)
    lag = j[:, None] - j[None, :]
    L = np.where(lag >= 0, c1 ** np.maximum(lag, 0), 0.0)
    nb = (nt + BLOCK - 1) // BLOCK
    b = np.arange(nb)
    blag = b[:, None] - 1 - b[None, :]
    E = np.where(blag >= 0, c1 ** (BLOCK * np.maximum(blag, 0)), 0.0)
    return L, E, c1 ** (j + 1), c1 ** (BLOCK * b)


def solve(p):
    P, dt, Nt = p["P"], p["dt"], p["Nt"]
    T = np.asarray(p["T"], float).reshape(P, P, P)
    U = np.asarray(p["U"], float).reshape(P, P, P)
    G2 = np.asarray(p["G2"], float).reshape(P, P)
    Sinit = np.asarray(p["Sinit"], float).reshape(P, P)
    sig2 = np.asarray(p["sigma0"], float) ** 2
    c1 = 1.0 - dt
    L, E, pw_in, pw_blk = scan_matrices(c1, Nt)
    nb_max = E.shape[0]
    S = np.zeros((Nt, P, P))
    H = np.zeros((Nt, P, P))
    D = np.zeros((Nt, P))
    R = np.zeros((P, Nt))  # r = (D + 2/pi)^(-1/2), region-major for the row products
    Hh = np.zeros((P, P, Nt))  # H^{ac}_i, (a, c, i)
    Drow = np.zeros((P, Nt))
    Grow = np.zeros((P, Nt))
    Kpad = np.zeros((P, nb_max * BLOCK))

    def gains_and_drive(k):
        psi = 1.0 / np.sqrt(1.0 + HALF_PI * D[k])
        R[:, k] = 1.0 / np.sqrt(D[k] + TWO_OVER_PI)
        H[k] = psi[None, :] * np.einsum("abc,bc->ab", T, S[k])
        Hh[:, :, k] = H[k]

    # initialisation (step 0)
    S[0] = Sinit
    D[0] = sig2 + np.einsum("abc,ab,ac->a", U, Sinit, Sinit)
    Drow[:, 0] = D[0]
    gains_and_drive(0)
    Grow[:, 0] = np.einsum("abc,ab,ac->a", U, H[0], Sinit)

    for k in range(Nt - 1):
        k2 = k + 1
        n = k2  # entries i = 0..k
        S[k2] = S[k] + dt * (H[k] - S[k])  # 1. currents
        D[k2] = D[k] + 2 * dt * (Grow[:, k] - D[k])  # 3. diagonal
        gains_and_drive(k2)  # 4. gains and drive
        d = c1 * Drow[:, :n] + dt * Grow[:, :n]  # 2. off-diagonal row
        Drow[:, :n] = d
        Drow[:, k2] = D[k2]
        # 5. C rows, sources K, and the filtered Γ rows
        C = TWO_OVER_PI * np.arcsin(np.clip(d * R[:, k2, None] * R[:, :n], -1.0, 1.0))
        w = np.einsum("abc,ab->ac", U, H[k2])
        K = G2 @ C + np.einsum("ac,aci->ai", w, Hh[:, :, :n])
        y0 = np.einsum("ac,ac->a", w, Sinit)
        nb = (n + BLOCK - 1) // BLOCK
        Kpad[:, : nb * BLOCK] = 0.0
        Kpad[:, :n] = K
        loc = (dt * Kpad[:, : nb * BLOCK].reshape(P, nb, BLOCK)) @ L.T  # zero-start filter per block
        start = pw_blk[None, :nb] * y0[:, None] + loc[:, :, -1] @ E[:nb, :nb].T  # Γ at each block start
        Y = loc + start[:, :, None] * pw_in[None, None, :]
        Grow[:, 0] = y0
        Grow[:, 1 : n + 1] = Y.reshape(P, nb * BLOCK)[:, :n]
    return S.reshape(Nt, P * P), D


def main():
    with open(sys.argv[1]) as f:
        p = json.load(f)
    reps = int(p.get("reps", 5))
    secs = []
    cpu = []
    for _ in range(reps):
        t0 = time.perf_counter()
        c0 = time.process_time()
        S, D = solve(p)
        cpu.append(time.process_time() - c0)
        secs.append(time.perf_counter() - t0)
    json.dump(
        {
            "seconds": secs,
            "median": float(np.median(secs)),
            "cpu": cpu,
            "cpuMedian": float(np.median(cpu)),
            "numpy": np.__version__,
            "S": S.tolist(),
            "D": D.tolist(),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
