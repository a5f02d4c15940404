//! `prometeuc`: the command line of the PBS toolchain. This is the only module that touches
//! files and the terminal.
#![forbid(unsafe_code)]

mod display;
mod files;
mod headless;
mod imports;
mod limits;
#[cfg(feature = "player")]
mod play;
mod repl;
mod script;
mod stdio;
mod test_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use files::{Inputs, PendingFile};
use limits::{call_depth, count, heap_bytes, max_array, max_string, seed, stack_slots};
use prometeu::bytecode::{disassemble, encode, Program, VerifiedProgram};
use prometeu::compiler::assets::{AssetReader, ReadError};
use prometeu::compiler::CompileOptions;
use prometeu::lexer::{render, render_all, Diagnostic, RenderOptions, Sources};
use prometeu::vm::Limits;
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
        #[arg(long, value_name = "DIR", conflicts_with = "pmc")]
        cart: Option<PathBuf>,
        /// Write a single-file cart (`.pmc`: manifest and program in one file) instead.
        #[arg(long, value_name = "OUT.pmc", conflicts_with = "output")]
        pmc: Option<PathBuf>,
    },
    /// Report diagnostics only.
    Check {
        /// The `.pbs` source.
        file: PathBuf,
    },
    /// Print a program's bytecode.
    Disasm {
        /// A `.pbs` source, a `.pbc` program, a `.pmc` cart or a cartridge directory.
        file: PathBuf,
    },
    /// Evaluate PBS interactively, keeping state between inputs.
    Repl,
    /// Run the golden tests of PBS programs (`.pbs` files with expectation comments).
    Test(test_cmd::TestArgs),
    /// Play a cartridge in a window.
    Play(PlayArgs),
    /// Play a cartridge and reload it whenever its files change.
    Watch(PlayArgs),
}

/// The options of `prometeuc play` and `prometeuc watch`.
#[derive(clap::Args)]
pub(crate) struct PlayArgs {
    /// A `.pbs` source, a `.pbc` program or a cartridge directory.
    file: PathBuf,
    /// The window scale (default: the largest that fits the screen, at least 2).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    scale: Option<u32>,
    /// The seed of `Rand` (default 0).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    seed: Option<i64>,
    /// Write what was held on every frame as an input log.
    #[arg(long, value_name = "LOG")]
    record: Option<PathBuf>,
    /// Quit after this many frames.
    #[arg(long, value_name = "N")]
    frames: Option<u64>,
    /// Write the last frame as a PNG (320x180, unscaled) on quitting.
    #[arg(long, value_name = "OUT.png")]
    screenshot: Option<PathBuf>,
    /// The cycle budget of one frame.
    #[arg(long, value_name = "N", default_value_t = prometeu::cart::DEFAULT_CYCLES_PER_FRAME)]
    cycles_per_frame: u64,
    /// Write each frame's wall-clock interval and each key press's latency to FILE.
    #[arg(long, value_name = "FILE")]
    pacing_log: Option<PathBuf>,
    /// Keep the cart's save slots in FILE instead of the user's data directory.
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    /// Play no sound (no sound device is opened).
    #[arg(long)]
    mute: bool,
}

