// The app's state and what the screens can do: open a repository, start, drive and answer a
// run, move between screens. Every command goes through api.ts; a failure becomes the error
// banner (what happened + what to do next) instead of an exception, and never a blank screen.
// Files and folders are chosen through the shell's dialogs (api.choose*), never typed: the shell
// trusts only paths the user chose there.

import { api, onActivity, toApiError, type ManualAnswer } from './api';
import type { FilePurpose } from './bindings/FilePurpose';
import type { DecisionDto } from './bindings/DecisionDto';
import type { AppInfo } from './bindings/AppInfo';
import type { PlanFileDto } from './bindings/PlanFileDto';
import type { RepoFactsDto } from './bindings/RepoFactsDto';
import type { RunDto } from './bindings/RunDto';
import type { RunSummaryDto } from './bindings/RunSummaryDto';
import type { StartRunDto } from './bindings/StartRunDto';
import type { TemplateDto } from './bindings/TemplateDto';
import type { ReceivedDto } from './bindings/ReceivedDto';
import type { UiError } from './errors';
import { forgetRecent, loadRecent, rememberRecent, type RecentRepo } from './recent';
import { RunStore } from './run-store.svelte';
import { frontier, screensOf, type Screen, type StageScreen } from './wizard';

/** The repository being prepared on the Project screen (before a run exists). */
export interface ProjectState {
  facts: RepoFactsDto;
  plans: PlanFileDto[];
  templates: TemplateDto[];
  /** The plan to select first (the demo's own plan). */
  preferredPlan: string | null;
}

export class App {
  screen: Screen = $state('welcome');
  /** Where History's "Back" returns to. */
  returnTo: Screen = $state('welcome');
  inFlight = $state(0);
  error: UiError | null = $state(null);
  info: AppInfo | null = $state(null);
  /** True once the first screen has what it needs (never a blank window before that). */
  ready = $state(false);
  project: ProjectState | null = $state(null);
  runs: RunSummaryDto[] | null = $state(null);
  recent: RecentRepo[] = $state(loadRecent());
  readonly current = new RunStore();
  rollbackOpen = $state(false);
  /** The open run was interrupted (opened from History / the resume offer): the next drive
   * tells the engine it resumes, which re-runs steps that were running when it stopped. */
  resumePending = $state(false);
  /** A drive is streaming right now. */
  driving = $state(false);

  constructor() {
    onActivity((n) => (this.inFlight = n));
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  get run(): RunDto | null {
    return this.current.run;
  }

  /** Run `work`; a failure is shown in the banner and the result is undefined. */
  async attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (e) {
      this.error = toApiError(e);
      return undefined;
    }
  }

  fail(error: UiError): void {
    this.error = error;
  }

  go(screen: Screen): void {
    this.error = null;
    if (screen === 'history' && this.screen !== 'history') this.returnTo = this.screen;
    this.screen = screen;
    if (screen === 'history') void this.refreshRuns();
  }

  async boot(): Promise<void> {
    const info = await this.attempt(() => api.appInfo());
    this.info = info ?? null;
    if (info?.startRepo) {
      this.ready = true;
      await this.openRepo(info.startRepo);
      return;
    }
    await this.refreshRuns();
    this.ready = true;
  }

  async refreshRuns(): Promise<void> {
    const runs = await this.attempt(() => api.listRuns());
    if (runs) this.runs = runs;
  }

  /** The most recent run that can be resumed, offered on the Welcome screen. */
  get resumeOffer(): RunSummaryDto | null {
    return this.runs?.find((r) => r.unfinished) ?? null;
  }

  async openDemo(): Promise<void> {
    const demo = await this.attempt(() => api.createDemo());
    if (demo) await this.openRepo(demo.path, demo.plan);
  }

  /** "Open a repository folder…": the shell's folder dialog, opened at `startAt` when given. */
  async chooseFolder(startAt: string | null = null): Promise<void> {
    const picked = await this.attempt(() => api.chooseRepo(startAt));
    if (picked) await this.openRepo(picked);
  }

