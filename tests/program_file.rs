//! The program file and the loader: round trips, corrupted files, and the promise that
//! constant strings are materialized once, at load.

mod common;

use common::Discard;
use prometeu::bytecode::{decode, encode, Program};
use prometeu::compiler::CompileOptions;
use prometeu::vm::Limits;
use proptest::prelude::*;

/// Compiles a source, reading the files it imports from its folder.
fn compile(path: &str) -> Program {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&file).expect("source exists");
    let dir = file.parent().expect("a folder").to_path_buf();
    let provider = move |p: &str| -> Result<prometeu::compiler::SourceFile, String> {
        let text = std::fs::read_to_string(dir.join(p)).map_err(|e| format!("{p}: {e}"))?;
        Ok(prometeu::compiler::SourceFile {
            key: p.to_string(),
            name: p.to_string(),
            text,
        })
    };
    let entry = file.file_name().expect("a file name").to_string_lossy();
    let unit = prometeu::compile_program_source(
        path,
        &text,
        &entry,
        &entry,
        &provider,
        &CompileOptions::default(),
        None,
    );
    unit.compiled.program.expect("compiles")
}
/// Compiles a source whose asset paths are relative to its folder.
fn compile_with_assets(path: &str) -> Program {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = root.join(path);
    let text = std::fs::read_to_string(&file).expect("source exists");
    let dir = file.parent().expect("a folder").to_path_buf();
    let read = move |p: &str| {
        std::fs::read(dir.join(p)).map_err(|_| prometeu::compiler::assets::ReadError::NotFound)
    };
    let unit =
        prometeu::compile_source_with_assets(path, &text, &CompileOptions::default(), Some(&read));
    unit.compiled.program.expect("compiles")
}

/// The program that carries a bank and a map.
const ASSET_PROGRAM: &str = "examples/tests/gfx/asset_script.pbs";

/// A program that carries two sounds (and plays one).
const SOUND_PROGRAM: &str = "tests/golden/sound/values.pbs";

/// The most one console call can cost: `TileMap.new` of the largest map (4,194,304 cells at
/// one cycle per 16), above a screen-sized drawing call.
const ONE_CONSOLE_CALL: u64 = 270_000;

/// Like [`load_and_run`] for programs that may call console functions (a flipped bit can turn
/// any host call into another): the budget may be passed by at most one call's cost.
fn load_and_run_console(bytes: &[u8]) {
    if let Ok(verified) = prometeu::load(bytes) {
        if let Ok(mut vm) = prometeu::new_vm(verified, Limits::default(), Box::new(Discard)) {
            let _ = vm.run_script(Some(20_000));
            assert!(
                vm.stats().cycles <= 21_000 + ONE_CONSOLE_CALL,
                "ran past its cycle limit"
            );
        }
    }
}

/// Loads bytes; when they load, runs them under a small cycle budget. Must never panic.
fn load_and_run(bytes: &[u8]) {
    if let Ok(verified) = prometeu::load(bytes) {
        if let Ok(mut vm) = prometeu::new_vm(verified, Limits::default(), Box::new(Discard)) {
            let _ = vm.run_script(Some(20_000));
            assert!(vm.stats().cycles <= 21_000, "ran past its cycle limit");
        }
    }
}

#[test]
fn examples_round_trip_through_the_file_format() {
    for example in [
        "hello",
        "fib",
        "fizzbuzz",
        "collatz",
        "primes",
        "mandelbrot",
    ] {
        let program = compile(&format!("examples/{example}.pbs"));
        let bytes = encode(&program);
        assert_eq!(decode(&bytes).expect("decodes"), program, "{example}");
        assert_eq!(encode(&decode(&bytes).unwrap()), bytes, "{example}");
    }
}

#[test]
fn every_truncation_of_a_program_is_rejected_cleanly() {
    let bytes = encode(&compile("examples/fizzbuzz.pbs"));
    for len in 0..bytes.len() {
        let error = prometeu::load(&bytes[..len]).expect_err("a truncated file never loads");
        assert!(
            error.offset <= len,
            "offset {} beyond the input of {len} bytes",
            error.offset
        );
    }
}

#[test]
fn a_program_with_assets_round_trips_and_keeps_them() {
    let program = compile_with_assets(ASSET_PROGRAM);
    assert_eq!(program.assets.banks.len(), 1);
    assert_eq!(program.assets.maps.len(), 1);
    let bytes = encode(&program);
    assert_eq!(decode(&bytes).expect("decodes"), program);
    assert_eq!(encode(&decode(&bytes).unwrap()), bytes);
}

