//! Scripts for `prometeuc run`: the globals initializer, then `main`, run in slices so a
//! signal or a failed standard output stops them soon, with the cycle counts and budget traps
//! of one uninterrupted run.

use crate::stdio::{self, ProgramOutput, Stop};
use crate::{headless, Failure, Reporter, RunArgs, EXIT_TRAP};
use prometeu::bytecode::{Program, VerifiedProgram};
use prometeu::vm::{Exit, Trap, TrapKind, Vm};

/// How many cycles a script runs between two checks for a signal or a failed output.
const SLICE: u64 = 1_000_000;

/// Why a script ended early.
enum Ended {
    /// A trap (including an exhausted `--max-cycles`).
    Trap(Trap),
    /// A signal or failed output; the trap says where the script was.
    Stop(Stop, Trap),
}

/// Runs a function to its end in slices of [`SLICE`] cycles, checking between slices for a
/// signal or a failed output, under an optional total cycle limit. The cycles charged and the
/// place of a budget trap are those of one uninterrupted run: a slice never reaches past the
/// limit, and the trap is raised at the first check point past it.
fn call_in_slices(
    vm: &mut Vm,
    function: u32,
    max_cycles: Option<u64>,
    out: &ProgramOutput,
) -> Result<(), Ended> {
    vm.start(function).map_err(Ended::Trap)?;
    loop {
        let slice = max_cycles.map_or(SLICE, |limit| {
            limit.saturating_sub(vm.stats().cycles).min(SLICE)
        });
        let exit = vm.resume(slice).map_err(Ended::Trap)?;
        let over = max_cycles.filter(|&limit| vm.stats().cycles > limit);
        match (exit, over) {
            // Straight-line code before the final return can overdraw the budget; that is a
            // trap all the same, as with `Vm::call`.
            (Exit::Returned(_), Some(limit)) => {
                return Err(Ended::Trap(Trap::new(TrapKind::CycleBudget(limit))))
            }
            (Exit::Returned(_), None) => return Ok(()),
            (Exit::OutOfCycles, Some(limit)) => {
                let mut trap = vm.interrupt();
                trap.kind = TrapKind::CycleBudget(limit);
                return Err(Ended::Trap(trap));
            }
            (Exit::OutOfCycles, None) => {
                if let Some(stop) = stdio::stop_reason(out) {
                    return Err(Ended::Stop(stop, vm.interrupt()));
                }
            }
        }
    }
}

/// Runs a script: globals, then `main`. `shown` is the program as traps show it.
pub(crate) fn run(
    args: RunArgs,
    program: VerifiedProgram,
    shown: Program,
    reporter: &Reporter,
) -> Result<(), Failure> {
    let cart_only = [
        ("--frames", args.frames.is_some()),
        ("--screenshot", args.screenshot.is_some()),
        ("--screenshot-every", !args.screenshot_every.is_empty()),
        ("--input", args.input.is_some()),
        ("--record", args.record.is_some()),
        ("--gif", args.gif.is_some()),
        ("--wav", args.wav.is_some()),
        ("--save", args.save.is_some()),
    ];
    if let Some((flag, _)) = cart_only.iter().find(|(_, used)| *used) {
        return Err(reporter.usage(format!(
            "{flag} applies to cartridges, and `{}` is a script",
            args.file.display()
        )));
    }
    let (sources, id) = prometeu::program_sources(&shown);
    let out = ProgramOutput::new();
    let entry = program.program().entry;
    let mut vm = prometeu::cart::console_vm(
        program,
        args.limits(),
        args.seed.unwrap_or(0),
        Box::new(out.clone()),
    )
    .map_err(|t| reporter.error(format!("trap: {t}")))?;
    let result = [Some(entry.globals_init), entry.main]
        .into_iter()
        .flatten()
        .try_for_each(|f| call_in_slices(&mut vm, f, args.max_cycles, &out));
    out.flush();
    let trap = match result {
        Ok(()) => None,
        Err(Ended::Stop(Stop::Output(e), _)) => return Err(Failure(stdio::output_failure(&e))),
        Err(Ended::Trap(trap)) => Some((trap, EXIT_TRAP)),
        Err(Ended::Stop(Stop::Signal, mut trap)) => {
            trap.kind = TrapKind::Interrupted;
            Some((trap, stdio::EXIT_SIGNAL))
        }
    };
    if args.stats {
        let s = vm.stats();
        headless::stats_line(&format!("stats: {} cycles", s.cycles))?;
        headless::stats_line(&headless::heap_line(&s))?;
    }
    headless::finish_output(&out)?;
    if let Some((trap, status)) = trap {
        let diagnostic = trap.to_diagnostic(&shown, &sources, id);
        reporter.emit(&[diagnostic], &sources);
        return Err(Failure(status));
    }
    Ok(())
}
