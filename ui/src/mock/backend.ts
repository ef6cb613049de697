// A fake desktop shell for development and tests: answers every command of the contract from
// fixtures recorded from the real boundary (src/mock/fixtures), and drives runs with a small
// imitation of the engine (steps start and finish one by one, checks in parallel, a command
// streams output, manual items wait, the demo's "pushed" check fails until waived), and signs
// and verifies reports from recorded signatures (a key file named "locked" needs a passphrase;
// an allowed_signers path containing "strangers" names nobody; a report "tampered" after
// signing fails its checks). Like the shell, it uses only paths chosen through its choose_*
// commands (answered from `answers`, or where the dialog was asked to open) or the demo's, and
// refuses others as `notChosen`. Never part of the production bundle.

import type { Channel } from '@tauri-apps/api/core';
import type { ApiError } from '../lib/bindings/ApiError';
import type { ErrorKind } from '../lib/bindings/ErrorKind';
import type { FilePurpose } from '../lib/bindings/FilePurpose';
import type { PlanChoiceDto } from '../lib/bindings/PlanChoiceDto';
import type { RunDto } from '../lib/bindings/RunDto';
import type { RunEventDto } from '../lib/bindings/RunEventDto';
import type { RunSummaryDto } from '../lib/bindings/RunSummaryDto';
import type { StageDto } from '../lib/bindings/StageDto';
import type { StartRunDto } from '../lib/bindings/StartRunDto';
import type { StepDto } from '../lib/bindings/StepDto';
import type { AttachedSignatureDto } from '../lib/bindings/AttachedSignatureDto';
import type { ReportCheckDto } from '../lib/bindings/ReportCheckDto';
import type { SignRequestDto } from '../lib/bindings/SignRequestDto';
import type { SignedReportDto } from '../lib/bindings/SignedReportDto';
import { appInfo } from './fixtures/appInfo';
import { attachedSignature } from './fixtures/attachedSignature';
import { reportCheckBad } from './fixtures/reportCheckBad';
import { reportCheckGood } from './fixtures/reportCheckGood';
import { signedReport } from './fixtures/signedReport';
import { signingSetup } from './fixtures/signingSetup';
import { demo } from './fixtures/demo';
import { facts } from './fixtures/facts';
import { plans } from './fixtures/plans';
import { preview } from './fixtures/preview';
import { previewStaging } from './fixtures/previewStaging';
import { reportHtml } from './fixtures/reportHtml';
import { reportMarkdown } from './fixtures/reportMarkdown';
import { rollbackAfter } from './fixtures/rollbackAfter';
import type { RollbackDto } from '../lib/bindings/RollbackDto';
import { runChecksFailed } from './fixtures/runChecksFailed';
import { runDone } from './fixtures/runDone';
import { runStarted } from './fixtures/runStarted';
import { templates } from './fixtures/templates';

const ORDER: StageDto[] = ['checks', 'backup', 'deploy', 'validation', 'signoff'];

const OUTPUT: Record<string, string[]> = {
  'tag-release': ['Tagging 553b4c8 as v1.15.2', 'Annotated tag v1.15.2 created'],
  package: [
    'Writing build/student-management-1.15.2.zip',
    '  adding: student-management-1.15.2/README.md',
    '  adding: student-management-1.15.2/VERSION',
    '  adding: student-management-1.15.2/CHANGELOG.md',
    '  adding: student-management-1.15.2/app/main.py',
    '  adding: student-management-1.15.2/app/students.py',
    '  adding: student-management-1.15.2/migrations/0007_email_index.sql',
    '  adding: student-management-1.15.2/scripts/e2e_metrics_collector.py',
  ],
  'repository-integrity': ['Checking object directories: 100% (256/256), done.', 'Checking objects: 100% (61/61), done.'],
};

/** The engine sends whether a failed step stops the run (its rule, as data); the mock engine
 * works it out the same way whenever its run changes. */
