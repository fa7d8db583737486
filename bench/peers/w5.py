#!/usr/bin/env python3
"""Workload W5 of issue 6 in numpy, the way a research notebook computes it: the dimension of activity PR/N of
an i.i.d. tanh network at coupling g, continuous time, from the stationary single-site DMFT and the two-site
cavity formulas of spec 03 (sections 2.2, 2.3 and 3.3, route (a) of 3.4), written from the spec:

  1. Gaussian averages with a fixed 200-node Gauss-Hermite rule (probabilists' nodes, weights summing to 1).
  2. q = C^x(0) from q^2/2 = g^2 Var[log cosh(x)], x ~ N(0, q) (2.2), by bisection on (0, g^2].
  3. C_phi(c; q) = E_z0[(E_z1 tanh(sqrt(c) z0 + sqrt(q - c) z1))^2] on Chebyshev points of [0, q]
     (degree 100), used through its Chebyshev series.
  4. Delta(tau) on a uniform lag grid (step h) by fixed-step RK4: Delta'' = -F(Delta), F(w) = g^2 C_phi(w) - w,
     from (q, 0) until Delta < q/2; then the energy form Delta' = -sqrt(2 E(Delta)), E(Delta) = -int_0^Delta F,
     down to 1e-6 q (F and sqrt(2 E)/Delta from tables on 2^17 + 1 points of [0, q], linear interpolation;
     E summed cell by cell from 0, 4-node Gauss-Legendre per cell); beyond, the exponential tail
     exp(-lambda tau), lambda = sqrt(1 - r), r = g^2 <phi'>^2, with C^phi ~ <phi'>^2 Delta there.
  5. psi^x(0,0) and psi^phi(0,0) by the direct double sum (3.2)-(3.3) over the frequencies 2 pi j / T_pad of
     the FFT of the zero-padded lag functions (period T_pad), |omega| up to where C^phi(omega) < 1e-15 C^phi(0);
     PR^a/N = C^a(0)^2 / (C^a(0)^2 + psi^a(0,0)) (3.1).

    python3 bench/peers/w5.py '{"g": 2, "samples": 5}'

The argument (JSON, every key optional): g (2), samples (timed calls, 5), h (0.01), Tpad (max(200, 40 / (1 - r))), deg (100),
refine (true: one untimed call at h/2, 2 T_pad and a table twice as fine, the peer's own resolution check). Prints one JSON line:
versions, the values (q, r, PR^x/N, PR^phi/N, the grid sizes), the refined values and the wall and CPU
seconds of every timed call.
"""
import json
import platform
import sys
import time

import numpy as np
from numpy.polynomial import chebyshev as C
from numpy.polynomial import hermite_e as H
from numpy.polynomial import legendre as L

Z, W = H.hermegauss(200)
W = W / W.sum()


def logcosh(x):
    a = np.abs(x)
    return a + np.log1p(np.exp(-2 * a)) - np.log(2.0)


def variance_q(g):
    """Root of q^2/2 = g^2 Var[log cosh(sqrt(q) z)] in (0, g^2] by bisection."""

    def f(q):
        v = logcosh(np.sqrt(q) * Z)
        return g * g * (W @ v**2 - (W @ v) ** 2) - 0.5 * q * q

    lo, hi = 1e-3, g * g
    if f(lo) <= 0 or f(hi) >= 0:
        raise ValueError(f"no chaotic solution bracketed at g = {g}")
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-15 * hi:
            break
    return 0.5 * (lo + hi)


def pair_tanh(cs, q):
    """C_phi(c; q) for an array of c in [0, q]."""
    cs = np.atleast_1d(cs)
    a = np.sqrt(cs)[:, None, None] * Z[None, :, None] + np.sqrt(np.clip(q - cs, 0, None))[:, None, None] * Z[None, None, :]
    inner = np.tanh(a) @ W  # E_z1, shape (len(cs), 200)
    return (inner**2) @ W


