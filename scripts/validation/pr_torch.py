"""Independent large-N check of the dimension of activity (spec 03 §4), on a GPU with PyTorch.

Not part of dmftlab and not run by CI: a separate implementation (numpy/torch style, as research codes do it)
used once to measure how PR/N of finite networks approaches the N -> infinity theory, at sizes the 2-core
development machine cannot reach (N = 16384). docs/NUMERICS.md ("Dimension from simulation") quotes its output,
examples/dimension/results/large-n-torch.json.

Protocol (spec 03 §4.1, the independent-trajectory variant): one J per network; T trajectories of the same
network run side by side (x(0) ~ N(0, 1) i.i.d., each burnt in for t_burn), each observed for t_obs; a sample
every 0.5 time units; trajectory b is covariance block b. Classical RK4, dt = 0.1, float32 dynamics (no TF32),
float64 covariance sums. Estimators (§4.3): C_b = S_b / n - m m^T with the pooled mean m; PR_cross / N =
mean_b(Tr C_b)^2 / (N mean_{b != b'} Tr(C_b C_b')); leave-one-trajectory-out jackknife SE.

Couplings: 'iid' J = g X / sqrt(N); 'flat:ALPHA' and 'exp:TAU' random-mode J = (U * D) V^T with U, V N(0, 1/N)
entries (spec 03 §5.1), D normalised to (1/N) sum D^2 = g^2.

    python3 pr_torch.py --N 2048,16384 --g 2,3,5 --nets 2 --out out.json
"""
import argparse
import json
import math
import time

import torch


def spectrum(kind, N, g):
    """Mode strengths D (float64) and rho = PR^D / N; None for i.i.d."""
    if kind == 'iid':
        return None, math.inf
    name, val = kind.split(':')
    val = float(val)
    if name == 'flat':
        P = max(1, round(val * N))
        D2 = torch.ones(P, dtype=torch.float64)
    elif name == 'exp':
        a = torch.arange(N, dtype=torch.float64)
        D2 = torch.exp(-a / (val * N))
    else:
        raise ValueError(f'unknown spectrum {kind}')
    D2 = D2 * (g * g * N / D2.sum())
    rho = float(D2.sum() ** 2 / (D2 * D2).sum()) / N
    return D2.sqrt(), rho


def coupling(kind, N, g, seed, dev):
    gen = torch.Generator(device=dev).manual_seed(seed)
    D, rho = spectrum(kind, N, g)
    if D is None:
        J = torch.randn(N, N, generator=gen, device=dev, dtype=torch.float32) * (g / math.sqrt(N))
    else:
        P = D.numel()
        U = torch.randn(N, P, generator=gen, device=dev, dtype=torch.float32) / math.sqrt(N)
        V = torch.randn(N, P, generator=gen, device=dev, dtype=torch.float32) / math.sqrt(N)
        J = (U * D.to(dev, torch.float32)) @ V.T
        del U, V
    return J, rho, gen


def pr_run(kind, N, g, seed, T, t_burn, t_obs, dt, sample_every, variable, dev, chunk=25):
    t0 = time.time()
    J, rho, gen = coupling(kind, N, g, seed, dev)
    X = torch.randn(N, T, generator=gen, device=dev, dtype=torch.float32)

    def f(x):
        return -x + J @ torch.tanh(x)

    def step(x):
        k1 = f(x)
        k2 = f(x + 0.5 * dt * k1)
        k3 = f(x + 0.5 * dt * k2)
        k4 = f(x + dt * k3)
        return x + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4)

    for _ in range(round(t_burn / dt)):
        X = step(X)
    stride = round(sample_every / dt)
    n = round(t_obs / sample_every)
    S = torch.zeros(T, N, N, device=dev, dtype=torch.float64)
    sums = torch.zeros(T, N, device=dev, dtype=torch.float64)
    buf = torch.empty(T, N, chunk, device=dev, dtype=torch.float64)
    k = 0
    for s in range(n):
        for _ in range(stride):
            X = step(X)
        a = X if variable == 'x' else torch.tanh(X)
        buf[:, :, k] = a.T.double()
        k += 1
        if k == chunk or s == n - 1:
            Y = buf[:, :, :k]
            S.baddbmm_(Y, Y.transpose(1, 2))
            sums += Y.sum(2)
            k = 0
    m = sums.sum(0) / (T * n)
    # C_b = S_b / n - m m^T, in place
    S.div_(n)
    S.sub_(torch.outer(m, m).unsqueeze(0))
    tr = torch.diagonal(S, dim1=1, dim2=2).sum(1)
    G = torch.zeros(T, T, dtype=torch.float64)
    for b in range(T):
        for e in range(b, T):
            G[b, e] = G[e, b] = float((S[b] * S[e]).sum())
    tr = tr.cpu()

    def cross(keep):
        idx = [b for b in range(T) if keep(b)]
        t = sum(float(tr[b]) for b in idx) / len(idx)
        gx = sum(float(G[b, e]) for b in idx for e in idx if b != e) / (len(idx) * (len(idx) - 1))
        return t * t / (N * gx)

    pr = cross(lambda b: True)
    reps = [cross(lambda e, b=b: e != b) for b in range(T)]
    mean = sum(reps) / T
    se = math.sqrt((T - 1) / T * sum((r - mean) ** 2 for r in reps))
    var = float(tr.mean()) / N
    del S, J
    torch.cuda.empty_cache()
    return {'kind': kind, 'N': N, 'g': g, 'seed': seed, 'rho': None if math.isinf(rho) else rho, 'variable': variable,
            'prCross': pr, 'prCrossSE': se, 'variance': var, 'trajectories': T, 'tBurn': t_burn, 'tObs': t_obs,
            'dt': dt, 'sampleEvery': sample_every, 'seconds': round(time.time() - t0, 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--N', default='2048')
    ap.add_argument('--g', default='3')
    ap.add_argument('--kind', default='iid', help='comma list of iid, flat:ALPHA, exp:TAU')
    ap.add_argument('--nets', default='2', help='networks per point; comma list aligned with --N')
    ap.add_argument('--seed', type=int, default=5000)
    ap.add_argument('--T', type=int, default=16)
    ap.add_argument('--tburn', type=float, default=300)
    ap.add_argument('--tobs', type=float, default=625)
    ap.add_argument('--variable', default='x')
    ap.add_argument('--out', default='pr_torch.jsonl')
    ap.add_argument('--budget', type=float, default=1e9, help='stop starting new runs after this many seconds')
    a = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    dev = 'cuda' if torch.cuda.is_available() else 'cpu'
    Ns = [int(x) for x in a.N.split(',')]
    nets = [int(x) for x in a.nets.split(',')]
    if len(nets) == 1:
        nets = nets * len(Ns)
    t0 = time.time()
    with open(a.out, 'a') as out:
        for kind in a.kind.split(','):
            for g in [float(x) for x in a.g.split(',')]:
                for N, K in zip(Ns, nets):
                    for k in range(K):
                        if time.time() - t0 > a.budget:
                            print('budget reached', flush=True)
                            return
                        tb = a.tburn if g >= 2.5 else max(a.tburn, 1000)
                        r = pr_run(kind, N, g, a.seed + k, a.T, tb, a.tobs, 0.1, 0.5, a.variable, dev)
                        r['device'] = torch.cuda.get_device_name(0) if dev == 'cuda' else 'cpu'
                        out.write(json.dumps(r) + '\n')
                        out.flush()
                        print(json.dumps(r), flush=True)


if __name__ == '__main__':
    main()
