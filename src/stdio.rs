//! Standard output and standard error for `run` and `disasm`, and the signals that end a run.
//!
//! Program output is buffered; a write that fails is remembered by the sink and later output
//! is dropped, and the run loops ask [`stop_reason`] between slices of execution so the
//! program stops soon after. A closed pipe (`EPIPE`, as with `| head`) ends the command
//! quietly with status [`EXIT_BROKEN_PIPE`]; any other failure (a full disk) is reported and
//! ends it with status 1. SIGINT, SIGTERM and SIGHUP stop the run at the next check, the
//! output printed so far is flushed, and the status is [`EXIT_SIGNAL`]; a second signal ends
//! the process at once.

use prometeu::vm::Output;
use std::cell::RefCell;
use std::io::{BufWriter, ErrorKind, Write};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The status after standard output was closed by its reader (128 + SIGPIPE, as a shell
/// reports a program killed by the signal).
pub(crate) const EXIT_BROKEN_PIPE: u8 = 141;

/// The status after a run was stopped by SIGINT, SIGTERM or SIGHUP.
pub(crate) const EXIT_SIGNAL: u8 = 130;

/// Set by the signal handler.
static SIGNALLED: AtomicBool = AtomicBool::new(false);

/// Installs the handler that turns SIGINT, SIGTERM and SIGHUP into a request to stop; a
/// second signal exits immediately.
pub(crate) fn catch_signals() {
    let _ = ctrlc::set_handler(|| {
        if SIGNALLED.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(EXIT_SIGNAL));
        }
    });
}

/// Whether a stop was requested by a signal.
pub(crate) fn signalled() -> bool {
    SIGNALLED.load(Ordering::SeqCst)
}

/// Why a run must end before the program finishes.
#[derive(Debug)]
pub(crate) enum Stop {
    /// A signal asked the run to stop.
    Signal,
    /// Standard output cannot be written.
    Output(std::io::Error),
}

struct Inner {
    out: BufWriter<std::io::Stdout>,
    error: Option<std::io::Error>,
}

/// Buffered standard output as the VM's sink; clones share the stream and its error.
#[derive(Clone)]
pub(crate) struct ProgramOutput(Rc<RefCell<Inner>>);

impl ProgramOutput {
    /// The sink over this process's standard output.
    pub(crate) fn new() -> ProgramOutput {
        ProgramOutput(Rc::new(RefCell::new(Inner {
            out: BufWriter::new(std::io::stdout()),
            error: None,
        })))
    }

    /// Flushes what is buffered; the first failure stays recorded.
    pub(crate) fn flush(&self) {
        let mut inner = self.0.borrow_mut();
        if inner.error.is_none() {
            if let Err(e) = inner.out.flush() {
                inner.error = Some(e);
            }
        }
    }

    /// Takes the recorded write failure, if any.
    pub(crate) fn take_error(&self) -> Option<std::io::Error> {
        self.0.borrow_mut().error.take()
    }

    /// Whether a write failed.
    fn failed(&self) -> bool {
        self.0.borrow().error.is_some()
    }
}

impl Output for ProgramOutput {
    fn write_str(&mut self, text: &str) {
        let mut inner = self.0.borrow_mut();
        if inner.error.is_none() {
            if let Err(e) = inner.out.write_all(text.as_bytes()) {
                inner.error = Some(e);
            }
        }
    }
}

/// Whether the run must stop now: a signal arrived or standard output failed.
pub(crate) fn stop_reason(out: &ProgramOutput) -> Option<Stop> {
    if signalled() {
        return Some(Stop::Signal);
    }
    if out.failed() {
        return out.take_error().map(Stop::Output);
    }
    None
}

/// The exit status for a failed write to standard output, reporting it on standard error
/// unless the reader closed the pipe.
pub(crate) fn output_failure(error: &std::io::Error) -> u8 {
    if error.kind() == ErrorKind::BrokenPipe {
        return EXIT_BROKEN_PIPE;
    }
    let _ = err_line(&format!("error: cannot write to standard output: {error}"));
    crate::EXIT_COMPILE
}

/// Writes text to standard output at once (for `disasm`), mapping a failure to its status.
pub(crate) fn write_stdout(text: &str) -> Result<(), u8> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| output_failure(&e))
}

/// Writes one line to standard error; the caller decides what a failure means.
pub(crate) fn err_line(text: &str) -> std::io::Result<()> {
    let mut err = std::io::stderr().lock();
    err.write_all(text.as_bytes())
        .and_then(|()| err.write_all(b"\n"))
        .and_then(|()| err.flush())
}
