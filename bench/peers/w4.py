#!/usr/bin/env python3
"""Workload W4 of issue 6 in numpy, the way research notebooks do it: the rank-one mean-field theory of
spec 01 §4.4 (odd phi = tanh, no input, rho = 0) swept over g, every branch found by a damped fixed-point
iteration y <- (1 - eps) y + eps F(y) of the mean-field equations started from several initial conditions,
every Gaussian integral on one fixed Gauss-Hermite rule (numpy.polynomial.hermite.hermgauss(nodes)).

    OPENBLAS_NUM_THREADS=1 python3 bench/peers/w4.py '{"gs": [0, 0.5, 1.9, 3], "samples": 1}'

Equations (spec 01 §4.2-4.4; mu = M_m kappa, Lambda = Sigma_m^2 kappa^2, brackets at (mu, Delta0)):
  static   y = (kappa, Delta0):        kappa = M_n [phi],  Delta0 = g^2 [phi^2] + Lambda
  chaotic  y = (kappa, Delta0, Dinf):  kappa = M_n [phi],  Dinf = g^2 C_phi(Dinf) + Lambda,
           Delta0 = sqrt(Dinf^2 + 2 (g^2 ([Phi^2] - C_Phi(Dinf)) + Lambda (Delta0 - Dinf)))
           (the energy condition solved for Delta0; Phi = log cosh)
[f](mu, D) = sum_i w_i f(mu + sqrt(D) z_i); C_f(c; mu, D0) = sum_j w_j (sum_i w_i f(mu + sqrt(D0 - c) z_i + sqrt(c) z_j))^2,
the nested rule on the nodes x nodes grid (z = sqrt(2) x, w = w_hermgauss / sqrt(pi)).

At each g (no continuation from the previous g):
 1. static iteration from kappa = +kappa_start, -kappa_start and 0, with Delta0 = g^2 + Sigma_m^2 kappa^2
    (the largest value the static map can return, since |phi| <= 1);
 2. chaotic iteration from kappa = 0, Delta0 = g^2, Dinf = g^2 / 2;
 3. chaotic iteration for the +/- states, started from the static +/- state of step 1 with Dinf = 0.9 Delta0
    (spec 01 §6.4: the chaotic branch bifurcates from the static one), or, where step 1 found no static
    +/- state, from kappa = +/-kappa_start, Delta0 = g^2 + Sigma_m^2 kappa^2, Dinf = Delta0 / 2. It is not
    started (recorded with the reason) where no such state can exist (spec 01 §4.4): the static +/- state
    is stable (bulk radius g sqrt([phi'^2]) < 1: below g_C), or the kappa = 0 chaotic state of step 2 is
    stable along kappa (M_m M_n [phi'](0, Delta0) <= 1: above g_BB, where the +/- chaotic states have merged
    with it). Without these checks every g would pay for two more chaotic iterations that can only fail
    or return a state already found.
At kappa = 0 the kappa update is zero by the mirror symmetry ([phi](0, D) = 0 for odd phi) and is held at
exactly 0 (otherwise the rounding noise of the quadrature, ~1e-17, grows wherever the central state is
unstable in kappa). The trivial state x = 0 is exact (odd phi, no input) and is added at every g.

Convergence: max over every unknown of |F(y) - y| <= tol (kappa, Delta0 and, for the chaotic iteration,
Dinf). A start that reaches max_iter, leaves the domain (Delta0 < 0, Dinf outside [0, Delta0], a negative
square root) or produces a non-finite value is recorded as not converged (g, start, iterations, last
residual), never dropped silently. Converged points are classified: trivial if Delta0 < 1e-6 (near g = 1 the
iteration towards Delta0 = 0 stops at Delta0 ~ tol / (1 - g^2), while the central state at g = 1.005 has
Delta0 ~ 5e-3); static for a static start, or a chaotic start that ended with Delta0 - Dinf <= 1e-6
max(1, Delta0) (the static state also solves the undivided chaotic equations); chaotic otherwise; branch
plus / minus / central by the sign of kappa (|kappa| <= 1e-7: central).

The argument (JSON, every key optional): gs, Mm, Mn, Sm (Sigma_m), nodes (200), eps (0.2), tol (1e-10),
maxIterStatic (20000), maxIterChaotic (5000), kappaStart (1.02 M_n), samples (timed sweeps, 1), progress
(a line on stderr every 20 values of g; true). Prints one JSON line: versions, the thread variables of the
environment, the settings, wall and CPU seconds per sweep (time.perf_counter, time.process_time; Python
start-up and imports excluded), and from the last sweep every branch per g and every start's outcome.
"""
import json
import math
import sys
import time

