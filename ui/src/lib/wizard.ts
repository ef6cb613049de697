// The wizard's rules, as pure functions of a run: which screens a plan has, which comes next,
// what stands in the way of "Next" on a screen, and how a verdict reads. No Svelte, no IPC, so
// every rule is tested directly (tests/wizard.test.ts).

import type { OutcomeDto } from './bindings/OutcomeDto';
import type { RunDto } from './bindings/RunDto';
import type { StageDto } from './bindings/StageDto';
import type { StepDto } from './bindings/StepDto';
import type { StepStatusDto } from './bindings/StepStatusDto';

/** A stage with a screen of its own (rollback has a panel instead). */
export type StageScreen = 'checks' | 'backup' | 'deploy' | 'validation' | 'signoff';
export type WizardScreen = 'project' | StageScreen | 'report';
export type Screen = 'welcome' | WizardScreen | 'history' | 'approve';

/** The wizard, in order; the step indicator shows every one of them. */
export const WIZARD: readonly WizardScreen[] = [
  'project',
  'checks',
  'backup',
  'deploy',
  'validation',
  'signoff',
  'report',
];

/** Stages whose screen is skipped when the plan has no phase for them. */
const OPTIONAL: readonly StageScreen[] = ['checks', 'backup', 'deploy', 'validation'];

export const SCREEN_LABEL: Record<Screen, string> = {
  welcome: 'Welcome',
  project: 'Project',
  checks: 'Checks',
  backup: 'Backup',
  deploy: 'Deploy',
  validation: 'Validation',
  signoff: 'Sign-off',
  report: 'Report',
  history: 'History',
  approve: 'Approve a release',
};

export const STAGE_TITLE: Record<StageScreen, string> = {
  checks: 'Pre-deployment checks',
  backup: 'Backup',
  deploy: 'Deploy',
  validation: 'Validation',
  signoff: 'Sign-off',
};

export function isStageScreen(screen: Screen): screen is StageScreen {
  return (STAGE_TITLE as Record<string, string>)[screen] !== undefined;
}

/** The forward stages a plan has, in wizard order (rollback is kept aside). */
export function stagesInPlan(phases: readonly { stage: StageDto }[]): StageScreen[] {
  const present = new Set(phases.map((p) => p.stage));
  return (WIZARD.filter((s) => isStageScreen(s)) as StageScreen[]).filter((s) => present.has(s));
}

/** The screens this run walks through: stage screens absent from its plan are skipped;
 * Sign-off is always there, because it holds the verdict. */
export function screensOf(run: Pick<RunDto, 'phases'> | null): WizardScreen[] {
  if (!run) return ['project'];
  const stages = new Set<StageScreen>(stagesInPlan(run.phases));
  return WIZARD.filter((s) => !(OPTIONAL as readonly string[]).includes(s) || stages.has(s as StageScreen));
}

export function stepsOf(run: Pick<RunDto, 'phases'>, stage: StageDto): StepDto[] {
  return run.phases.filter((p) => p.stage === stage).flatMap((p) => p.steps);
}

export function isDone(status: StepStatusDto): boolean {
  return status !== 'pending' && status !== 'running';
}

/** A manual item: a person step the UI asks (gates and sign-offs are person steps too, but
 * the engine decides a gate and the Sign-off screen asks the roles). */
export function isManual(step: Pick<StepDto, 'class' | 'kind'>): boolean {
  return step.class === 'person' && step.kind === 'manual';
}

/** This failed step stops the run until it is run again or waived: the engine decides (never
 * in a dry run) and says so in the step. */
export function blocks(step: Pick<StepDto, 'stopsRun'>): boolean {
  return step.stopsRun;
}

/** The step changes something: confirmed first, and marked as such. */
export function changesSomething(step: Pick<StepDto, 'class'>): boolean {
  return step.class === 'action';
}

/** What a person can do about a failed blocking step, in words: fix it and run it again (or,
 * for a git check, start a new run), or waive it — for a deploy or a rollback, with the
 * engine's caution first. */