/// The options of `prometeuc run`.
#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// A `.pbs` source, a `.pbc` program, a `.pmc` cart or a cartridge directory.
    file: PathBuf,
    /// Cartridges: how many frames to run headless.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count)]
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
    /// Cartridges: capture the frames as an animated GIF.
    #[arg(long, value_name = "OUT.gif")]
    gif: Option<PathBuf>,
    /// Cartridges: write the sound of the run as a 48 kHz 16-bit stereo WAV file.
    #[arg(long, value_name = "OUT.wav")]
    wav: Option<PathBuf>,
    /// Cartridges: keep the save slots in FILE (read at boot if it exists, written at the end
    /// of every frame that wrote slots).
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    /// The seed of `Rand` (default 0).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = seed)]
    seed: Option<i64>,
    /// Cartridges: the cycle budget of one frame.
    #[arg(long, value_name = "N", default_value_t = prometeu::cart::DEFAULT_CYCLES_PER_FRAME,
          allow_negative_numbers = true, value_parser = count)]
    cycles_per_frame: u64,
    /// Scripts: stop with a trap after this many cycles in total.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count)]
    max_cycles: Option<u64>,
    /// Print run statistics to standard error at the end.
    #[arg(long)]
    stats: bool,
    /// The deepest call nesting allowed (at most 1048576).
    #[arg(long, value_name = "N", default_value_t = Limits::default().call_depth,
          allow_negative_numbers = true, value_parser = call_depth)]
    call_depth: usize,
    /// The most value-stack slots (at most 1048576).
    #[arg(long, value_name = "N", default_value_t = Limits::default().stack_slots,
          allow_negative_numbers = true, value_parser = stack_slots)]
    stack_slots: usize,
    /// The longest string, in bytes (at most 2^31).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_string,
          allow_negative_numbers = true, value_parser = max_string)]
    max_string: usize,
    /// The most elements of one array (at most 2^32).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_array,
          allow_negative_numbers = true, value_parser = max_array)]
    max_array: usize,
    /// The most heap bytes live at once (at most 2^40).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().heap_bytes,
          allow_negative_numbers = true, value_parser = heap_bytes)]
    heap_bytes: usize,
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
pub(crate) struct Failure(pub(crate) u8);

/// Renders diagnostics to standard error.
pub(crate) struct Reporter {
    options: RenderOptions,
}

impl Reporter {
    pub(crate) fn emit(&self, diagnostics: &[Diagnostic], sources: &Sources) {
        let text = render_all(diagnostics, sources, self.options);
        let _ = std::io::stderr().write_all(text.as_bytes());
    }

    /// Reports a load or output error (status 1).
    pub(crate) fn error(&self, message: String) -> Failure {
        let message = prometeu::lexer::escape_for_display(&message).into_owned();
        self.message(&render(
            &Diagnostic::plain(message),
            &Sources::new(),
            self.options,
        ));
        Failure(EXIT_COMPILE)
    }

    /// Reports a command-line usage error (status 2).
    pub(crate) fn usage(&self, message: String) -> Failure {
        self.error(message);
        Failure(EXIT_USAGE)
    }

    /// Writes text to standard error as it is; a failure there cannot be reported.
    pub(crate) fn message(&self, text: &str) {
        let _ = stdio::err_line(text.trim_end_matches('\n'));
    }
}

/// Whether a file holds a compiled program rather than source.
fn is_program(path: &Path, bytes: &[u8]) -> bool {
    path.extension().is_some_and(|e| e == "pbc") || bytes.starts_with(&prometeu::bytecode::MAGIC)
}

/// Whether a file is a single-file cart.
fn is_pmc(path: &Path, bytes: &[u8]) -> bool {
    path.extension().is_some_and(|e| e == "pmc") || bytes.starts_with(&prometeu::pmc::PMC_MAGIC)
}

/// Reads a file under a size cap, reporting failure as a load error.
fn read(path: &Path, cap: files::Cap, reporter: &Reporter) -> Result<Vec<u8>, Failure> {
    files::read_capped(path, cap).map_err(|e| reporter.error(e.to_string()))
}

/// Reads a file that may be a program or a source: a `.pbc` name, or a file past the source
/// cap that starts with the program magic number, gets the program cap.
fn read_program_or_source(path: &Path, reporter: &Reporter) -> Result<Vec<u8>, Failure> {
    if path.extension().is_some_and(|e| e == "pbc") {
        return read(path, files::PROGRAM, reporter);
    }
    if path.extension().is_some_and(|e| e == "pmc") {
        return read(path, files::PMC, reporter);
    }
    match files::read_capped(path, files::SOURCE) {
        Err(files::ReadError::TooLarge { .. }) if starts_with_magic(path) => {
            read(path, files::PMC, reporter)
        }
        result => result.map_err(|e| reporter.error(e.to_string())),
    }
}

/// Whether a file starts with the `.pbc` magic number.
fn starts_with_magic(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head == prometeu::bytecode::MAGIC || head == prometeu::pmc::PMC_MAGIC)
}

