//! Run progress on its way to the window: a forwarding thread between the engine and the
//! channel that batches a step's output lines.
//!
//! The engine reports output one line at a time, from whichever thread runs the step. Sending
//! each line to the webview as its own channel message costs the window's main thread a script
//! evaluation, a JSON parse and a DOM update per line; a build printing a few hundred lines a
//! second then starves the window of frames. So the engine's sink only queues the event (it
//! never waits on the window), and one thread per drive sends it on: output lines are gathered
//! per step and sent together once every [`Batching::every`] (250 ms), and any other event first flushes
//! the output gathered before it, so the window sees everything in the order it happened.
//!
//! A step's meter (a backup's bytes, a health countdown) is batched the same way, keeping only
//! the newest reading per step: a backup moving its bar a hundred times in a second costs the
//! window one message.
//!
//! A step that prints faster than anyone can read keeps at most [`Batching::keep`] lines per
//! step per batch (the most recent ones, as many as the window shows); the rest are counted in
//! the message's `omitted`, so neither this thread nor the window grows with the output.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pilot_desktop_api::dto::RunEventDto;
use pilot_desktop_api::{ApiError, ErrorKind};

/// How output is batched.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    /// The longest a line waits before it is sent: short enough to read as live, long enough
    /// that a chatty step costs the window at most four messages a second. Each channel
    /// message is a script evaluation in the webview, and under WebKitGTK one costs the page's
    /// main thread up to ~100 ms however small the message (measured with the page's own work
    /// at ≤ 4 ms per message, and unchanged with nothing on the page drawn; see the "Desktop
    /// app" section of docs/benchmarks.md), so fewer messages is what keeps frames coming.
    pub every: Duration,
    /// Lines kept per step per batch; the UI's log shows this many lines (`OUTPUT_LINES` in
    /// ui/src/lib/run-store.svelte.ts), so older ones in the same batch could never be seen.
    pub keep: usize,
    /// Characters kept of one line: a minified bundle or a binary blob printed without line
    /// breaks would otherwise be laid out whole in the log.
    pub line_chars: usize,
}

impl Default for Batching {
    fn default() -> Self {
        Self { every: Duration::from_millis(250), keep: 2_000, line_chars: 2_000 }
    }
}

/// The forwarding thread of one drive. [`Forwarder::queue`] is the engine's sink; dropping
/// the queue side and joining ([`Forwarder::finish`]) delivers whatever is still gathered.
pub struct Forwarder {
    queue: Sender<RunEventDto>,
    thread: JoinHandle<()>,
}

impl Forwarder {
    /// Start forwarding to `send` (which delivers one message to the window).
    pub fn start<F>(send: F, batching: Batching) -> Result<Self, ApiError>
    where
        F: Fn(RunEventDto) + Send + 'static,
    {
        let (queue, events) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("run-progress".into())
            .spawn(move || forward(&events, &send, batching))
            .map_err(|e| {
                ApiError::new(
                    ErrorKind::Internal,
                    format!(
                        "could not start the thread that shows a run's progress ({e}); nothing \
                         ran: close other programs to free resources and try again"
                    ),
                )
            })?;
        Ok(Self { queue, thread })
    }

    /// Queue one event for the window; never blocks. An event queued after the thread ended
    /// (it cannot: the thread ends only once this side is dropped) would be dropped quietly.
    pub fn queue(&self, event: RunEventDto) {
        let _ = self.queue.send(event);
    }

    /// Deliver what is still gathered and wait until the thread has sent it.
    pub fn finish(self) {
        drop(self.queue);
        // A panic in `send` has already been reported by the panic hook; the drive's result
        // does not depend on the window having seen every message.
        let _ = self.thread.join();
    }
}

/// The output of one step gathered since the last flush.
struct Gathered {
    step_id: String,
    lines: VecDeque<String>,
    omitted: u32,
}

/// Output gathered per step, in the order the steps first printed, and the newest meter
/// reading per step.
#[derive(Default)]
struct Batch {
    steps: Vec<Gathered>,
    meters: Vec<RunEventDto>,
}

