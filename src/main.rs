//! `prometeuc`: the command line of the PBS toolchain. This is the only module that touches
//! files and the terminal.
#![forbid(unsafe_code)]

mod headless;
mod repl;
mod test_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use prometeu::bytecode::{disassemble, encode, Program, VerifiedProgram};
use prometeu::compiler::assets::{AssetReader, ReadError};
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
/// Exit status for a command-line usage error.
const EXIT_USAGE: u8 = 2;

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
    Run(RunArgs),
    /// Compile a source to a `.pbc` program.
    Build {
        /// The `.pbs` source.
        file: PathBuf,
        /// Where to write the program (default: the source path with `.pbc`).
        #[arg(short, long, value_name = "OUT", conflicts_with = "cart")]
        output: Option<PathBuf>,
        /// Write a cartridge directory (`manifest.json` and `program.pbc`) instead.
        #[arg(long, value_name = "DIR")]
        cart: Option<PathBuf>,
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
    /// Run the golden tests of PBS programs (`.pbs` files with expectation comments).
    Test(test_cmd::TestArgs),
}

/// The options of `prometeuc run`.
#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// A `.pbs` source, a `.pbc` program or a cartridge directory.
    file: PathBuf,
    /// Cartridges: how many frames to run headless.
    #[arg(long, value_name = "N")]
    frames: Option<u64>,
    /// Cartridges: write the last frame as a PNG.
    #[arg(long, value_name = "OUT.png")]
    screenshot: Option<PathBuf>,
    /// Cartridges: write every K-th frame as DIR/frame_NNNNN.png.
    #[arg(long, num_args = 2, value_names = ["K", "DIR"])]
    screenshot_every: Vec<String>,
    /// Cartridges: replay a recorded pad log.
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Cartridges: record the pad into a log.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// The seed of `Rand` (default 0).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    seed: Option<i64>,
    /// Cartridges: the cycle budget of one frame.
    #[arg(long, value_name = "N", default_value_t = prometeu::cart::DEFAULT_CYCLES_PER_FRAME)]
    cycles_per_frame: u64,
    /// Scripts: stop with a trap after this many cycles in total.
    #[arg(long, value_name = "N")]
    max_cycles: Option<u64>,
    /// Print run statistics to standard error at the end.
    #[arg(long)]
    stats: bool,
    /// The deepest call nesting allowed.
    #[arg(long, value_name = "N", default_value_t = Limits::default().call_depth)]
    call_depth: usize,
    /// The most value-stack slots (at most 1048576).
    #[arg(long, value_name = "N", default_value_t = Limits::default().stack_slots, value_parser = stack_slots)]
    stack_slots: usize,
    /// The longest string, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_string)]
    max_string: usize,
    /// The most elements of one array.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_array)]
    max_array: usize,
    /// The most heap bytes live at once.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().heap_bytes)]
    heap_bytes: usize,
}

/// Parses `--stack-slots`: a count no larger than the VM's fixed stack capacity.
fn stack_slots(text: &str) -> Result<usize, String> {
    let n: usize = text.parse().map_err(|e| format!("{e}"))?;
    if n > prometeu_vm::STACK_CAPACITY {
        return Err(format!(
            "at most {} slots are available",
            prometeu_vm::STACK_CAPACITY
        ));
    }
    Ok(n)
}

impl RunArgs {
    /// The VM limits the flags set (§14 defaults otherwise).
    pub(crate) fn limits(&self) -> Limits {
        Limits {
            call_depth: self.call_depth,
            stack_slots: self.stack_slots,
            max_string: self.max_string,
            max_array: self.max_array,
            heap_bytes: self.heap_bytes,
        }
    }
}

/// A failure that ends the command with a status.
struct Failure(pub(crate) u8);

/// Buffered standard output as the VM's sink.
pub(crate) struct Stdout(pub(crate) std::io::BufWriter<std::io::Stdout>);

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
pub(crate) struct Reporter {
    options: RenderOptions,
}

impl Reporter {
    pub(crate) fn emit(&self, diagnostics: &[Diagnostic], sources: &Sources) {
        let text = render_all(diagnostics, sources, self.options);
        let _ = std::io::stderr().write_all(text.as_bytes());
    }

