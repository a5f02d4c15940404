//! Headless cartridge runs for `prometeuc run` (frames, screenshots, input replay and
//! recording, statistics) and cartridge directories for `prometeuc build --cart`.

use crate::{Failure, Reporter, RunArgs, Stdout, EXIT_TRAP, EXIT_USAGE};
use prometeu::bytecode::{encode, Program, VerifiedProgram};
use prometeu::cart::{png_bytes, Cart, CartConfig, Tick};
use prometeu::manifest::{manifest_text, parse_manifest, Manifest, CARTRIDGE_VERSION, CART_MAGIC};
use prometeu::stdlib::console::{InputLog, Recorder};
use prometeu::vm::VmStats;
use std::path::Path;

/// The heap line of `--stats`.
pub(crate) fn heap_line(s: &VmStats) -> String {
    format!(
        "heap: {} allocations, {} bytes allocated, {} collections, {} objects freed, peak live {} bytes",
        s.heap.allocations, s.heap.bytes_allocated, s.heap.collections, s.heap.freed, s.heap.peak_live_bytes
    )
}

/// Writes a file, reporting failure.
fn write(path: &Path, bytes: &[u8], reporter: &Reporter) -> Result<(), Failure> {
    std::fs::write(path, bytes)
        .map_err(|e| reporter.error(format!("cannot write `{}`: {e}", path.display())))
}

/// Runs a cartridge headless for `--frames` ticks.
pub(crate) fn run(
    args: RunArgs,
    program: VerifiedProgram,
    reporter: &Reporter,
) -> Result<(), Failure> {
    if args.max_cycles.is_some() {
        eprintln!("error: --max-cycles applies to scripts; cartridges use --cycles-per-frame");
        return Err(Failure(EXIT_USAGE));
    }
    if args.cycles_per_frame == 0 {
        eprintln!("error: --cycles-per-frame must be at least 1");
        return Err(Failure(EXIT_USAGE));
    }
    let every = match args.screenshot_every.as_slice() {
        [] => None,
        [k, dir] => match k.parse::<u64>() {
            Ok(k) if k > 0 => Some((k, std::path::PathBuf::from(dir))),
            _ => {
                eprintln!("error: --screenshot-every needs a positive frame count, not `{k}`");
                return Err(Failure(EXIT_USAGE));
            }
        },
        _ => return Err(Failure(EXIT_USAGE)),
    };
    let log = match &args.input {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| reporter.error(format!("cannot read `{}`: {e}", path.display())))?;
            Some(
                InputLog::parse(&text)
                    .map_err(|e| reporter.error(format!("{}: {e}", path.display())))?,
            )
        }
        None => None,
    };
    if let Some((_, dir)) = &every {
        std::fs::create_dir_all(dir)
            .map_err(|e| reporter.error(format!("cannot create `{}`: {e}", dir.display())))?;
    }
    let (sources, id) = prometeu::program_sources(program.program());
    let trap_program = program.program().clone();
    let assets = std::sync::Arc::clone(&program.program().assets);
    let config = CartConfig {
        cycles_per_frame: args.cycles_per_frame,
        seed: args.seed.unwrap_or(0),
        limits: args.limits(),
    };
    let out = Stdout(std::io::BufWriter::new(std::io::stdout()));
    let report_trap = |trap: prometeu::vm::Trap| {
        let diagnostic = trap.to_diagnostic(&trap_program, &sources, id);
        reporter.emit(&[diagnostic], &sources);
        Failure(EXIT_TRAP)
    };
    let mut cart = Cart::boot(program, config, Box::new(out)).map_err(report_trap)?;
    let mut recorder = Recorder::new();
    let ticks = args.frames.unwrap_or(1);
    // Host time per tick, for `--stats` only: it never influences the run.
    let mut host_times = Vec::new();
    for tick in 0..ticks {
        let frame = cart.frame();
        let held = log.as_ref().map_or(0, |l| l.held_at(frame));
        let started = std::time::Instant::now();
        let outcome = cart.tick(held).map_err(report_trap)?;
        host_times.push(started.elapsed());
        recorder.record(frame, cart.held());
        if let Some((k, dir)) = &every {
            if (tick + 1) % k == 0 {
                let path = dir.join(format!("frame_{:05}.png", tick + 1));
                write(&path, &png_bytes(cart.framebuffer()), reporter)?;
            }
        }
        if let Tick::Exited(_) = outcome {
            break;
        }
    }
    if let Some(path) = &args.screenshot {
        write(path, &png_bytes(cart.framebuffer()), reporter)?;
    }
    if let Some(path) = &args.record {
        write(path, recorder.render().as_bytes(), reporter)?;
    }
    if args.stats {
        let mut cycles = cart.frame_cycles().to_vec();
        cycles.sort_unstable();
        let pick = |f: fn(&[u64]) -> Option<&u64>| f(&cycles).copied().unwrap_or(0);
        let median = cycles.get(cycles.len() / 2).copied().unwrap_or(0);
        eprintln!(
            "stats: {} frames completed, {} overruns; cycles per frame min {} / median {} / max {} (budget {})",
            cycles.len(),
            cart.overruns(),
            pick(|c| c.first()),
            median,
            pick(|c| c.last()),
            args.cycles_per_frame
        );
        eprintln!("{}", heap_line(&cart.stats()));
        host_times.sort_unstable();
        let micros = |d: Option<&std::time::Duration>| d.map_or(0, |d| d.as_micros());
        eprintln!(
            "host time per frame: min {} / median {} / max {} µs",
            micros(host_times.first()),
            micros(host_times.get(host_times.len() / 2)),
            micros(host_times.last())
        );
        if !assets.is_empty() {
            eprintln!("{}", assets_line(&assets));
        }
    }
    Ok(())
}

