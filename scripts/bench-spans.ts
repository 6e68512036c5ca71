// Where a request's time goes, for the benches: wraps the methods of the services a handler
// reaches (storage, catalogue, records, audit) with timing spans, grouped by the phase the bench
// is in, without touching the code under test. A span's self time leaves out the spans inside it.
import { AsyncLocalStorage } from "node:async_hooks";

interface Span {
  name: string;
  started: number;
  childMs: number;
}

interface Totals {
  calls: number;
  ms: number;
  selfMs: number;
}

export class Spans {
  private readonly current = new AsyncLocalStorage<Span>();
  private readonly totals = new Map<string, Map<string, Totals>>();
  private readonly walls = new Map<string, number[]>();
  /** Which step of the bench the spans now being timed belong to (one request at a time). */
  phase = "idle";

  /** Wraps every method of `target` (its own and its classes'), named `label.method`. */
  instrument(label: string, target: object, only?: readonly string[]): void {
    const names = new Set<string>();
    for (let proto = Object.getPrototypeOf(target); proto && proto !== Object.prototype; ) {
      for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
      proto = Object.getPrototypeOf(proto);
    }
    for (const name of Object.keys(target)) names.add(name);
    const record = target as Record<string, unknown>;
    for (const name of names) {
      if (name === "constructor" || (only && !only.includes(name))) continue;
      const original = record[name];
      if (typeof original !== "function") continue;
      record[name] = this.wrap(`${label}.${name}`, original.bind(target) as (...args: unknown[]) => unknown);
    }
  }

  wrap<A extends unknown[], R>(name: string, work: (...args: A) => R): (...args: A) => R {
    return (...args: A): R => {
      const parent = this.current.getStore();
      const span: Span = { name, started: performance.now(), childMs: 0 };
      const finish = () => {
        const ms = performance.now() - span.started;
        if (parent) parent.childMs += ms;
        this.add(name, ms, ms - span.childMs);
      };
      const result = this.current.run(span, () => work(...args));
      if (result instanceof Promise) return result.finally(finish) as R;
      finish();
      return result;
    };
  }

  /** Times one whole step as the caller sees it (the wall time the spans are a part of). */
  async step<T>(phase: string, work: () => Promise<T>): Promise<T> {
    this.phase = phase;
    const started = performance.now();
    try {
      return await work();
    } finally {
      const wall = this.walls.get(phase) ?? [];
      wall.push(performance.now() - started);
      this.walls.set(phase, wall);
      this.phase = "idle";
    }
  }

  /** Rows per phase: each span's calls and mean ms per step, largest first, then what no span covers. */
  rows(): string[][] {
    const rows: string[][] = [];
    for (const [phase, walls] of this.walls) {
      const steps = walls.length;
      const wallMs = walls.reduce((sum, ms) => sum + ms, 0) / steps;
      const spans = [...(this.totals.get(phase) ?? new Map<string, Totals>())].sort(
        (a, b) => b[1].selfMs - a[1].selfMs,
      );
      const covered = spans.reduce((sum, [, totals]) => sum + totals.selfMs, 0) / steps;
      rows.push([phase, "whole request (client side)", "1", wallMs.toFixed(2), "-", "100%"]);
      for (const [name, totals] of spans) {
        rows.push([
          phase,
          name,
          (totals.calls / steps).toFixed(1),
          (totals.ms / steps).toFixed(2),
          (totals.selfMs / steps).toFixed(2),
          `${((100 * totals.selfMs) / steps / wallMs).toFixed(0)}%`,
        ]);
      }
      rows.push([
        phase,
        "(no span: HTTP, auth, validation, JSON, event loop)",
        "-",
        "-",
        (wallMs - covered).toFixed(2),
        `${((100 * (wallMs - covered)) / wallMs).toFixed(0)}%`,
      ]);
    }
    return rows;
  }

  static readonly HEADER = ["step", "span", "calls", "ms (with inner)", "self ms", "self share"];

  private add(name: string, ms: number, selfMs: number): void {
    const byName = this.totals.get(this.phase) ?? new Map<string, Totals>();
    this.totals.set(this.phase, byName);
    const totals = byName.get(name) ?? { calls: 0, ms: 0, selfMs: 0 };
    totals.calls += 1;
    totals.ms += ms;
    totals.selfMs += selfMs;
    byName.set(name, totals);
  }
}
