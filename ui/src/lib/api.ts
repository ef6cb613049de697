// The only place that talks to the desktop shell: one typed wrapper per Tauri command of the
// contract (the names in src-tauri/command-names.rs, the handlers in
// src-tauri/src/commands/). Every rejection is turned into an
// ApiError `{kind, message}` so the UI has one shape of error to show. Commands in flight are
// counted for `data-busy` through `onActivity`.
//
// Paths: the webview opens no dialog and touches no file itself. The `choose*` commands ask the
// shell to open its native dialog; the shell records what the user chose (a grant) and returns
// the path, which the UI then names in the commands that use it. A path the user did not choose
// is refused by the shell with kind `notChosen`.

import { Channel, invoke } from '@tauri-apps/api/core';
import type { ApiError } from './bindings/ApiError';
import type { AppInfo } from './bindings/AppInfo';
import type { DecisionDto } from './bindings/DecisionDto';
import type { DemoDto } from './bindings/DemoDto';
import type { ErrorKind } from './bindings/ErrorKind';
import type { FilePurpose } from './bindings/FilePurpose';
import type { PlanChoiceDto } from './bindings/PlanChoiceDto';
import type { PlanFileDto } from './bindings/PlanFileDto';
import type { PlanPreviewDto } from './bindings/PlanPreviewDto';
import type { RepoFactsDto } from './bindings/RepoFactsDto';
import type { RollbackDto } from './bindings/RollbackDto';
import type { RunDto } from './bindings/RunDto';
import type { RunEventDto } from './bindings/RunEventDto';
import type { RunSummaryDto } from './bindings/RunSummaryDto';
import type { SavedReportDto } from './bindings/SavedReportDto';
import type { AttachedSignatureDto } from './bindings/AttachedSignatureDto';
import type { ReportCheckDto } from './bindings/ReportCheckDto';
import type { SignRequestDto } from './bindings/SignRequestDto';
import type { SignedReportDto } from './bindings/SignedReportDto';
import type { SigningSetupDto } from './bindings/SigningSetupDto';
import type { StageDto } from './bindings/StageDto';
import type { StartRunDto } from './bindings/StartRunDto';
import type { TemplateDto } from './bindings/TemplateDto';
import type { ApprovalFileDto } from './bindings/ApprovalFileDto';
import type { ApprovalSentDto } from './bindings/ApprovalSentDto';
import type { OpenRequestDto } from './bindings/OpenRequestDto';
import type { SavePurpose } from './bindings/SavePurpose';
import type { CollectedDto } from './bindings/CollectedDto';
import type { OpenRequestsDto } from './bindings/OpenRequestsDto';
import type { RequestedDto } from './bindings/RequestedDto';
import type { SignWithDto } from './bindings/SignWithDto';

const KINDS: readonly ErrorKind[] = [
  'repository',
  'plan',
  'store',
  'busy',
  'notFound',
  'refused',
  'notChosen',
  'io',
  'signature',
  'internal',
];

/** Any rejection as an ApiError: the shell's own `{kind, message}`, or Tauri's plain strings
 * (unknown command, permission refused by a capability), which are the app's own fault. */
export function toApiError(e: unknown): ApiError {
  if (typeof e === 'object' && e !== null && 'kind' in e && 'message' in e) {
    const { kind, message } = e as { kind: unknown; message: unknown };
    if (typeof kind === 'string' && (KINDS as readonly string[]).includes(kind)) {
      return { kind: kind as ErrorKind, message: String(message) };
    }
  }
  if (e instanceof Error) return { kind: 'internal', message: e.message };
  return { kind: 'internal', message: typeof e === 'string' ? e : JSON.stringify(e) };
}

export function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as ApiError).kind === 'string' &&
    typeof (e as ApiError).message === 'string'
  );
}

type ActivityListener = (inFlight: number) => void;
let inFlight = 0;
const listeners = new Set<ActivityListener>();

/** Be told how many commands are in flight whenever that changes. Returns the unsubscriber. */
export function onActivity(listener: ActivityListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function activity(delta: number): void {
  inFlight += delta;
  for (const l of listeners) l(inFlight);
}

/** Wrap any promise-returning work (a command, a native dialog) in the busy count. */
export async function tracked<T>(work: () => Promise<T>): Promise<T> {
  activity(1);
  try {
    return await work();
  } catch (e) {
    throw toApiError(e);
  } finally {
    activity(-1);
  }
}

function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  return tracked(() => invoke<T>(command, args));
}

/** A manual item's answer as the person gives it: ticked (or not done), or the number asked for
 * (`value`, judged by the engine against the plan's threshold); a note either way. */
export interface ManualAnswer {
  done: boolean;
  value: number | null;
  note: string;
}

