// Channel messages applied to the run on screen, in the order the engine sends them.
import { describe, expect, it } from 'vitest';
import type { RunDto } from '../src/lib/bindings/RunDto';
import { OUTPUT_LINES, applyEvent, emptyView, type RunView } from '../src/lib/run-store.svelte';
import { runDone } from '../src/mock/fixtures/runDone';
import { runStarted } from '../src/mock/fixtures/runStarted';

function view(): RunView {
  return { ...emptyView(), run: structuredClone(runStarted) };
}

function status(run: RunDto | null, id: string) {
  return run?.phases.flatMap((p) => p.steps).find((s) => s.id === id)?.status;
}

describe('applying run events', () => {
  it('marks a step running, then replaces it with the finished step', () => {
    const v = view();
    applyEvent(v, { event: 'phaseStarted', data: { phaseId: 'checks', title: 'Pre-deployment checks' } });
    expect(v.phase, 'the phase being driven is shown').toBe('Pre-deployment checks');
    applyEvent(v, { event: 'stepStarted', data: { stepId: 'disk', title: 'At least 2 GB free disk space', kind: 'system.disk' } });
    expect(status(v.run, 'disk'), 'live status while it runs').toBe('running');
    expect(v.announcement, 'screen readers hear it').toContain('Started');
    const finished = runDone.phases[0]?.steps.find((s) => s.id === 'disk');
    if (!finished) throw new Error('fixture');
    applyEvent(v, { event: 'stepFinished', data: { step: finished } });
    expect(status(v.run, 'disk'), 'the finished step replaces the running one').toBe('passed');
    expect(
      v.run?.phases[0]?.steps.find((s) => s.id === 'disk')?.evidence.measurements[0]?.metric,
      'its evidence arrives with it',
    ).toBe('free disk space');
    expect(v.announcement).toBe('At least 2 GB free disk space: passed');
  });

  it('keeps only the last lines of output, counting the earlier ones', () => {
    const v = view();
    applyEvent(v, { event: 'stepStarted', data: { stepId: 'package', title: 'Build', kind: 'deploy.command' } });
    // Batches as the shell sends them: 100 lines each.
    for (let b = 0; b < 25; b++) {
      const lines = Array.from({ length: 100 }, (_, i) => `line ${b * 100 + i}`);
      applyEvent(v, { event: 'stepOutput', data: { stepId: 'package', lines, omitted: 0 } });
    }
    const tail = v.output.package;
    expect(tail?.lines.length, 'bounded').toBe(OUTPUT_LINES);
    expect(tail?.total, 'every line is counted').toBe(2500);
    expect(tail?.hidden, 'the earlier ones are counted as hidden').toBe(2500 - OUTPUT_LINES);
    expect(tail?.lines[0], 'the oldest lines go first').toBe(`line ${2500 - OUTPUT_LINES}`);
    expect(tail?.lines.at(-1), 'the newest is kept').toBe('line 2499');
  });

  it('splits a message holding several lines (CRLF too)', () => {
    const v = view();
    applyEvent(v, { event: 'stepOutput', data: { stepId: 'package', lines: ['a\r\nb\nc', 'd'], omitted: 0 } });
    expect(v.output.package?.lines).toEqual(['a', 'b', 'c', 'd']);
    expect(v.output.package?.total).toBe(4);
  });

  it('drops what it kept when the shell left lines out before a batch', () => {
    const v = view();
    applyEvent(v, { event: 'stepOutput', data: { stepId: 'package', lines: ['old 1', 'old 2'], omitted: 0 } });
    applyEvent(v, { event: 'stepOutput', data: { stepId: 'package', lines: ['new'], omitted: 5000 } });
    const tail = v.output.package;
    expect(tail?.lines, 'only lines that run on without a gap are shown').toEqual(['new']);
    expect(tail?.total, 'kept, omitted and new lines all count').toBe(5003);
    expect(tail?.hidden).toBe(5002);
    expect(tail?.restarts, 'the log is told to redraw').toBe(1);
  });

  it('keeps the newest meter reading of a running step and drops it when the step ends', () => {
    const v = view();
    applyEvent(v, { event: 'stepStarted', data: { stepId: 'disk', title: 'Backup', kind: 'backup.sqlite' } });
    for (const done of [10, 55, 100]) {
      applyEvent(v, {
        event: 'stepMeter',
        data: { stepId: 'disk', label: `Copying app.db: ${done} of 100 MiB`, done, total: 100, unit: 'bytes' },
      });
    }
    expect(v.meters['disk']?.done, 'the newest reading is shown').toBe(100);
    expect(v.meters['disk']?.label).toBe('Copying app.db: 100 of 100 MiB');
    const finished = runDone.phases[0]?.steps.find((s) => s.id === 'disk');
    if (!finished) throw new Error('fixture');
    applyEvent(v, { event: 'stepFinished', data: { step: finished } });
    expect(v.meters['disk'], 'a finished step has no meter').toBeUndefined();
  });

  it('records a waiting run and a finished run', () => {
    const v = view();
    applyEvent(v, { event: 'runWaiting', data: { stepIds: ['team-notified'] } });
    expect(v.run?.status).toBe('waiting');
    expect(v.run?.waitingOn, 'the items a person must answer').toEqual(['team-notified']);
    applyEvent(v, { event: 'runFinished', data: { status: 'failed', outcome: 'noGo' } });
    expect(v.run?.status).toBe('failed');
    expect(v.run?.outcome).toBe('noGo');
    expect(v.phase, 'nothing is being driven any more').toBeNull();
  });

  it('ignores events for steps the run does not have, and events without a run', () => {
    const v = view();
    const before = JSON.stringify(v.run);
    applyEvent(v, { event: 'stepStarted', data: { stepId: 'nope', title: 'x', kind: 'x' } });
    expect(JSON.stringify(v.run), 'nothing changed').toBe(before);
    const none = emptyView();
    applyEvent(none, { event: 'runFinished', data: { status: 'completed', outcome: 'go' } });
    expect(none.run).toBeNull();
  });
});