impl Batch {
    fn add(&mut self, step_id: String, lines: Vec<String>, omitted: u32, b: &Batching) {
        let at = match self.steps.iter().position(|g| g.step_id == step_id) {
            Some(i) => i,
            None => {
                self.steps.push(Gathered { step_id, lines: VecDeque::new(), omitted: 0 });
                self.steps.len() - 1
            }
        };
        let g = &mut self.steps[at];
        if omitted > 0 {
            // Whatever was gathered came before lines that were already left out: the window
            // would show the newest lines only, so the gathered ones are left out too.
            g.omitted = g.omitted.saturating_add(omitted).saturating_add(len_u32(g.lines.len()));
            g.lines.clear();
        }
        for line in lines {
            g.lines.push_back(shorten(line, b.line_chars));
            if g.lines.len() > b.keep {
                g.lines.pop_front();
                g.omitted = g.omitted.saturating_add(1);
            }
        }
    }

    /// Keep `meter` as its step's newest reading (replacing an older one).
    fn meter(&mut self, meter: RunEventDto) {
        let step = |e: &RunEventDto| match e {
            RunEventDto::StepMeter { step_id, .. } => Some(step_id.clone()),
            _ => None,
        };
        let id = step(&meter);
        self.meters.retain(|m| step(m) != id);
        self.meters.push(meter);
    }

    fn flush(&mut self, send: &dyn Fn(RunEventDto)) {
        for g in self.steps.drain(..) {
            send(RunEventDto::StepOutput {
                step_id: g.step_id,
                lines: g.lines.into(),
                omitted: g.omitted,
            });
        }
        for m in self.meters.drain(..) {
            send(m);
        }
    }

    fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.meters.is_empty()
    }
}

fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `line` cut to `max` characters, with an ellipsis saying it was cut.
fn shorten(mut line: String, max: usize) -> String {
    if let Some((cut, _)) = line.char_indices().nth(max) {
        line.truncate(cut);
        line.push('…');
    }
    line
}

