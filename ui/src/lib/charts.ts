// What the validation charts draw, read from a step's evidence facts, and the little geometry
// they need. Pure functions (no DOM), so the numbers behind every bar and point are tested
// directly; the components only place them in an SVG.
//
// The facts are the engine's contract (crates/engine/src/run/executors/http.rs):
// - http.latency: `histogram.le_<ms>ms` = answers at or under <ms> (cumulative, Prometheus
//   style), `histogram.count` = every answer (the ones slower than the last bound included);
// - soak: `series.<n>.at`, `series.<n>.p95_ms`, `series.<n>.error_rate` per round n.

import type { FactDto } from './bindings/FactDto';
import type { MeasurementDto } from './bindings/MeasurementDto';
import type { StepDto } from './bindings/StepDto';

/** One bar: the answers that took more than the previous bound and at most `le` ms (`le` null:
 * slower than the last bound). */
export interface Bucket {
  le: number | null;
  /** Short axis label: "≤ 5 ms", "> 10 s". */
  label: string;
  count: number;
}

export interface Histogram {
  buckets: Bucket[];
  total: number;
}

const LE = /^histogram\.le_(\d+(?:\.\d+)?)ms$/;
const SERIES = /^series\.(\d+)\.(at|p95_ms|error_rate)$/;

/** Whether a fact is drawn by a chart (and so need not be listed as a fact too). */
export function isChartFact(label: string): boolean {
  return LE.test(label) || label === 'histogram.count' || SERIES.test(label);
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

function count(value: string): number | null {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** The latency histogram in the facts, as per-bucket counts from the first answered bucket to
 * the last; null when the facts hold none (or nothing answered). */
export function histogramOf(facts: readonly FactDto[]): Histogram | null {
  const cumulative: { le: number; n: number }[] = [];
  let total: number | null = null;
  for (const f of facts) {
    const m = LE.exec(f.label);
    const n = count(f.value);
    if (m && n !== null) cumulative.push({ le: Number(m[1]), n });
    else if (f.label === 'histogram.count' && n !== null) total = n;
  }
  if (cumulative.length === 0) return null;
  cumulative.sort((a, b) => a.le - b.le);
  const last = cumulative[cumulative.length - 1]?.n ?? 0;
  const all = Math.max(total ?? last, last);
  if (all === 0) return null;
  let before = 0;
  const buckets: Bucket[] = cumulative.map(({ le, n }) => {
    // Cumulative counts never fall; a falling one is read as "no more in this bucket".
    const c = Math.max(0, n - before);
    before = Math.max(before, n);
    return { le, label: `≤ ${formatMs(le)}`, count: c };
  });
  const lastLe = cumulative[cumulative.length - 1]?.le ?? 0;
  buckets.push({ le: null, label: `> ${formatMs(lastLe)}`, count: all - before });
  // Empty buckets at either end say nothing; the ones in between show the shape.
  const first = buckets.findIndex((b) => b.count > 0);
  const end = buckets.length - [...buckets].reverse().findIndex((b) => b.count > 0);
  return { buckets: buckets.slice(first, end), total: all };
}

/** One round of a soak: when, its p95 latency and its error rate (null when not recorded). */
export interface Point {
  round: number;
  at: string;
  p95Ms: number | null;
  errorRatePct: number | null;
}

/** The soak series in the facts, in round order; empty when there is none. */
export function seriesOf(facts: readonly FactDto[]): Point[] {
  const rounds = new Map<number, Point>();
  for (const f of facts) {
    const m = SERIES.exec(f.label);
    if (!m) continue;
    const round = Number(m[1]);
    const p = rounds.get(round) ?? { round, at: '', p95Ms: null, errorRatePct: null };
    if (m[2] === 'at') p.at = f.value;
    else if (m[2] === 'p95_ms') p.p95Ms = count(f.value);
    else p.errorRatePct = count(f.value);
    rounds.set(round, p);
  }
  return [...rounds.values()].sort((a, b) => a.round - b.round);
}

/** A "nice" top for an axis that must reach `max`: 1, 2 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Round-number ticks from 0 to `top` (inclusive). */
export function ticks(top: number, count = 4): number[] {
  const step = top / count;
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(6)));
}

/** The SVG path through the points that have a value (gaps break the line). */
export function linePath(values: readonly (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

/** One row of the stage's metrics table. */
export interface MetricRow {
  stepId: string;
  step: string;
  metric: string;
  target: string;
  measured: string;
  passed: boolean;
}

/** A measured value as the engine writes its target ("≤ 0.1 %"), so the two read alike. */
export function formatValue(m: MeasurementDto): string {
  return `${m.value.toLocaleString(undefined, { maximumFractionDigits: 2 })} ${m.unit}`.trim();
}

/** Every measurement of the given steps, in plan order. */
export function metricRows(steps: readonly StepDto[]): MetricRow[] {
  return steps.flatMap((s) =>
    s.evidence.measurements.map((m) => ({
      stepId: s.id,
      step: s.title,
      metric: m.metric,
      target: m.target,
      measured: formatValue(m),
      passed: m.passed,
    })),
  );
}
