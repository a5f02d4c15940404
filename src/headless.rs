//! Headless cartridge runs for `prometeuc run` (frames, screenshots, input replay and
//! recording, sound as WAV, save files, statistics) and cartridge directories for
//! `prometeuc build --cart`.

use crate::files::{self, Inputs, PendingFile};
use crate::stdio::{self, ProgramOutput, Stop};
use crate::{Failure, Reporter, RunArgs, EXIT_COMPILE, EXIT_TRAP, EXIT_USAGE};
use prometeu::bytecode::{encode, Program, VerifiedProgram};
use prometeu::cart::{png_bytes, Cart, CartConfig, Tick};
use prometeu::manifest::{
    manifest_text, parse_manifest, Manifest, ManifestError, CARTRIDGE_VERSION, CART_MAGIC,
};
use prometeu::stdlib::console::audio::SAMPLES_PER_FRAME;
use prometeu::stdlib::console::save::SLOTS;
use prometeu::stdlib::console::{InputLog, Recorder};
use prometeu::vm::VmStats;
use std::path::{Path, PathBuf};

/// The heap line of `--stats`.
pub(crate) fn heap_line(s: &VmStats) -> String {
    format!(
        "heap: {} allocations, {} bytes allocated, {} collections, {} objects freed, peak live {} bytes",
        s.heap.allocations, s.heap.bytes_allocated, s.heap.collections, s.heap.freed, s.heap.peak_live_bytes
    )
}

/// Checks one output of a run against the inputs and creates its temporary file.
pub(crate) fn pending(
    path: &Path,
    inputs: &Inputs,
    reporter: &Reporter,
) -> Result<PendingFile, Failure> {
    inputs
        .check(path)
        .map_err(|e| reporter.usage(e.to_string()))?;
    PendingFile::new(path).map_err(|e| reporter.error(e))
}

