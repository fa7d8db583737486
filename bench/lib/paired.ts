/**
 * Paired ratio of two timed actions: the median over `rounds` alternating rounds of time(b) / time(a),
 * one sample of each per round. On a shared machine whose load drifts over the seconds tinybench spends on
 * each task, both sides of a round see the same load, so this ratio is steadier than a ratio of medians
 * taken seconds apart. Report it next to tinybench's medians, not instead of them.
 */
export async function pairedRatio(a: () => unknown, b: () => unknown, rounds = 31): Promise<number> {
  const r: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await a();
    const t1 = performance.now();
    await b();
    r.push((performance.now() - t1) / (t1 - t0));
  }
  r.sort((x, y) => x - y);
  return r[Math.floor((rounds - 1) / 2)];
}