def pr_flow(g, h=0.01, Tpad=None, deg=100, cut=1e-6, ntab=1 << 17, padScale=1):
    q = variance_q(g)
    x = np.sqrt(q) * Z
    dphi = W @ (1 - np.tanh(x) ** 2)
    cphi0 = W @ np.tanh(x) ** 2
    r = g * g * dphi * dphi
    lam = np.sqrt(1 - r)
    if Tpad is None:
        # the periodic sum converges like exp(-(1 - r) T_pad) (spec 03 section 3.4 (a)): T_pad >= 40 / (1 - r)
        Tpad = padScale * max(200.0, 40.0 / (1 - r))
    Cphi = C.Chebyshev.interpolate(lambda c: pair_tanh(c, q), deg, domain=[0, q])

    # tables on a uniform grid of [0, q] (np.interp in the RK4 loop: a Chebyshev call per stage costs ~0.3 ms
    # of Python): F, and R(Delta) = sqrt(2 E(Delta)) / Delta (smooth, R(0) = lambda), E(Delta) = -int_0^Delta F
    # summed cell by cell from 0 (4-node Gauss-Legendre per cell: no cancellation at small Delta)
    grid = np.linspace(0.0, q, ntab + 1)
    dg = grid[1] - grid[0]
    Ftab = g * g * Cphi(grid) - grid
    gx, gw = L.leggauss(4)
    cells = grid[:-1, None] + 0.5 * dg * (1 + gx[None, :])
    Etab = np.concatenate([[0.0], -np.cumsum(0.5 * dg * ((g * g * Cphi(cells) - cells) @ gw))])
    Rtab = np.empty_like(grid)
    Rtab[0] = lam
    Rtab[1:] = np.sqrt(2 * np.clip(Etab[1:], 0, None)) / grid[1:]

    def F(w):
        return np.interp(w, grid, Ftab)

    # second-order form from (q, 0) until Delta < q/2
    d, v = q, 0.0
    lags = [d]
    while d >= 0.5 * q:
        k1d, k1v = v, -F(d)
        k2d, k2v = v + 0.5 * h * k1v, -F(d + 0.5 * h * k1d)
        k3d, k3v = v + 0.5 * h * k2v, -F(d + 0.5 * h * k2d)
        k4d, k4v = v + h * k3v, -F(d + h * k3d)
        d, v = d + h / 6 * (k1d + 2 * k2d + 2 * k3d + k4d), v + h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v)
        lags.append(d)

    # energy form Delta' = -sqrt(2 E(Delta)) = -Delta R(Delta) down to cut q
    def rhs(d):
        return -d * np.interp(d, grid, Rtab)

    while d > cut * q:
        k1 = rhs(d)
        k2 = rhs(d + 0.5 * h * k1)
        k3 = rhs(d + 0.5 * h * k2)
        k4 = rhs(d + h * k3)
        d = d + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        lags.append(d)
    dx = np.array(lags)
    K = len(dx) - 1
    # zero-padded, even lag functions over one period T_pad (exponential tail beyond the computed lags)
    M = int(round(Tpad / h))
    M += M % 2
    Tpad = M * h  # the period of the grid
    tau = h * np.arange(M // 2 + 1)
    cx = np.empty(M // 2 + 1)
    cp = np.empty(M // 2 + 1)
    cx[: K + 1] = dx
    cp[: K + 1] = Cphi(dx)
    cx[K + 1 :] = dx[K] * np.exp(-lam * (tau[K + 1 :] - K * h))
    cp[K + 1 :] = dphi * dphi * cx[K + 1 :]
    even = lambda c: np.concatenate([c, c[-2:0:-1]])
    Sx = h * np.fft.fft(even(cx)).real
    Sp = h * np.fft.fft(even(cp)).real
    om = 2 * np.pi * np.fft.fftfreq(M, d=h)
    below = np.nonzero((Sp < 1e-15 * cphi0) & (om >= 0))[0]
    keep = np.abs(om) <= (om[below[0]] if below.size else np.inf)
    om, Sx, Sp = om[keep], Sx[keep], Sp[keep]
    s = 1 / (1 + 1j * om)
    wt = 1 / Tpad  # d omega / 2 pi
    sUU = sReP = sReX = 0.0
    for a in range(0, len(om), 256):
        pr = r * s[a : a + 256, None] * s[None, :]
        U = pr / (1 - pr)
        PP = Sp[a : a + 256, None] * Sp[None, :]
        sUU += np.sum(np.abs(U) ** 2 * PP)
        sReP += np.sum(U.real * PP)
        sReX += np.sum(U.real * Sx[a : a + 256, None] * Sx[None, :])
    psiPhi = wt * wt * (sUU + 2 * sReP)
    psiX = wt * wt * (sUU / dphi**4 + 2 * sReX)
    return {
        "q": float(q),
        "cphi0": float(cphi0),
        "dphi": float(dphi),
        "r": float(r),
        "prX": float(q * q / (q * q + psiX)),
        "prPhi": float(cphi0 * cphi0 / (cphi0 * cphi0 + psiPhi)),
        "psiX": float(psiX),
        "psiPhi": float(psiPhi),
        "lagSteps": K,
        "lagEnd": K * h,
        "frequencies": int(len(om)),
        "omegaMax": float(np.abs(om).max()),
        "spectralCheckX": float(abs(wt * Sx.sum() - q) / q),
        "spectralCheckPhi": float(abs(wt * Sp.sum() - cphi0) / cphi0),
        "settings": {"h": h, "Tpad": float(Tpad), "deg": deg, "cut": cut, "table": ntab, "gaussHermite": len(Z)},
    }


def main():
    p = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    g = float(p.get("g", 2.0))
    samples = int(p.get("samples", 5))
    h = float(p.get("h", 0.01))
    Tpad = p.get("Tpad")
    deg = int(p.get("deg", 100))
    wall, cpu = [], []
    res = None
    for _ in range(samples):
        t0, c0 = time.perf_counter(), time.process_time()
        res = pr_flow(g, h, Tpad, deg)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - t0)
    refined = None
    if p.get("refine", True):
        t0 = time.perf_counter()
        refined = pr_flow(g, h / 2, None if Tpad is None else 2 * Tpad, deg, ntab=1 << 18, padScale=2)
        refined["seconds"] = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "numpy": np.__version__,
                "g": g,
                "result": res,
                "refined": refined,
                "wallSeconds": wall,
                "cpuSeconds": cpu,
                "medianWallSeconds": float(np.median(wall)),
                "medianCpuSeconds": float(np.median(cpu)),
            }
        )
    )


if __name__ == "__main__":
    main()
