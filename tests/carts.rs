//! Cartridges end to end: every `examples/carts/*.pbs` runs headless for the frames named
//! in its `// golden: frames=N seed=S` header (replaying `<name>.input` when present), and
//! the final framebuffer's hash must match `<name>.hash`; `BLESS=1` rewrites the hashes and
//! the README screenshots in `docs/screenshots/`. Also: determinism, runaway carts, drawing
//! off screen, and cartridge directories.

mod common;

use common::Discard;
use prometeu::cart::{png_bytes, Cart, CartConfig, Tick};
use prometeu::compiler::{CompileOptions, SourceFile};
use prometeu::stdlib::console::InputLog;
use std::path::Path;

fn compile(name: &str, text: &str) -> prometeu::bytecode::VerifiedProgram {
    let unit = prometeu::compile_source(name, text, &CompileOptions::default());
    let program = unit.compiled.program.unwrap_or_else(|| {
        panic!(
            "{}",
            prometeu::lexer::render_all(
                &unit.compiled.diagnostics,
                &unit.sources,
                prometeu::lexer::RenderOptions { color: false }
            )
        )
    });
    prometeu::verify(program).expect("verifies")
}

/// Compiles an example cart from `examples/carts/`, reading the files it imports from there.
fn compile_cart(name: &str, text: &str) -> prometeu::bytecode::VerifiedProgram {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/carts");
    let provider = |path: &str| -> Result<SourceFile, String> {
        let text = std::fs::read_to_string(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
        Ok(SourceFile {
            key: path.to_string(),
            name: path.to_string(),
            text,
        })
    };
    let file = format!("{name}.pbs");
    let unit = prometeu::compile_program_source(
        &file,
        text,
        &file,
        &file,
        &provider,
        &CompileOptions::default(),
        None,
    );
    let program = unit.compiled.program.unwrap_or_else(|| {
        panic!(
            "{}",
            prometeu::lexer::render_all(
                &unit.compiled.diagnostics,
                &unit.sources,
                prometeu::lexer::RenderOptions { color: false }
            )
        )
    });
    prometeu::verify(program).expect("verifies")
}

/// Runs a cart for `frames` ticks; returns the cart and the hash after every tick.
fn run(
    program: prometeu::bytecode::VerifiedProgram,
    frames: u64,
    seed: i64,
    log: Option<&InputLog>,
) -> (Cart, Vec<u64>) {
    let config = CartConfig {
        seed,
        ..CartConfig::default()
    };
    let mut cart = Cart::boot(program, config, Box::new(Discard)).expect("boots");
    let mut hashes = Vec::new();
    for _ in 0..frames {
        let frame = cart.frame();
        let held = log.map_or(0, |l| l.held_at(frame));
        let tick = cart.tick(held).expect("no trap");
        hashes.push(cart.framebuffer().hash());
        if let Tick::Exited(_) = tick {
            break;
        }
    }
    (cart, hashes)
}

/// The `// golden: frames=N seed=S` header of an example cart.
fn header(text: &str) -> (u64, i64) {
    let line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("// golden:"))
        .expect("a golden header");
    let mut frames = 60;
    let mut seed = 0;
    for part in line.split_whitespace() {
        if let Some(v) = part.strip_prefix("frames=") {
            frames = v.parse().expect("frames");
        }
        if let Some(v) = part.strip_prefix("seed=") {
            seed = v.parse().expect("seed");
        }
    }
    (frames, seed)
}

