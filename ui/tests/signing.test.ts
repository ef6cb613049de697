// Signed reports and the sign-off summary: the pure logic (allowed_signers remembered per
// project, what signs, "1 of 2 approvals", UTC times, separation-of-duties refusals), the
// Report screen over the mock backend (save, sign, attach, verify good, a passphrase key's
// error, a tampered report), and the sign-off summary's empty and filled states.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import AppView from '../src/App.svelte';
import SignoffSummary from '../src/components/SignoffSummary.svelte';
import { App } from '../src/lib/app.svelte';
import type { SignoffRoleDto } from '../src/lib/bindings/SignoffRoleDto';
import { defaultMethod, loadAllowedSigners, rememberAllowedSigners, resultOf, signWith } from '../src/lib/signing';
import { approvalCount, decisions, missingRoles, refusals, utc } from '../src/lib/signoff';
import { MockBackend } from '../src/mock/backend';
import { reportCheckBad } from '../src/mock/fixtures/reportCheckBad';
import { runDone } from '../src/mock/fixtures/runDone';
import { signingSetup } from '../src/mock/fixtures/signingSetup';

const grace = { role: 'tech_lead', name: 'Grace Hopper <grace@example.com>', decision: 'approve' as const, comment: 'Looks good', at: '2026-11-20T23:50:00Z', signed: null };
const quinn = { role: 'qa_lead', name: 'Quinn <q@example.com>', decision: 'hold' as const, comment: 'smoke tests still running', at: '2026-11-20T23:51:00Z', signed: null };
const operator = { role: 'qa_lead', name: 'E2E Tester', decision: 'approve' as const, comment: '', at: '2026-11-20T23:49:00Z', signed: null };

const ROLES: SignoffRoleDto[] = [
  { id: 'tech_lead', title: 'Tech lead', approvals: 1, operatorMayApprove: true, typedCounts: true, signers: null, state: 'approved', missing: 0, summary: 'Tech lead: approved by Grace Hopper', approvedBy: [grace], blockedBy: [], notCounted: [] },
  {
    id: 'qa_lead',
    title: 'QA lead',
    approvals: 2,
    operatorMayApprove: false,
    typedCounts: true,
    signers: null,
    state: 'onHold',
    missing: 2,
    summary: 'QA lead: on hold by Quinn',
    approvedBy: [],
    blockedBy: [quinn],
    notCounted: [{ signoff: operator, why: 'E2E Tester ran this deploy and may not approve it (separation of duties)' }],
  },
];

describe('sign-off logic', () => {
  it('counts approvals, writes times in UTC and lists decisions oldest first', () => {
    expect(approvalCount({ approvals: 2, missing: 1 }), 'have of need').toBe('1 of 2 approvals');
    expect(approvalCount({ approvals: 1, missing: 0 }), 'singular').toBe('1 of 1 approval');
    expect(utc('2026-11-20T23:52:48+01:00'), 'converted to UTC, minutes').toBe('2026-11-20 22:52 UTC');
    expect(utc('not a time'), 'garbage is shown as it is').toBe('not a time');
    const rows = decisions(ROLES);
    expect(rows.map((r) => r.name), 'oldest first, across roles').toEqual(['E2E Tester', grace.name, quinn.name]);
    expect(rows[0]?.notCounted, 'the operator’s approval is marked as not counted').toContain('separation of duties');
    expect(rows[2]?.role, 'the role is named by its title').toBe('QA lead');
  });

  it('says what is missing and which approvals were refused', () => {
    const missing = missingRoles(ROLES);
    expect(missing.map((m) => m.id), 'only the role short of approvals').toEqual(['qa_lead']);
    expect(missing[0]?.count).toBe('0 of 2 approvals');
    expect(missing[0]?.blocked, 'with the standing hold and its reason').toContain('smoke tests still running');
    expect(refusals(ROLES), 'the separation-of-duties refusal').toEqual([
      { name: 'E2E Tester', role: 'QA lead', why: expect.stringContaining('may not approve') as string },
    ]);
  });
});

