// The state of the run on screen, kept live while the engine drives it: each RunEventDto from
// the channel is applied as it arrives (a step starts, prints, finishes; the run waits or
// ends), so statuses and output change without waiting for the command to return. The command's
// final RunDto then replaces the whole run, which is the engine's stored truth.

import type { RunDto } from './bindings/RunDto';
import type { RunEventDto } from './bindings/RunEventDto';
import type { StepDto } from './bindings/StepDto';
import { OutputTail } from './output-tail.svelte';
import { STATUS_TEXT } from './wizard';

export { OUTPUT_LINES, OutputTail } from './output-tail.svelte';

export interface RunView {
  run: RunDto | null;
  /** The live output tail of each step that printed during this window's session (bounded:
   * see OutputTail). */
  output: Record<string, OutputTail>;
  /** The newest meter reading of each running step that reports one (a backup's bytes, the
   * health wait's countdown); dropped when the step finishes. */
  meters: Record<string, StepMeter>;
  /** The phase being driven now, if any. */
  phase: string | null;
  /** The latest status change in words, read out by screen readers (aria-live). */
  announcement: string;
}

export function emptyView(): RunView {
  return { run: null, output: {}, meters: {}, phase: null, announcement: '' };
}

/** A long step's progress: `done` of `total` in `unit`, and the same in words. */
export type StepMeter = Extract<RunEventDto, { event: 'stepMeter' }>['data'];

function findStep(run: RunDto, stepId: string): StepDto | undefined {
  for (const phase of run.phases) {
    const step = phase.steps.find((s) => s.id === stepId);
    if (step) return step;
  }
  return undefined;
}

/** Apply one channel message to the view (in place). Messages for steps the run does not
 * have are ignored: they cannot be shown anywhere. */
export function applyEvent(view: RunView, event: RunEventDto): void {
  const run = view.run;
  if (!run) return;
  switch (event.event) {
    case 'phaseStarted':
      view.phase = event.data.title;
      break;
    case 'stepStarted': {
      const step = findStep(run, event.data.stepId);
      if (!step) return;
      step.status = 'running';
      step.startedAt = new Date().toISOString();
      step.finishedAt = null;
      view.output[step.id] = new OutputTail();
      view.announcement = `Started: ${step.title}`;
      break;
    }
    case 'stepOutput':
      // One batch of lines (the shell gathers a step's output for up to 250 ms): one update.
      (view.output[event.data.stepId] ??= new OutputTail()).append(event.data.lines, event.data.omitted);
      break;
    case 'stepMeter':
      view.meters[event.data.stepId] = event.data;
      break;
    case 'stepFinished': {
      const finished = event.data.step;
      delete view.meters[finished.id];
      const phase = run.phases.find((p) => p.steps.some((s) => s.id === finished.id));
      if (!phase) return;
      const i = phase.steps.findIndex((s) => s.id === finished.id);
      phase.steps[i] = finished;
      view.announcement = `${finished.title}: ${STATUS_TEXT[finished.status].toLowerCase()}`;
      break;
    }
    case 'runWaiting':
      run.status = 'waiting';
      run.waitingOn = event.data.stepIds;
      view.phase = null;
      view.announcement = 'Waiting for a person to answer the items on this screen';
      break;
    case 'runFinished':
      run.status = event.data.status;
      run.outcome = event.data.outcome;
      view.phase = null;
      view.announcement =
        event.data.status === 'failed' ? 'The run stopped on a failed step' : `Run ${event.data.status}`;
      break;
  }
}

/** The run on screen, reactive. */
export class RunStore {
  view: RunView = $state(emptyView());

  get run(): RunDto | null {
    return this.view.run;
  }

  /** Show a run as the engine stored it; live output of the same run is kept. */
  set(run: RunDto | null): void {
    if (!run || run.id !== this.view.run?.id) {
      this.view = { ...emptyView(), run };
    } else {
      this.view.run = run;
      // A stored run is at rest: whatever phase was being driven is over.
      this.view.phase = null;
    }
  }

  apply(event: RunEventDto): void {
    applyEvent(this.view, event);
  }

  /** The running step's newest meter reading, if it reports one. */
  meterOf(stepId: string): StepMeter | undefined {
    return this.view.meters[stepId];
  }

  /** The step's live output, if it printed during this window's session. */
  outputOf(stepId: string): OutputTail | undefined {
    return this.view.output[stepId];
  }
}