import numpy as np
from numpy.polynomial.hermite import hermgauss

from peer_env import peer_environment  # bench/peers/peer_env.py


def logcosh(x):
    return np.log(np.cosh(x))


def tanh2(x):
    return np.tanh(x) ** 2


def logcosh2(x):
    return logcosh(x) ** 2


def sech2(x):
    return 1.0 - np.tanh(x) ** 2


def sech4(x):
    return (1.0 - np.tanh(x) ** 2) ** 2


class Theory:
    def __init__(self, Mm, Mn, Sm, nodes):
        x, w = hermgauss(nodes)
        self.z = math.sqrt(2.0) * x
        self.w = w / math.sqrt(math.pi)
        self.Mm, self.Mn, self.Sm2 = Mm, Mn, Sm * Sm

    def avg(self, f, mu, D):
        return self.w @ f(mu + math.sqrt(D) * self.z)

    def two_point(self, f, mu, D0, c):
        """C_f(c; mu, D0), the nested rule: outer node z_j (shared part sqrt(c)), inner node z_i."""
        z, w = self.z, self.w
        inner = f(mu + math.sqrt(D0 - c) * z[None, :] + math.sqrt(c) * z[:, None]) @ w
        return w @ (inner * inner)

    def static_map(self, g, y, central):
        kappa, D0 = y
        mu = self.Mm * kappa
        k = 0.0 if central else self.Mn * self.avg(np.tanh, mu, D0)
        D = g * g * self.avg(tanh2, mu, D0) + self.Sm2 * kappa * kappa
        return np.array([k, D])

    def chaotic_map(self, g, y, central):
        kappa, D0, Dinf = y
        mu = self.Mm * kappa
        L = self.Sm2 * kappa * kappa
        g2 = g * g
        k = 0.0 if central else self.Mn * self.avg(np.tanh, mu, D0)
        Di = g2 * self.two_point(np.tanh, mu, D0, Dinf) + L
        e = Dinf * Dinf + 2.0 * (g2 * (self.avg(logcosh2, mu, D0) - self.two_point(logcosh, mu, D0, Dinf)) + L * (D0 - Dinf))
        if not e >= 0.0:
            return None
        return np.array([k, math.sqrt(e), Di])


def iterate(F, y0, eps, tol, max_iter, valid):
    """Damped fixed-point iteration; returns (y, iterations, residual, converged, why)."""
    y = np.array(y0, dtype=float)
    res = math.inf
    for it in range(1, max_iter + 1):
        Fy = F(y)
        if Fy is None or not np.all(np.isfinite(Fy)):
            return y, it, res, False, "left the domain (negative square root or non-finite value)"
        res = float(np.max(np.abs(Fy - y)))
        if res <= tol:
            return Fy, it, res, True, ""
        y = (1.0 - eps) * y + eps * Fy
        if not valid(y):
            return y, it, res, False, "left the domain"
    return y, max_iter, res, False, "max_iter reached"


def classify(typ, y):
    kappa, D0 = float(y[0]), float(y[1])
    Dinf = D0 if typ == "static" else float(y[2])
    if D0 < 1e-6:
        found = "trivial"
    elif typ == "static" or D0 - Dinf <= 1e-6 * max(1.0, D0):
        found = "static"
    else:
        found = "chaotic"
    br = "central" if abs(kappa) <= 1e-7 else ("plus" if kappa > 0 else "minus")
    return found, br, {"kappa": kappa, "delta0": D0, "deltaInf": Dinf if found == "chaotic" else D0}