describe('signing logic', () => {
  beforeEach(() => localStorage.clear());

  it('remembers the allowed_signers file per project and survives garbage', () => {
    expect(loadAllowedSigners('/src/a'), 'nothing yet').toBeNull();
    rememberAllowedSigners('/src/a', '/src/a/allowed_signers');
    rememberAllowedSigners('/src/b', '/keys/team');
    expect(loadAllowedSigners('/src/a'), 'per project').toBe('/src/a/allowed_signers');
    expect(loadAllowedSigners('/src/b')).toBe('/keys/team');
    localStorage.setItem('release-pilot.allowed-signers', '[1,2');
    expect(loadAllowedSigners('/src/a'), 'broken storage reads as nothing').toBeNull();
  });

  it('offers a usable key file first, then the agent, and needs a choice to sign', () => {
    expect(defaultMethod(signingSetup), 'a plain ed25519 key is in ~/.ssh').toBe('keyFile');
    const onlyLocked = { ...signingSetup, keys: signingSetup.keys.filter((k) => k.encrypted) };
    expect(defaultMethod(onlyLocked), 'a passphrase key leads to the agent').toBe('agent');
    expect(signWith('keyFile', '  ', ''), 'no key file typed').toBeNull();
    expect(signWith('keyFile', ' /k/id ', ''), 'trimmed').toEqual({ type: 'keyFile', value: '/k/id' });
    expect(signWith('agent', '', 'ssh-ed25519 AAAA')).toEqual({ type: 'agent', value: 'ssh-ed25519 AAAA' });
    expect(resultOf(reportCheckBad.signatures[0]!), 'a mismatch in words').toBe('Does not match the report');
  });
});

describe('sign-off summary', () => {
  afterEach(cleanup);

  it('shows who decided what, what is missing and the refusal', () => {
    const { container } = render(SignoffSummary, { props: { roles: ROLES } });
    const table = container.querySelector('[data-decisions]');
    expect(table?.textContent, 'name, role, decision, comment and UTC time').toContain('Grace Hopper');
    expect(table?.textContent).toContain('2026-11-20 23:50 UTC');
    expect(table?.textContent).toContain('Looks good');
    expect(container.querySelector('[data-missing="qa_lead"]')?.textContent, 'the count').toContain('0 of 2 approvals');
    expect(container.querySelector('[data-refused]')?.textContent, 'the refusal and why').toContain('separation of duties');
  });

  it('has an empty state before anyone decides and says when nothing is missing', () => {
    const fresh = ROLES.map((r) => ({ ...r, approvedBy: [], blockedBy: [], notCounted: [], state: 'missing' as const, missing: r.approvals }));
    const { container } = render(SignoffSummary, { props: { roles: fresh } });
    expect(container.querySelector('[data-empty="decisions"]'), 'no one has signed off yet').not.toBeNull();
    cleanup();
    const done = ROLES.map((r) => ({ ...r, blockedBy: [], notCounted: [], state: 'approved' as const, missing: 0 }));
    const again = render(SignoffSummary, { props: { roles: done } });
    expect(again.container.querySelector('[data-missing="none"]')?.textContent).toContain('Every role has');
  });
});