  /** A recent repository. One the shell no longer holds as chosen (forgotten, or listed before
   * choices were remembered) is offered in the folder dialog, opened at it, to choose again. */
  async openRecent(path: string): Promise<void> {
    await this.openRepo(path);
    if (this.error?.kind !== 'notChosen') return;
    this.error = null;
    await this.chooseFolder(path);
  }

  /** "Remove from the list": the shell forgets the choice too, so it needs the dialog again. */
  async forgetRecent(path: string): Promise<void> {
    this.recent = forgetRecent(path);
    await this.attempt(() => api.forgetRepo(path));
  }

  /** Read a repository and its plans, then show the Project screen. */
  async openRepo(path: string, preferredPlan: string | null = null): Promise<void> {
    this.error = null;
    const loaded = await this.attempt(() =>
      Promise.all([api.inspectRepo(path), api.findPlans(path), api.listTemplates()]),
    );
    if (!loaded) return;
    const [facts, plans, templates] = loaded;
    this.recent = rememberRecent(facts.path);
    this.project = { facts, plans, templates, preferredPlan };
    this.current.set(null);
    this.resumePending = false;
    this.rollbackOpen = false;
    this.screen = 'project';
  }

  async startRun(request: StartRunDto): Promise<void> {
    const run = await this.attempt(() => api.startRun(request));
    if (!run) return;
    this.current.set(run);
    this.resumePending = false;
    this.screen = screensOf(run)[1] ?? 'signoff';
  }

  /** Drive the open run up to the end of `stage`'s screen (Sign-off: to the end). `retry`: the
   * person fixed what failed, so the engine runs failed steps again (its resume). */
  async drive(stage: StageScreen, retry = false): Promise<void> {
    const run = this.run;
    if (!run || this.driving) return;
    this.error = null;
    this.driving = true;
    const resuming = this.resumePending || retry;
    try {
      const upTo = stage === 'signoff' ? null : stage;
      const done = await this.attempt(() => api.driveRun(run.id, upTo, resuming, (e) => this.current.apply(e)));
      if (done) {
        this.current.set(done);
        this.resumePending = false;
      } else {
        // The live view may show steps as running that stopped: show what was stored.
        await this.reload();
      }
    } finally {
      this.driving = false;
    }
  }

  async reload(): Promise<void> {
    const id = this.run?.id;
    if (!id) return;
    const stored = await api.getRun(id).catch(() => undefined);
    if (stored) this.current.set(stored);
  }

  /** Record a manual item's answer: a tick (or "not done"), or the number it asks for. */
  async answer(stepId: string, answer: ManualAnswer): Promise<boolean> {
    const run = this.run;
    if (!run) return false;
    const note = answer.note.trim() || null;
    const updated = await this.attempt(() =>
      answer.value === null
        ? api.answerManual(run.id, stepId, answer.done, note, null)
        : api.answerNumber(run.id, stepId, answer.value, note, null),
    );
    if (updated) this.current.set(updated);
    return updated !== undefined;
  }

  async waive(stepId: string, reason: string): Promise<boolean> {
    const run = this.run;
    if (!run) return false;
    const updated = await this.attempt(() => api.waiveStep(run.id, stepId, reason.trim(), null));
    if (updated) this.current.set(updated);
    return updated !== undefined;
  }

  /** A second person agrees to the waiver proposed for a failed step. */
  async agree(stepId: string, by: string): Promise<boolean> {
    const run = this.run;
    if (!run) return false;
    const updated = await this.attempt(() => api.agreeWaiver(run.id, stepId, by.trim()));
    if (updated) this.current.set(updated);
    return updated !== undefined;
  }

  /** Roll the open run back: record who asked (the operator) and why, then drive its
   * rollback phases to their end, with live progress like any drive. */
  async rollBack(reason: string): Promise<boolean> {
    const run = this.run;
    if (!run || this.driving) return false;
    const asked = await this.attempt(() => api.requestRollback(run.id, reason.trim(), null));
    if (!asked) return false;
    this.current.set(asked);
    await this.drive('signoff');
    return true;
  }