#[test]
fn example_carts_match_their_golden_screens() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut carts: Vec<_> = std::fs::read_dir(root.join("examples/carts"))
        .expect("examples/carts exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pbs"))
        .collect();
    carts.sort();
    assert!(carts.len() >= 5, "five example carts");
    let mut failures = Vec::new();
    for path in carts {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        if !text.contains("// golden:") {
            // A module the carts import (ui.pbs), not a cart of its own.
            continue;
        }
        let (frames, seed) = header(&text);
        let log = std::fs::read_to_string(path.with_extension("input"))
            .ok()
            .map(|t| InputLog::parse(&t).expect("valid input log"));
        let (mut cart, hashes) = run(compile_cart(&name, &text), frames, seed, log.as_ref());
        assert_eq!(cart.overruns(), 0, "{name} overran its budget");
        let actual = format!("{:016x}\n", hashes.last().copied().unwrap_or(0));
        let hash_path = path.with_extension("hash");
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&hash_path, &actual).unwrap();
            std::fs::write(
                root.join(format!("docs/screenshots/{name}.png")),
                png_bytes(cart.framebuffer()),
            )
            .unwrap();
        } else if std::fs::read_to_string(&hash_path).unwrap_or_default() != actual {
            failures.push(format!(
                "{name}: framebuffer hash {actual} differs from {}",
                hash_path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_same_cart_seed_and_input_give_identical_frames() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/carts/bounce.pbs")).unwrap();
    let first = run(compile("bounce", &text), 90, 7, None);
    let second = run(compile("bounce", &text), 90, 7, None);
    assert_eq!(first.1, second.1);
    assert_eq!(
        first.0.frame_stats(),
        second.0.frame_stats(),
        "cycle counts are deterministic"
    );
    let other_seed = run(compile("bounce", &text), 90, 8, None);
    assert_ne!(first.1.last(), other_seed.1.last(), "the seed matters");
}

#[test]
fn a_runaway_frame_overruns_without_freezing_the_host() {
    let program = compile(
        "runaway.pbs",
        "declare global n: int = 0;\n[Frame]\nfn frame() {\n    n += 1;\n    while true {\n    }\n}\n",
    );
    let config = CartConfig {
        cycles_per_frame: 10_000,
        ..CartConfig::default()
    };
    let mut cart = Cart::boot(program, config, Box::new(Discard)).unwrap();
    for _ in 0..10 {
        assert_eq!(cart.tick(0).unwrap(), Tick::Overrun);
    }
    assert_eq!(cart.overruns(), 10);
    assert_eq!(cart.frame_stats().count(), 0);
    assert!(cart.stats().cycles >= 100_000 && cart.stats().cycles < 100_100);
}

#[test]
fn an_overrunning_frame_resumes_where_it_paused() {
    let program = compile(
        "slow.pbs",
        "declare global done: int = 0;\n[Frame]\nfn frame() {\n    let s = 0;\n    for i from 0 until 30000 { s += i; }\n    done += 1;\n    Gfx.pixel(done, 0, Color.WHITE);\n}\n",
    );
    let config = CartConfig {
        cycles_per_frame: 50_000,
        ..CartConfig::default()
    };
    let mut cart = Cart::boot(program, config, Box::new(Discard)).unwrap();
    let ticks: Vec<Tick> = (0..6).map(|_| cart.tick(0).unwrap()).collect();
    let completed = ticks
        .iter()
        .filter(|t| matches!(t, Tick::Completed(_)))
        .count();
    assert!((1..6).contains(&completed), "{ticks:?}");
    assert!(cart.overruns() >= 1);
    assert_eq!(cart.frame(), completed as u64);
}

#[test]
fn drawing_far_off_screen_never_traps() {
    let program = compile(
        "offscreen.pbs",
        "[Frame]\nfn frame() {\n    let big = Math.INT_MAX;\n    let small = Math.INT_MIN;\n    Gfx.line(small, small, big, big, Color.RED);\n    Gfx.rect(small, small, big, big, Color.GREEN);\n    Gfx.fill_rect(-1000000, -5, 2000000, 10, Color.BLUE);\n    Gfx.circle(big, small, big, Color.WHITE);\n    Gfx.fill_circle(-100, -100, 50, Color.WHITE);\n    Gfx.pixel(-1, 400, Color.WHITE);\n    Gfx.text(small, big, \"off\", Color.WHITE);\n    Gfx.text(316, 176, \"edge\", Color.YELLOW);\n}\n",
    );
    let (mut cart, _) = run(program, 3, 0, None);
    assert_eq!(cart.frame_stats().count(), 3);
    assert_ne!(
        cart.framebuffer().hash(),
        prometeu::stdlib::console::Framebuffer::new().hash()
    );
}

#[test]
fn system_exit_ends_the_run_after_the_frame() {
    let program = compile(
        "exit.pbs",
        "[Frame]\nfn frame() {\n    if System.frame() == 4 { System.exit(); }\n}\n",
    );
    let (cart, hashes) = run(program, 50, 0, None);
    assert!(cart.exited());
    assert_eq!(hashes.len(), 5);
}

#[test]
fn a_pmc_of_a_cart_in_several_files_runs_to_the_same_screen_as_its_source() {
    // pong imports `centered` from ui.pbs; the single-file cart must carry it.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = root.join("examples/carts/pong.pbs");
    let dir = common::scratch("pmc-of-imports");
    let pmc = dir.join("pong.pmc");
    let o = common::prometeuc(&[
        "build",
        source.to_str().unwrap(),
        "--pmc",
        pmc.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let (_, program) = prometeu::pmc::load(&std::fs::read(&pmc).unwrap()).expect("loads");
    assert!(
        program
            .program()
            .files
            .iter()
            .any(|f| f.name.ends_with("ui.pbs")),
        "the imported file's debug information is in the cart"
    );
    let text = std::fs::read_to_string(&source).unwrap();
    let (frames, seed) = header(&text);
    let log = InputLog::parse(&std::fs::read_to_string(source.with_extension("input")).unwrap())
        .expect("valid input log");
    let (_, from_pmc) = run(program, frames, seed, Some(&log));
    let (_, from_source) = run(compile_cart("pong", &text), frames, seed, Some(&log));
    assert_eq!(from_pmc, from_source, "every frame is the same");
    let golden = std::fs::read_to_string(source.with_extension("hash")).unwrap();
    assert_eq!(format!("{:016x}\n", from_pmc.last().unwrap()), golden);
}