describe('report screen: signatures', () => {
  let backend: MockBackend;

  beforeEach(() => {
    localStorage.clear();
    backend = new MockBackend({ stepMs: 0 });
    backend.seed({ ...runDone, signoff: ROLES });
    mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));
  });

  afterEach(() => {
    cleanup();
    clearMocks();
  });

  function el<T extends Element = HTMLElement>(container: HTMLElement, selector: string): T {
    const found = container.querySelector<T>(selector);
    if (!found) throw new Error(`nothing matches ${selector}`);
    return found;
  }

  async function onReport(): Promise<{ app: App; container: HTMLElement }> {
    const app = new App();
    const { container } = render(AppView, { props: { app } });
    await app.boot();
    await app.openRun(runDone.id);
    await waitFor(() => expect(el(container, 'main').dataset.screen).toBe('report'));
    await waitFor(() => expect(el(container, 'main').dataset.busy, 'the report is rendered').toBe('false'));
    return { app, container };
  }

  it('asks to save first, then signs, attaches and verifies with the command to copy', async () => {
    const { container } = await onReport();
    expect(el(container, '[data-panel="signatures-empty"]').textContent, 'the empty state says why').toContain('Save the report first');
    await fireEvent.click(el(container, '[data-action="save-report"]'));
    await waitFor(() => el(container, '[data-panel="sign"]'));
    await waitFor(() => expect(el<HTMLInputElement>(container, '[data-field="sign-key"]').value, 'the plain key from ~/.ssh').toBe('/home/grace/.ssh/id_ed25519'));
    expect(container.textContent, 'the passphrase key is listed with what to do').toContain('load it into ssh-agent');
    // Svelte reads the selected option, so select it as a person would.
    const role = el<HTMLSelectElement>(container, '[data-field="sign-role"]');
    const qa = [...role.options].find((o) => o.value === 'qa_lead');
    if (qa) qa.selected = true;
    await fireEvent.change(role);
    await fireEvent.click(el(container, '[data-action="sign-report"]'));
    await waitFor(() => expect(el(container, '[data-signature-path]').textContent).toBe('/home/grace/Documents/release-1.15.2-report.md.sig'));
    expect(el(container, '[data-signed]').textContent, 'names the role').toContain('for QA lead');

    // Files are chosen in the shell's dialog (the mock answers it), never typed.
    backend.answers.signature = '/home/grace/Downloads/alan.sig';
    await fireEvent.click(el(container, '[data-browse="attach-sig"]'));
    await waitFor(() => expect(el<HTMLInputElement>(container, '[data-field="attach-sig"]').value).toBe('/home/grace/Downloads/alan.sig'));
    await fireEvent.click(el(container, '[data-action="attach-signature"]'));
    await waitFor(() => expect(container.querySelectorAll('[data-signed]').length, 'both listed').toBe(2));

    // Nothing chosen yet: Verify opens the dialog first, then checks the file chosen there.
    backend.answers.allowedSigners = '/home/grace/team/allowed_signers';
    await fireEvent.click(el(container, '[data-action="verify-report"]'));
    await waitFor(() => expect(el(container, '[data-verify-result]').dataset.verifyResult).toBe('good'));
    const good = container.querySelectorAll('[data-signature="good"]');
    expect(good.length, 'every signature is good').toBe(2);
    expect(el(container, '[data-signer]').textContent, 'the signer principal').toBe('grace@example.com');
    expect(el(container, '[data-verify-command]').textContent, 'the command a reader runs').toMatch(/ssh-keygen -Y verify -f .* -n release-pilot -s .*\.sig && grep -qx "report-sha256: /);
    expect(container.querySelector('[data-copy-command="0"]'), 'with a Copy button').not.toBeNull();
    expect(el(container, '[data-seal="chain"]').textContent, 'the chain head check').toContain('Event log matches');
    expect(loadAllowedSigners(runDone.repoPath), 'the file is remembered for this project').toBe('/home/grace/team/allowed_signers');
  });

  it('shows a passphrase key’s error with the agent as the way out, and a tampered report as bad', async () => {
    const { container } = await onReport();
    await fireEvent.click(el(container, '[data-action="save-report"]'));
    await waitFor(() => el(container, '[data-field="sign-key"]'));
    backend.answers.signingKey = '/home/grace/.ssh/id_locked';
    await fireEvent.click(el(container, '[data-browse="sign-key"]'));
    await waitFor(() => expect(el<HTMLInputElement>(container, '[data-field="sign-key"]').value).toBe('/home/grace/.ssh/id_locked'));
    await fireEvent.click(el(container, '[data-action="sign-report"]'));
    await waitFor(() => el(container, '[role="alert"]'));
    const alert = el(container, '[role="alert"]');
    expect(alert.dataset.errorKind, 'a signing problem').toBe('signature');
    expect(alert.textContent, 'says to use ssh-agent').toContain('ssh-add');

    await fireEvent.click(el(container, '[data-key-file="/home/grace/.ssh/id_ed25519"]'));
    await fireEvent.click(el(container, '[data-action="sign-report"]'));
    await waitFor(() => el(container, '[data-signed]'));
    backend.tampered.add('/home/grace/Documents/release-1.15.2-report.md');
    backend.answers.allowedSigners = '/keys/allowed_signers';
    await fireEvent.click(el(container, '[data-action="verify-report"]'));
    await waitFor(() => expect(el(container, '[data-verify-result]').dataset.verifyResult).toBe('bad'));
    expect(el(container, '[data-signature="bad"]').dataset.problem, 'why it is bad').toBe('mismatch');
    expect(el(container, '[data-seal="content"]').textContent, 'the digest no longer matches').toContain('changed since it was made');
  });
});