/// Reads a source for `build` and `check`, refusing program files.
fn read_source(path: &Path, command: &str, reporter: &Reporter) -> Result<Vec<u8>, Failure> {
    let bytes = read(path, files::SOURCE, reporter)?;
    if is_program(path, &bytes) || is_pmc(path, &bytes) {
        return Err(reporter.error(format!(
            "`{}` is a program file; {command} takes a `.pbs` source",
            path.display()
        )));
    }
    Ok(bytes)
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
    let (unit, _) = compile_text(path, text);
    reporter.emit(&unit.compiled.diagnostics, &unit.sources);
    unit.compiled.program.ok_or(Failure(EXIT_COMPILE))
}

/// Compiles the source text of the file at `path` (moved into the unit's `Sources`, not
/// copied) with the files it imports (read relative to it) and its assets; also returns the
/// imported files read.
pub(crate) fn compile_text(path: &Path, text: String) -> (prometeu::SourceUnit, Vec<PathBuf>) {
    let name = path.display().to_string();
    let options = CompileOptions {
        assets: Some(asset_reader(path)),
        ..CompileOptions::default()
    };
    let provider = imports::DiskSources::new(path);
    let entry_path = path
        .file_name()
        .map_or("main.pbs".to_string(), |n| n.to_string_lossy().into_owned());
    let reader = options
        .assets
        .as_ref()
        .map(|r| &*r.0 as &dyn prometeu::compiler::assets::AssetSource);
    let unit = prometeu::compile_program_source(
        &name,
        text,
        &imports::DiskSources::key_of(path),
        &entry_path,
        &provider,
        &options,
        reader,
    );
    (unit, provider.files())
}

/// Reads asset files relative to the directory of the source file at `source`, through the
/// same capped reader as every other input.
fn asset_reader(source: &Path) -> AssetReader {
    let dir = source.parent().map(Path::to_path_buf).unwrap_or_default();
    AssetReader::new(move |relative: &str| -> Result<Vec<u8>, ReadError> {
        let path = dir.join(relative);
        files::read_capped(&path, files::ASSET).map_err(|e| match e {
            files::ReadError::TooLarge { cap, .. } => ReadError::TooLarge { limit: cap.bytes },
            files::ReadError::Io { error, .. } if error.kind() == std::io::ErrorKind::NotFound => {
                ReadError::NotFound
            }
            files::ReadError::NotAFile { kind, .. } => ReadError::Other(format!("it is {kind}")),
            files::ReadError::Io { error, .. } => ReadError::Other(error.to_string()),
        })
    })
}

/// Loads a program from a source, a `.pbc` file, a `.pmc` cart or a cartridge directory and
/// verifies it, remembering the files read.
fn load(path: &Path, inputs: &mut Inputs, reporter: &Reporter) -> Result<VerifiedProgram, Failure> {
    load_with_id(path, inputs, reporter).map(|(program, _)| program)
}

