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

  it('keeps only the last lines of output', () => {
    const v = view();
    applyEvent(v, { event: 'stepStarted', data: { stepId: 'package', title: 'Build', kind: 'deploy.command' } });
    for (let i = 0; i < OUTPUT_LINES + 50; i++) {
      applyEvent(v, { event: 'stepOutput', data: { stepId: 'package', line: `line ${i}` } });
    }
    const lines = v.output.package ?? [];
    expect(lines.length, 'bounded').toBe(OUTPUT_LINES);
    expect(lines[0], 'the oldest lines go first').toBe('line 50');
    expect(lines.at(-1), 'the newest is kept').toBe(`line ${OUTPUT_LINES + 49}`);
  });

  it('splits a message holding several lines (CRLF too)', () => {
    const v = view();
    applyEvent(v, { event: 'stepOutput', data: { stepId: 'package', line: 'a\r\nb\nc' } });
    expect(v.output.package).toEqual(['a', 'b', 'c']);
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