export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  /** The native folder dialog (opened at `defaultPath` when given); the folder chosen, now
   * granted and remembered, or null when cancelled. */
  chooseRepo: (defaultPath: string | null) => call<string | null>('choose_repo', { defaultPath }),
  /** The native open dialog for a file of `purpose`; the file chosen (granted for that purpose
   * in this session), or null when cancelled. */
  chooseFile: (purpose: FilePurpose, defaultPath: string | null) =>
    call<string | null>('choose_file', { purpose, defaultPath }),
  /** The native save dialog for run `runId`'s report; the file chosen, or null when cancelled. */
  chooseReportDestination: (runId: string) => call<string | null>('choose_report_destination', { runId }),
  /** Forget a repository chosen before (it needs the dialog again). */
  forgetRepo: (path: string) => call<null>('forget_repo', { path }),
  inspectRepo: (path: string) => call<RepoFactsDto>('inspect_repo', { path }),
  listTemplates: () => call<TemplateDto[]>('list_templates'),
  findPlans: (repo: string) => call<PlanFileDto[]>('find_plans', { repo }),
  previewPlan: (choice: PlanChoiceDto) => call<PlanPreviewDto>('preview_plan', { choice }),
  createDemo: () => call<DemoDto>('create_demo'),
  startRun: (request: StartRunDto) => call<RunDto>('start_run', { request }),
  /** Drive the run up to the end of `upTo`'s screen (null: to the end); progress arrives on
   * `onEvent` as the engine stores it. */
  driveRun: (
    runId: string,
    upTo: StageDto | null,
    resuming: boolean,
    onEvent: (event: RunEventDto) => void,
  ) => {
    const channel = new Channel<RunEventDto>();
    channel.onmessage = onEvent;
    return call<RunDto>('drive_run', { runId, upTo, resuming, onEvent: channel });
  },
  answerManual: (
    runId: string,
    stepId: string,
    done: boolean,
    note: string | null,
    by: string | null,
  ) => call<RunDto>('answer_manual', { runId, stepId, done, note, by }),
  /** Answer a manual item that asks for a number: judged against the plan's threshold. */
  answerNumber: (runId: string, stepId: string, value: number, note: string | null, by: string | null) =>
    call<RunDto>('answer_number', { runId, stepId, value, note, by }),
  waiveStep: (runId: string, stepId: string, reason: string, by: string | null) =>
    call<RunDto>('waive_step', { runId, stepId, reason, by }),
  recordSignoff: (runId: string, role: string, name: string, decision: DecisionDto, comment: string) =>
    call<RunDto>('record_signoff', { runId, role, name, decision, comment }),
  getRun: (runId: string) => call<RunDto>('get_run', { runId }),
  listRuns: () => call<RunSummaryDto[]>('list_runs'),
  reportMarkdown: (runId: string) => call<string>('report_markdown', { runId }),
  reportHtml: (runId: string) => call<string>('report_html', { runId }),
  saveReport: (runId: string, path: string) =>
    call<SavedReportDto>('save_report', { runId, path }),
  rollbackReadiness: (runId: string) => call<RollbackDto>('rollback_readiness', { runId }),
  /** A second person agrees to a proposed waiver (four eyes): it takes effect. */
  agreeWaiver: (runId: string, stepId: string, by: string) =>
    call<RunDto>('agree_waiver', { runId, stepId, by }),
  /** Ask for the run's rollback (who and why are recorded, nothing is touched): the next
   * drive runs the plan's rollback phases in the same run. */
  requestRollback: (runId: string, reason: string, by: string | null) =>
    call<RunDto>('request_rollback', { runId, reason, by }),
  /** The key files in ~/.ssh and the keys the running ssh-agent holds. */
  signingSetup: () => call<SigningSetupDto>('signing_setup'),
  /** Sign a saved report: writes REPORT.sig beside it and attaches it to the run. */
  signReport: (runId: string, request: SignRequestDto) =>
    call<SignedReportDto>('sign_report', { runId, request }),
  attachSignature: (runId: string, path: string) =>
    call<AttachedSignatureDto>('attach_signature', { runId, path }),
  verifyReport: (report: string, allowedSigners: string) =>
    call<ReportCheckDto>('verify_report', { report, allowedSigners }),
  /** The native save dialog for a sign-off request or an approval file, suggesting `fileName`;
   * the file chosen (granted to be written), or null when cancelled. */
  chooseSaveDestination: (purpose: SavePurpose, fileName: string) =>
    call<string | null>('choose_save_destination', { purpose, fileName }),
  /** Write the run's published request, with its report, as one file. */
  exportRequest: (runId: string, path: string) => call<string>('export_request', { runId, path }),
  /** Receive an approval file an approver sent. */
  importApproval: (runId: string, path: string) => call<CollectedDto>('import_approval', { runId, path }),
  /** A request file the tech lead sent, as the approver reads it. */
  openRequestFile: (path: string) => call<OpenRequestDto>('open_request_file', { path }),
  /** Sign a decision on a request file into an approval file at `destination`. */
  signRequestFile: (
    requestPath: string,
    role: string,
    decision: DecisionDto,
    comment: string,
    withKey: SignWithDto,
    destination: string,
  ) =>
    call<ApprovalFileDto>('sign_request_file', {
      requestPath,
      role,
      decision,
      comment,
      with: withKey,
      destination,
    }),
  /** Publish the run's sign-off request (its report as it reads now) and push it. */
  requestSignoff: (runId: string) => call<RequestedDto>('request_signoff', { runId }),
  /** Fetch the run's signed approvals, verify each and record those that count. */
  collectApprovals: (runId: string) => call<CollectedDto>('collect_approvals', { runId }),
  /** On an approver's workstation: the open requests of a repository they chose. */
  openRequests: (repo: string, remote: string) =>
    call<OpenRequestsDto>('open_requests', { repo, remote }),
  /** Sign a decision on a request with the approver's own key and push it back. */
  approveRequest: (
    repo: string,
    remote: string,
    runId: string,
    role: string,
    decision: DecisionDto,
    comment: string,
    withKey: SignWithDto,
  ) =>
    call<ApprovalSentDto>('approve_request', {
      repo,
      remote,
      runId,
      role,
      decision,
      comment,
      with: withKey,
    }),
};

export type Api = typeof api;
