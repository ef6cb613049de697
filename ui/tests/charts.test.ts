// The validation charts and the metrics table: the numbers read from the evidence facts, the
// SVG they become (bars, points, accessible names and the table behind them), and the table of
// every measurement on the Validation screen.
import { cleanup, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import EvidenceView from '../src/components/EvidenceView.svelte';
import LatencyChart from '../src/components/LatencyChart.svelte';
import MetricsTable from '../src/components/MetricsTable.svelte';
import { histogramOf, linePath, metricRows, niceMax, seriesOf } from '../src/lib/charts';
import { latencyStep, soakStep } from '../src/mock/fixtures/latency';
import { runDone } from '../src/mock/fixtures/runDone';

afterEach(() => cleanup());

describe('reading the facts', () => {
  it('turns cumulative histogram facts into per-bucket counts', () => {
    const h = histogramOf(latencyStep.evidence.facts);
    expect(h?.total, 'every answer counts').toBe(200);
    expect(h?.buckets.map((b) => [b.label, b.count]), 'from the first answered bucket to the slowest').toEqual([
      ['≤ 5 ms', 4],
      ['≤ 10 ms', 57],
      ['≤ 20 ms', 81],
      ['≤ 50 ms', 41],
      ['≤ 100 ms', 7],
      ['≤ 200 ms', 4],
      ['≤ 500 ms', 2],
      ['≤ 1 s', 1],
      ['≤ 2 s', 0],
      ['≤ 5 s', 0],
      ['≤ 10 s', 0],
      ['> 10 s', 3],
    ]);
    expect(h?.buckets.reduce((n, b) => n + b.count, 0), 'the bars add up to the total').toBe(200);
  });

  it('finds no histogram where there is none, or nothing answered', () => {
    expect(histogramOf([{ label: 'url', value: 'x' }]), 'no histogram facts').toBeNull();
    expect(histogramOf([{ label: 'histogram.le_1ms', value: '0' }, { label: 'histogram.count', value: '0' }])).toBeNull();
    expect(histogramOf([{ label: 'histogram.le_1ms', value: 'lots' }]), 'unreadable counts are ignored').toBeNull();
  });

  it('reads a soak series in round order', () => {
    const facts = [...soakStep.evidence.facts].reverse();
    const s = seriesOf(facts);
    expect(s.length).toBe(10);
    expect(s[0], 'round 0 first, whatever the fact order').toEqual({ round: 0, at: '2026-11-20T23:50:00Z', p95Ms: 22.1, errorRatePct: 0 });
    expect(s[4]?.p95Ms).toBe(41);
  });

  it('picks round axis tops and breaks a line at missing values', () => {
    expect([niceMax(0), niceMax(7), niceMax(81), niceMax(120), niceMax(0.4)]).toEqual([1, 10, 100, 200, 0.5]);
    expect(linePath([1, null, 3, 4], (i) => i * 10, (v) => v)).toBe('M0.0,1.0M20.0,3.0L30.0,4.0');
  });
});

describe('the latency chart', () => {
  it('draws one bar per bucket with its numbers for pointer and screen-reader users', () => {
    const { container } = render(LatencyChart, { props: { facts: latencyStep.evidence.facts, subject: latencyStep.title } });
    const svg = container.querySelector('[data-chart="histogram"] svg');
    expect(svg?.getAttribute('role'), 'the SVG is one image with a name').toBe('img');
    const names = (svg?.getAttribute('aria-labelledby') ?? '').split(' ');
    const title = container.querySelector(`[id="${names[0]}"]`);
    expect(title?.textContent, 'its name says what it shows').toBe('Latency histogram: List endpoint under load');
    expect(container.querySelector(`[id="${names[1]}"]`)?.textContent, 'its description sums it up').toContain('the most, 81 (40.5%), took ≤ 20 ms');
    const bars = container.querySelectorAll('rect.bar');
    expect(bars.length, 'one bar per bucket').toBe(12);
    expect(bars[2]?.querySelector('title')?.textContent, 'each bar has its number').toBe('≤ 20 ms: 81 answers (40.5%)');
    const rows = [...container.querySelectorAll('table tbody tr')].map((r) => r.textContent);
    expect(rows[0], 'the numbers behind the bars, as a table').toBe('≤ 5 ms42%');
    expect(rows.length).toBe(12);
  });

  it('draws a soak series as lines with a legend and a table', () => {
    const { container } = render(LatencyChart, { props: { facts: soakStep.evidence.facts, subject: soakStep.title } });
    const chart = container.querySelector('[data-chart="series"]');
    expect(chart, 'a series chart, not a histogram').not.toBeNull();
    expect(chart?.querySelector('path.line.p95')?.getAttribute('d')?.match(/[ML]/g)?.length, 'p95 line through all 10 rounds').toBe(10);
    expect(chart?.querySelector('path.line.err'), 'and the error rate').not.toBeNull();
    expect(chart?.querySelectorAll('circle.point.p95').length).toBe(10);
    expect(chart?.querySelector('figcaption')?.textContent).toContain('error rate (%, right axis)');
    expect(chart?.querySelectorAll('table tbody tr').length, 'one row per round').toBe(10);
  });

  it('draws nothing for evidence without latency facts', () => {
    const { container } = render(LatencyChart, { props: { facts: [{ label: 'url', value: 'x' }], subject: 'x' } });
    expect(container.querySelector('figure')).toBeNull();
  });
});

describe('evidence with a chart', () => {
  it('draws the histogram instead of listing its facts', () => {
    const { container } = render(EvidenceView, { props: { step: latencyStep } });
    expect(container.querySelector('[data-chart="histogram"]'), 'the chart is shown').not.toBeNull();
    const labels = [...container.querySelectorAll('.facts dt')].map((d) => d.textContent);
    expect(labels, 'the other facts stay').toContain('p95_ms');
    expect(labels.some((l) => l?.startsWith('histogram.')), 'the histogram facts are drawn, not listed').toBe(false);
  });
});

describe('the metrics table', () => {
  it('lists every measurement of the screen with target, value and status', () => {
    const rows = metricRows([latencyStep, soakStep]);
    expect(rows.map((r) => [r.metric, r.target, r.measured, r.passed])).toEqual([
      ['p95 latency /api/v1/students', '≤ 100 ms', '38.2 ms', true],
      ['error rate /api/v1/students', '≤ 0.1 %', '1.5 %', false],
      ['p95 latency (worst round)', '≤ 200 ms', '41 ms', true],
    ]);
    const { container } = render(MetricsTable, { props: { steps: [latencyStep, soakStep] } });
    const table = container.querySelector('[data-metrics-table] table');
    expect([...(table?.querySelectorAll('thead th') ?? [])].map((t) => t.textContent)).toEqual(['Metric', 'Target', 'Measured', 'Status']);
    const missed = table?.querySelector('tr.bad');
    expect(missed?.textContent, 'a missed target is marked').toContain('✗ missed');
    expect(container.textContent, 'the summary counts the misses').toContain('1 target missed');
  });

  it('is not shown before anything was measured', () => {
    const validation = runDone.phases.filter((p) => p.stage === 'validation').flatMap((p) => p.steps);
    const { container } = render(MetricsTable, { props: { steps: validation.filter((s) => s.evidence.measurements.length === 0) } });
    expect(container.querySelector('[data-metrics-table]')).toBeNull();
  });
});