function settle(run: RunDto): RunDto {
  for (const s of run.phases.flatMap((p) => p.steps)) {
    s.stopsRun = s.blocking && s.status === 'failed' && !run.dryRun;
  }
  return run;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function apiError(kind: ErrorKind, message: string): ApiError {
  return { kind, message };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Which of the shell's dialogs: the folder dialog, an open dialog by purpose, or Save as…. */
export type MockDialog = 'repository' | FilePurpose | 'reportDestination';

/** What the mock's dialogs choose when no answer is set and none was suggested. */
const CHOSEN_BY_DEFAULT: Record<MockDialog, string> = {
  repository: demo.path,
  plan: '/home/grace/plans/release.toml',
  signingKey: '/home/grace/.ssh/id_ed25519',
  signature: '/home/grace/Downloads/release-1.15.2-report.md.alan.sig',
  allowedSigners: '/home/grace/team/allowed_signers',
  signoffRequest: '/home/grace/Downloads/signoff-request-1.15.2.txt',
  approval: '/home/grace/Downloads/approval-qa.sig',
  reportDestination: '/home/grace/Documents/release-1.15.2-report.md',
};

export interface MockOptions {
  /** Milliseconds each step takes. */
  stepMs?: number;
  /** Commands that fail, with the kind to fail with. */
  failures?: Record<string, ErrorKind>;
  /** A step that never finishes (to look at a running step). */
  hangOn?: string | null;
}

export class MockBackend {
  runs = new Map<string, RunDto>();
  /** Steps run again after a resume: their second try uses the passing result. */
  private retried = new Set<string>();
  /** Signatures attached per run, in order. */
  signatures = new Map<string, AttachedSignatureDto[]>();
  /** Reports changed after they were signed (paths). */
  tampered = new Set<string>();
  /** The last start_run request, as the UI sent it. */
  lastStart: StartRunDto | null = null;
  /** What each dialog answers (null: the user cancels); unset, the suggested path or a default. */
  answers: Partial<Record<MockDialog, string | null>> = {};
  /** Folders and files chosen in a dialog (or remembered from before), as the shell's grants;
   * the folder behind the error scene was chosen before. */
  chosen = new Set<string>(['/home/grace/Downloads']);
  /** Files chosen in the save dialog. */
  saves = new Set<string>();
  private seq = 0;
  private options: Required<MockOptions>;

  constructor(options: MockOptions = {}) {
    this.options = { stepMs: 250, failures: {}, hangOn: null, ...options };
  }

  set(options: MockOptions): void {
    this.options = { ...this.options, ...options };
  }

  /** Put a run in the store as if it had been recorded earlier. */
  seed(run: RunDto): void {
    this.runs.set(run.id, clone(run));
  }

  async handle(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    const failure = this.options.failures[cmd];
    if (failure) throw apiError(failure, this.failureMessage(failure, cmd));
    switch (cmd) {
      case 'app_info':
        return clone(appInfo);
      case 'choose_repo':
        return this.choose('repository', args.defaultPath as string | null, this.chosen);
      case 'choose_file':
        return this.choose(args.purpose as FilePurpose, args.defaultPath as string | null, this.chosen);
      case 'choose_report_destination':
        this.run(String(args.runId));
        return this.choose('reportDestination', null, this.saves);
      case 'forget_repo':
        this.chosen.delete(String(args.path));
        return null;
      case 'inspect_repo':
        this.granted(String(args.path), 'the folder', 'Open a repository folder…');
        return this.inspect(String(args.path));
      case 'list_templates':
        return clone(templates);
      case 'find_plans':
        this.granted(String(args.repo), 'the folder', 'Open a repository folder…');
        return String(args.repo) === demo.path ? clone(plans) : [];
      case 'preview_plan':
        return this.preview(args.choice as PlanChoiceDto);
      case 'create_demo':
        return clone(demo);
      case 'start_run':
        this.granted((args.request as StartRunDto).repo, 'the folder', 'Open a repository folder…');
        return this.start(args.request as StartRunDto);
      case 'drive_run':
        return this.drive(
          String(args.runId),
          (args.upTo as StageDto | null) ?? null,
          Boolean(args.resuming),
          args.onEvent as Channel<RunEventDto>,
        );
      case 'answer_manual':
        return this.answer(String(args.runId), String(args.stepId), Boolean(args.done), args.note as string | null);
      case 'answer_number':
        return this.answerNumber(String(args.runId), String(args.stepId), Number(args.value), args.note as string | null);
      case 'waive_step':
        return this.waive(String(args.runId), String(args.stepId), String(args.reason));
      case 'agree_waiver':
        return this.agree(String(args.runId), String(args.stepId), String(args.by));
      case 'request_rollback':
        return this.requestRollback(String(args.runId), String(args.reason));
      case 'get_run':
        return clone(this.run(String(args.runId)));
      case 'list_runs':
        return [...this.runs.values()].reverse().map(summary);
      case 'report_markdown':
        this.run(String(args.runId));
        return reportMarkdown;
      case 'report_html':
        this.run(String(args.runId));
        return reportHtml;
      case 'save_report':
        this.saved(String(args.path));
        return { path: String(args.path), bytes: reportMarkdown.length };
      case 'rollback_readiness':
        return this.readiness(String(args.runId));
      case 'signing_setup':
        return clone(signingSetup);
      case 'sign_report':
        return this.sign(String(args.runId), args.request as SignRequestDto);
      case 'attach_signature':
        this.granted(String(args.path), 'the signature file', 'Browse… beside “Signature file”');
        return this.attach(String(args.runId), String(args.path));
      case 'verify_report':
        this.saved(String(args.report));
        this.granted(String(args.allowedSigners), 'the allowed_signers file', 'Browse… beside “allowed_signers file”');
        return this.verify(String(args.report), String(args.allowedSigners));
      default:
        throw `command ${cmd} not found`;
    }
  }

  /** A dialog's answer: the one set, else the path it was opened at, else the default. */
  private choose(dialog: MockDialog, suggested: string | null, into: Set<string>): string | null {
    const answer = dialog in this.answers ? (this.answers[dialog] ?? null) : (suggested ?? CHOSEN_BY_DEFAULT[dialog]);
    if (answer !== null) into.add(answer);
    return answer;
  }

  /** Refuse, as the shell does, a path nobody chose (the demo is the app's own). */
  private granted(path: string, what: string, how: string): void {
    if (path === demo.path || path.startsWith(`${demo.path}/`) || this.chosen.has(path)) return;
    throw apiError('notChosen', `${what} ${path} was not chosen in this window. To use it, choose it with ${how} first`);
  }

  private saved(path: string): void {
    if (this.saves.has(path)) return;
    throw apiError('notChosen', `the report may be saved only to the file you chose in the Save as… dialog, and ${path} is not that file: click “Save as…” and choose where to save it`);
  }

  private sign(runId: string, request: SignRequestDto): SignedReportDto {
    this.run(runId);
    this.saved(request.report);
    if (request.with.type === 'keyFile' && !request.with.value.startsWith(`${signingSetup.sshDir}/`)) {
      this.granted(request.with.value, 'the key file', 'Browse… beside “Private key file”');
    }
    if (request.with.type === 'keyFile' && request.with.value.includes('locked')) {
      throw apiError(
        'signature',
        `the key ${request.with.value} is protected by a passphrase, and Release Pilot never asks for passphrases: load it into ssh-agent (ssh-add ${request.with.value}), then choose "ssh-agent" and pick it`,
      );
    }
    const list = this.signatures.get(runId) ?? [];
    const attached = { ...clone(signedReport.attached), seq: list.length + 1, role: request.role };
    this.signatures.set(runId, [...list, attached]);
    return { signaturePath: `${request.report}.sig`, attached };
  }

  private attach(runId: string, path: string): AttachedSignatureDto {
    this.run(runId);
    if (!path.endsWith('.sig')) {
      throw apiError('signature', `${path} is not a signature Release Pilot can attach: not an SSH signature (no -----END SSH SIGNATURE----- line)`);
    }
    const list = this.signatures.get(runId) ?? [];
    const attached = { ...clone(attachedSignature), seq: list.length + 1 };
    this.signatures.set(runId, [...list, attached]);
    return attached;
  }

  private verify(report: string, allowedSigners: string): ReportCheckDto {
    const bad = this.tampered.has(report) || allowedSigners.includes('strangers');
    const check = clone(bad ? reportCheckBad : reportCheckGood);
    const count = [...this.signatures.values()].reduce((n, l) => n + l.length, 0);
    check.report = report;
    check.allowedSigners = allowedSigners;
    check.signatures = check.signatures.slice(0, Math.max(count, 0));
    if (check.signatures.length === 0) {
      check.good = false;
      check.summary = 'Not verified: no signature is attached to the run or saved beside the report. Sign it, or attach the signatures people made.';
    }
    return check;
  }

  private failureMessage(kind: ErrorKind, cmd: string): string {
    if (kind === 'busy') return 'run 20261120-235248-1e1f is being driven by another process (pid 4242) since 23:52:48';
    if (kind === 'repository') return '/home/grace/Downloads is not a git repository (or any of its parents): choose the folder that holds the project\'s .git';
    return `${cmd} failed (${kind}) in the mock backend`;
  }

  private inspect(path: string) {
    if (path !== demo.path) {
      throw apiError('repository', `${path} is not a git repository (or any of its parents): choose the folder that holds the project's .git`);
    }
    return clone(facts);
  }

  private preview(choice: PlanChoiceDto) {
    if (choice.type === 'file') {
      this.granted(choice.value, 'the plan file', '“Choose a plan file…” on the Project screen');
      return clone(preview);
    }
    if (choice.value === 'staging') return clone(previewStaging);
    const t = templates.find((x) => x.name === choice.value);
    if (!t) throw apiError('notFound', `there is no built-in template named "${choice.value}"`);
    return { ...clone(previewStaging), name: t.name, title: t.title, description: t.summary };
  }

  private run(id: string): RunDto {
    const run = this.runs.get(id);
    if (!run) throw apiError('notFound', `no run with id ${id} in the run store`);
    return run;
  }

  private start(request: StartRunDto): RunDto {
    this.lastStart = clone(request);
    this.seq += 1;
    const run = clone(runStarted);
    run.id = `20261120-2352${String(48 + this.seq).padStart(2, '0')}-mock`;
    run.version = request.version ?? run.version;
    run.environment = request.environment ?? run.environment;
    run.operator = request.operator ?? run.operator;
    run.dryRun = request.dryRun;
    run.startedAt = new Date().toISOString();
    this.runs.set(run.id, run);
    return clone(settle(run));
  }

  private step(run: RunDto, id: string): StepDto {
    for (const p of run.phases) {
      const s = p.steps.find((x) => x.id === id);
      if (s) return s;
    }
    throw apiError('refused', `run ${run.id} has no step \`${id}\``);
  }

  private answer(runId: string, stepId: string, done: boolean, note: string | null): RunDto {
    const run = this.run(runId);
    const s = this.step(run, stepId);
    if (s.kind !== 'manual') throw apiError('refused', `"${s.title}" is a ${s.kind} step, not a manual item`);
    if (s.status !== 'pending') {
      throw apiError('refused', `"${s.title}" was already answered (${s.status}); answers are final and kept in the log`);
    }
    s.status = done ? 'passed' : s.blocking ? 'failed' : 'warned';
    s.summary = done ? `confirmed by ${run.operator}` : `marked not done by ${run.operator}: finish it, or waive it with a reason`;
    s.note = note;
    s.answeredBy = run.operator;
    s.startedAt = s.finishedAt = new Date().toISOString();
    return clone(settle(run));
  }

  /** A numeric answer judged as the engine does, against the first threshold of the target it
   * sent in words ("≥ 190 points", "≥ 95 % of 200 points"). */
  private answerNumber(runId: string, stepId: string, value: number, note: string | null): RunDto {
    const run = this.run(runId);
    const s = this.step(run, stepId);
    if (!s.asksNumber) throw apiError('refused', `"${s.title}" does not ask for a number: tick it instead`);
    if (s.status !== 'pending') {
      throw apiError('refused', `"${s.title}" was already answered (${s.status}); answers are final and kept in the log`);
    }
    const pct = /≥ ([\d.]+) % of ([\d.]+)/.exec(s.asksNumber);
    const min = /≥ ([\d.]+)/.exec(s.asksNumber);
    const passes = pct ? (value / Number(pct[2])) * 100 >= Number(pct[1]) : min ? value >= Number(min[1]) : true;
    const answered = pct ? `${value} of ${pct[2]} (${((value / Number(pct[2])) * 100).toFixed(1)} %)` : `${value}`;
    s.status = passes ? 'passed' : s.blocking ? 'failed' : 'warned';
    s.summary = passes
      ? `${answered}, meets ${s.asksNumber}; answered by ${run.operator}`
      : `${answered}, short of ${s.asksNumber}; answered by ${run.operator}: fix it and answer again, or waive it with a reason`;
    s.note = note;
    s.answeredBy = run.operator;
    s.startedAt = s.finishedAt = new Date().toISOString();
    return clone(settle(run));
  }

  private waive(runId: string, stepId: string, reason: string): RunDto {
    const run = this.run(runId);
    const s = this.step(run, stepId);
    if (s.status !== 'failed') throw apiError('refused', `"${s.title}" has not failed (${s.status}); only a failed step can be waived`);
    if (!reason.trim()) throw apiError('refused', 'a waiver needs a written reason: say why it is safe to go on');
    s.waiver = { reason: reason.trim(), by: run.operator, at: new Date().toISOString(), agreedBy: null, agreedAt: null };
    // Four eyes, as the engine does it: only proposed until a second person agrees.
    if (!s.waiverNeeds) s.status = 'waived';
    return clone(settle(run));
  }

  private agree(runId: string, stepId: string, by: string): RunDto {
    const run = this.run(runId);
    const s = this.step(run, stepId);
    if (!s.waiver || s.status !== 'failed') throw apiError('refused', `"${s.title}" has no waiver waiting for a second person`);
    if (by.trim() === s.waiver.by || by.trim() === run.operator) {
      throw apiError('refused', `${by} runs this release and may not agree to its waivers (four eyes): someone else must`);
    }
    s.waiver = { ...s.waiver, agreedBy: by.trim(), agreedAt: new Date().toISOString() };
    s.status = 'waived';
    return clone(settle(run));
  }

  /** As the engine says it: a rollback only once an action ran, never for a dry run. */
  private readiness(runId: string): RollbackDto {
    const run = this.run(runId);
    const acted = run.phases
      .filter((p) => p.stage !== 'rollback')
      .flatMap((p) => p.steps)
      .some((s) => s.class === 'action' && ['passed', 'failed', 'warned', 'waived', 'running'].includes(s.status));
    const refusal = run.dryRun
      ? `run ${runId} was a dry run: it changed nothing, so there is nothing to roll back`
      : run.rollback
        ? `run ${runId} was already rolled back`
        : acted
          ? null
          : `no action of run ${runId} has run yet, so nothing has changed and there is nothing to roll back: to stop, just do not continue the run`;
    return { ...clone(rollbackAfter), refusal, request: run.rollback, outcome: run.outcome };
  }

  private requestRollback(runId: string, reason: string): RunDto {
    const run = this.run(runId);
    if (run.dryRun) throw apiError('refused', `run ${runId} was a dry run: it changed nothing, so there is nothing to roll back`);
    if (run.rollback) throw apiError('refused', `run ${runId} was already rolled back`);
    if (!reason.trim()) throw apiError('refused', 'a rollback needs a written reason: say what went wrong (it goes in the report)');
    run.rollback = { at: new Date().toISOString(), by: run.operator, reason: reason.trim() };
    run.status = 'running';
    run.outcome = 'pending';
    return clone(settle(run));
  }

  /** The engine's rollback, imitated: forward steps never run are skipped, the rollback
   * phases run one step at a time, and the run ends rolled back. */
  private async rollBack(run: RunDto, send: (e: RunEventDto) => void): Promise<RunDto> {
    for (const s of run.phases.filter((p) => p.stage !== 'rollback').flatMap((p) => p.steps)) {
      if (s.status === 'pending') {
        s.status = 'skipped';
        s.summary = `not run: a rollback was asked for by ${run.operator} before it`;
      }
    }
    for (const phase of run.phases.filter((p) => p.stage === 'rollback')) {
      send({ event: 'phaseStarted', data: { phaseId: phase.id, title: phase.title } });
      for (const s of phase.steps.filter((x) => x.status === 'pending')) {
        this.started(s, send);
        await sleep(this.options.stepMs);
        s.status = 'passed';
        s.summary = 'Restored the verified backup into data/app.sqlite3 (14,897 rows, integrity ok).';
        send({ event: 'stepFinished', data: { step: clone(s) } });
      }
    }
    run.status = 'completed';
    run.outcome = 'rolledBack';
    run.finishedAt = new Date().toISOString();
    run.verdictReasons = run.rollback ? [`rolled back at the request of ${run.rollback.by}: ${run.rollback.reason}`] : [];
    send({ event: 'runFinished', data: { status: run.status, outcome: run.outcome } });
    return clone(settle(run));
  }

  /** The engine's drive, imitated: phases in order up to `upTo`'s stage. */
  private async drive(runId: string, upTo: StageDto | null, resuming: boolean, channel: Channel<RunEventDto>): Promise<RunDto> {
    const run = this.run(runId);
    const send = (e: RunEventDto) => channel.onmessage(clone(e));
    if (run.rollback) return this.rollBack(run, send);
    if (resuming) {
      // As the engine does on a resume: failed blocking steps nobody waived run again (and,
      // the cause having been fixed, pass this time).
      for (const s of run.phases.flatMap((p) => p.steps)) {
        if (s.blocking && s.status === 'failed' && !s.retryRefusal) {
          s.status = 'pending';
          this.retried.add(s.id);
        }
      }
    }
    run.status = 'running';
    run.outcome = 'pending';
    run.verdictReasons = [];
    const limit = upTo ? ORDER.indexOf(upTo) : ORDER.length;
    for (const phase of run.phases.filter((p) => p.stage !== 'rollback')) {
      const pending = phase.steps.filter((s) => s.status === 'pending');
      if (pending.length > 0 && ORDER.indexOf(phase.stage) > limit) return clone(settle(run));
      if (pending.length === 0) {
        if (phase.steps.some((s) => s.blocking && s.status === 'failed')) return this.finish(run, 'failed', send);
        continue;
      }
      send({ event: 'phaseStarted', data: { phaseId: phase.id, title: phase.title } });
      const waiting: string[] = [];
      let failed = phase.steps.some((s) => s.blocking && s.status === 'failed');
      const batch = phase.steps.filter((s) => s.status === 'pending' && s.class === 'check');
      for (const s of batch) this.started(s, send);
      for (const s of phase.steps) {
        if (s.status !== 'pending' && s.status !== 'running') continue;
        if (s.class === 'person' && s.kind === 'manual') {
          waiting.push(s.id);
          continue;
        }
        if ((failed || waiting.length > 0) && s.class !== 'check') continue;
        if (s.status === 'pending') this.started(s, send);
        for (const line of OUTPUT[s.id] ?? []) {
          await sleep(this.options.stepMs / 4);
          send({ event: 'stepOutput', data: { stepId: s.id, lines: [line], omitted: 0 } });
        }
        if (s.id === this.options.hangOn) await new Promise(() => undefined);
        await sleep(this.options.stepMs);
        this.finished(run, s, send);
        failed ||= failedBlocking(s);
      }
      if (failed) return this.finish(run, 'failed', send);
      if (waiting.length > 0) {
        run.status = 'waiting';
        run.waitingOn = waiting;
        run.verdictReasons = [`${waiting.length} item(s) wait for a person`];
        send({ event: 'runWaiting', data: { stepIds: waiting } });
        return clone(settle(run));
      }
    }
    return this.finish(run, 'completed', send);
  }

  private started(s: StepDto, send: (e: RunEventDto) => void): void {
    s.status = 'running';
    send({ event: 'stepStarted', data: { stepId: s.id, title: s.title, kind: s.kind } });
  }

  private finished(run: RunDto, s: StepDto, send: (e: RunEventDto) => void): void {
    const firstTry = this.retried.has(s.id)
      ? undefined
      : runChecksFailed.phases.flatMap((p) => p.steps).find((x) => x.id === s.id && x.status === 'failed');
    const final = firstTry ?? runDone.phases.flatMap((p) => p.steps).find((x) => x.id === s.id);
    const result = clone(final ?? { ...s, status: 'passed' as const, summary: 'done' });
    result.waiver = null;
    if (this.retried.has(s.id) && (result.status === 'failed' || result.status === 'waived')) {
      result.status = 'passed';
      result.summary = 'passed when run again';
    }
    if (run.dryRun && s.class !== 'check') {
      result.status = 'skipped';
      result.summary = `dry run: would ${s.willDo}`;
    }
    Object.assign(s, result);
    s.stopsRun = s.blocking && s.status === 'failed' && !run.dryRun;
    send({ event: 'stepFinished', data: { step: clone(s) } });
  }

  private finish(run: RunDto, status: 'completed' | 'failed', send: (e: RunEventDto) => void): RunDto {
    run.status = status;
    run.waitingOn = [];
    if (status === 'failed') {
      run.outcome = 'noGo';
      run.verdictReasons = clone(runChecksFailed.verdictReasons);
    } else {
      run.outcome = runDone.outcome;
      run.verdictReasons = clone(runDone.verdictReasons);
      run.finishedAt = new Date().toISOString();
    }
    send({ event: 'runFinished', data: { status, outcome: run.outcome } });
    return clone(settle(run));
  }
}

/** Read after the step was updated in place (TypeScript keeps the narrowing from before). */
function failedBlocking(s: StepDto): boolean {
  return s.blocking && s.status === 'failed';
}

function summary(run: RunDto): RunSummaryDto {
  return {
    id: run.id,
    planTitle: run.planTitle,
    repoPath: run.repoPath,
    version: run.version,
    environment: run.environment,
    operator: run.operator,
    status: run.status,
    outcome: run.outcome,
    dryRun: run.dryRun,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    unfinished: run.status === 'running' || run.status === 'waiting',
    interrupted: false,
  };
}