export function wayOn(step: Pick<StepDto, 'waiverCaution' | 'retryRefusal'>): string {
  const { waiverCaution: caution, retryRefusal: noRetry } = step;
  const fix = noRetry ? capitalize(noRetry) : 'Fix the cause, then run it again';
  return caution ? `${fix}. Before any waiver, know that ${caution}.` : `${fix}; or waive it with a written reason.`;
}

/** The same in a few words, for the screen's notice and the footer (the step says the rest). */
export function wayOnShort(step: Pick<StepDto, 'retryRefusal'>): string {
  return step.retryRefusal
    ? 'start a new run once the repository is fixed, or waive it'
    : 'run it again once the cause is fixed, or waive it';
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type BlockerReason = 'failed' | 'unanswered' | 'running' | 'notRun';
export interface Blocker {
  stepId: string;
  title: string;
  reason: BlockerReason;
  /** What stands in the way, and what to do about it. */
  text: string;
}

/** Everything that keeps "Next" disabled on a stage's screen, most urgent first. */
export function blockers(run: RunDto, stage: StageDto): Blocker[] {
  const out: Blocker[] = [];
  for (const s of stepsOf(run, stage)) {
    const title = `“${s.title}”`;
    if (blocks(s)) {
      out.push({ stepId: s.id, title: s.title, reason: 'failed', text: `${title} failed: ${wayOnShort(s)}.` });
    } else if (s.status === 'running') {
      out.push({ stepId: s.id, title: s.title, reason: 'running', text: `${title} is still running.` });
    } else if (s.status === 'pending' && isManual(s)) {
      out.push({ stepId: s.id, title: s.title, reason: 'unanswered', text: `${title} needs a person: tick it once it is done.` });
    } else if (s.status === 'pending') {
      out.push({ stepId: s.id, title: s.title, reason: 'notRun', text: `${title} has not run yet.` });
    }
  }
  const rank: Record<BlockerReason, number> = { failed: 0, unanswered: 1, running: 2, notRun: 3 };
  return out.sort((a, b) => rank[a.reason] - rank[b.reason]);
}

export function canLeave(run: RunDto, stage: StageDto): boolean {
  return blockers(run, stage).length === 0;
}

export type StageState = 'idle' | 'running' | 'attention' | 'done';

/** Where a stage's screen stands: nothing ran yet, something runs, a person must act (or
 * press Continue), or everything is settled. */
export function stageState(run: RunDto, stage: StageDto): StageState {
  const steps = stepsOf(run, stage);
  if (steps.some((s) => s.status === 'running')) return 'running';
  if (canLeave(run, stage)) return 'done';
  const automatic = steps.filter((s) => !isManual(s));
  if (automatic.every((s) => s.status === 'pending')) return 'idle';
  return 'attention';
}

/** Steps done out of all of a stage's steps, for the screen's progress bar. */
export function progress(run: Pick<RunDto, 'phases'>, stage: StageDto): { done: number; total: number } {
  const steps = stepsOf(run, stage);
  return { done: steps.filter((s) => isDone(s.status)).length, total: steps.length };
}

/** Automatic steps that will run now and be the ones driving can still hold back: something
 * a blocking failure or an unanswered item stops until it is dealt with. */
export function pendingAutomatic(run: RunDto, stage: StageDto): StepDto[] {
  return stepsOf(run, stage).filter((s) => s.status === 'pending' && !isManual(s));
}

/** Steps about to run that change something, to name in the confirmation first. Nothing
 * changes in a dry run. */
export function actionsToConfirm(run: RunDto, stage: StageDto): StepDto[] {
  if (run.dryRun) return [];
  return pendingAutomatic(run, stage).filter(changesSomething);
}

/** What "Run again" would change, to name in its confirmation: the failed steps that run again
 * (not those whose kind refuses a second try) and change something, then the actions after
 * them on this screen. */
export function retryToConfirm(run: RunDto, stage: StageDto): StepDto[] {
  const again = stepsOf(run, stage).filter((s) => blocks(s) && !s.retryRefusal && changesSomething(s));
  return [...again, ...actionsToConfirm(run, stage)];
}

export const RUN_LABEL: Record<StageScreen, string> = {
  checks: 'Run checks',
  backup: 'Take the backup',
  deploy: 'Deploy',
  validation: 'Run validation',
  signoff: 'Finish the run',
};

/** The main button's words: start the screen's work, or continue after answers/waivers. */
export function runLabel(run: RunDto, stage: StageScreen): string {
  return stageState(run, stage) === 'idle' || stage === 'signoff' ? RUN_LABEL[stage] : 'Continue';
}

/** The screen a run is at: the first screen with something left to do, or the report. */
export function frontier(run: RunDto): WizardScreen {
  for (const screen of screensOf(run)) {
    if (screen === 'project') continue;
    if (screen === 'report') return 'report';
    if (!canLeave(run, screen as StageScreen)) return screen;
    if (screen === 'signoff' && run.status !== 'completed') return 'signoff';
  }
  return 'report';
}

/** "Step 2 of 7": where a screen sits among the screens this run walks through. */
export function stepOf(run: Pick<RunDto, 'phases'> | null, screen: WizardScreen): string {
  const screens = run ? screensOf(run) : WIZARD;
  return `Step ${screens.indexOf(screen) + 1} of ${screens.length}`;
}

/** The screen after `current`, or null at the end. */
export function nextScreen(run: RunDto | null, current: WizardScreen): WizardScreen | null {
  const screens = screensOf(run);
  const i = screens.indexOf(current);
  return i >= 0 && i + 1 < screens.length ? (screens[i + 1] ?? null) : null;
}

export function previousScreen(run: RunDto | null, current: WizardScreen): WizardScreen | null {
  const screens = screensOf(run);
  const i = screens.indexOf(current);
  return i > 0 ? (screens[i - 1] ?? null) : null;
}

/** May the user go to `screen` (step indicator)? Only up to where the run is. */
export function reachable(run: RunDto | null, screen: WizardScreen): boolean {
  const screens = screensOf(run);
  if (!screens.includes(screen)) return false;
  if (!run) return screen === 'project';
  return screens.indexOf(screen) <= screens.indexOf(frontier(run));
}

/** Rollback is offered from the screens after the backup (or once a backup stage is done). */
export function rollbackOffered(run: RunDto | null, screen: Screen): boolean {
  if (!run) return false;
  const order = WIZARD as readonly string[];
  if (order.indexOf(screen) > order.indexOf('backup')) return true;
  const backup = stepsOf(run, 'backup');
  return backup.length > 0 && backup.every((s) => isDone(s.status));
}

export const VERDICT_TEXT: Record<OutcomeDto, string> = {
  go: 'Go',
  noGo: 'No go',
  pending: 'Pending',
  rolledBack: 'Rolled back',
};

/** One sentence under the verdict. */
export function verdictSentence(run: Pick<RunDto, 'outcome' | 'status'>): string {
  switch (run.outcome) {
    case 'go':
      return 'Nothing stands in the way of this release: every gate opened (a waiver, if any, is named below and in the report).';
    case 'noGo':
      return run.status === 'completed'
        ? 'The run is complete, but the release is not cleared: see why below.'
        : 'The run stopped: see why below.';
    case 'rolledBack':
      return 'Someone asked for the previous release back, and the plan\'s rollback steps ran to their end: see who and why below.';
    default:
      return 'The run has not finished: the verdict is decided once every step has run.';
  }
}

export const STATUS_TEXT: Record<StepStatusDto, string> = {
  pending: 'Pending',
  running: 'Running',
  passed: 'Passed',
  failed: 'Failed',
  warned: 'Warning',
  skipped: 'Skipped',
  waived: 'Waived',
};

/** A skipped step says why: a dry run only describes what it would do. */
export function skipNote(step: Pick<StepDto, 'status' | 'summary'>): string | null {
  if (step.status !== 'skipped') return null;
  if (step.summary.startsWith('dry run')) return 'Dry run';
  return 'Skipped';
}
