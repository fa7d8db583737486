// A small stand-in for `node:test` in the browser (scripts/test-browser.mjs aliases `node:test` to this
// file). It covers what the portable test files use, and the common rest: test/it/describe/suite with
// { skip, todo, timeout }, .skip/.todo/.only, async functions and done callbacks, subtests (t.test),
// t.diagnostic/t.skip/t.todo, before/after/beforeEach/afterEach hooks. `only` runs everything, as
// node:test does without --test-only. A file's tests run one after another, as node:test runs them;
// `runRegistered` runs what the imported test module registered and reports each result to `report`.

export type Fn = (t: TestContext, done?: (err?: unknown) => void) => unknown;
export interface TestOptions {
  skip?: boolean | string;
  todo?: boolean | string;
  only?: boolean;
  timeout?: number;
  concurrency?: number | boolean;
  signal?: AbortSignal;
}

export interface Result {
  name: string;
  /** enclosing suites and tests, outermost first */
  path: string[];
  status: 'pass' | 'fail' | 'skip' | 'todo';
  /** skip or todo reason */
  reason?: string;
  ms: number;
  error?: string;
  diagnostics: string[];
}

interface Node {
  name: string;
  options: TestOptions;
  fn?: Fn;
  suite: boolean;
  children: Node[];
  hooks: Record<'before' | 'after' | 'beforeEach' | 'afterEach', (() => unknown)[]>;
}

const newNode = (name: string, options: TestOptions, fn: Fn | undefined, suite: boolean): Node => ({
  name,
  options,
  fn,
  suite,
  children: [],
  hooks: { before: [], after: [], beforeEach: [], afterEach: [] },
});

const root = newNode('<root>', {}, undefined, true);
/** where test() and describe() register: the suite whose body is running */
let current: Node = root;

function parseArgs(a: unknown[]): { name: string; options: TestOptions; fn?: Fn } {
  let name = '<anonymous>';
  let options: TestOptions = {};
  let fn: Fn | undefined;
  for (const x of a) {
    if (typeof x === 'string') name = x;
    else if (typeof x === 'function') fn = x as Fn;
    else if (x && typeof x === 'object') options = x as TestOptions;
  }
  if (fn && name === '<anonymous>' && fn.name) name = fn.name;
  return { name, options, fn };
}

function register(suite: boolean, a: unknown[], extra: TestOptions = {}): Promise<void> {
  const { name, options, fn } = parseArgs(a);
  const node = newNode(name, { ...options, ...extra }, fn, suite);
  current.children.push(node);
  if (suite && fn && !node.options.skip && !node.options.todo) {
    const parent = current;
    current = node;
    try {
      const r = fn(undefined as unknown as TestContext);
      if (r && typeof (r as Promise<unknown>).then === 'function') {
        throw new Error(`describe('${name}') got an async function; register tests synchronously`);
      }
    } finally {
      current = parent;
    }
  }
  return Promise.resolve();
}

type Register = ((...a: unknown[]) => Promise<void>) & {
  skip: (...a: unknown[]) => Promise<void>;
  todo: (...a: unknown[]) => Promise<void>;
  only: (...a: unknown[]) => Promise<void>;
};

function registrar(suite: boolean): Register {
  const f = ((...a: unknown[]) => register(suite, a)) as Register;
  f.skip = (...a: unknown[]) => register(suite, a, { skip: true });
  f.todo = (...a: unknown[]) => register(suite, a, { todo: true });
  f.only = (...a: unknown[]) => register(suite, a, { only: true });
  return f;
}

export const test = registrar(false);
export const it = test;
export const describe = registrar(true);
export const suite = describe;
export default test;

const hook = (kind: keyof Node['hooks']) => (fn: () => unknown) => {
  current.hooks[kind].push(fn);
};
export const before = hook('before');
export const after = hook('after');
export const beforeEach = hook('beforeEach');
export const afterEach = hook('afterEach');

export class TestContext {
  readonly name: string;
  readonly diagnostics: string[] = [];
  skipReason: string | null = null;
  todoReason: string | null = null;
  readonly signal: AbortSignal;
  /** subtests, run one after another as they are created; the test ends after the last */
  queue: Promise<boolean> = Promise.resolve(true);
  private readonly runChild: (n: Node) => Promise<boolean>;
  constructor(name: string, signal: AbortSignal, runChild: (n: Node) => Promise<boolean>) {
    this.name = name;
    this.signal = signal;
    this.runChild = runChild;
  }
  diagnostic(msg: string): void {
    this.diagnostics.push(String(msg));
  }
  skip(msg = ''): void {
    this.skipReason = msg;
  }
  todo(msg = ''): void {
    this.todoReason = msg;
  }
  /** A subtest: starts now (after earlier subtests); the promise settles when it has run. */
  test(...a: unknown[]): Promise<void> {
    const { name, options, fn } = parseArgs(a);
    const node = newNode(name, options, fn, false);
    const run = this.queue.then(async (ok) => (await this.runChild(node)) && ok);
    this.queue = run;
    return run.then(() => undefined);
  }
}

