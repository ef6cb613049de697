// Screens mounted in happy-dom over the mock backend (mockIPC answering with recorded DTOs):
// errors shown with their kind and a next step, and "Next" held back until a failed check is
// waived and the rest of the screen is settled — with the DOM contract's attributes.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import AppView from '../src/App.svelte';
import { App } from '../src/lib/app.svelte';
import { MockBackend } from '../src/mock/backend';
import { demo } from '../src/mock/fixtures/demo';

let backend: MockBackend;

beforeEach(() => {
  localStorage.clear();
  backend = new MockBackend({ stepMs: 0 });
  mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));
});

afterEach(() => {
  cleanup();
  clearMocks();
});

async function mounted(): Promise<{ app: App; container: HTMLElement }> {
  const app = new App();
  const { container } = render(AppView, { props: { app } });
  await app.boot();
  return { app, container };
}

function el<T extends Element = HTMLElement>(container: HTMLElement, selector: string): T {
  const found = container.querySelector<T>(selector) ?? document.querySelector<T>(selector);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found;
}

describe('errors', () => {
  it('shows a failing command’s kind, message and what to do next', async () => {
    const { app, container } = await mounted();
    await app.openRepo('/home/grace/Downloads');
    await waitFor(() => el(container, '[role="alert"]'));
    const alert = el(container, '[role="alert"]');
    expect(alert.dataset.errorKind, 'the kind is in the DOM contract').toBe('repository');
    expect(alert.textContent, 'the engine’s message').toContain('is not a git repository');
    expect(alert.textContent, 'and what to do').toContain('Choose the folder that holds');
    expect(el(container, 'main').dataset.screen, 'still on the welcome screen, not blank').toBe('welcome');
  });

  it('explains a busy run', async () => {
    backend.set({ failures: { get_run: 'busy' } });
    const { app, container } = await mounted();
    await app.openRun('any');
    await waitFor(() => el(container, '[data-error-kind="busy"]'));
    expect(el(container, '[data-error-kind="busy"]').textContent).toContain('Another window');
  });
});

describe('welcome', () => {
  it('opens the demo onto the Project screen with the facts and prefilled settings', async () => {
    const { container } = await mounted();
    expect(el(container, 'main').dataset.busy, 'idle once booted').toBe('false');
    await fireEvent.click(el(container, '[data-action="open-demo"]'));
    await waitFor(() => expect(el(container, 'main').dataset.screen).toBe('project'));
    await waitFor(() => expect(el<HTMLInputElement>(container, '[data-field="environment"]').value).toBe('staging'));
    expect(el(container, '[data-facts]').textContent, 'commits since the previous release').toContain('Prepare release 1.15.2');
    expect(el<HTMLSelectElement>(container, '[data-field="plan"]').value, 'the repository’s plan first').toMatch(/^file:.*plan\.toml$/);
    expect(el<HTMLInputElement>(container, '[data-field="version"]').value, 'from VERSION').toBe('1.15.2');
    expect(el(container, 'nav[aria-label="Release steps"] [aria-current="step"]').dataset.stage).toBe('project');
  });
});

describe('choosing folders and files', () => {
  it('opens the folder the shell’s dialog chose, and stays put when the dialog is cancelled', async () => {
    const { container } = await mounted();
    backend.answers.repository = null;
    await fireEvent.click(el(container, '[data-action="open-folder"]'));
    await waitFor(() => expect(el(container, 'main').dataset.busy).toBe('false'));
    expect(el(container, 'main').dataset.screen, 'cancelled: still on Welcome').toBe('welcome');
    expect(container.querySelector('[role="alert"]'), 'cancelling is no error').toBeNull();
    delete backend.answers.repository;
    await fireEvent.click(el(container, '[data-action="open-folder"]'));
    await waitFor(() => expect(el(container, 'main').dataset.screen).toBe('project'));
  });

  it('shows a path the shell refuses as not chosen with what to do', async () => {
    const { app, container } = await mounted();
    await app.openRepo('/home/grace/src/never-chosen');
    const alert = await waitFor(() => el(container, '[data-error-kind="notChosen"]'));
    expect(alert.textContent, 'the shell’s message names the folder').toContain('/home/grace/src/never-chosen');
    expect(alert.textContent, 'and the way to choose it').toContain('Open a repository folder…');
  });

  it('offers a recent repository the shell no longer holds in the folder dialog, opened at it', async () => {
    localStorage.setItem('release-pilot.recent', JSON.stringify([{ path: '/home/grace/src/billing', openedAt: '2026-11-12T09:02:00Z' }]));
    const { container } = await mounted();
    const calls: unknown[] = [];
    const handle = backend.handle.bind(backend);
    backend.handle = (cmd, args) => {
      if (cmd === 'choose_repo') calls.push(args);
      return handle(cmd, args);
    };
    await fireEvent.click(el(container, '.open-recent'));
    await waitFor(() => expect(calls, 'the dialog opens at the recent folder').toEqual([{ defaultPath: '/home/grace/src/billing' }]));
    expect(backend.chosen.has('/home/grace/src/billing'), 'confirmed there, it is chosen again').toBe(true);
  });

  it('forgets a repository in the shell too when it is removed from the recent list', async () => {
    const { app, container } = await mounted();
    await app.openDemo();
    backend.chosen.add(demo.path);
    app.go('welcome');
    await waitFor(() => el(container, '[data-recent] li button[aria-label^="Remove"]'));
    await fireEvent.click(el(container, '[data-recent] li button[aria-label^="Remove"]'));
    await waitFor(() => expect(backend.chosen.has(demo.path), 'the shell forgot the choice').toBe(false));
    expect(app.recent, 'and the list no longer shows it').toEqual([]);
  });

  it('adds a plan file chosen in the dialog to the plans and previews it', async () => {
    const { app, container } = await mounted();
    await app.openDemo();
    await waitFor(() => expect(el<HTMLButtonElement>(container, '[data-action="choose-plan"]').disabled).toBe(false));
    await fireEvent.click(el(container, '[data-action="choose-plan"]'));
    await waitFor(() =>
      expect(el<HTMLSelectElement>(container, '[data-field="plan"]').value, 'the chosen file is selected').toBe('file:/home/grace/plans/release.toml'),
    );
    await waitFor(() => expect(el(container, 'main').dataset.busy).toBe('false'));
    expect(container.querySelector('[role="alert"]'), 'the shell reads a plan file chosen in its dialog').toBeNull();
  });
});