/// Like [`load`], also returning the cart's app id: the manifest's for a cartridge
/// directory or a `.pmc`, otherwise derived from the file's stem (where save data goes).
fn load_with_id(
    path: &Path,
    inputs: &mut Inputs,
    reporter: &Reporter,
) -> Result<(VerifiedProgram, String), Failure> {
    if path.is_dir() {
        return headless::load_dir(path, inputs, reporter);
    }
    let bytes = read_program_or_source(path, reporter)?;
    inputs.add(path);
    if path.extension().is_none_or(|e| e != "pbc") && is_pmc(path, &bytes) {
        return prometeu::pmc::load(&bytes)
            .map(|(manifest, program)| (program, manifest.app_id))
            .map_err(|e| {
                reporter.error(format!(
                    "invalid single-file cart `{}`: {e}",
                    path.display()
                ))
            });
    }
    let stem = path
        .file_stem()
        .map_or("cart".to_string(), |s| s.to_string_lossy().into_owned());
    let app_id = prometeu::save::app_id_from_stem(&stem);
    if is_program(path, &bytes) {
        return prometeu::load(&bytes)
            .map(|program| (program, app_id))
            .map_err(|e| reporter.error(format!("invalid program file: {e}")));
    }
    let program = compile(path, bytes, reporter)?;
    prometeu::verify(program)
        .map(|program| (program, app_id))
        .map_err(|e| {
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
    let mut inputs = Inputs::default();
    match cli.command {
        Command::Run(args) => {
            let (program, app_id) = load_with_id(&args.file, &mut inputs, &reporter)?;
            // From here on a signal stops the run cleanly instead of killing the process.
            stdio::catch_signals();
            let entry = program.program().entry;
            let shown = display::program_for_display(program.program());
            if entry.frame.is_some() {
                headless::run(args, program, shown, &app_id, &mut inputs, &reporter)
            } else if entry.main.is_some() {
                script::run(args, program, shown, &reporter)
            } else {
                Err(reporter.error(format!(
                    "`{}` has neither `fn main()` nor a `[Frame]` function, so there is nothing to run",
                    args.file.display()
                )))
            }
        }
        Command::Build {
            file,
            output,
            cart,
            pmc,
        } => build(&file, output, cart, pmc, &mut inputs, &reporter),
        Command::Check { file } => {
            let bytes = read_source(&file, "check", &reporter)?;
            compile(&file, bytes, &reporter).map(drop)
        }
        Command::Disasm { file } => {
            let program = load(&file, &mut inputs, &reporter)?;
            let text = disassemble(&display::program_for_display(program.program()));
            stdio::write_stdout(&text).map_err(Failure)
        }
        Command::Repl | Command::Test(_) => Ok(()),
        Command::Play(args) => play(args, false, &reporter),
        Command::Watch(args) => play(args, true, &reporter),
    }
}

/// Runs `play` or `watch` in the window player.
#[cfg(feature = "player")]
fn play(args: PlayArgs, watch: bool, reporter: &Reporter) -> Result<(), Failure> {
    play::play(args, watch, reporter)
}

/// Without the window player, `play` and `watch` explain how to get it.
#[cfg(not(feature = "player"))]
fn play(args: PlayArgs, _watch: bool, reporter: &Reporter) -> Result<(), Failure> {
    Err(reporter.error(format!(
        "this prometeuc was built without the player, so it cannot open a window for `{}`; rebuild with the `player` feature (on by default), or run the cart headless with `prometeuc run FILE --frames N`",
        args.file.display()
    )))
}

/// `prometeuc build`: every output is checked before compiling and written atomically.
fn build(
    file: &Path,
    output: Option<PathBuf>,
    cart: Option<PathBuf>,
    pmc: Option<PathBuf>,
    inputs: &mut Inputs,
    reporter: &Reporter,
) -> Result<(), Failure> {
    let bytes = read_source(file, "build", reporter)?;
    inputs.add(file);
    enum Target {
        File(PendingFile),
        Cart(headless::CartTarget),
        Pmc(PendingFile),
    }
    let target = match (cart, pmc) {
        (Some(dir), _) => Target::Cart(headless::prepare_cart(&dir, inputs, reporter)?),
        (None, Some(out)) => Target::Pmc(headless::pending(&out, inputs, reporter)?),
        (None, None) => {
            let out = output.unwrap_or_else(|| file.with_extension("pbc"));
            Target::File(headless::pending(&out, inputs, reporter)?)
        }
    };
    let program = compile(file, bytes, reporter)?;
    prometeu::verify(program.clone()).map_err(|e| {
        reporter.error(format!(
            "internal error: the compiled program failed verification: {e}"
        ))
    })?;
    match target {
        Target::Cart(target) => headless::build(file, target, &program, reporter),
        Target::File(pending) => pending
            .commit(&encode(&program))
            .map_err(|e| reporter.error(e)),
        Target::Pmc(pending) => {
            let manifest = headless::manifest_for(file, &program);
            pending
                .commit(&prometeu::pmc::encode(&manifest, &encode(&program)))
                .map_err(|e| reporter.error(e))
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to standard output, errors to standard error; a failure
            // to print them is an error too.
            let printed = e.print().is_ok();
            let code = if printed { e.exit_code() } else { 1 };
            return ExitCode::from(u8::try_from(code).unwrap_or(EXIT_USAGE));
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code)) => ExitCode::from(code),
    }
}