const reasonOf = (v: boolean | string | undefined) => (typeof v === 'string' ? v : '');
const message = (e: unknown) => (e instanceof Error ? (e.stack && e.stack.includes(e.message) ? e.stack : `${e.name}: ${e.message}\n${e.stack ?? ''}`) : String(e));

function withTimeout<T>(p: Promise<T>, ms: number | undefined, name: string): Promise<T> {
  if (!ms || !Number.isFinite(ms)) return p;
  let timer: ReturnType<typeof setTimeout>;
  const t = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`test timed out after ${ms} ms: ${name}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Call fn with a context; supports promises and (t, done) callbacks. */
function invoke(fn: Fn, t: TestContext): Promise<unknown> {
  if (fn.length >= 2) {
    return new Promise((ok, fail) => {
      try {
        fn(t, (err?: unknown) => (err ? fail(err) : ok(undefined)));
      } catch (e) {
        fail(e);
      }
    });
  }
  try {
    return Promise.resolve(fn(t));
  } catch (e) {
    return Promise.reject(e);
  }
}

type Report = (r: Result) => void | Promise<void>;

async function runHooks(fns: (() => unknown)[]): Promise<void> {
  for (const f of fns) await f();
}

async function runNode(node: Node, path: string[], eachHooks: Node[], report: Report): Promise<boolean> {
  const t0 = performance.now();
  const done = async (r: Omit<Result, 'name' | 'path' | 'ms' | 'diagnostics'> & { diagnostics?: string[] }) => {
    await report({ name: node.name, path, ms: performance.now() - t0, diagnostics: [], ...r });
    return r.status !== 'fail';
  };
  if (node.options.skip) return done({ status: 'skip', reason: reasonOf(node.options.skip) });
  if (node.options.todo && !node.fn) return done({ status: 'todo', reason: reasonOf(node.options.todo) });
  if (node.suite) {
    let ok = true;
    const inner = [...path, node.name];
    try {
      await runHooks(node.hooks.before);
      for (const c of node.children) ok = (await runNode(c, inner, [...eachHooks, node], report)) && ok;
      await runHooks(node.hooks.after);
    } catch (e) {
      return done({ status: 'fail', error: `suite hook failed: ${message(e)}` });
    }
    return ok;
  }
  const ac = new AbortController();
  const t = new TestContext(node.name, ac.signal, (c) => runNode(c, [...path, node.name], [], report));
  let error: unknown = null;
  let failed = false;
  try {
    for (const s of eachHooks) await runHooks(s.hooks.beforeEach);
    if (node.fn) await withTimeout(invoke(node.fn, t), node.options.timeout, node.name);
    if (!(await t.queue)) throw new Error('a subtest failed');
    for (const s of [...eachHooks].reverse()) await runHooks(s.hooks.afterEach);
  } catch (e) {
    error = e;
    failed = true;
  } finally {
    ac.abort();
  }
  if (node.options.todo || t.todoReason !== null) {
    // a todo test's failure does not fail the run (as in node:test)
    return done({ status: 'todo', reason: t.todoReason ?? reasonOf(node.options.todo), error: failed ? message(error) : undefined, diagnostics: t.diagnostics });
  }
  if (failed) return done({ status: 'fail', error: message(error), diagnostics: t.diagnostics });
  if (t.skipReason !== null) return done({ status: 'skip', reason: t.skipReason, diagnostics: t.diagnostics });
  return done({ status: 'pass', diagnostics: t.diagnostics });
}

/** Run everything registered so far (then forget it). Resolves to false when anything failed. */
export async function runRegistered(report: Report): Promise<boolean> {
  const nodes = root.children.splice(0);
  let ok = true;
  try {
    await runHooks(root.hooks.before);
    for (const n of nodes) ok = (await runNode(n, [], [root], report)) && ok;
    await runHooks(root.hooks.after);
  } catch (e) {
    await report({ name: 'file-level hooks', path: [], status: 'fail', ms: 0, error: message(e), diagnostics: [] });
    ok = false;
  }
  return ok;
}