#[test]
fn every_truncation_of_a_program_with_assets_is_rejected_cleanly() {
    let bytes = encode(&compile_with_assets(ASSET_PROGRAM));
    for len in 0..bytes.len() {
        let error = prometeu::load(&bytes[..len]).expect_err("a truncated file never loads");
        assert!(
            error.offset <= len,
            "offset {} beyond {len} bytes",
            error.offset
        );
    }
}

#[test]
fn every_single_bit_flip_of_a_program_with_assets_loads_or_is_rejected_without_panicking() {
    let bytes = encode(&compile_with_assets(ASSET_PROGRAM));
    // Every bit outside the pixel data, and every 7th bit inside it (pixel bits only change
    // colours, which the loader accepts as they are).
    for bit in (0..bytes.len() * 8).filter(|b| b % 7 == 0 || *b < 512 * 8 || *b > 2600 * 8) {
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        load_and_run_console(&flipped);
    }
}

#[test]
fn a_program_with_sounds_round_trips_and_keeps_them() {
    let program = compile_with_assets(SOUND_PROGRAM);
    let sounds: Vec<(&str, usize)> = program
        .assets
        .sounds
        .iter()
        .map(|s| (s.name.as_str(), s.samples.len()))
        .collect();
    assert_eq!(
        sounds,
        [("assets/blip.wav", 2400), ("assets/stereo8.wav", 1200)]
    );
    let bytes = encode(&program);
    assert_eq!(decode(&bytes).expect("decodes"), program);
    assert_eq!(encode(&decode(&bytes).unwrap()), bytes);
    // Header flags: source text, assets, sounds.
    assert_eq!(u16::from_le_bytes([bytes[6], bytes[7]]), 0b111);
}

#[test]
fn every_truncation_of_a_program_with_sounds_is_rejected_cleanly() {
    let bytes = encode(&compile_with_assets(SOUND_PROGRAM));
    for len in 0..bytes.len() {
        let error = prometeu::load(&bytes[..len]).expect_err("a truncated file never loads");
        assert!(
            error.offset <= len,
            "offset {} beyond {len} bytes",
            error.offset
        );
    }
}

#[test]
fn every_single_bit_flip_of_a_program_with_sounds_loads_or_is_rejected_without_panicking() {
    let bytes = encode(&compile_with_assets(SOUND_PROGRAM));
    // Sample bits only change the sound, which the loader accepts as it is: every bit outside
    // the samples, every 13th inside them.
    let program = decode(&bytes).expect("decodes");
    let samples = program
        .assets
        .sounds
        .iter()
        .map(|s| s.samples.len() * 2)
        .sum::<usize>();
    let text = program.source_text.as_deref().map_or(0, str::len) + program.source_name.len();
    let data_end = bytes.len() - text - 16;
    let data_start = data_end.saturating_sub(samples + 64);
    for bit in
        (0..bytes.len() * 8).filter(|b| b % 13 == 0 || *b < data_start * 8 || *b > data_end * 8)
    {
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        load_and_run_console(&flipped);
    }
}

#[test]
fn every_single_bit_flip_loads_or_is_rejected_without_panicking() {
    let bytes = encode(&compile("examples/hello.pbs"));
    for bit in 0..bytes.len() * 8 {
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        load_and_run(&flipped);
    }
}

