// The live output of one step, as the window keeps it: the most recent OUTPUT_LINES lines and a
// count of the earlier ones. It is deliberately not a deep $state array: only `total` is
// reactive, so a batch of lines is one signal change (not one per line), and the log appends
// the new lines to the DOM itself instead of re-rendering the whole list.

/** Lines of live output kept per step. The shell sends at most this many per step per batch
 * (`Batching::keep` in src-tauri/src/forward.rs): older ones could never be shown. */
export const OUTPUT_LINES = 2000;

export class OutputTail {
  /** The kept lines, oldest first (at most `limit`). */
  readonly lines: string[] = [];
  /** Lines ever received for this step, including those no longer kept. Reactive. */
  total = $state(0);
  /** Bumped when the kept lines no longer continue the ones drawn before (the shell left
   * lines out): the log redraws instead of appending. Reactive. */
  restarts = $state(0);

  constructor(readonly limit = OUTPUT_LINES) {}

  /** Earlier lines no longer kept (the step's evidence keeps the end of its output). */
  get hidden(): number {
    return this.total - this.lines.length;
  }

  /** Add a batch. A message may carry several lines in one string (CRLF tolerated): they are
   * split as a terminal would show them. `omitted` lines were printed before these but left
   * out upstream, so what was kept no longer runs on into these: it is dropped. */
  append(batch: readonly string[], omitted = 0): void {
    if (omitted > 0) {
      this.lines.length = 0;
      this.restarts++;
    }
    let added = omitted;
    for (const message of batch) {
      for (const line of message.split(/\r?\n/)) {
        this.lines.push(line);
        added++;
      }
    }
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
    this.total += added;
  }
}