describe('variables per environment', () => {
  it('sends only the values changed for this run, and brings them back when the environment is chosen again', async () => {
    const { app, container } = await mounted();
    await app.openDemo();
    await waitFor(() => el(container, '[data-var="service_url"]'));
    const url = el<HTMLInputElement>(container, '[data-var="service_url"]');
    expect(url.value, 'the plan’s value first').toBe('http://127.0.0.1:8080');
    expect(el(container, '[data-section="vars"]').textContent).toContain('Variables for staging');

    await fireEvent.input(el(container, '[data-field="environment"]'), { target: { value: 'qa' } });
    await fireEvent.input(url, { target: { value: 'http://127.0.0.1:9090' } });
    expect(el(container, '[data-var-changed="service_url"]').textContent, 'the plan’s value stays in sight').toContain(
      'http://127.0.0.1:8080',
    );
    await fireEvent.click(el(container, '[data-action="start-run"]'));
    await waitFor(() => expect(backend.lastStart).not.toBeNull());
    expect(backend.lastStart?.environment).toBe('qa');
    expect(backend.lastStart?.vars, 'only what differs from the plan').toEqual({ service_url: 'http://127.0.0.1:9090' });

    cleanup();
    const again = await mounted();
    await again.app.openDemo();
    await waitFor(() => el(again.container, '[data-var="service_url"]'));
    expect(el<HTMLInputElement>(again.container, '[data-var="service_url"]').value, 'staging keeps the plan’s').toBe(
      'http://127.0.0.1:8080',
    );
    await fireEvent.input(el(again.container, '[data-field="environment"]'), { target: { value: 'qa' } });
    await waitFor(() =>
      expect(el<HTMLInputElement>(again.container, '[data-var="service_url"]').value, 'qa’s value recalled').toBe(
        'http://127.0.0.1:9090',
      ),
    );
  });
});

