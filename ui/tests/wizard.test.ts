// The wizard's rules on real runs recorded from the demo walk: which screens exist, what keeps
// "Next" disabled, where a run is, how the verdict reads.
import { describe, expect, it } from 'vitest';
import type { RunDto } from '../src/lib/bindings/RunDto';
import { runChecksFailed } from '../src/mock/fixtures/runChecksFailed';
import { runDone } from '../src/mock/fixtures/runDone';
import { runStarted } from '../src/mock/fixtures/runStarted';
import {
  actionsToConfirm,
  blockers,
  canLeave,
  frontier,
  nextScreen,
  previousScreen,
  progress,
  reachable,
  rollbackOffered,
  runLabel,
  screensOf,
  wayOn,
  skipNote,
  stageState,
  stagesInPlan,
  stepOf,
  stepsOf,
  verdictSentence,
} from '../src/lib/wizard';

const copy = (run: RunDto): RunDto => structuredClone(run);

function step(run: RunDto, id: string) {
  const s = run.phases.flatMap((p) => p.steps).find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
}

describe('screens of a plan', () => {
  it('lists the forward stages in wizard order, without rollback', () => {
    expect(stagesInPlan(runStarted.phases), 'the demo has every stage').toEqual([
      'checks',
      'backup',
      'deploy',
      'validation',
      'signoff',
    ]);
  });

  it('skips the screens of stages the plan does not have, but keeps Sign-off', () => {
    const run = copy(runStarted);
    run.phases = run.phases.filter((p) => p.stage !== 'backup' && p.stage !== 'signoff');
    expect(screensOf(run), 'no Backup screen; Sign-off holds the verdict').toEqual([
      'project',
      'checks',
      'deploy',
      'validation',
      'signoff',
      'report',
    ]);
    expect(nextScreen(run, 'checks'), 'Next from Checks goes straight to Deploy').toBe('deploy');
    expect(previousScreen(run, 'deploy'), 'Back from Deploy returns to Checks').toBe('checks');
    expect(stepOf(run, 'deploy'), 'numbered among the screens this run has').toBe('Step 3 of 6');
  });

  it('has only the Project screen before a run exists', () => {
    expect(screensOf(null)).toEqual(['project']);
    expect(nextScreen(null, 'project'), 'nothing after Project without a run').toBeNull();
  });
});

describe('what keeps Next disabled', () => {
  it('blocks a fresh run: nothing has run yet', () => {
    const why = blockers(runStarted, 'checks');
    expect(why.length, 'every step of the checks is outstanding').toBe(14);
    expect(canLeave(runStarted, 'checks'), 'Next is disabled').toBe(false);
    expect(stageState(runStarted, 'checks'), 'the screen has not started').toBe('idle');
    expect(runLabel(runStarted, 'checks'), 'the button starts the checks').toBe('Run checks');
  });

  it('puts a failed blocking step first, then unanswered items', () => {
    const why = blockers(runChecksFailed, 'checks');
    expect(why[0]?.stepId, 'the failed check is the first reason').toBe('pushed');
    expect(why[0]?.reason).toBe('failed');
    expect(why[0]?.text, 'the reason says what to do').toContain('or waive it');
    expect(why[0]?.text, 'a git check is not run again: a new run is').toContain('start a new run');
    expect(
      why.filter((b) => b.reason === 'unanswered').map((b) => b.stepId),
      'the manual items wait for a person',
    ).toEqual(['team-notified', 'staging-access']);
    expect(stageState(runChecksFailed, 'checks'), 'a person must act').toBe('attention');
    expect(runLabel(runChecksFailed, 'checks'), 'the button continues').toBe('Continue');
  });

  it('lets a waived failure through once the rest is settled', () => {
    const run = copy(runChecksFailed);
    step(run, 'pushed').status = 'waived';
    step(run, 'pushed').stopsRun = false; // as the engine sends a waived step
    step(run, 'team-notified').status = 'passed';
    step(run, 'staging-access').status = 'passed';
    expect(
      blockers(run, 'checks').map((b) => [b.stepId, b.reason]),
      'only the gate is left, and it needs Continue',
    ).toEqual([['ready', 'notRun']]);
    step(run, 'ready').status = 'passed';
    expect(canLeave(run, 'checks'), 'everything is settled').toBe(true);
    expect(stageState(run, 'checks')).toBe('done');
  });

  it('does not stop a dry run on a failed step (the engine does not either)', () => {
    const run = copy(runChecksFailed);
    run.dryRun = true;
    // The engine's rule: in a dry run no failure stops the run, and each step says so.
    for (const s of run.phases.flatMap((p) => p.steps)) s.stopsRun = false;
    expect(
      blockers(run, 'checks').some((b) => b.reason === 'failed'),
      'a dry run looks at the whole plan',
    ).toBe(false);
  });

  it('counts a running step as not settled', () => {
    const run = copy(runStarted);
    step(run, 'disk').status = 'running';
    expect(stageState(run, 'checks')).toBe('running');
    expect(blockers(run, 'checks').find((b) => b.stepId === 'disk')?.reason).toBe('running');
  });
});

