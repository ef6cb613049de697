// The command wrappers against @tauri-apps/api/mocks: names and camelCase arguments as the
// contract says, progress through the channel, every rejection as an ApiError, busy counting.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { Channel } from '@tauri-apps/api/core';
import { afterEach, describe, expect, it } from 'vitest';
import { api, onActivity, toApiError } from '../src/lib/api';
import type { RunEventDto } from '../src/lib/bindings/RunEventDto';
import { facts } from '../src/mock/fixtures/facts';
import { runDone } from '../src/mock/fixtures/runDone';

afterEach(() => clearMocks());

describe('commands', () => {
  it('sends each command under its contract name with camelCase arguments', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'inspect_repo') return facts;
      return runDone;
    });
    await api.inspectRepo('/repo');
    await api.answerManual('run-1', 'team-notified', true, 'posted', null);
    await api.waiveStep('run-1', 'pushed', 'notes only', null);
    await api.startRun({ repo: '/repo', plan: { type: 'template', value: 'staging' }, version: null, environment: null, operator: null, dryRun: true, vars: {} });
    expect(calls, 'names and arguments are the contract').toEqual([
      ['inspect_repo', { path: '/repo' }],
      ['answer_manual', { runId: 'run-1', stepId: 'team-notified', done: true, note: 'posted', by: null }],
      ['waive_step', { runId: 'run-1', stepId: 'pushed', reason: 'notes only', by: null }],
      ['start_run', { request: { repo: '/repo', plan: { type: 'template', value: 'staging' }, version: null, environment: null, operator: null, dryRun: true, vars: {} } }],
    ]);
  });

  it('asks the shell to open its dialogs, naming only what they are for and where they open', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return cmd === 'forget_repo' ? null : '/chosen';
    });
    expect(await api.chooseRepo(null), 'the path the shell granted').toBe('/chosen');
    await api.chooseFile('allowedSigners', '/keys/allowed_signers');
    await api.chooseReportDestination('run-1');
    await api.forgetRepo('/src/old');
    expect(calls, 'names and arguments are the contract').toEqual([
      ['choose_repo', { defaultPath: null }],
      ['choose_file', { purpose: 'allowedSigners', defaultPath: '/keys/allowed_signers' }],
      ['choose_report_destination', { runId: 'run-1' }],
      ['forget_repo', { path: '/src/old' }],
    ]);
  });

  it('streams drive_run progress through the channel', async () => {
    let seen: Record<string, unknown> = {};
    mockIPC((cmd, args) => {
      if (cmd !== 'drive_run') throw new Error(cmd);
      seen = args as Record<string, unknown>;
      const channel = seen.onEvent as Channel<RunEventDto>;
      channel.onmessage({ event: 'phaseStarted', data: { phaseId: 'checks', title: 'Checks' } });
      channel.onmessage({ event: 'runFinished', data: { status: 'completed', outcome: 'noGo' } });
      return runDone;
    });
    const events: RunEventDto[] = [];
    const run = await api.driveRun('run-1', 'checks', false, (e) => events.push(e));
    expect(seen.runId).toBe('run-1');
    expect(seen.upTo, 'the stage to stop after').toBe('checks');
    expect(seen.resuming).toBe(false);
    expect(events.map((e) => e.event), 'events arrive in order').toEqual(['phaseStarted', 'runFinished']);
    expect(run.id, 'the stored run comes back').toBe(runDone.id);
  });

  it('rejects with the shell error as it was sent', async () => {
    mockIPC(() => {
      throw { kind: 'busy', message: 'run 1 is being driven by another process' };
    });
    await expect(api.getRun('1')).rejects.toEqual({ kind: 'busy', message: 'run 1 is being driven by another process' });
  });

  it('turns Tauri’s plain-string rejections into internal errors', async () => {
    mockIPC(() => {
      throw 'command get_run not allowed by ACL';
    });
    await expect(api.getRun('1')).rejects.toEqual({ kind: 'internal', message: 'command get_run not allowed by ACL' });
  });

  it('counts commands in flight for data-busy', async () => {
    const counts: number[] = [];
    const stop = onActivity((n) => counts.push(n));
    let release: (v: unknown) => void = () => undefined;
    mockIPC(() => new Promise((r) => (release = r)));
    const pending = api.listRuns();
    await Promise.resolve();
    expect(counts, 'busy while the command is in flight').toEqual([1]);
    release([]);
    await pending;
    expect(counts, 'idle again after').toEqual([1, 0]);
    stop();
  });
});

describe('toApiError', () => {
  it('keeps known kinds and maps everything else to internal', () => {
    expect(toApiError({ kind: 'plan', message: 'bad' })).toEqual({ kind: 'plan', message: 'bad' });
    expect(toApiError({ kind: 'notChosen', message: 'choose it' }).kind, 'a refused path keeps its kind').toBe('notChosen');
    expect(toApiError({ kind: 'weird', message: 'x' }).kind, 'unknown kinds are internal').toBe('internal');
    expect(toApiError(new Error('boom'))).toEqual({ kind: 'internal', message: 'boom' });
  });
});
