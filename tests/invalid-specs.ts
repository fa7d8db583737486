// Shared corpus of spec-format test cases: base specs and invalid specs, each broken in one way.
// Used by tests/spec.test.ts (validator) and tests/cli.test.ts (the same corpus through the CLI).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

// ---------------------------------------------------------------------------------------------
// Base specs
// ---------------------------------------------------------------------------------------------

export const RANDOM: Json = { dmftlab: 1, seed: 1, model: { kind: 'random', N: 200, g: 2, phi: 'tanh' } };
export const RANK1: Json = {
  dmftlab: 1,
  seed: 1,
  model: { kind: 'lowrank', N: 200, g: 1.9, phi: 'tanh', rank: 1, means: { m: 1.1, n: 2 }, cov: { mm: 1, nn: 1 } },
};
// M&O ring (Fig. S5): Sigma = 2, rho = 1.6 -> var 4, cov(n_r, m_r) = rho^2 = 2.56.
export const RANK2: Json = {
  dmftlab: 1,
  seed: 1,
  model: {
    kind: 'lowrank',
    N: 200,
    g: 2.1,
    phi: 'tanh',
    rank: 2,
    means: { m: [0, 0], n: [0, 0] },
    cov: {
      mm: [
        [4, 0],
        [0, 4],
      ],
      nn: [
        [4, 0],
        [0, 4],
      ],
      nm: [
        [2.56, 0],
        [0, 2.56],
      ],
    },
  },
};

// Multiregion (spec 02): P = 2, symmetric interactions with active cross-currents (c01 = 2.5).
export const MR: Json = {
  dmftlab: 1,
  seed: 1,
  model: {
    kind: 'multiregion',
    P: 2,
    N: 200,
    g: 1.5,
    phi: 'erf',
    interactions: {
      kind: 'symmetric',
      c: [
        [0, 2.5],
        [2.5, 0],
      ],
    },
  },
};

// Random-mode model (spec 03 §5): flat spectrum with P = N / 4 modes (rho = 0.25).
export const RM: Json = {
  dmftlab: 1,
  seed: 1,
  model: { kind: 'randomMode', N: 200, g: 2, phi: 'tanh', spectrum: { kind: 'flat', alpha: 0.25 } },
};

export const clone = (x: Json): Json => structuredClone(x);
export const edit = (base: Json, f: (s: Json) => void): Json => {
  const s = clone(base);
  f(s);
  return s;
};


export interface Bad {
  why: string;
  spec: unknown;
  /** Path of the issue this break must produce. */
  path: string;
  /** Whether the JSON Schema alone rejects it (false: a check only the validator can make). */
  schema: boolean;
  /** Text the message must contain. */
  says?: string | RegExp;
  /** Expected number of issues (default 1). */
  issues?: number;
}

export const r = (f: (s: Json) => void) => edit(RANDOM, f);
export const l1 = (f: (s: Json) => void) => edit(RANK1, f);
export const l2 = (f: (s: Json) => void) => edit(RANK2, f);
export const mr = (f: (s: Json) => void) => edit(MR, f);
export const rm = (f: (s: Json) => void) => edit(RM, f);
const INPUT = () => ({
  V: [
    [0, 0.1],
    [0.1, 0],
  ],
  schedule: [
    { t: 0, I: [0, 0] },
    { t: 50, I: [2, 0] },
  ],
});

