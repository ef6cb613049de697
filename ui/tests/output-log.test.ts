// The live output log: batches appended to the DOM without redrawing what is there, bounded to
// OUTPUT_LINES lines with a note counting the hidden ones, and redrawn when the shell left lines
// out. (The frame-gap benchmark measures the same log in the real webview.)
import { cleanup, render } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import OutputLog from '../src/components/OutputLog.svelte';
import { OutputTail } from '../src/lib/output-tail.svelte';

afterEach(() => cleanup());

function logOf(container: HTMLElement): HTMLElement {
  const log = container.querySelector<HTMLElement>('[data-output="build"]');
  if (!log) throw new Error('the log is not rendered');
  return log;
}

function shownLines(log: HTMLElement): string[] {
  return (log.textContent ?? '').split('\n').filter((l) => l !== '');
}

const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => `line ${from + i}`);

describe('the output log', () => {
  it('waits for output, then appends each batch as one block', () => {
    const tail = new OutputTail();
    const { container } = render(OutputLog, { props: { stepId: 'build', output: tail } });
    const log = logOf(container);
    expect(log.childElementCount, 'empty: the CSS placeholder shows "Waiting for output…"').toBe(0);

    tail.append(batch(0, 3));
    flushSync();
    const first = log.firstElementChild;
    tail.append(batch(3, 2));
    flushSync();
    expect(log.childElementCount, 'one block per batch').toBe(2);
    expect(log.firstElementChild, 'the earlier block is kept as it was, not redrawn').toBe(first);
    expect(shownLines(log), 'every line, in order').toEqual(batch(0, 5));
    expect(container.querySelector('[data-output-hidden]'), 'nothing hidden yet').toBeNull();
  });

  it('keeps the DOM bounded and says how many earlier lines are hidden', () => {
    const tail = new OutputTail(100);
    const { container } = render(OutputLog, { props: { stepId: 'build', output: tail } });
    for (let b = 0; b < 7; b++) {
      tail.append(batch(b * 30, 30));
      flushSync();
    }
    const log = logOf(container);
    const lines = shownLines(log);
    expect(lines.length, 'the DOM holds the kept lines only').toBe(100);
    expect(lines[0], 'the oldest kept line leads (a block was cut part-way)').toBe('line 110');
    expect(lines.at(-1)).toBe('line 209');
    const note = container.querySelector('[data-output-hidden="build"]');
    expect(note?.textContent, 'the hidden lines are counted').toContain('110 earlier lines not shown');
  });

  it('redraws from the kept lines when the shell left lines out', () => {
    const tail = new OutputTail();
    const { container } = render(OutputLog, { props: { stepId: 'build', output: tail } });
    tail.append(batch(0, 3));
    flushSync();
    tail.append(['after the flood'], 9000);
    flushSync();
    const log = logOf(container);
    expect(shownLines(log), 'no gap is shown as if the lines ran on').toEqual(['after the flood']);
    expect(container.querySelector('[data-output-hidden]')?.textContent).toContain('9,003 earlier lines');
  });
});