/// The assets line of `--stats`: what the program carries.
pub(crate) fn assets_line(assets: &prometeu::bytecode::Assets) -> String {
    format!(
        "assets: {} banks, {} maps, {} images; {} bytes of pixel and cell data",
        assets.banks.len(),
        assets.maps.len(),
        assets.images.len(),
        assets.data_bytes()
    )
}

/// Reads and validates a cartridge directory and loads its program.
pub(crate) fn load_dir(dir: &Path, reporter: &Reporter) -> Result<VerifiedProgram, Failure> {
    let manifest_path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
        reporter.error(format!(
            "invalid cartridge `{}`: cannot read manifest.json: {e}",
            dir.display()
        ))
    })?;
    let manifest = parse_manifest(&text)
        .map_err(|e| reporter.error(format!("invalid cartridge `{}`: {e}", dir.display())))?;
    let entry = dir.join(&manifest.entrypoint);
    if !entry.is_file() {
        let e = prometeu::manifest::ManifestError::EntrypointNotFound(manifest.entrypoint.clone());
        return Err(reporter.error(format!("invalid cartridge `{}`: {e}", dir.display())));
    }
    let bytes = std::fs::read(&entry)
        .map_err(|e| reporter.error(format!("cannot read `{}`: {e}", entry.display())))?;
    let program =
        prometeu::load(&bytes).map_err(|e| reporter.error(format!("invalid program file: {e}")))?;
    let is_cart = program.program().entry.frame.is_some();
    if is_cart != (manifest.app_mode == "cartridge") {
        return Err(reporter.error(format!(
            "invalid cartridge `{}`: manifest.json says app_mode {:?}, but the program is a {}",
            dir.display(),
            manifest.app_mode,
            if is_cart { "cartridge" } else { "script" }
        )));
    }
    Ok(program)
}

/// Writes a cartridge directory for a compiled program.
pub(crate) fn build(
    source: &Path,
    dir: &Path,
    program: &Program,
    reporter: &Reporter,
) -> Result<(), Failure> {
    let stem = source
        .file_stem()
        .map_or("cart".to_string(), |s| s.to_string_lossy().into_owned());
    let app_id: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let manifest = Manifest {
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
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| reporter.error(format!("cannot create `{}`: {e}", dir.display())))?;
    write(&dir.join("program.pbc"), &encode(program), reporter)?;
    write(
        &dir.join("manifest.json"),
        manifest_text(&manifest).as_bytes(),
        reporter,
    )?;
    Ok(())
}