export const BAD: Bad[] = [
  // the spec itself
  { why: 'an array instead of an object', spec: [], path: '', schema: true, says: /^spec: got \[\]; must be an object/ },
  { why: 'JSON text instead of a parsed object', spec: '{"dmftlab": 1}', path: '', schema: true, says: 'JSON.parse' },
  { why: 'null', spec: null, path: '', schema: true },
  // dmftlab
  { why: 'missing version', spec: r((s) => delete s.dmftlab), path: 'dmftlab', schema: true, says: 'supported spec format versions: 1' },
  { why: 'newer version', spec: r((s) => (s.dmftlab = 2)), path: 'dmftlab', schema: true, says: 'version 2 is newer' },
  { why: 'version as a string', spec: r((s) => (s.dmftlab = '1')), path: 'dmftlab', schema: true, says: 'the number 1' },
  // seed, name, unknown top-level fields, model
  { why: 'missing seed', spec: r((s) => delete s.seed), path: 'seed', schema: true, says: 'missing' },
  { why: 'negative seed', spec: r((s) => (s.seed = -1)), path: 'seed', schema: true },
  { why: 'fractional seed', spec: r((s) => (s.seed = 1.5)), path: 'seed', schema: true, says: 'integer' },
  { why: 'seed = 2^53', spec: r((s) => (s.seed = 2 ** 53)), path: 'seed', schema: true, says: '2^53 - 1' },
  { why: 'seed as a string', spec: r((s) => (s.seed = '7')), path: 'seed', schema: true, says: '"7" (a string)' },
  { why: 'seed as a bigint', spec: r((s) => (s.seed = 7n)), path: 'seed', schema: true, says: 'bigint' },
  {
    why: 'network seeds past 2^53',
    spec: r((s) => {
      s.seed = Number.MAX_SAFE_INTEGER;
      s.simulation = { networks: 2 };
    }),
    path: 'seed',
    schema: false,
    says: 'seed + networks - 1',
  },
  { why: 'name not a string', spec: r((s) => (s.name = 5)), path: 'name', schema: true, says: 'a string' },
  { why: 'misspelled name', spec: r((s) => (s.nmae = 'x')), path: 'nmae', schema: true, says: 'did you mean "name"?' },
  { why: 'N at the top level', spec: r((s) => (s.N = 100)), path: 'N', schema: true, says: 'it belongs in model' },
  { why: 'missing model', spec: r((s) => delete s.model), path: 'model', schema: true, says: 'missing' },
  { why: 'model as a string', spec: r((s) => (s.model = 'random')), path: 'model', schema: true },
  { why: 'a key inherited by every object', spec: r((s) => (s.simulation = { toString: 1 })), path: 'simulation.toString', schema: true, says: 'unknown field' },
  { why: 'model kind named like an Object method', spec: r((s) => (s.model.kind = 'constructor')), path: 'model.kind', schema: true },
  { why: 'key with a dot in it', spec: r((s) => (s['model.N'] = 5)), path: '["model.N"]', schema: true, says: 'unknown field' },
  { why: 'missing model kind', spec: r((s) => delete s.model.kind), path: 'model.kind', schema: true, says: 'one of "random", "lowrank", "multiregion"' },
  { why: 'misspelled model kind', spec: r((s) => (s.model.kind = 'low-rank')), path: 'model.kind', schema: true, says: 'did you mean "lowrank"?' },
  // model.N, g, phi
  { why: 'negative N', spec: r((s) => (s.model.N = -5)), path: 'model.N', schema: true, says: /^model\.N: got -5; must be an integer in \[1, 100000\]$/ },
  { why: 'fractional N', spec: r((s) => (s.model.N = 2.5)), path: 'model.N', schema: true },
  { why: 'N too large', spec: r((s) => (s.model.N = 100001)), path: 'model.N', schema: true },
  { why: 'missing N', spec: r((s) => delete s.model.N), path: 'model.N', schema: true, says: 'required for model kind "random"' },
  { why: 'N as a string', spec: r((s) => (s.model.N = '200')), path: 'model.N', schema: true },
  { why: 'negative g', spec: r((s) => (s.model.g = -0.1)), path: 'model.g', schema: true, says: '[0, 100]' },
  { why: 'g is NaN', spec: r((s) => (s.model.g = NaN)), path: 'model.g', schema: true, says: 'not-a-number' },
  { why: 'g is Infinity', spec: r((s) => (s.model.g = Infinity)), path: 'model.g', schema: true, says: 'Infinity' },
  { why: 'g too large', spec: r((s) => (s.model.g = 101)), path: 'model.g', schema: true },
  { why: 'g is null', spec: r((s) => (s.model.g = null)), path: 'model.g', schema: true, says: 'got null' },
  { why: 'misspelled phi', spec: r((s) => (s.model.phi = 'tahn')), path: 'model.phi', schema: false, says: /tanh, erf, linear.* \(did you mean "tanh"\?\)/ },
  { why: 'phi as a number', spec: r((s) => (s.model.phi = 3)), path: 'model.phi', schema: true },
  { why: 'phi that is not an identifier', spec: r((s) => (s.model.phi = 'my phi')), path: 'model.phi', schema: true },
  { why: 'phi never registered', spec: r((s) => (s.model.phi = 'softplus')), path: 'model.phi', schema: false, says: 'registerPhi' },
  { why: 'low-rank field in a random model', spec: r((s) => (s.model.rank = 1)), path: 'model.rank', schema: true, says: 'model kind "lowrank"' },
  { why: 'unknown model field', spec: r((s) => (s.model.sigma = 1)), path: 'model.sigma', schema: true, says: 'valid fields: kind, N, g, phi' },
  // low-rank structure
  { why: 'rank 0', spec: l1((s) => (s.model.rank = 0)), path: 'model.rank', schema: true },
  { why: 'rank 17', spec: l1((s) => (s.model.rank = 17)), path: 'model.rank', schema: true, says: '[1, 16]' },
  { why: 'fractional rank', spec: l1((s) => (s.model.rank = 1.5)), path: 'model.rank', schema: true },
  { why: 'missing means', spec: l1((s) => delete s.model.means), path: 'model.means', schema: true },
  { why: 'missing means.m', spec: l1((s) => delete s.model.means.m), path: 'model.means.m', schema: true },
  { why: 'means.m too short', spec: l2((s) => (s.model.means.m = [1])), path: 'model.means.m', schema: false, says: 'an array of 2 numbers (model.rank = 2), not 1' },
  { why: 'scalar means.m at rank 2', spec: l2((s) => (s.model.means.m = 1)), path: 'model.means.m', schema: false, says: 'only when rank = 1' },
  { why: 'string in means.n', spec: l2((s) => (s.model.means.n = ['a', 0])), path: 'model.means.n[0]', schema: true },
  { why: 'NaN in means.n', spec: l2((s) => (s.model.means.n = [0, NaN])), path: 'model.means.n[1]', schema: true },
  { why: 'means.I as a string', spec: l1((s) => (s.model.means.I = '0')), path: 'model.means.I', schema: true },
  { why: 'unknown means field', spec: l1((s) => (s.model.means.mu = 0)), path: 'model.means.mu', schema: true },
  { why: 'missing cov', spec: l1((s) => delete s.model.cov), path: 'model.cov', schema: true },
  { why: 'missing cov.mm', spec: l1((s) => delete s.model.cov.mm), path: 'model.cov.mm', schema: true },
  { why: 'asymmetric mm', spec: l2((s) => (s.model.cov.mm[0][1] = 0.5)), path: 'model.cov.mm[0][1]', schema: false, says: 'model.cov.mm[1][0] = 0' },
  { why: 'asymmetric nn', spec: l2((s) => (s.model.cov.nn[1][0] = 0.5)), path: 'model.cov.nn[0][1]', schema: false, says: 'symmetric' },
  { why: 'short row of mm', spec: l2((s) => (s.model.cov.mm[1] = [0])), path: 'model.cov.mm[1]', schema: false, says: 'not 1' },
  { why: 'mm with 3 rows at rank 2', spec: l2((s) => s.model.cov.mm.push([0, 0])), path: 'model.cov.mm', schema: false, says: 'not 3 rows' },
  { why: 'negative variance (scalar mm)', spec: l1((s) => (s.model.cov.mm = -1)), path: 'model.cov.mm', schema: false, says: '>= 0' },
  { why: 'negative variance on the diagonal of nn', spec: l2((s) => (s.model.cov.nn[1][1] = -1)), path: 'model.cov.nn[1][1]', schema: false, says: 'variance of n_2' },
  { why: 'negative var(I)', spec: l1((s) => (s.model.cov.II = -1)), path: 'model.cov.II', schema: true },
  {
    why: 'overlap larger than the variances allow',
    spec: l1((s) => (s.model.cov.nm = 2)),
    path: 'model.cov',
    schema: false,
    says: /^model\.cov: the joint covariance of \(m_1, n_1, I\) is not positive semidefinite \(most negative eigenvalue -1\)/,
  },
  {
    why: 'input covariance larger than the variances allow',
    spec: l1((s) => Object.assign(s.model.cov, { nI: 2, II: 1 })),
    path: 'model.cov',
    schema: false,
    says: 'most negative eigenvalue',
  },
  {
    why: 'rank-two covariance not PSD',
    spec: l2((s) => (s.model.cov.nm = [[0, 4.5], [0, 0]])),
    path: 'model.cov',
    schema: false,
    says: '(m_1, m_2, n_1, n_2, I)',
  },
  { why: 'string in nm', spec: l1((s) => (s.model.cov.nm = [['0']])), path: 'model.cov.nm[0][0]', schema: true },
  { why: 'mI too long', spec: l2((s) => (s.model.cov.mI = [0, 0, 0])), path: 'model.cov.mI', schema: false },
  { why: 'mm as an object', spec: l1((s) => (s.model.cov.mm = {})), path: 'model.cov.mm', schema: true },
  { why: 'mn instead of nm', spec: l1((s) => (s.model.cov.mn = 0)), path: 'model.cov.mn', schema: true, says: 'did you mean "nm"?' },
  // simulation
  { why: 'simulation as a number', spec: r((s) => (s.simulation = 5)), path: 'simulation', schema: true },
  { why: 'method in capitals', spec: r((s) => (s.simulation = { method: 'RK4' })), path: 'simulation.method', schema: true, says: 'did you mean "rk4"?' },
  { why: 'dt = 0', spec: r((s) => (s.simulation = { dt: 0 })), path: 'simulation.dt', schema: true, says: /^simulation\.dt: got 0; must be a number > 0 and <= 1$/ },
  { why: 'dt > 1', spec: r((s) => (s.simulation = { dt: 1.5, sampleEvery: 3 })), path: 'simulation.dt', schema: true },
  { why: 'unknown precision', spec: r((s) => (s.simulation = { precision: 'f16' })), path: 'simulation.precision', schema: true, says: '"f64" or "f32"' },
  { why: 'negative burn-in', spec: r((s) => (s.simulation = { tBurn: -1 })), path: 'simulation.tBurn', schema: true, says: '>= 0' },
  { why: 'empty measurement window', spec: r((s) => (s.simulation = { tMeasure: 0 })), path: 'simulation.tMeasure', schema: true },
  { why: 'sampleEvery not a multiple of dt', spec: r((s) => (s.simulation = { sampleEvery: 0.25 })), path: 'simulation.sampleEvery', schema: false, says: 'e.g. 0.2 or 0.3' },
  { why: 'sampleEvery a hair off a multiple of dt', spec: r((s) => (s.simulation = { sampleEvery: 0.5 + 1e-6 })), path: 'simulation.sampleEvery', schema: false },
  { why: 'lag a hair off a multiple of sampleEvery', spec: r((s) => (s.simulation = { lags: [0, 1 + 1e-7] })), path: 'simulation.lags[1]', schema: false },
  { why: 'sampleEvery smaller than dt', spec: r((s) => (s.simulation = { sampleEvery: 0.04 })), path: 'simulation.sampleEvery', schema: false },
  {
    why: 'sampleEvery longer than the window',
    spec: r((s) => (s.simulation = { tMeasure: 10, sampleEvery: 20, lags: [0] })),
    path: 'simulation.sampleEvery',
    schema: false,
    says: '<= simulation.tMeasure = 10',
  },
  { why: 'one block', spec: r((s) => (s.simulation = { blocks: 1 })), path: 'simulation.blocks', schema: true, says: '[2, 1000]' },
  { why: 'fractional blocks', spec: r((s) => (s.simulation = { blocks: 20.5 })), path: 'simulation.blocks', schema: true },
  {
    why: 'more blocks than samples',
    spec: r((s) => (s.simulation = { tMeasure: 2, blocks: 10, lags: [0] })),
    path: 'simulation.blocks',
    schema: false,
    says: 'tMeasure / sampleEvery = 4',
  },
  { why: 'zero networks', spec: r((s) => (s.simulation = { networks: 0 })), path: 'simulation.networks', schema: true },
  { why: 'too many networks', spec: r((s) => (s.simulation = { networks: 1001 })), path: 'simulation.networks', schema: true },
  { why: 'trace unit >= N', spec: r((s) => (s.simulation = { traceUnits: [0, 250] })), path: 'simulation.traceUnits[1]', schema: false, says: '[0, 199] (model.N = 200)' },
  { why: 'negative trace unit', spec: r((s) => (s.simulation = { traceUnits: [0, -1] })), path: 'simulation.traceUnits[1]', schema: true },
  { why: 'repeated trace unit', spec: r((s) => (s.simulation = { traceUnits: [1, 1] })), path: 'simulation.traceUnits[1]', schema: true, says: 'once' },
  { why: 'traceUnits not an array', spec: r((s) => (s.simulation = { traceUnits: 3 })), path: 'simulation.traceUnits', schema: true, says: 'an array of distinct integers' },
  { why: 'lag not a multiple of sampleEvery', spec: r((s) => (s.simulation = { lags: [0, 0.3] })), path: 'simulation.lags[1]', schema: false, says: 'e.g. 0 or 0.5' },
  { why: 'lag beyond the window', spec: r((s) => (s.simulation = { lags: [0, 300] })), path: 'simulation.lags[1]', schema: false, says: '< simulation.tMeasure = 200' },
  { why: 'negative lag', spec: r((s) => (s.simulation = { lags: [-1] })), path: 'simulation.lags[0]', schema: true },
  { why: 'a theory field in simulation', spec: r((s) => (s.simulation = { tol: 1e-9 })), path: 'simulation.tol', schema: true, says: 'it belongs in theory' },
  { why: 'misspelled tMeasure', spec: r((s) => (s.simulation = { tmeasure: 100 })), path: 'simulation.tmeasure', schema: true, says: 'did you mean "tMeasure"?' },
  { why: 'branch start in a random network', spec: r((s) => (s.simulation = { init: { kind: 'branch' } })), path: 'simulation.init.kind', schema: false, says: 'model kind "lowrank"' },
  { why: 'init sign 0', spec: l1((s) => (s.simulation = { init: { sign: 0 } })), path: 'simulation.init.sign', schema: true, says: '1 or -1' },
  { why: 'negative init scale', spec: l1((s) => (s.simulation = { init: { scale: -1 } })), path: 'simulation.init.scale', schema: true },
  { why: 'init c as a string', spec: l1((s) => (s.simulation = { init: { c: 'big' } })), path: 'simulation.init.c', schema: true },
  { why: 'misspelled init field', spec: l1((s) => (s.simulation = { init: { kidn: 'branch' } })), path: 'simulation.init.kidn', schema: true, says: 'did you mean "kind"?' },
  // memory
  {
    why: 'f64 couplings too large',
    spec: r((s) => (s.model.N = 30000)),
    path: 'model.N',
    schema: false,
    says: /needs 6\.71 GiB .* 3\.5 GiB limit: set simulation\.precision to "f32"/,
  },
  {
    why: 'f32 couplings too large',
    spec: r((s) => {
      s.model.N = 40000;
      s.simulation = { precision: 'f32' };
    }),
    path: 'model.N',
    schema: false,
    says: 'use N <= ',
  },
  // theory
  { why: 'theory as an array', spec: r((s) => (s.theory = [])), path: 'theory', schema: true },
  { why: 'quadrature order 1', spec: r((s) => (s.theory = { quadrature: { order: 1 } })), path: 'theory.quadrature.order', schema: true, says: '[2, 1000]' },
  { why: 'quadrature order 1001', spec: r((s) => (s.theory = { quadrature: { order: 1001 } })), path: 'theory.quadrature.order', schema: true },
  { why: 'unknown quadrature method', spec: r((s) => (s.theory = { quadrature: { method: 'gauss' } })), path: 'theory.quadrature.method', schema: true, says: '"trapezoid" or "gauss-hermite"' },
  { why: 'zMax = 0', spec: r((s) => (s.theory = { quadrature: { zMax: 0 } })), path: 'theory.quadrature.zMax', schema: true },
  { why: 'hx = 2', spec: r((s) => (s.theory = { quadrature: { hx: 2 } })), path: 'theory.quadrature.hx', schema: true },
  { why: 'closedForms as a string', spec: r((s) => (s.theory = { quadrature: { closedForms: 'yes' } })), path: 'theory.quadrature.closedForms', schema: true, says: 'true or false' },
  { why: 'tol = 0', spec: r((s) => (s.theory = { tol: 0 })), path: 'theory.tol', schema: true, says: '> 0 and < 1' },
  { why: 'tol = 1', spec: r((s) => (s.theory = { tol: 1 })), path: 'theory.tol', schema: true },
  { why: 'maxIter 0', spec: r((s) => (s.theory = { maxIter: 0 })), path: 'theory.maxIter', schema: true },
  { why: 'negative tauMax', spec: r((s) => (s.theory = { tauMax: -1 })), path: 'theory.tauMax', schema: true },
  { why: 'one tau point', spec: r((s) => (s.theory = { tauPoints: 1 })), path: 'theory.tauPoints', schema: true },
  { why: 'quadrature field one level up', spec: r((s) => (s.theory = { order: 100 })), path: 'theory.order', schema: true, says: 'it belongs in theory.quadrature' },
  // multiregion (spec 02)
  { why: 'multiregion field in a random model', spec: r((s) => (s.model.P = 2)), path: 'model.P', schema: true, says: 'model kind "multiregion"' },
  { why: 'P = 0 regions', spec: mr((s) => (s.model.P = 0)), path: 'model.P', schema: true, says: '[1, 16]' },
  { why: 'P = 17 regions', spec: mr((s) => (s.model.P = 17)), path: 'model.P', schema: true },
  { why: 'fractional P', spec: mr((s) => (s.model.P = 2.5)), path: 'model.P', schema: true, says: 'integer' },
  { why: 'missing P', spec: mr((s) => delete s.model.P), path: 'model.P', schema: true, says: 'required for model kind "multiregion"' },
  { why: 'g array shorter than P', spec: mr((s) => (s.model.g = [1.5])), path: 'model.g', schema: false, says: 'an array of 2 such numbers, one per region (model.P = 2), not 1' },
  { why: 'negative g of one region', spec: mr((s) => (s.model.g = [1.5, -1])), path: 'model.g[1]', schema: true, says: '[0, 100]' },
  { why: 'g as the string inf', spec: mr((s) => (s.model.g = 'inf')), path: 'model.g', schema: true, says: '"inf" (a string)' },
  { why: 'missing interactions', spec: mr((s) => delete s.model.interactions), path: 'model.interactions', schema: true, says: 'missing' },
  { why: 'interactions as an array', spec: mr((s) => (s.model.interactions = [])), path: 'model.interactions', schema: true, says: '"tensor", "symmetric", "ab"' },
  { why: 'misspelled interactions kind', spec: mr((s) => (s.model.interactions.kind = 'symetric')), path: 'model.interactions.kind', schema: true, says: 'did you mean "symmetric"?' },
  {
    why: 'c in a tensor interaction',
    spec: mr((s) => (s.model.interactions.kind = 'tensor')),
    path: 'model.interactions.c',
    schema: true,
    says: 'it is a field of interactions kind "symmetric"',
    issues: 2,
  },
  {
    why: 'tensor with 3 outer entries at P = 2',
    spec: mr((s) => (s.model.interactions = { kind: 'tensor', T: [[[0, 0], [2.5, 0]], [[0, 2.5], [0, 0]], [[0, 0], [0, 0]]] })),
    path: 'model.interactions.T',
    schema: false,
    says: 'a 2 x 2 x 2 array of arrays of arrays of numbers (model.P = 2), not 3',
  },
  {
    why: 'tensor row with 3 numbers at P = 2',
    spec: mr((s) => (s.model.interactions = { kind: 'tensor', T: [[[0, 0], [2.5, 0]], [[0, 2.5], [0, 0, 1]]] })),
    path: 'model.interactions.T[1][1]',
    schema: false,
    says: 'an array of 2 numbers (model.P = 2), not 3',
  },
  {
    why: 'tensor entry as the string Infinity',
    spec: mr((s) => (s.model.interactions = { kind: 'tensor', T: [[[0, 'Infinity'], [2.5, 0]], [[0, 2.5], [0, 0]]] })),
    path: 'model.interactions.T[0][0][1]',
    schema: true,
    says: 'a finite number',
  },
  { why: 'tensor as a flat array', spec: mr((s) => (s.model.interactions = { kind: 'tensor', T: [0, 0, 0, 0, 0, 0, 0, 0] })), path: 'model.interactions.T', schema: true, issues: 1 },
  { why: 'asymmetric c', spec: mr((s) => (s.model.interactions.c[1][0] = 2)), path: 'model.interactions.c[0][1]', schema: false, says: 'model.interactions.c[1][0] = 2' },
  { why: 'c with one row at P = 2', spec: mr((s) => (s.model.interactions.c = [[0, 2.5]])), path: 'model.interactions.c', schema: false, says: 'not 1' },
  {
    why: 'negative b in the ab form',
    spec: mr((s) => (s.model.interactions = { kind: 'ab', a: [1, 1], b: [2.5, -1], signs: [1, 1] })),
    path: 'model.interactions.b[1]',
    schema: false,
    says: '>= 0',
  },
  {
    why: 'sign 0 in the ab form',
    spec: mr((s) => (s.model.interactions = { kind: 'ab', a: [1, 1], b: [2.5, 2.5], signs: [0, 1] })),
    path: 'model.interactions.signs[0]',
    schema: true,
    says: '1 or -1',
  },
  {
    why: 'missing signs in the ab form',
    spec: mr((s) => (s.model.interactions = { kind: 'ab', a: [1, 1], b: [2.5, 2.5] })),
    path: 'model.interactions.signs',
    schema: true,
    says: 'missing',
  },
  {
    why: 'model.T that differs from the interactions',
    spec: mr((s) => (s.model.T = [[[1, 0], [2.5, 0]], [[0, 2.5], [0, 0]]])),
    path: 'model.T[0][0][0]',
    schema: false,
    says: 'leave it out',
  },
  {
    why: 'U of region 1 not positive definite',
    spec: mr((s) => (s.model.U = [[[1, 0], [0, 1]], [[1, 2], [2, 1]]])),
    path: 'model.U[1]',
    schema: false,
    says: /region 1's input vectors is not positive definite \(smallest eigenvalue -1\)/,
  },
  {
    why: 'asymmetric U',
    spec: mr((s) => (s.model.U = [[[1, 0.5], [0.2, 1]], [[1, 0], [0, 1]]])),
    path: 'model.U[0][0][1]',
    schema: false,
    says: 'symmetric',
  },
  {
    why: 'readoutScale too small for the overlaps',
    spec: mr((s) => (s.model.readoutScale = 1)),
    path: 'model.readoutScale',
    schema: false,
    says: 'got 1 for region 0; must be >= 2.5 = sqrt(lambda_max(t U[0]^-1 t^T))',
  },
  {
    why: 'readoutScale of region 1 too small',
    spec: mr((s) => (s.model.readoutScale = [3, 2])),
    path: 'model.readoutScale[1]',
    schema: false,
    says: 'must be >= 2.5',
  },
  {
    why: 'readoutScale too small for the input overlaps',
    spec: mr((s) => {
      s.model.readoutScale = 2.5;
      s.model.input = INPUT();
    }),
    path: 'model.readoutScale',
    schema: false,
    says: 'must be >= 2.502 = sqrt(lambda_max(t U[0]^-1 t^T + r r^T))',
  },
  { why: 'readoutScale 0', spec: mr((s) => (s.model.readoutScale = 0)), path: 'model.readoutScale', schema: true, says: '> 0' },
  { why: 'readoutScale as a word other than auto', spec: mr((s) => (s.model.readoutScale = 'automatic')), path: 'model.readoutScale', schema: true, says: 'or "auto"' },
  {
    why: 'shared matrix with cross-region disorder',
    spec: mr((s) => {
      s.model.coupling = 'shared';
      s.model.crossDisorder = [[1.5, 0.5], [0.5, 1.5]];
    }),
    path: 'model.coupling',
    schema: false,
    says: 'when model.crossDisorder is given',
  },
  {
    why: 'shared matrix with an input',
    spec: mr((s) => {
      s.model.coupling = 'shared';
      s.model.input = INPUT();
    }),
    path: 'model.coupling',
    schema: false,
    says: 'when model.input is given',
  },
  { why: 'unknown coupling', spec: mr((s) => (s.model.coupling = 'share')), path: 'model.coupling', schema: true, says: 'did you mean "shared"?' },
  {
    why: 'crossDisorder diagonal other than g',
    spec: mr((s) => (s.model.crossDisorder = [[0, 0.5], [0.5, 1.5]])),
    path: 'model.crossDisorder[0][0]',
    schema: false,
    says: 'equal to model.g[0] = 1.5',
  },
  {
    why: 'negative cross-region disorder',
    spec: mr((s) => (s.model.crossDisorder = [[1.5, -0.5], [0.5, 1.5]])),
    path: 'model.crossDisorder[0][1]',
    schema: false,
    says: 'from region 1 into region 0',
  },
  { why: 'crossDisorder as a number', spec: mr((s) => (s.model.crossDisorder = 0.5)), path: 'model.crossDisorder', schema: true },
  { why: 'start.S with a short row', spec: mr((s) => (s.model.start = { S: [[1, 0], [0]] })), path: 'model.start.S[1]', schema: false, says: 'not 1' },
  { why: 'negative sigma0', spec: mr((s) => (s.model.start = { sigma0: -1 })), path: 'model.start.sigma0', schema: true, says: '>= 0' },
  { why: 'S at the model level', spec: mr((s) => (s.model.S = [[0, 0], [0, 0]])), path: 'model.S', schema: true, says: 'it belongs in model.start' },
  {
    why: 'input schedule starting after 0',
    spec: mr((s) => {
      s.model.input = INPUT();
      s.model.input.schedule[0].t = 5;
    }),
    path: 'model.input.schedule[0].t',
    schema: false,
    says: 'the schedule starts at t = 0',
  },
  {
    why: 'input schedule times not increasing',
    spec: mr((s) => {
      s.model.input = INPUT();
      s.model.input.schedule.push({ t: 50, I: [0, 0] });
    }),
    path: 'model.input.schedule[2].t',
    schema: false,
    says: '> model.input.schedule[1].t = 50 (times strictly increasing)',
  },
  {
    why: 'input values of the wrong length',
    spec: mr((s) => {
      s.model.input = INPUT();
      s.model.input.schedule[1].I = [2];
    }),
    path: 'model.input.schedule[1].I',
    schema: false,
    says: 'an array of 2 numbers',
  },
  {
    why: 'input value as a string',
    spec: mr((s) => {
      s.model.input = INPUT();
      s.model.input.schedule[1].I = ['2', 0];
    }),
    path: 'model.input.schedule[1].I[0]',
    schema: true,
  },
  {
    why: 'empty input schedule',
    spec: mr((s) => (s.model.input = { ...INPUT(), schedule: [] })),
    path: 'model.input.schedule',
    schema: true,
    says: 'non-empty',
  },
  {
    why: 'input without V',
    spec: mr((s) => {
      s.model.input = INPUT();
      delete s.model.input.V;
    }),
    path: 'model.input.V',
    schema: true,
    says: 'missing',
  },
  {
    why: 'multiregion coupling matrices too large',
    spec: mr((s) => {
      s.model.P = 4;
      s.model.N = 12000;
      s.model.interactions.c = [[0, 2.5, 0, 0], [2.5, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
    }),
    path: 'model.N',
    schema: false,
    says: /4 f64 coupling matrices \(one per region\) need 4\.29 GiB .* or set model\.coupling to "shared"/,
  },
  { why: 'init scale other than 1 for a multiregion model', spec: mr((s) => (s.simulation = { init: { scale: 2 } })), path: 'simulation.init.scale', schema: false, says: 'model.start' },
  { why: 'dmft settings for a random model', spec: r((s) => (s.theory = { dmft: {} })), path: 'theory.dmft', schema: false, says: 'only read for model kind "multiregion"' },
  { why: 'dmft dt above 0.1', spec: mr((s) => (s.theory = { dmft: { dt: 0.2 } })), path: 'theory.dmft.dt', schema: true, says: '> 0 and <= 0.1' },
  { why: 'dmft grid too long', spec: mr((s) => (s.theory = { dmft: { duration: 20000 } })), path: 'theory.dmft.duration', schema: false, says: 'more than 200000' },
  { why: 'dmft reference time past the end', spec: mr((s) => (s.theory = { dmft: { duration: 100, refTimes: [50, 100] } })), path: 'theory.dmft.refTimes[1]', schema: false, says: '< theory.dmft.duration = 100' },
  { why: 'dmft dt in theory', spec: mr((s) => (s.theory = { dt: 0.05 })), path: 'theory.dt', schema: true, says: 'it belongs in theory.dmft' },
  // random-mode model (spec 03 §5)
  { why: 'random-mode model without a spectrum', spec: rm((s) => delete s.model.spectrum), path: 'model.spectrum', schema: true, says: 'missing' },
  { why: 'misspelled spectrum kind', spec: rm((s) => (s.model.spectrum = { kind: 'exponental', tau: 0.5 })), path: 'model.spectrum.kind', schema: true, says: 'did you mean "exponential"?' },
  { why: 'flat spectrum without g', spec: rm((s) => delete s.model.g), path: 'model.g', schema: false, says: /^model\.g: missing; required for spectrum kind "flat": a number in \[0, 100\]/ },
  { why: 'flat spectrum with alpha 0', spec: rm((s) => (s.model.spectrum.alpha = 0)), path: 'model.spectrum.alpha', schema: true, says: /^model\.spectrum\.alpha: got 0; must be a number > 0 and <= 100$/ },
  { why: 'flat spectrum with no mode', spec: rm((s) => (s.model.spectrum.alpha = 0.001)), path: 'model.spectrum.alpha', schema: false, says: 'got 0.001; must be >= 0.0025 so that P = round(alpha N) >= 1 (model.N = 200)' },
  { why: 'negative exponential decay length', spec: rm((s) => (s.model.spectrum = { kind: 'exponential', tau: -1 })), path: 'model.spectrum.tau', schema: true, says: 'got -1' },
  { why: 'tau in a flat spectrum', spec: rm((s) => (s.model.spectrum.tau = 0.5)), path: 'model.spectrum.tau', schema: true, says: 'it is a field of spectrum kind "exponential"' },
  { why: 'g inside the spectrum', spec: rm((s) => { delete s.model.g; s.model.spectrum.g = 2; }), path: 'model.spectrum.g', schema: true, says: 'it belongs in model', issues: 2 },
  { why: 'power law without P or alpha', spec: rm((s) => (s.model.spectrum = { kind: 'powerLaw', gamma: 1 })), path: 'model.spectrum.P', schema: false, says: 'needs P (an integer >= 1, the number of modes) or alpha' },
  { why: 'power law P and alpha disagree', spec: rm((s) => (s.model.spectrum = { kind: 'powerLaw', gamma: 1, P: 40, alpha: 0.25 })), path: 'model.spectrum.P', schema: false, says: 'got 40; must be 50 = round(alpha N)' },
  { why: 'power law exponent too large', spec: rm((s) => (s.model.spectrum = { kind: 'powerLaw', gamma: 11, P: 40 })), path: 'model.spectrum.gamma', schema: true, says: 'a number in [0, 10]' },
  { why: 'negative entry in a spectrum list', spec: rm((s) => (s.model.spectrum = { kind: 'list', D: [2, -1, 1] })), path: 'model.spectrum.D[1]', schema: true, says: /^model\.spectrum\.D\[1\]: got -1; must be a number >= 0$/ },
  { why: 'empty spectrum list', spec: rm((s) => (s.model.spectrum = { kind: 'list', D: [] })), path: 'model.spectrum.D', schema: true, says: 'a non-empty array of numbers >= 0' },
  { why: 'all-zero spectrum list rescaled to g > 0', spec: rm((s) => (s.model.spectrum = { kind: 'list', D: [0, 0] })), path: 'model.spectrum.D', schema: false, says: 'not all 0: model.g = 2 rescales the list' },
  { why: 'spectrum list implying g > 100', spec: rm((s) => { delete s.model.g; s.model.spectrum = { kind: 'list', D: [2000] }; }), path: 'model.spectrum.D', schema: false, says: 'it implies g = 141.421356237' },
  { why: 'overlap above 1', spec: rm((s) => (s.model.overlap = { c: 1.5 })), path: 'model.overlap.c', schema: true, says: /^model\.overlap\.c: got 1\.5; must be a number in \[-1, 1\]$/ },
  { why: 'overlap list of the wrong length', spec: rm((s) => (s.model.overlap = { c: [0.1, 0.2] })), path: 'model.overlap.c', schema: false, says: 'an array of 50 such numbers, one per mode (P = 50), not 2' },
  { why: 'overlap entry below -1', spec: rm((s) => { s.model.spectrum = { kind: 'list', D: [1, 1] }; s.model.overlap = { c: [0.5, -2] }; }), path: 'model.overlap.c[1]', schema: true, says: 'a number in [-1, 1]' },
  { why: 'unknown heterogeneity kind', spec: rm((s) => (s.model.heterogeneity = { kind: 'gamma', sd: 0.3 })), path: 'model.heterogeneity.kind', schema: true, says: 'must be "lognormal"' },
  { why: 'negative heterogeneity sd', spec: rm((s) => (s.model.heterogeneity = { kind: 'lognormal', sd: -0.3 })), path: 'model.heterogeneity.sd', schema: true, says: 'a number in [0, 2]' },
  { why: 'misspelled overlap field', spec: rm((s) => (s.model.overlaps = { c: 0.2 })), path: 'model.overlaps', schema: true, says: 'did you mean "overlap"?' },
  {
    why: 'random-mode input modes too large',
    spec: rm((s) => {
      s.model.N = 20000;
      s.model.spectrum = { kind: 'exponential', tau: 0.5 };
    }),
    path: 'model.N',
    schema: false,
    says: /^model\.N: got 20000; it gives P = 20000 modes at N = 20000: building J keeps the N x P input modes \(2\.98 GiB of f64\), more than the 1 GiB limit/,
  },
];