#[test]
fn constant_strings_are_materialized_once_at_load() {
    let src = r#"
        declare global name: string = "player one";
        fn main() {
            let n = 0;
            for i from 0 until 1000000 {
                let a = "a constant string";
                let b = name;
                if a == b { n += 1; }
            }
            print(n);
        }
    "#;
    let unit = prometeu::compile_source("strings.pbs", src, &CompileOptions::default());
    let program = prometeu::verify(unit.compiled.program.unwrap()).unwrap();
    let strings = program.program().strings.len();
    let mut vm = prometeu::new_vm(program, Limits::default(), Box::new(Discard)).unwrap();
    let at_load = vm.stats().heap;
    vm.run_script(None).unwrap();
    let after = vm.stats().heap;
    assert!(at_load.constant_strings > 0 && at_load.constant_strings as usize <= strings);
    assert_eq!(
        after.constant_strings, at_load.constant_strings,
        "no constant string was materialized again"
    );
    assert_eq!(
        after.allocations, at_load.allocations,
        "reading constants, globals and locals allocates nothing"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn spliced_and_mutated_files_never_panic(
        cut in 0usize..4096,
        insert in proptest::collection::vec(any::<u8>(), 0..16),
        flips in proptest::collection::vec((0usize..4096, any::<u8>()), 0..8),
    ) {
        let mut bytes = encode(&compile("examples/collatz.pbs"));
        let cut = cut % (bytes.len() + 1);
        bytes.splice(cut..cut, insert);
        for (at, mask) in flips {
            let len = bytes.len();
            bytes[at % len] ^= mask;
        }
        load_and_run(&bytes);
    }

    #[test]
    fn mutated_files_with_assets_never_panic(
        flips in proptest::collection::vec((0usize..8192, any::<u8>()), 1..8),
    ) {
        let mut bytes = encode(&compile_with_assets(ASSET_PROGRAM));
        for (at, mask) in flips {
            let len = bytes.len();
            bytes[at % len] ^= mask;
        }
        load_and_run_console(&bytes);
    }

    #[test]
    fn mutated_files_with_sounds_never_panic(
        flips in proptest::collection::vec((0usize..16384, any::<u8>()), 1..8),
    ) {
        let mut bytes = encode(&compile_with_assets(SOUND_PROGRAM));
        for (at, mask) in flips {
            let len = bytes.len();
            bytes[at % len] ^= mask;
        }
        load_and_run_console(&bytes);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        load_and_run(&bytes);
        let mut with_header = prometeu::bytecode::MAGIC.to_vec();
        with_header.extend_from_slice(&[1, 0, 0, 0]);
        with_header.extend_from_slice(&bytes);
        load_and_run(&with_header);
    }
}

/// A `.pmc` built from an example cartridge, with its manifest.
fn pmc_of(path: &str) -> Vec<u8> {
    let program = compile(path);
    let manifest = prometeu::manifest::Manifest {
        magic: prometeu::manifest::CART_MAGIC.to_string(),
        cartridge_version: prometeu::manifest::CARTRIDGE_VERSION,
        app_id: "pong".into(),
        title: "pong".into(),
        app_version: "1.0.0".into(),
        app_mode: "cartridge".into(),
        entrypoint: "program.pbc".into(),
    };
    prometeu::pmc::encode(&manifest, &encode(&program))
}

#[test]
fn a_pmc_round_trips_its_manifest_and_program() {
    let program = compile("examples/carts/pong.pbs");
    let bytes = pmc_of("examples/carts/pong.pbs");
    let (manifest, verified) = prometeu::pmc::load(&bytes).expect("loads");
    assert_eq!(manifest.app_id, "pong");
    assert_eq!(verified.program(), &program);
}

#[test]
fn every_truncation_of_a_pmc_is_rejected_cleanly() {
    let bytes = pmc_of("examples/carts/bounce.pbs");
    for len in 0..bytes.len() {
        assert!(
            prometeu::pmc::load(&bytes[..len]).is_err(),
            "a .pmc cut at {len} bytes loaded"
        );
        prometeu::fuzz_checks::load_pmc(&bytes[..len]);
    }
}

#[test]
fn every_single_bit_flip_of_a_pmc_is_rejected_by_its_checksum() {
    let bytes = pmc_of("examples/carts/bounce.pbs");
    for bit in 0..bytes.len() * 8 {
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        assert!(
            prometeu::pmc::load(&flipped).is_err(),
            "bit {bit} flipped still loads"
        );
    }
}

/// Rewrites a `.pmc`'s checksum so a mutation reaches the manifest and program checks.
fn reseal(mut bytes: Vec<u8>) -> Vec<u8> {
    let end = bytes.len() - 4;
    let crc = crc32fast::hash(&bytes[..end]);
    bytes[end..].copy_from_slice(&crc.to_le_bytes());
    bytes
}

#[test]
fn resealed_bit_flips_of_a_pmc_load_or_are_rejected_without_panicking() {
    let bytes = pmc_of("examples/carts/bounce.pbs");
    // Every bit of the header, the lengths and the manifest, and every 29th bit of the program.
    let manifest_end = 12 + u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize + 4;
    let bits = (0..manifest_end * 8).chain((manifest_end * 8..(bytes.len() - 4) * 8).step_by(29));
    for bit in bits {
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        prometeu::fuzz_checks::load_pmc(&reseal(flipped));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn random_bytes_after_the_pmc_magic_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut bytes = b"PMC\x1a\x01\x00\x00\x00".to_vec();
        bytes.extend(tail);
        prometeu::fuzz_checks::load_pmc(&bytes);
        prometeu::fuzz_checks::load_pmc(&reseal(bytes));
    }
}