describe('checks', () => {
  it('runs a failed step again once its cause is fixed, where running it again can help', async () => {
    const { app, container } = await mounted();
    await app.openDemo();
    await app.startRun({ repo: app.project?.facts.path ?? '', plan: { type: 'file', value: 'plan.toml' }, version: null, environment: null, operator: null, dryRun: false, vars: {} });
    await waitFor(() => expect(el(container, 'main').dataset.screen).toBe('checks'));
    await fireEvent.click(el(container, '[data-action="run-stage"]'));
    await waitFor(() => expect(el(container, '[data-step="pushed"]').dataset.status).toBe('failed'));
    await waitFor(() => expect(app.driving, 'the drive has ended').toBe(false));
    // A git check reads the repository as it was at the start: no second try, a new run.
    expect(container.querySelector('[data-retry="pushed"]'), 'no Run again for a git check').toBeNull();
    expect(el(container, '[data-way-on="pushed"]').textContent).toContain('start a new run');
    expect(el(container, '[data-step="pushed"]').textContent, 'a waiver is offered').toContain('Waive…');

    // The same failure on a step that reads the world as it is now (a file, a service).
    const stored = backend.runs.get(app.run?.id ?? '');
    const pushed = stored?.phases.flatMap((p) => p.steps).find((s) => s.id === 'pushed');
    if (!pushed) throw new Error('the mock run has the step');
    pushed.retryRefusal = null;
    pushed.class = 'action';
    await app.reload();
    await fireEvent.click(el(container, '[data-retry="pushed"]'));
    // It changes something: the app asks first, naming it, as the screen's own button does.
    const dialog = el(container, 'dialog[open]');
    expect(dialog.textContent, 'the question names the step').toContain('Every commit is pushed');
    await fireEvent.click(el(container, '[data-action="confirm-action"]'));
    await waitFor(() => expect(el(container, '[data-step="pushed"]').dataset.status).toBe('passed'));
    expect(container.querySelector('[data-retry="pushed"]'), 'nothing left to retry').toBeNull();
    expect(el(container, '[data-step="disk"]').dataset.status, 'what passed stays passed').toBe('passed');
  });

  it('keeps Next disabled until the failed check is waived and the screen is settled', async () => {
    const { app, container } = await mounted();
    await app.openDemo();
    await app.startRun({ repo: app.project?.facts.path ?? '', plan: { type: 'file', value: 'plan.toml' }, version: null, environment: null, operator: null, dryRun: false, vars: {} });
    await waitFor(() => expect(el(container, 'main').dataset.screen).toBe('checks'));
    const next = () => el<HTMLButtonElement>(container, '[data-action="next"]');
    expect(next().disabled, 'nothing has run yet').toBe(true);

    await fireEvent.click(el(container, '[data-action="run-stage"]'));
    await waitFor(() => expect(el(container, '[data-step="pushed"]').dataset.status).toBe('failed'));
    await waitFor(() => expect(el(container, 'main').dataset.busy).toBe('false'));
    expect(el(container, '[data-step="disk"]').dataset.status, 'the other checks passed').toBe('passed');
    expect(next().disabled, 'a failed blocking check stops Next').toBe(true);
    expect(container.textContent, 'and the screen says why').toContain('“Every commit is pushed” failed');

    await fireEvent.click(el(container, '[data-waive="pushed"]'));
    const reason = el<HTMLTextAreaElement>(container, '[data-field="waive-reason"]');
    const confirm = el<HTMLButtonElement>(container, '[data-action="confirm-waive"]');
    expect(confirm.disabled, 'a reason is required').toBe(true);
    await fireEvent.input(reason, { target: { value: 'Only the release notes changed' } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);
    await waitFor(() => expect(el(container, '[data-step="pushed"]').dataset.status).toBe('waived'));
    expect(next().disabled, 'the manual items are still unanswered').toBe(true);

    for (const id of ['team-notified', 'staging-access']) {
      await fireEvent.click(el(container, `[data-manual="${id}"]`));
      await fireEvent.click(el(container, '[data-action="confirm-action"]'));
      await waitFor(() => expect(el(container, `[data-step="${id}"]`).dataset.status).toBe('passed'));
    }
    expect(next().disabled, 'the gate has not run yet: Continue first').toBe(true);
    await fireEvent.click(el(container, '[data-action="run-stage"]'));
    await waitFor(() => expect(el(container, '[data-step="ready"]').dataset.status).toBe('passed'));
    await waitFor(() => expect(next().disabled, 'everything is settled').toBe(false));
    await fireEvent.click(next());
    expect(el(container, 'main').dataset.screen).toBe('backup');
    expect(screen.queryByRole('button', { name: /Rollback/ }), 'rollback comes after the backup, not before').toBeNull();
  });
});

describe('rollback', () => {
  it('asks what to change and why before rolling back, then shows the run rolled back', async () => {
    const { runDone } = await import('../src/mock/fixtures/runDone');
    backend.seed({ ...runDone, id: 'done-run' });
    const { app, container } = await mounted();
    await app.openRun('done-run');
    app.rollbackOpen = true;
    await waitFor(() => el(container, '[data-action="roll-back"]'));
    await fireEvent.click(el(container, '[data-action="roll-back"]'));
    const form = el(container, '[data-rollback-confirm]');
    expect(form.textContent, 'the confirmation names what the rollback changes').toContain('It changes');
    const confirm = el<HTMLButtonElement>(container, '[data-action="confirm-rollback"]');
    expect(confirm.disabled, 'a reason is required').toBe(true);
    await fireEvent.input(el(container, '[data-field="rollback-reason"]'), { target: { value: 'Checkout answers 500' } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);
    await waitFor(() => expect(el(container, '[data-rollback-state]').dataset.rollbackState).toBe('rolledBack'));
    expect(el(container, '[data-panel="rollback"]').textContent).toContain('Checkout answers 500');
    expect(app.run?.outcome).toBe('rolledBack');
  });

  it('says why a rollback is not possible instead of offering it', async () => {
    const { runStarted } = await import('../src/mock/fixtures/runStarted');
    backend.seed({ ...runStarted, id: 'fresh-run' });
    const { app, container } = await mounted();
    await app.openRun('fresh-run');
    app.rollbackOpen = true;
    await waitFor(() => el(container, '[data-rollback-refusal]'));
    expect(el(container, '[data-rollback-refusal]').textContent).toContain('nothing has changed');
    expect(container.querySelector('[data-action="roll-back"]'), 'no button that would be refused').toBeNull();
  });
});

describe('four eyes', () => {
  it('records a waiver as proposed until a second person agrees', async () => {
    const { runChecksFailed } = await import('../src/mock/fixtures/runChecksFailed');
    const run = structuredClone(runChecksFailed);
    const pushed = run.phases.flatMap((p) => p.steps).find((s) => s.id === 'pushed');
    if (!pushed) throw new Error('the fixture has the failed check');
    pushed.waiverNeeds = 'a second person, for the role Operations';
    backend.seed({ ...run, id: 'four-eyes' });
    const { app, container } = await mounted();
    await app.openRun('four-eyes');
    await waitFor(() => el(container, '[data-waive="pushed"]'));
    await fireEvent.click(el(container, '[data-waive="pushed"]'));
    expect(el(container, '[data-waiver-needs]').textContent).toContain('for the role Operations');
    await fireEvent.input(el(container, '[data-field="waive-reason"]'), { target: { value: 'Release notes only' } });
    await fireEvent.click(el(container, '[data-action="confirm-waive"]'));
    await waitFor(() => el(container, '[data-waiver-proposed="pushed"]'));
    expect(el(container, '[data-step="pushed"]').dataset.status, 'not in effect yet').toBe('failed');

    await fireEvent.click(el(container, '[data-agree="pushed"]'));
    const confirm = el<HTMLButtonElement>(container, '[data-action="confirm-agree"]');
    expect(confirm.disabled, 'a name is required').toBe(true);
    await fireEvent.input(el(container, '[data-field="agree-name"]'), { target: { value: 'Linus Torvalds <linus@example.com>' } });
    await fireEvent.click(confirm);
    await waitFor(() => expect(el(container, '[data-step="pushed"]').dataset.status).toBe('waived'));
    expect(el(container, '[data-step="pushed"]').textContent).toContain('agreed by');
  });
});

describe('numeric answers', () => {
  it('takes the number a manual item asks for, refuses what is not a number, and shows the judgement', async () => {
    const { runChecksFailed } = await import('../src/mock/fixtures/runChecksFailed');
    const run = structuredClone(runChecksFailed);
    const steps = run.phases.flatMap((p) => p.steps);
    for (const id of ['team-notified', 'staging-access']) {
      const s = steps.find((x) => x.id === id);
      if (!s) throw new Error(`the fixture has the manual item ${id}`);
      s.asksNumber = '≥ 95 % of 200 points';
      s.blocking = true;
    }
    backend.seed({ ...run, id: 'numbers' });
    const { app, container } = await mounted();
    await app.openRun('numbers');
    await waitFor(() => el(container, '[data-number="team-notified"]'));
    expect(container.querySelector('[data-manual="team-notified"]'), 'no tick box for a number').toBeNull();
    expect(el(container, '[data-step="team-notified"]').textContent, 'the target is shown').toContain('≥ 95 % of 200 points');

    const record = el<HTMLButtonElement>(container, '[data-record-number="team-notified"]');
    expect(record.disabled, 'nothing typed yet').toBe(true);
    await fireEvent.input(el(container, '[data-number="team-notified"]'), { target: { value: 'most of them' } });
    expect(record.disabled, 'not a number').toBe(true);
    expect(el(container, '[data-step="team-notified"]').textContent).toContain('is not a number');

    await fireEvent.input(el(container, '[data-number="team-notified"]'), { target: { value: '195' } });
    expect(record.disabled).toBe(false);
    await fireEvent.click(record);
    expect(el(container, 'dialog').textContent, 'the confirmation names the number').toContain('Record 195');
    await fireEvent.click(el(container, '[data-action="confirm-action"]'));
    await waitFor(() => expect(el(container, '[data-step="team-notified"]').dataset.status).toBe('passed'));
    expect(el(container, '[data-answered="team-notified"]').textContent).toContain('195 of 200 (97.5 %)');

    await fireEvent.input(el(container, '[data-number="staging-access"]'), { target: { value: '150,5' } });
    await fireEvent.click(el(container, '[data-record-number="staging-access"]'));
    await fireEvent.click(el(container, '[data-action="confirm-action"]'));
    await waitFor(() => expect(el(container, '[data-step="staging-access"]').dataset.status, 'short of the target').toBe('failed'));
    expect(el(container, '[data-step="staging-access"]').textContent).toContain('short of ≥ 95 % of 200 points');
  });
});