describe('where a run is', () => {
  it('is at Checks when it starts and at the failed screen when it stops', () => {
    expect(frontier(runStarted)).toBe('checks');
    expect(frontier(runChecksFailed)).toBe('checks');
  });

  it('is at the report once complete, and every screen is reachable', () => {
    expect(frontier(runDone)).toBe('report');
    expect(reachable(runDone, 'validation'), 'done screens can be revisited').toBe(true);
    expect(reachable(runStarted, 'deploy'), 'screens ahead of the run cannot').toBe(false);
  });

  it('offers the rollback from the screens after the backup', () => {
    expect(rollbackOffered(runStarted, 'checks')).toBe(false);
    expect(rollbackOffered(runStarted, 'deploy')).toBe(true);
    expect(rollbackOffered(runDone, 'history'), 'once the backup stage is done, from anywhere').toBe(true);
    expect(rollbackOffered(null, 'report'), 'no run, no rollback').toBe(false);
  });

  it('counts progress per stage', () => {
    expect(progress(runChecksFailed, 'checks'), '11 checks ran, 3 wait').toEqual({ done: 11, total: 14 });
    expect(stepsOf(runDone, 'deploy').map((s) => s.id)).toEqual(['tag-release', 'package']);
  });
});

describe('asking first and saying it plainly', () => {
  it('names the deploy actions before they run, but not in a dry run', () => {
    const run = copy(runDone);
    for (const s of stepsOf(run, 'deploy')) s.status = 'pending';
    expect(actionsToConfirm(run, 'deploy').map((s) => s.touches), 'the confirmation names what changes').toEqual([
      'the command `git tag --annotate v1.15.2 --message "Release 1.15.2"`',
      'the command `git archive --format=zip --output=build/student-management-1.15.2.zip --prefix=student-management-1.15.2/ v1.15.2`',
    ]);
    run.dryRun = true;
    expect(actionsToConfirm(run, 'deploy'), 'nothing changes in a dry run').toEqual([]);
    expect(actionsToConfirm(runStarted, 'checks'), 'checks only look').toEqual([]);
  });

  it('says why a step was skipped', () => {
    const skipped = step(runDone, 'db-backup');
    expect(skipNote({ ...skipped, summary: 'dry run: would back up data/app.db' }), 'a dry run').toBe('Dry run');
    expect(skipNote(skipped), 'any other skip').toBe('Skipped');
    expect(skipNote(step(runDone, 'tag-release')), 'only skipped steps get a note').toBeNull();
  });

  it('explains the verdict', () => {
    expect(verdictSentence(runDone)).toContain('not cleared');
    expect(verdictSentence({ outcome: 'go', status: 'completed' })).toContain('Nothing stands in the way');
    expect(verdictSentence({ outcome: 'pending', status: 'running' })).toContain('has not finished');
  });
});

describe('wayOn', () => {
  const none = { waiverCaution: null, retryRefusal: null };
  it('offers both ways on for most steps', () => {
    expect(wayOn(none)).toBe('Fix the cause, then run it again; or waive it with a written reason.');
  });
  it('puts running a failed deploy again first, and a waiver only with its caution', () => {
    const text = wayOn({ ...none, waiverCaution: 'the new version did not take over' });
    expect(text.startsWith('Fix the cause, then run it again.')).toBe(true);
    expect(text).toContain('Before any waiver, know that the new version did not take over');
  });
  it('says why a git check is not run again', () => {
    const text = wayOn({ ...none, retryRefusal: 'this check reads the repository as it was when the run started' });
    expect(text.startsWith('This check reads the repository')).toBe(true);
    expect(text).toContain('waive it with a written reason');
    expect(text).not.toContain('run it again');
  });
});