  /** Record a person's decision for one of the plan's roles. */
  async signoff(role: string, name: string, decision: DecisionDto, comment: string): Promise<boolean> {
    const run = this.run;
    if (!run) return false;
    const updated = await this.attempt(() => api.recordSignoff(run.id, role, name.trim(), decision, comment.trim()));
    if (updated) this.current.set(updated);
    return updated !== undefined;
  }

  /** What the last "Request sign-off" / "Check for approvals" said (pushed where, refused
   * approvals and why), for the Sign-off screen. */
  approvalNews: ApprovalNews | null = $state(null);

  /** Publish the run's sign-off request and push it to the plan's remote. */
  async requestSignoff(): Promise<void> {
    const run = this.run;
    if (!run) return;
    const done = await this.attempt(() => api.requestSignoff(run.id));
    if (!done) return;
    this.current.set(done.run);
    this.approvalNews = {
      at: new Date().toISOString(),
      remoteProblem: done.pushError,
      pushedTo: done.pushedTo,
      received: [],
    };
  }

  /** Fetch and record the run's signed approvals (`quiet`: a poll, which does not show the
   * busy state or replace the banner). */
  async collectApprovals(quiet = false): Promise<void> {
    const run = this.run;
    if (!run) return;
    const work = () => api.collectApprovals(run.id);
    const done = quiet ? await work().catch(() => undefined) : await this.attempt(work);
    if (!done || this.run?.id !== run.id) return;
    this.current.set(done.run);
    this.approvalNews = {
      at: new Date().toISOString(),
      remoteProblem: done.fetchError,
      pushedTo: null,
      received: done.received,
    };
  }

  /** Write the published request as one file where the user chooses (for approvers without
   * the shared remote); the path written, or null. */
  async exportRequest(): Promise<string | null> {
    const run = this.run;
    if (!run) return null;
    const path = await this.attempt(() =>
      api.chooseSaveDestination('signoffRequest', `signoff-request-${run.version}-${run.id}.txt`),
    );
    if (!path) return null;
    return (await this.attempt(() => api.exportRequest(run.id, path))) ?? null;
  }

  /** Receive an approval file an approver sent, chosen in the open dialog. */
  async importApproval(): Promise<void> {
    const run = this.run;
    if (!run) return;
    const path = await this.pickFile('approval', null);
    if (!path) return;
    const done = await this.attempt(() => api.importApproval(run.id, path));
    if (!done) return;
    this.current.set(done.run);
    this.approvalNews = { at: new Date().toISOString(), remoteProblem: null, pushedTo: null, received: done.received };
  }

  /** Open a run from History: at the screen it is at, or its report when it is complete. */
  async openRun(id: string, resume = false): Promise<void> {
    const run = await this.attempt(() => api.getRun(id));
    if (!run) return;
    this.current.set(run);
    this.project = null;
    this.rollbackOpen = false;
    this.resumePending = resume || run.status === 'running';
    this.error = null;
    this.screen = frontier(run);
  }

  /** A file of `purpose` chosen in the shell's open dialog, opened at `startAt` when given
   * (null: cancelled, or the dialog failed and the banner says so). */
  async pickFile(purpose: FilePurpose, startAt: string | null): Promise<string | null> {
    return (await this.attempt(() => api.chooseFile(purpose, startAt))) ?? null;
  }

  /** "Save as…": the shell's save dialog, then the report written to the file chosen. */
  async saveReport(runId: string): Promise<string | null> {
    const path = await this.attempt(() => api.chooseReportDestination(runId));
    if (!path) return null;
    const saved = await this.attempt(() => api.saveReport(runId, path));
    return saved?.path ?? null;
  }
}

/** What the last exchange with the remote said. */
export interface ApprovalNews {
  at: string;
  /** The remote did not answer (nothing was lost). */
  remoteProblem: string | null;
  pushedTo: string | null;
  received: ReceivedDto[];
}
