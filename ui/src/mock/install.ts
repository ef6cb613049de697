// Development only (`vite --mode mock`): answer the app's commands with the mock backend, and
// optionally walk to a scene given in the query string, so each screen can be looked at (and
// screenshotted) in a plain browser:
//   ?scene=welcome|project|checks|checks-failed|waive|backup|deploy|confirm|deploy-running|
//          validation|signoff|signoff-done|report|history|rollback|number|error|empty
//   &step=ms   how long each mocked step takes
//   &fail=command:kind   make a command fail (e.g. drive_run:busy)

import { mockIPC } from '@tauri-apps/api/mocks';
import type { App } from '../lib/app.svelte';
import type { ErrorKind } from '../lib/bindings/ErrorKind';
import { MockBackend } from './backend';
import { demo } from './fixtures/demo';
import { runChecksFailed } from './fixtures/runChecksFailed';
import { runDone } from './fixtures/runDone';
import type { RunDto } from '../lib/bindings/RunDto';

type Scene = (app: App) => Promise<void>;

const NUMBERS_RUN = '20261120-090000-num1';

/** The checks of the demo where both manual items ask for a number (the `number` scene). */
function numbersRun(): RunDto {
  const run = structuredClone(runChecksFailed);
  run.id = NUMBERS_RUN;
  for (const s of run.phases.flatMap((p) => p.steps)) {
    if (s.id === 'team-notified') {
      s.title = 'QA points passed';
      s.asksNumber = '≥ 95 % of 200 points';
    }
    if (s.id === 'staging-access') {
      s.title = 'Open support tickets';
      s.asksNumber = '≤ 3 tickets';
    }
  }
  return run;
}

function click(selector: string): void {
  const el = document.querySelector(selector);
  if (el instanceof HTMLElement) el.click();
}

function tick(ms = 50): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function started(app: App): Promise<void> {
  await app.openDemo();
  await tick();
  click('[data-action="start-run"]');
  await tick(100);
}

async function throughChecks(app: App): Promise<void> {
  await started(app);
  await app.drive('checks');
  await app.waive('pushed', 'Only the release notes changed since the last push');
  await app.answer('team-notified', { done: true, value: null, note: 'Posted in #releases at 14:05' });
  await app.answer('staging-access', { done: true, value: null, note: '' });
  await app.drive('checks');
}

async function throughBackup(app: App): Promise<void> {
  await throughChecks(app);
  await app.drive('backup');
  await app.answer('backup-documented', { done: true, value: null, note: 'RELEASE-142' });
}

async function throughValidation(app: App): Promise<void> {
  await throughBackup(app);
  await app.drive('deploy');
  await app.drive('validation');
  await app.answer('login-page', { done: true, value: null, note: 'Checked on Firefox and Safari' });
  await app.drive('validation');
}

const SCENES: Record<string, Scene> = {
  project: async (app) => app.openDemo(),
  checks: async (app) => {
    await started(app);
  },
  'checks-failed': async (app) => {
    await started(app);
    await app.drive('checks');
  },
  waive: async (app) => {
    await started(app);
    await app.drive('checks');
    await tick();
    click('[data-waive="pushed"]');
  },
  backup: async (app) => {
    await throughChecks(app);
    app.go('backup');
  },
  deploy: async (app) => {
    await throughBackup(app);
    app.go('deploy');
  },
  confirm: async (app) => {
    await throughBackup(app);
    app.go('deploy');
    await tick();
    click('[data-action="run-stage"]');
  },
  'deploy-running': async (app) => {
    await throughBackup(app);
    app.go('deploy');
    await tick();
    void app.drive('deploy');
  },
  validation: async (app) => {
    await throughBackup(app);
    await app.drive('deploy');
    app.go('validation');
  },
  signoff: async (app) => {
    await throughValidation(app);
    app.go('signoff');
  },
  'signoff-done': async (app) => {
    await throughValidation(app);
    app.go('signoff');
    await app.answer('announced', { done: true, value: null, note: '' });
    await app.drive('signoff');
  },
  report: async (app) => {
    await throughValidation(app);
    await app.answer('announced', { done: true, value: null, note: '' });
    await app.drive('signoff');
    app.go('report');
  },
  // A manual item that asks for a number ("QA points passed"), one answered short of its target.
  number: async (app) => {
    await app.openRun(NUMBERS_RUN);
  },
  history: async (app) => app.go('history'),
  rollback: async (app) => {
    await throughBackup(app);
    app.go('deploy');
    app.rollbackOpen = true;
  },
  error: async (app) => {
    await app.openRepo('/home/grace/Downloads');
  },
};

/** Install the mock backend; returns the scene to play once the app has booted. */
export function install(search: string): Scene | null {
  const params = new URLSearchParams(search);
  const failures: Record<string, ErrorKind> = {};
  for (const f of params.getAll('fail')) {
    const [cmd, kind] = f.split(':');
    if (cmd && kind) failures[cmd] = kind as ErrorKind;
  }
  const sceneName = params.get('scene') ?? 'welcome';
  const hangOn = sceneName === 'deploy-running' ? 'package' : null;
  const backend = new MockBackend({ stepMs: Number(params.get('step') ?? 250), failures, hangOn });
  if (sceneName === 'number') backend.seed(numbersRun());
  if (sceneName !== 'empty') {
    // Earlier runs: one released a while ago, one left waiting (offered for resuming).
    backend.seed({ ...runDone, id: '20261002-101500-a1b2', version: '1.15.1', startedAt: '2026-10-16T10:15:00Z', finishedAt: '2026-10-16T10:41:00Z', outcome: 'go', verdictReasons: [] });
    backend.seed({ ...runChecksFailed, id: '20261119-163000-c3d4', status: 'waiting', outcome: 'pending', startedAt: '2026-11-19T16:30:00Z' });
    localStorage.setItem(
      'release-pilot.recent',
      JSON.stringify([
        { path: demo.path, openedAt: '2026-11-19T16:29:00Z' },
        { path: '/home/grace/src/student-management', openedAt: '2026-11-12T09:02:00Z' },
        { path: '/home/grace/src/billing-service', openedAt: '2026-10-30T13:45:00Z' },
      ]),
    );
  } else {
    localStorage.removeItem('release-pilot.recent');
  }
  mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));
  return SCENES[sceneName] ?? null;
}
