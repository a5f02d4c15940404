//! `prometeuc`: the command line of the PBS toolchain. This is the only module that touches
//! files and the terminal.
#![forbid(unsafe_code)]

mod repl;

use clap::{Parser, Subcommand, ValueEnum};
use prometeu::bytecode::{disassemble, encode, Program, VerifiedProgram};
use prometeu::compiler::CompileOptions;
use prometeu::lexer::{render, render_all, Diagnostic, RenderOptions, Sources};
use prometeu::vm::{Limits, Output};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status for a compile or load error.
const EXIT_COMPILE: u8 = 1;
/// Exit status for a runtime trap.
const EXIT_TRAP: u8 = 3;

/// The PBS toolchain: compile, check, disassemble and run PBS programs.
#[derive(Parser)]
#[command(name = "prometeuc", version, about)]
struct Cli {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

/// When to colour diagnostics.
#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    /// Colour when standard error is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Compile (if needed) and run a program.
    Run {
        /// A `.pbs` source or a `.pbc` program.
        file: PathBuf,
        /// Stop with a trap after this many cycles in total.
        #[arg(long, value_name = "N")]
        max_cycles: Option<u64>,
        /// Print run statistics (cycles, heap) to standard error at the end.
        #[arg(long)]
        stats: bool,
    },
    /// Compile a source to a `.pbc` program.
    Build {
        /// The `.pbs` source.
        file: PathBuf,
        /// Where to write the program (default: the source path with `.pbc`).
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Report diagnostics only.
    Check {
        /// The `.pbs` source.
        file: PathBuf,
    },
    /// Print a program's bytecode.
    Disasm {
        /// A `.pbs` source or a `.pbc` program.
        file: PathBuf,
    },
    /// Evaluate PBS interactively, keeping state between inputs.
    Repl,
}

/// A failure that ends the command with a status.
struct Failure(u8);

/// Buffered standard output as the VM's sink.
struct Stdout(std::io::BufWriter<std::io::Stdout>);

impl Output for Stdout {
    fn write_str(&mut self, text: &str) {
        // A closed pipe must not crash the host; later output is dropped.
        let _ = self.0.write_all(text.as_bytes());
    }
}

impl Drop for Stdout {
    fn drop(&mut self) {
        let _ = self.0.flush();
    }
}

/// Renders diagnostics to standard error.
struct Reporter {
    options: RenderOptions,
}

impl Reporter {
    fn emit(&self, diagnostics: &[Diagnostic], sources: &Sources) {
        let text = render_all(diagnostics, sources, self.options);
        let _ = std::io::stderr().write_all(text.as_bytes());
    }

    fn error(&self, message: String) -> Failure {
        let text = render(&Diagnostic::plain(message), &Sources::new(), self.options);
        let _ = std::io::stderr().write_all(text.as_bytes());
        Failure(EXIT_COMPILE)
    }
}

/// Whether a file holds a compiled program rather than source.
fn is_program(path: &Path, bytes: &[u8]) -> bool {
    path.extension().is_some_and(|e| e == "pbc") || bytes.starts_with(&prometeu::bytecode::MAGIC)
}

/// Reads a file, reporting failure as a load error.
fn read(path: &Path, reporter: &Reporter) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|e| reporter.error(format!("cannot read `{}`: {e}", path.display())))
}

/// Compiles a source file, printing its diagnostics; returns the program on success.
fn compile(path: &Path, bytes: Vec<u8>, reporter: &Reporter) -> Result<Program, Failure> {
    let text = String::from_utf8(bytes).map_err(|e| {
        reporter.error(format!(
            "`{}` is not valid UTF-8 (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    let name = path.display().to_string();
    let unit = prometeu::compile_source(&name, &text, &CompileOptions::default());
    reporter.emit(&unit.compiled.diagnostics, &unit.sources);
    unit.compiled.program.ok_or(Failure(EXIT_COMPILE))
}

/// Loads a program from a source or `.pbc` file and verifies it.
fn load(path: &Path, reporter: &Reporter) -> Result<VerifiedProgram, Failure> {
    let bytes = read(path, reporter)?;
    if is_program(path, &bytes) {
        return prometeu::load(&bytes)
            .map_err(|e| reporter.error(format!("invalid program file: {e}")));
    }
    let program = compile(path, bytes, reporter)?;
    prometeu::verify(program).map_err(|e| {
        reporter.error(format!(
            "internal error: the compiled program failed verification: {e}"
        ))
    })
}

fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Repl = cli.command {
        let color = match cli.color {
            ColorChoice::Always => Some(true),
            ColorChoice::Never => Some(false),
            ColorChoice::Auto => None,
        };
        return match repl::run(color) {
            0 => Ok(()),
            code => Err(Failure(code)),
        };
    }
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let reporter = Reporter {
        options: RenderOptions { color },
    };
    match cli.command {
        Command::Run {
            file,
            max_cycles,
            stats,
        } => {
            let program = load(&file, &reporter)?;
            let (sources, id) = prometeu::program_sources(program.program());
            let out = Stdout(std::io::BufWriter::new(std::io::stdout()));
            let mut vm = prometeu::new_vm(program, Limits::default(), Box::new(out))
                .map_err(|t| reporter.error(format!("trap: {t}")))?;
            let result = vm.run_script(max_cycles);
            if stats {
                let s = vm.stats();
                eprintln!(
                    "stats: {} cycles; heap: {} allocations, {} bytes allocated, {} collections, peak live {} bytes",
                    s.cycles, s.heap.allocations, s.heap.bytes_allocated, s.heap.collections, s.heap.peak_live_bytes
                );
            }
            if let Err(trap) = result {
                let diagnostic = trap.to_diagnostic(vm.program().program(), &sources, id);
                drop(vm);
                reporter.emit(&[diagnostic], &sources);
                return Err(Failure(EXIT_TRAP));
            }
            Ok(())
        }
        Command::Build { file, output } => {
            let bytes = read(&file, &reporter)?;
            let program = compile(&file, bytes, &reporter)?;
            prometeu::verify(program.clone()).map_err(|e| {
                reporter.error(format!(
                    "internal error: the compiled program failed verification: {e}"
                ))
            })?;
            let out = output.unwrap_or_else(|| file.with_extension("pbc"));
            std::fs::write(&out, encode(&program))
                .map_err(|e| reporter.error(format!("cannot write `{}`: {e}", out.display())))
        }
        Command::Check { file } => {
            let bytes = read(&file, &reporter)?;
            compile(&file, bytes, &reporter).map(drop)
        }
        Command::Disasm { file } => {
            let program = load(&file, &reporter)?;
            let text = disassemble(program.program());
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(text.as_bytes());
            Ok(())
        }
        Command::Repl => Ok(()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code)) => ExitCode::from(code),
    }
}