/// The thread's loop: gather output, flush it on time or before any other event, and flush
/// the rest when the engine side is gone.
fn forward(events: &Receiver<RunEventDto>, send: &dyn Fn(RunEventDto), b: Batching) {
    let mut batch = Batch::default();
    let mut due: Option<Instant> = None;
    loop {
        let next = match due {
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(at) => events.recv_timeout(at.saturating_duration_since(Instant::now())),
        };
        match next {
            Ok(RunEventDto::StepOutput { step_id, lines, omitted }) => {
                batch.add(step_id, lines, omitted, &b);
                due.get_or_insert_with(|| Instant::now() + b.every);
            }
            Ok(meter @ RunEventDto::StepMeter { .. }) => {
                batch.meter(meter);
                due.get_or_insert_with(|| Instant::now() + b.every);
            }
            Ok(other) => {
                batch.flush(send);
                due = None;
                send(other);
            }
            Err(RecvTimeoutError::Timeout) => {
                batch.flush(send);
                due = None;
            }
            Err(RecvTimeoutError::Disconnected) => {
                if !batch.is_empty() {
                    batch.flush(send);
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    fn output(step: &str, line: &str) -> RunEventDto {
        RunEventDto::StepOutput { step_id: step.into(), lines: vec![line.into()], omitted: 0 }
    }

    fn recorder() -> (Arc<Mutex<Vec<RunEventDto>>>, impl Fn(RunEventDto) + Send + 'static) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        (seen, move |e| sink.lock().expect("recorder lock").push(e))
    }

    fn outputs(events: &[RunEventDto]) -> Vec<(String, Vec<String>, u32)> {
        events
            .iter()
            .filter_map(|e| match e {
                RunEventDto::StepOutput { step_id, lines, omitted } => {
                    Some((step_id.clone(), lines.clone(), *omitted))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn lines_printed_together_arrive_in_one_message_in_order() {
        let (seen, send) = recorder();
        let f = Forwarder::start(
            send,
            Batching { every: Duration::from_secs(5), ..Default::default() },
        )
        .expect("the thread starts");
        for i in 0..1000 {
            f.queue(output("build", &format!("line {i}")));
        }
        f.finish();
        let seen = seen.lock().expect("lock");
        let out = outputs(&seen);
        assert_eq!(out.len(), 1, "a thousand lines within the interval are one message: {out:?}");
        let want: Vec<String> = (0..1000).map(|i| format!("line {i}")).collect();
        assert_eq!(out[0].1, want, "every line arrives, oldest first");
        assert_eq!(out[0].2, 0, "nothing was left out");
    }

    #[test]
    fn a_meter_moving_fast_costs_one_message_with_its_newest_reading() {
        let (seen, send) = recorder();
        let f = Forwarder::start(
            send,
            Batching { every: Duration::from_secs(5), ..Default::default() },
        )
        .expect("the thread starts");
        for done in 0..=100 {
            f.queue(RunEventDto::StepMeter {
                step_id: "backup".into(),
                label: format!("{done} %"),
                done,
                total: 100,
                unit: "bytes".into(),
            });
        }
        f.finish();
        let seen = seen.lock().expect("lock");
        assert_eq!(seen.len(), 1, "a hundred readings within the interval are one message");
        assert!(
            matches!(&seen[0], RunEventDto::StepMeter { done: 100, .. }),
            "the newest reading is the one sent: {:?}",
            seen[0]
        );
    }

    #[test]
    fn other_events_flush_the_output_printed_before_them() {
        let (seen, send) = recorder();
        let f = Forwarder::start(
            send,
            Batching { every: Duration::from_secs(5), ..Default::default() },
        )
        .expect("the thread starts");
        f.queue(output("a", "first"));
        f.queue(output("b", "second"));
        f.queue(RunEventDto::RunWaiting { step_ids: vec!["manual".into()] });
        f.queue(output("a", "third"));
        f.finish();
        let seen = seen.lock().expect("lock");
        let kinds: Vec<String> = seen
            .iter()
            .map(|e| match e {
                RunEventDto::StepOutput { step_id, lines, .. } => {
                    format!("{step_id}:{}", lines.join(","))
                }
                _ => "waiting".into(),
            })
            .collect();
        assert_eq!(
            kinds,
            ["a:first", "b:second", "waiting", "a:third"],
            "output is never overtaken by a later event"
        );
    }

    #[test]
    fn a_quiet_step_s_line_is_sent_on_time_without_waiting_for_more() {
        let (seen, send) = recorder();
        let f = Forwarder::start(
            send,
            Batching { every: Duration::from_millis(20), ..Default::default() },
        )
        .expect("the thread starts");
        f.queue(output("slow", "one line, then silence"));
        let started = Instant::now();
        while seen.lock().expect("lock").is_empty() && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(
            outputs(&seen.lock().expect("lock")).len(),
            1,
            "the line was sent while the step was still running (after {:?})",
            started.elapsed()
        );
        f.finish();
    }

    #[test]
    fn a_flood_keeps_only_the_newest_lines_and_counts_the_rest() {
        let (seen, send) = recorder();
        let b = Batching { every: Duration::from_secs(5), keep: 100, line_chars: 10 };
        let f = Forwarder::start(send, b).expect("the thread starts");
        for i in 0..250 {
            f.queue(output("flood", &format!("{i:04} and a long tail")));
        }
        f.finish();
        let out = outputs(&seen.lock().expect("lock"));
        assert_eq!(out.len(), 1, "one message: {}", out.len());
        assert_eq!(out[0].1.len(), 100, "at most `keep` lines per step per batch");
        assert_eq!(out[0].2, 150, "the lines left out are counted");
        assert_eq!(out[0].1[0], "0150 and a…", "the newest lines are kept, each cut to 10 chars");
    }

    #[test]
    fn omitted_lines_from_upstream_drop_what_was_gathered_before_them() {
        let mut batch = Batch::default();
        let b = Batching::default();
        batch.add("s".into(), vec!["old".into()], 0, &b);
        batch.add("s".into(), vec!["new".into()], 7, &b);
        let (seen, send) = recorder();
        batch.flush(&send);
        let out = outputs(&seen.lock().expect("lock"));
        assert_eq!(
            out,
            [("s".to_string(), vec!["new".to_string()], 8)],
            "the lines shown stay contiguous: the older gathered line counts as omitted"
        );
    }
}