def solve_point(th, g, p):
    eps, tol, K = p["eps"], p["tol"], p["kappaStart"]
    branches = [{"type": "trivial", "branch": "central", "kappa": 0.0, "delta0": 0.0, "deltaInf": 0.0, "start": "exact"}]
    starts = []

    def run(typ, name, y0, central):
        if typ == "static":
            r = iterate(lambda y: th.static_map(g, y, central), y0, eps, tol, p["maxIterStatic"], lambda y: y[1] >= 0.0)
        else:
            r = iterate(lambda y: th.chaotic_map(g, y, central), y0, eps, tol, p["maxIterChaotic"], lambda y: 0.0 <= y[2] <= y[1])
        y, it, res, ok, why = r
        st = {"type": typ, "start": name, "iterations": it, "residual": res, "converged": ok}
        starts.append(st)
        if not ok:
            st["why"] = why
            st["last"] = [float(v) for v in y]
            return None
        found, br, vals = classify(typ, y)
        st["found"] = f"{found}:{br}"
        if found != "trivial" and not any(b["type"] == found and b["branch"] == br for b in branches):
            branches.append({"type": found, "branch": br, **vals, "start": f"{typ}:{name}"})
        return found, br, vals

    # 1. static, from +, - and 0
    static_pm = {}
    for name, k0 in (("plus", K), ("minus", -K), ("central", 0.0)):
        r = run("static", name, [k0, g * g + th.Sm2 * k0 * k0], k0 == 0.0)
        if r and r[0] == "static" and r[1] == name and name != "central":
            static_pm[name] = r[2]
    # 2. chaotic, kappa = 0
    r = run("chaotic", "central", [0.0, g * g, 0.5 * g * g], True)
    growth = None
    if r and r[0] == "chaotic":
        growth = th.Mm * th.Mn * th.avg(sech2, 0.0, r[2]["delta0"])
    # 3. chaotic +/-, where such a state can exist
    for name, sign in (("plus", 1.0), ("minus", -1.0)):
        s = static_pm.get(name)
        if s is not None:
            radius = g * math.sqrt(th.avg(sech4, th.Mm * s["kappa"], s["delta0"]))
            if radius < 1.0:
                starts.append({"type": "chaotic", "start": name, "skipped": f"static {name} state stable (bulk radius {radius:.4f} < 1)"})
                continue
        if growth is not None and growth <= 1.0:
            starts.append({"type": "chaotic", "start": name, "skipped": f"kappa = 0 chaos stable along kappa (M_m M_n [phi'] = {growth:.4f} <= 1)"})
            continue
        if s is not None:
            y0 = [s["kappa"], s["delta0"], 0.9 * s["delta0"]]
        else:
            k0 = sign * K
            D0 = g * g + th.Sm2 * k0 * k0
            y0 = [k0, D0, 0.5 * D0]
        run("chaotic", name, y0, False)
    return {"g": g, "branches": branches, "starts": starts}


def sweep(th, gs, p):
    points = []
    t0 = time.perf_counter()
    for i, g in enumerate(gs):
        if p["progress"] and i > 0 and i % 20 == 0:
            print(f"w4.py: {i}/{len(gs)} values of g, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        points.append(solve_point(th, g, p))
    return points


def main():
    a = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    p = {
        "gs": a.get("gs", [4.0 * k / 199 for k in range(200)]),
        "Mm": float(a.get("Mm", 1.1)),
        "Mn": float(a.get("Mn", 2.0)),
        "Sm": float(a.get("Sm", 1.0)),
        "nodes": int(a.get("nodes", 200)),
        "eps": float(a.get("eps", 0.2)),
        "tol": float(a.get("tol", 1e-10)),
        "maxIterStatic": int(a.get("maxIterStatic", 20000)),
        "maxIterChaotic": int(a.get("maxIterChaotic", 5000)),
        "samples": int(a.get("samples", 1)),
        "progress": bool(a.get("progress", True)),
    }
    p["kappaStart"] = float(a.get("kappaStart", 1.02 * abs(p["Mn"])))
    th = Theory(p["Mm"], p["Mn"], p["Sm"], p["nodes"])
    wall, cpu = [], []
    points = None
    for _ in range(p["samples"]):
        t0, c0 = time.perf_counter(), time.process_time()
        points = sweep(th, p["gs"], p)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(
        json.dumps(
            {
                **peer_environment(),
                "settings": {k: v for k, v in p.items() if k != "gs"},
                "wallSeconds": wall,
                "cpuSeconds": cpu,
                "points": points,
            }
        )
    )


if __name__ == "__main__":
    main()
