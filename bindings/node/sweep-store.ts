/**
 * The results file of a sweep (docs/OUTPUT.md, "Sweep results"): JSON lines, a header line first, then
 * one line per finished point. Lines are only ever appended, each batch with one write and an fsync, so a
 * kill at any moment leaves every earlier line intact; at worst the last line is torn (no final newline),
 * and opening the file again cuts it off.
 */
import { openSync, closeSync, writeSync, fsyncSync, ftruncateSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { jsonReplacer } from './json.js';

export interface SweepHeader {
  kind: 'sweep-header';
  dmftlabSweep: 1;
  sweepHash: string;
  [key: string]: unknown;
}

export interface PointLine {
  kind: 'sweep-point';
  sweepHash: string;
  index: number;
  coords: number[];
  specHash: string;
  result: unknown;
  provenance: Record<string, unknown>;
  /** Refined points only (index >= the header's points): refinement level and the axis bisected. */
  level?: number;
  axis?: number;
}

/** A results file that cannot be read as one (not a torn last line: those are repaired). */
export class StoreError extends Error {}

export interface ParsedResults {
  header: SweepHeader | null;
  points: PointLine[];
  /** Bytes of complete lines; anything after is a torn last line. */
  goodBytes: number;
  /** Length of the torn last line in bytes (0 if none). */
  tornBytes: number;
}

/** Parse a results file's text. Only the last line may be incomplete; any other bad line is a StoreError. */
export function parseResults(buf: Buffer, file: string): ParsedResults {
  const lastNl = buf.lastIndexOf(0x0a);
  const goodBytes = lastNl + 1;
  const tornBytes = buf.length - goodBytes;
  const text = buf.subarray(0, goodBytes).toString('utf8');
  const lines = text.split('\n');
  lines.pop(); // after the final newline
  let header: SweepHeader | null = null;
  const points: PointLine[] = [];
  lines.forEach((line, k) => {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new StoreError(`${file}: line ${k + 1} is not JSON (only a torn last line is repaired); this is not a file written by dmftlab sweep, or it was edited`);
    }
    const o = v as { kind?: string };
    if (k === 0) {
      if (o.kind !== 'sweep-header') throw new StoreError(`${file}: line 1 is not a sweep header ({"kind":"sweep-header",...})`);
      header = v as SweepHeader;
    } else if (o.kind === 'sweep-point' && Number.isInteger((v as PointLine).index)) points.push(v as PointLine);
    else throw new StoreError(`${file}: line ${k + 1} is not a sweep point ({"kind":"sweep-point","index":...})`);
  });
  return { header, points, goodBytes, tornBytes };
}

export function readResults(file: string): ParsedResults {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new StoreError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return parseResults(buf, file);
}

function fsyncDir(file: string): void {
  // make the new file's directory entry durable too (not possible on every platform: best effort)
  try {
    const fd = openSync(dirname(file), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* e.g. Windows */
  }
}

export class ResultsStore {
  readonly file: string;
  readonly header: SweepHeader;
  /** Point indices already in the file (first occurrence wins). */
  readonly done = new Set<number>();
  /** Bytes of a torn last line cut off when the file was opened. */
  readonly repairedBytes: number;
  private fd: number;

  /**
   * Open `file` for `header`'s sweep: create it with the header, or check its header (same sweepHash and
   * shard), cut off a torn last line and collect the finished points.
   */
  constructor(file: string, header: SweepHeader, sameRun: (found: SweepHeader) => string | null) {
    this.file = file;
    this.header = header;
    let repaired = 0;
    const exists = existsSync(file) && statSync(file).size > 0;
    if (exists) {
      const r = readResults(file);
      if (r.header) {
        const why = sameRun(r.header);
        if (why) throw new StoreError(`${file}: ${why}`);
      }
      this.fd = openSync(file, 'r+');
      if (r.tornBytes > 0 || !r.header) {
        ftruncateSync(this.fd, r.header ? r.goodBytes : 0);
        fsyncSync(this.fd);
        repaired = r.tornBytes;
      }
      for (const p of r.points) this.done.add(p.index);
      closeSync(this.fd);
      this.fd = openSync(file, 'a');
      if (!r.header) this.append([header]);
    } else {
      this.fd = openSync(file, 'a');
      this.append([header]);
      fsyncDir(file);
    }
    this.repairedBytes = repaired;
  }

  /** Append lines with one write and an fsync (so a batch is all there, or cut off as a torn tail). */
  append(objs: unknown[]): void {
    const text = objs.map((o) => JSON.stringify(o, jsonReplacer) + '\n').join('');
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    fsyncSync(this.fd);
    for (const o of objs) {
      const p = o as PointLine;
      if (p.kind === 'sweep-point') this.done.add(p.index);
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