/// Whether a file name is one `--screenshot-every` writes (`frame_` digits `.png`).
fn is_frame_name(name: &str) -> bool {
    name.strip_prefix("frame_")
        .and_then(|n| n.strip_suffix(".png"))
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// The most frames one WAV file holds: its data chunk is limited to 2^32 − 1 bytes.
const MAX_WAV_FRAMES: u64 = (u32::MAX as u64 - 36) / (SAMPLES_PER_FRAME as u64 * 4);

/// The `--wav` output: samples stream into the temporary file as frames end.
struct WavOut {
    writer: hound::WavWriter<std::io::BufWriter<std::fs::File>>,
    file: PendingFile,
}

impl WavOut {
    fn new(mut file: PendingFile) -> Result<WavOut, String> {
        let handle = file
            .file_mut()
            .try_clone()
            .map_err(|e| format!("cannot write the WAV file: {e}"))?;
        let writer = hound::WavWriter::new(std::io::BufWriter::new(handle), prometeu::wav::spec())
            .map_err(|e| format!("cannot write the WAV file: {e}"))?;
        Ok(WavOut { writer, file })
    }

    fn append(&mut self, block: &[i16]) -> Result<(), String> {
        let mut samples = self.writer.get_i16_writer(block.len() as u32);
        for &s in block {
            samples.write_sample(s);
        }
        samples
            .flush()
            .map_err(|e| format!("cannot write the WAV file: {e}"))
    }

    fn commit(self) -> Result<(), String> {
        self.writer
            .finalize()
            .map_err(|e| format!("cannot write the WAV file: {e}"))?;
        self.file.commit_written()
    }
}

/// The outputs of a headless run, checked and prepared before it starts.
struct Outputs {
    screenshot: Option<PendingFile>,
    record: Option<PendingFile>,
    gif: Option<PendingFile>,
    wav: Option<PendingFile>,
    every: Option<(u64, PathBuf)>,
}

impl Outputs {
    fn prepare(
        args: &RunArgs,
        every: Option<(u64, PathBuf)>,
        inputs: &Inputs,
        reporter: &Reporter,
    ) -> Result<Outputs, Failure> {
        let screenshot = args
            .screenshot
            .as_deref()
            .map(|p| pending(p, inputs, reporter))
            .transpose()?;
        let record = args
            .record
            .as_deref()
            .map(|p| pending(p, inputs, reporter))
            .transpose()?;
        let gif = args
            .gif
            .as_deref()
            .map(|p| pending(p, inputs, reporter))
            .transpose()?;
        let wav = args
            .wav
            .as_deref()
            .map(|p| pending(p, inputs, reporter))
            .transpose()?;
        if let Some((_, dir)) = &every {
            if let Some((input, _)) = inputs
                .names_in(dir)
                .into_iter()
                .find(|(_, name)| is_frame_name(name))
            {
                return Err(reporter.usage(format!(
                    "--screenshot-every would write frames over the input `{}` in `{}`; writing it would destroy the input, so choose another directory",
                    input.display(),
                    dir.display()
                )));
            }
            files::prepare_dir(dir).map_err(|e| reporter.error(e))?;
        }
        Ok(Outputs {
            screenshot,
            record,
            gif,
            wav,
            every,
        })
    }
}

/// Parses `--screenshot-every K DIR`.
fn parse_every(args: &RunArgs, reporter: &Reporter) -> Result<Option<(u64, PathBuf)>, Failure> {
    match args.screenshot_every.as_slice() {
        [] => Ok(None),
        [k, dir] => match k.parse::<u64>() {
            Ok(k) if k > 0 => Ok(Some((k, PathBuf::from(dir)))),
            _ => Err(reporter.usage(format!(
                "--screenshot-every needs a positive frame count, not `{k}`"
            ))),
        },
        _ => Err(Failure(EXIT_USAGE)),
    }
}

/// Ends a run that a signal or a failing standard output stopped.
pub(crate) fn stopped(stop: Stop, out: &ProgramOutput, reporter: &Reporter) -> Failure {
    match stop {
        Stop::Signal => {
            out.flush();
            match out.take_error() {
                Some(e) => Failure(stdio::output_failure(&e)),
                None => {
                    reporter
                        .message("error: interrupted by a signal; the output so far was written");
                    Failure(stdio::EXIT_SIGNAL)
                }
            }
        }
        Stop::Output(e) => Failure(stdio::output_failure(&e)),
    }
}

/// Flushes program output at the end of a run, failing if any of it was lost.
pub(crate) fn finish_output(out: &ProgramOutput) -> Result<(), Failure> {
    out.flush();
    match out.take_error() {
        Some(e) => Err(Failure(stdio::output_failure(&e))),
        None => Ok(()),
    }
}

/// Writes one line of `--stats`; a failure to write standard error ends with status 1.
pub(crate) fn stats_line(text: &str) -> Result<(), Failure> {
    stdio::err_line(text).map_err(|_| Failure(EXIT_COMPILE))
}

/// Where `--save` keeps the slots, and whether the file may be written.
pub(crate) struct SaveFile {
    /// The save file.
    pub(crate) path: PathBuf,
    /// The cart it belongs to.
    pub(crate) app_id: String,
    /// False when the file existed but was corrupt or foreign: it is left untouched.
    pub(crate) writable: bool,
}

/// Reads `--save FILE` at boot: its slots, or zeros when it does not exist; a corrupt or
/// foreign file is reported on standard error, left untouched, and the run keeps its saves
/// in memory.
pub(crate) fn open_save(
    path: &Path,
    app_id: &str,
    inputs: &Inputs,
    reporter: &Reporter,
) -> Result<(SaveFile, [i64; SLOTS]), Failure> {
    inputs
        .check(path)
        .map_err(|e| reporter.usage(e.to_string()))?;
    let file = |writable| SaveFile {
        path: path.to_path_buf(),
        app_id: app_id.to_string(),
        writable,
    };
    if std::fs::symlink_metadata(path).is_err() {
        // A new save file: check now that it can be written, before the run.
        drop(PendingFile::new(path).map_err(|e| reporter.error(e))?);
        return Ok((file(true), [0; SLOTS]));
    }
    let problem = match files::read_capped(path, files::SAVE) {
        Ok(bytes) => match prometeu::save::decode(&bytes, app_id) {
            Ok(slots) => return Ok((file(true), slots)),
            Err(e) => e.to_string(),
        },
        Err(files::ReadError::TooLarge { .. }) => {
            "it is larger than any save file, so it is not one".to_string()
        }
        Err(e) => e.to_string(),
    };
    reporter.message(&format!(
        "warning: the save file `{}` is not used: {problem}; it is left untouched and this run keeps its saves in memory",
        prometeu::lexer::escape_for_display(&path.display().to_string())
    ));
    Ok((file(false), [0; SLOTS]))
}

/// Runs a cartridge headless for `--frames` ticks. `shown` is the program as traps show it;
/// `app_id` names the cart in its save file.
pub(crate) fn run(
    args: RunArgs,
    program: VerifiedProgram,
    shown: Program,
    app_id: &str,
    inputs: &mut Inputs,
    reporter: &Reporter,
) -> Result<(), Failure> {
    if args.max_cycles.is_some() {
        return Err(reporter
            .usage("--max-cycles applies to scripts; cartridges use --cycles-per-frame".into()));
    }
    if args.cycles_per_frame == 0 {
        return Err(reporter.usage("--cycles-per-frame must be at least 1".into()));
    }
    let every = parse_every(&args, reporter)?;
    if args.wav.is_some() && args.frames.unwrap_or(1) > MAX_WAV_FRAMES {
        return Err(reporter.usage(format!(
            "--wav holds at most {MAX_WAV_FRAMES} frames (a WAV file has at most 4 GiB of samples); run fewer --frames"
        )));
    }
    let log = match &args.input {
        Some(path) => {
            let bytes = files::read_capped(path, files::INPUT_LOG)
                .map_err(|e| reporter.error(e.to_string()))?;
            inputs.add(path);
            let text = String::from_utf8(bytes).map_err(|e| {
                reporter.error(format!(
                    "`{}` is not valid UTF-8 (byte {}); an input log is text",
                    path.display(),
                    e.utf8_error().valid_up_to()
                ))
            })?;
            Some(
                InputLog::parse(&text)
                    .map_err(|e| reporter.error(format!("{}: {e}", path.display())))?,
            )
        }
        None => None,
    };
    let outputs = Outputs::prepare(&args, every, inputs, reporter)?;
    let (save, slots) = match &args.save {
        Some(path) => {
            let (file, slots) = open_save(path, app_id, inputs, reporter)?;
            (Some(file), slots)
        }
        None => (None, [0; SLOTS]),
    };
    let mut wav = outputs
        .wav
        .map(WavOut::new)
        .transpose()
        .map_err(|e| reporter.error(e))?;
    let (sources, id) = prometeu::program_sources(&shown);
    let assets = std::sync::Arc::clone(&program.program().assets);
    let config = CartConfig {
        cycles_per_frame: args.cycles_per_frame,
        seed: args.seed.unwrap_or(0),
        limits: args.limits(),
    };
    let out = ProgramOutput::new();
    let report_trap = |trap: prometeu::vm::Trap| {
        out.flush();
        let diagnostic = trap.to_diagnostic(&shown, &sources, id);
        reporter.emit(&[diagnostic], &sources);
        Failure(EXIT_TRAP)
    };
    // Boot runs in slices too, so a signal or a failed output stops an endless `[Init]`.
    let boot_stop = std::cell::RefCell::new(None);
    let ask = || {
        let stop = stdio::stop_reason(&out);
        let asked = stop.is_some();
        *boot_stop.borrow_mut() = stop;
        asked
    };
    let booted = Cart::boot_interruptible(program, config, Box::new(out.clone()), slots, &ask);
    let mut cart = match (booted, boot_stop.take()) {
        (Ok(cart), _) => cart,
        (Err(_), Some(stop)) => return Err(stopped(stop, &out, reporter)),
        (Err(trap), None) => return Err(report_trap(trap)),
    };
    let persist = |cart: &mut Cart| -> Result<(), Failure> {
        match (cart.take_saves(), &save) {
            (Some(slots), Some(file)) if file.writable => {
                files::write_atomic(&file.path, &prometeu::save::encode(&file.app_id, &slots))
                    .map_err(|e| reporter.error(e))
            }
            _ => Ok(()),
        }
    };
    // Slots written by the globals or `[Init]` are persisted like those of a frame.
    persist(&mut cart)?;
    let mut recorder = Recorder::new();
    let mut gif = args
        .gif
        .as_ref()
        .map(|_| prometeu::capture::GifCapture::new());
    let ticks = args.frames.unwrap_or(1);
    // Host time per tick, for `--stats` only: it never influences the run.
    let mut host_times = Vec::new();
    for tick in 0..ticks {
        if let Some(stop) = stdio::stop_reason(&out) {
            return Err(stopped(stop, &out, reporter));
        }
        let frame = cart.frame();
        let held = log.as_ref().map_or(0, |l| l.held_at(frame));
        let started = std::time::Instant::now();
        let outcome = cart.tick(held).map_err(report_trap)?;
        host_times.push(started.elapsed());
        recorder.record(frame, cart.held());
        if let Some(gif) = &mut gif {
            gif.push(cart.framebuffer());
        }
        if let Some(wav) = &mut wav {
            wav.append(cart.audio()).map_err(|e| reporter.error(e))?;
        }
        persist(&mut cart)?;
        if let Some((k, dir)) = &outputs.every {
            if (tick + 1) % k == 0 {
                let path = dir.join(format!("frame_{:05}.png", tick + 1));
                inputs
                    .check(&path)
                    .map_err(|e| reporter.usage(e.to_string()))?;
                files::write_atomic(&path, &png_bytes(cart.framebuffer()))
                    .map_err(|e| reporter.error(e))?;
            }
        }
        if let Tick::Exited(_) = outcome {
            break;
        }
    }
    if let Some(stop) = stdio::stop_reason(&out) {
        return Err(stopped(stop, &out, reporter));
    }
    finish_output(&out)?;
    if let Some(file) = outputs.screenshot {
        file.commit(&png_bytes(cart.framebuffer()))
            .map_err(|e| reporter.error(e))?;
    }
    if let Some(file) = outputs.record {
        file.commit(recorder.render().as_bytes())
            .map_err(|e| reporter.error(e))?;
    }
    if let (Some(file), Some(gif)) = (outputs.gif, gif) {
        file.commit(&gif.finish()).map_err(|e| reporter.error(e))?;
    }
    if let Some(wav) = wav {
        wav.commit().map_err(|e| reporter.error(e))?;
    }
    if args.stats {
        let s = cart.frame_stats();
        stats_line(&format!(
            "stats: {} frames completed, {} overruns; cycles per frame min {} / median {} / mean {} / max {} (budget {})",
            s.count(),
            cart.overruns(),
            s.min(),
            s.median(),
            s.mean(),
            s.max(),
            args.cycles_per_frame
        ))?;
        stats_line(&heap_line(&cart.stats()))?;
        host_times.sort_unstable();
        let micros = |d: Option<&std::time::Duration>| d.map_or(0, |d| d.as_micros());
        stats_line(&format!(
            "host time per frame: min {} / median {} / max {} µs",
            micros(host_times.first()),
            micros(host_times.get(host_times.len() / 2)),
            micros(host_times.last())
        ))?;
        if !assets.is_empty() {
            stats_line(&assets_line(&assets))?;
        }
    }
    Ok(())
}

/// The assets line of `--stats`: what the program carries (sounds only when it has some).
pub(crate) fn assets_line(assets: &prometeu::bytecode::Assets) -> String {
    let (sounds, data) = if assets.sounds.is_empty() {
        (String::new(), "pixel and cell")
    } else {
        (
            format!(", {} sounds", assets.sounds.len()),
            "pixel, cell and sample",
        )
    };
    format!(
        "assets: {} banks, {} maps, {} images{sounds}; {} bytes of {data} data",
        assets.banks.len(),
        assets.maps.len(),
        assets.images.len(),
        assets.data_bytes()
    )
}

/// Reads and validates a cartridge directory and loads its program, remembering the files
/// it read.
pub(crate) fn load_dir(
    dir: &Path,
    inputs: &mut Inputs,
    reporter: &Reporter,
) -> Result<(VerifiedProgram, String), Failure> {
    let invalid = |e: &dyn std::fmt::Display| {
        reporter.error(format!("invalid cartridge `{}`: {e}", dir.display()))
    };
    let manifest_path = dir.join("manifest.json");
    let bytes = match files::read_capped(&manifest_path, files::MANIFEST) {
        Ok(bytes) => bytes,
        Err(files::ReadError::Io { error, .. }) => {
            return Err(invalid(&format!("cannot read manifest.json: {error}")))
        }
        Err(e) => return Err(invalid(&e)),
    };
    inputs.add(&manifest_path);
    let text =
        String::from_utf8(bytes).map_err(|_| invalid(&"manifest.json is not valid UTF-8 text"))?;
    let manifest = parse_manifest(&text).map_err(|e| invalid(&e))?;
    let entry = entrypoint(dir, &manifest.entrypoint).map_err(|e| invalid(&e))?;
    let bytes =
        files::read_capped(&entry, files::PROGRAM).map_err(|e| reporter.error(e.to_string()))?;
    inputs.add(&entry);
    let program =
        prometeu::load(&bytes).map_err(|e| reporter.error(format!("invalid program file: {e}")))?;
    let is_cart = program.program().entry.frame.is_some();
    if is_cart != (manifest.app_mode == "cartridge") {
        return Err(invalid(&format!(
            "manifest.json says app_mode {:?}, but the program is a {}",
            manifest.app_mode,
            if is_cart { "cartridge" } else { "script" }
        )));
    }
    Ok((program, manifest.app_id))
}

/// Resolves a manifest's entrypoint: it must exist, be a file, and stay inside the
/// directory once symbolic links are followed.
fn entrypoint(dir: &Path, name: &str) -> Result<PathBuf, ManifestError> {
    let path = dir.join(name);
    let not_found = || ManifestError::EntrypointNotFound(name.to_string());
    let meta = std::fs::metadata(&path).map_err(|_| not_found())?;
    if let Some(kind) = files::special_kind(&meta) {
        return Err(ManifestError::EntrypointNotAFile {
            entrypoint: name.to_string(),
            kind,
        });
    }
    let root = std::fs::canonicalize(dir).map_err(|_| not_found())?;
    let real = std::fs::canonicalize(&path).map_err(|_| not_found())?;
    if !real.starts_with(&root) {
        return Err(ManifestError::EntrypointEscapes(name.to_string()));
    }
    if !meta.is_file() {
        return Err(ManifestError::EntrypointNotAFile {
            entrypoint: name.to_string(),
            kind: "a device",
        });
    }
    Ok(real)
}

/// The manifest `build --cart` and `build --pmc` write for a program built from `source`.
pub(crate) fn manifest_for(source: &Path, program: &Program) -> Manifest {
    let stem = source
        .file_stem()
        .map_or("cart".to_string(), |s| s.to_string_lossy().into_owned());
    let app_id = prometeu::save::app_id_from_stem(&stem);
    Manifest {
        magic: CART_MAGIC.to_string(),
        cartridge_version: CARTRIDGE_VERSION,
        app_id,
        title: stem,
        app_version: "1.0.0".to_string(),
        app_mode: if program.entry.frame.is_some() {
            "cartridge"
        } else {
            "script"
        }
        .to_string(),
        entrypoint: "program.pbc".to_string(),
    }
}

/// The place a cartridge directory is written, prepared before compiling.
pub(crate) enum CartTarget {
    /// The directory exists: both files are replaced together in it.
    Existing(PendingFile, PendingFile),
    /// The directory does not exist: it is built as a temporary directory next to it and
    /// renamed into place.
    New(PathBuf, tempfile::TempDir),
}

/// Checks a `--cart DIR` target against the inputs and prepares it.
pub(crate) fn prepare_cart(
    dir: &Path,
    inputs: &Inputs,
    reporter: &Reporter,
) -> Result<CartTarget, Failure> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            let program = pending(&dir.join("program.pbc"), inputs, reporter)?;
            let manifest = pending(&dir.join("manifest.json"), inputs, reporter)?;
            Ok(CartTarget::Existing(program, manifest))
        }
        Ok(_) => Err(reporter.usage(format!(
            "--cart needs a directory, and `{}` is not a directory",
            dir.display()
        ))),
        Err(_) => {
            let parent = files::parent_dir(dir);
            std::fs::create_dir_all(parent).map_err(|e| {
                reporter.error(format!(
                    "cannot create the directory `{}`: {e}",
                    parent.display()
                ))
            })?;
            let name = dir
                .file_name()
                .map_or("cart".into(), |n| n.to_string_lossy().into_owned());
            let temp = tempfile::Builder::new()
                .prefix(&format!(".{name}."))
                .tempdir_in(parent)
                .map_err(|e| {
                    reporter.error(format!(
                        "cannot create the cartridge directory `{}`: {e}",
                        dir.display()
                    ))
                })?;
            Ok(CartTarget::New(dir.to_path_buf(), temp))
        }
    }
}

/// Writes a cartridge directory for a compiled program: both files, or neither.
pub(crate) fn build(
    source: &Path,
    target: CartTarget,
    program: &Program,
    reporter: &Reporter,
) -> Result<(), Failure> {
    let manifest = manifest_text(&manifest_for(source, program)).into_bytes();
    let code = encode(program);
    match target {
        CartTarget::Existing(program_file, manifest_file) => {
            files::commit_all(vec![(program_file, code), (manifest_file, manifest)])
                .map_err(|e| reporter.error(e))
        }
        CartTarget::New(dir, mut temp) => {
            let write = |name: &str, bytes: &[u8]| {
                files::write_atomic(&temp.path().join(name), bytes).map_err(|e| reporter.error(e))
            };
            write("program.pbc", &code)?;
            write("manifest.json", &manifest)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                // A temporary directory is private; a cartridge directory is not.
                let _ =
                    std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755));
            }
            std::fs::rename(temp.path(), &dir).map_err(|e| {
                reporter.error(format!(
                    "cannot create the cartridge directory `{}`: {e}",
                    dir.display()
                ))
            })?;
            temp.disable_cleanup(true);
            Ok(())
        }
    }
}