    pub(crate) fn error(&self, message: String) -> Failure {
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
    let options = CompileOptions {
        assets: Some(asset_reader(path)),
        ..CompileOptions::default()
    };
    let unit = prometeu::compile_source(&name, &text, &options);
    reporter.emit(&unit.compiled.diagnostics, &unit.sources);
    unit.compiled.program.ok_or(Failure(EXIT_COMPILE))
}

/// The largest asset file the compiler reads.
const ASSET_LIMIT: u64 = 16 << 20;

/// Reads asset files relative to the directory of the source file at `source`.
fn asset_reader(source: &Path) -> AssetReader {
    let dir = source.parent().map(Path::to_path_buf).unwrap_or_default();
    AssetReader::new(move |relative: &str| -> Result<Vec<u8>, ReadError> {
        use std::io::Read;
        let path = dir.join(relative);
        let file = std::fs::File::open(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ReadError::NotFound,
            _ => ReadError::Other(e.to_string()),
        })?;
        match file.metadata() {
            Ok(m) if m.is_dir() => return Err(ReadError::Other("it is a directory".into())),
            Ok(m) if m.len() > ASSET_LIMIT => {
                return Err(ReadError::TooLarge { limit: ASSET_LIMIT })
            }
            _ => {}
        }
        let mut bytes = Vec::new();
        file.take(ASSET_LIMIT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ReadError::Other(e.to_string()))?;
        if bytes.len() as u64 > ASSET_LIMIT {
            return Err(ReadError::TooLarge { limit: ASSET_LIMIT });
        }
        Ok(bytes)
    })
}

/// Loads a program from a source or `.pbc` file and verifies it.
fn load(path: &Path, reporter: &Reporter) -> Result<VerifiedProgram, Failure> {
    if path.is_dir() {
        return headless::load_dir(path, reporter);
    }
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
    if let Command::Test(args) = &cli.command {
        return test_cmd::run(args).map_err(Failure);
    }
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
        Command::Run(args) => {
            let program = load(&args.file, &reporter)?;
            if program.program().entry.frame.is_some() {
                headless::run(args, program, &reporter)
            } else {
                run_script(args, program, &reporter)
            }
        }
        Command::Build { file, output, cart } => {
            let bytes = read(&file, &reporter)?;
            let program = compile(&file, bytes, &reporter)?;
            prometeu::verify(program.clone()).map_err(|e| {
                reporter.error(format!(
                    "internal error: the compiled program failed verification: {e}"
                ))
            })?;
            if let Some(dir) = cart {
                return headless::build(&file, &dir, &program, &reporter);
            }
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
        Command::Repl | Command::Test(_) => Ok(()),
    }
}

/// Runs a script: globals, then `main`.
fn run_script(args: RunArgs, program: VerifiedProgram, reporter: &Reporter) -> Result<(), Failure> {
    let cart_only = [
        ("--frames", args.frames.is_some()),
        ("--screenshot", args.screenshot.is_some()),
        ("--screenshot-every", !args.screenshot_every.is_empty()),
        ("--input", args.input.is_some()),
        ("--record", args.record.is_some()),
    ];
    if let Some((flag, _)) = cart_only.iter().find(|(_, used)| *used) {
        eprintln!(
            "error: {flag} applies to cartridges, and `{}` is a script",
            args.file.display()
        );
        return Err(Failure(EXIT_USAGE));
    }
    let (sources, id) = prometeu::program_sources(program.program());
    let out = Stdout(std::io::BufWriter::new(std::io::stdout()));
    let mut vm = prometeu::cart::console_vm(
        program,
        args.limits(),
        args.seed.unwrap_or(0),
        Box::new(out),
    )
    .map_err(|t| reporter.error(format!("trap: {t}")))?;
    let result = vm.run_script(args.max_cycles);
    if args.stats {
        let s = vm.stats();
        eprintln!("stats: {} cycles", s.cycles);
        eprintln!("{}", headless::heap_line(&s));
        let assets = &vm.program().program().assets;
        if !assets.is_empty() {
            eprintln!("{}", headless::assets_line(assets));
        }
    }
    if let Err(trap) = result {
        let diagnostic = trap.to_diagnostic(vm.program().program(), &sources, id);
        drop(vm);
        reporter.emit(&[diagnostic], &sources);
        return Err(Failure(EXIT_TRAP));
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code)) => ExitCode::from(code),
    }
}
