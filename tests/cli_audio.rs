//! The command line for sound, save data and single-file carts: `run --wav`, `run --save`,
//! `build --pmc`, and `.pmc` files given to `run` and `disasm`.

mod common;

use common::{assert_stderr_contains, prometeuc, scratch, stderr, stdout, write};
use std::path::Path;

/// A cart that plays a 440 Hz sine for 30 frames, then silence; it counts its boots in slot 0
/// and prints the count at frame 0.
const BEEP: &str = "[Init]\nfn init() {\n    Save.set(0, Save.get(0) + 1);\n}\n\n[Frame]\nfn frame() {\n    if System.frame() == 0 {\n        Audio.tone(0, Wave.SINE, 440, 30, 255);\n        print(\"boots \" + str(Save.get(0)));\n    }\n    if System.frame() == 45 {\n        Save.set(1, 45);\n    }\n    Gfx.clear(Color.BLACK);\n}\n";

/// Reads a WAV file's interleaved samples, checking its format.
fn samples(path: &Path) -> Vec<i16> {
    let reader = hound::WavReader::open(path).expect("a WAV file");
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (2, 48_000, 16)
    );
    reader.into_samples::<i16>().map(Result::unwrap).collect()
}

#[test]
fn run_wav_writes_exactly_800_stereo_frames_per_frame_with_the_tones_frequency() {
    let dir = scratch("wav-frames");
    let cart = write(&dir, "beep.pbs", BEEP);
    let wav = dir.join("beep.wav");
    let o = prometeuc(&[
        "run",
        &cart,
        "--frames",
        "60",
        "--wav",
        wav.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = samples(&wav);
    assert_eq!(s.len(), 60 * 800 * 2);
    let left: Vec<i16> = s.iter().step_by(2).copied().collect();
    // Half a second of 440 Hz: about 220 upward zero crossings.
    let crossings = left[..24_000]
        .windows(2)
        .filter(|w| w[0] < 0 && w[1] >= 0)
        .count();
    assert!((218..=222).contains(&crossings), "{crossings}");
    // Silence after the note and its 10 ms release.
    assert!(left[24_000 + 480..].iter().all(|&v| v == 0));
    // Deterministic: a second run writes the same bytes.
    let again = dir.join("again.wav");
    let o = prometeuc(&[
        "run",
        &cart,
        "--frames",
        "60",
        "--wav",
        again.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(std::fs::read(&wav).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn run_wav_is_refused_for_scripts_and_never_overwrites_an_input() {
    let dir = scratch("wav-refused");
    let script = write(&dir, "s.pbs", "fn main() {\n    print(1);\n}\n");
    let o = prometeuc(&["run", &script, "--wav", "x.wav"]);
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_contains(&o, "--wav applies to cartridges");
    let cart = write(&dir, "beep.pbs", BEEP);
    let o = prometeuc(&["run", &cart, "--wav", &cart]);
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_contains(&o, "would destroy the input");
    assert_eq!(std::fs::read_to_string(&cart).unwrap(), BEEP);
    let o = prometeuc(&["run", &cart, "--frames", "2000000", "--wav", "x.wav"]);
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_contains(&o, "--wav holds at most 1342177 frames");
}

#[test]
fn save_slots_survive_across_runs() {
    let dir = scratch("save-round-trip");
    let cart = write(&dir, "beep.pbs", BEEP);
    let save = dir.join("beep.sav");
    let save = save.to_str().unwrap();
    for boots in 1..=3 {
        let o = prometeuc(&["run", &cart, "--frames", "50", "--save", save]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(stdout(&o), format!("boots {boots}\n"));
    }
    let bytes = std::fs::read(save).unwrap();
    let slots = prometeu::save::decode(&bytes, "beep").unwrap();
    assert_eq!((slots[0], slots[1], slots[2]), (3, 45, 0));
    // Without --save, saves stay in memory: nothing is read or written.
    let o = prometeuc(&["run", &cart, "--frames", "1"]);
    assert_eq!(stdout(&o), "boots 1\n");
    assert_eq!(std::fs::read(save).unwrap(), bytes);
}

#[test]
fn a_corrupt_or_foreign_save_file_is_reported_and_left_untouched() {
    let dir = scratch("save-corrupt");
    let cart = write(&dir, "beep.pbs", BEEP);
    let mut damaged = prometeu::save::encode("beep", &[7; 256]);
    damaged[40] ^= 1;
    let foreign = prometeu::save::encode("snake", &[7; 256]);
    for (name, bytes, text) in [
        ("damaged.sav", damaged, "checksum does not match"),
        (
            "foreign.sav",
            foreign,
            "it belongs to the cart `snake`, not to `beep`",
        ),
        (
            "text.sav",
            b"high score: 9000\n".to_vec(),
            "it is not a save file",
        ),
        ("huge.sav", vec![0; 100_000], "larger than any save file"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();
        let o = prometeuc(&[
            "run",
            &cart,
            "--frames",
            "50",
            "--save",
            path.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert_stderr_contains(&o, text);
        assert_stderr_contains(
            &o,
            "it is left untouched and this run keeps its saves in memory",
        );
        assert_eq!(
            stdout(&o),
            "boots 1\n",
            "{name}: the run starts from empty slots"
        );
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name} was changed");
    }
}

#[test]
fn save_is_refused_for_scripts_and_inputs() {
    let dir = scratch("save-refused");
    let script = write(&dir, "s.pbs", "fn main() {\n    Save.set(3, 1);\n}\n");
    let o = prometeuc(&["run", &script, "--save", "x.sav"]);
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_contains(&o, "--save applies to cartridges");
    let cart = write(&dir, "beep.pbs", BEEP);
    let o = prometeuc(&["run", &cart, "--save", &cart]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&cart).unwrap(), BEEP);
}

#[test]
fn a_bad_save_slot_traps_at_its_line() {
    let dir = scratch("save-trap");
    let cart = write(
        &dir,
        "c.pbs",
        "[Frame]\nfn frame() {\n    Save.set(256, 1);\n}\n",
    );
    let o = prometeuc(&["run", &cart, "--color", "never"]);
    assert_eq!(o.status.code(), Some(3));
    assert_stderr_contains(
        &o,
        "Save.set: save slot 256 does not exist; use a slot from 0 to 255",
    );
    assert_stderr_contains(&o, "c.pbs:3");
}

#[test]
fn a_pmc_runs_like_its_source() {
    let dir = scratch("pmc-round-trip");
    let cart = write(&dir, "beep.pbs", BEEP);
    let pmc = dir.join("beep.pmc");
    let pmc = pmc.to_str().unwrap();
    let o = prometeuc(&["build", &cart, "--pmc", pmc]);
    assert!(o.status.success(), "{}", stderr(&o));
    let run = |file: &str, name: &str| {
        let wav = dir.join(format!("{name}.wav"));
        let png = dir.join(format!("{name}.png"));
        let o = prometeuc(&[
            "run",
            file,
            "--frames",
            "40",
            "--wav",
            wav.to_str().unwrap(),
            "--screenshot",
            png.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        (
            stdout(&o),
            std::fs::read(wav).unwrap(),
            std::fs::read(png).unwrap(),
        )
    };
    assert_eq!(run(&cart, "source"), run(pmc, "pmc"));
    let from_source = prometeuc(&["disasm", &cart]);
    let from_pmc = prometeuc(&["disasm", pmc]);
    assert!(from_pmc.status.success());
    assert_eq!(stdout(&from_source), stdout(&from_pmc));
    // The manifest inside names the cart, and save files are keyed by it.
    let bytes = std::fs::read(pmc).unwrap();
    let (manifest, _) = prometeu::pmc::load(&bytes).unwrap();
    assert_eq!(
        (manifest.app_id.as_str(), manifest.app_mode.as_str()),
        ("beep", "cartridge")
    );
    // build never writes a .pmc over its source, and refuses a .pmc as a source.
    let o = prometeuc(&["build", &cart, "--pmc", &cart]);
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_contains(&o, "would destroy the input");
    assert_eq!(std::fs::read_to_string(&cart).unwrap(), BEEP);
    let o = prometeuc(&["build", &cart, "--pmc", pmc, "--cart", "x"]);
    assert_eq!(o.status.code(), Some(2));
    let o = prometeuc(&["build", pmc]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "is a program file; build takes a `.pbs` source");
}

#[test]
fn malformed_pmc_files_are_precise_load_errors() {
    let dir = scratch("pmc-malformed");
    let cart = write(&dir, "beep.pbs", BEEP);
    let pmc = dir.join("beep.pmc");
    assert!(prometeuc(&["build", &cart, "--pmc", pmc.to_str().unwrap()])
        .status
        .success());
    let good = std::fs::read(&pmc).unwrap();
    let mut flipped = good.clone();
    flipped[30] ^= 4;
    let mut future = good.clone();
    future[4] = 9;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "empty.pmc",
            Vec::new(),
            "does not start with the `.pmc` magic",
        ),
        (
            "cut.pmc",
            good[..good.len() - 10].to_vec(),
            "it is truncated at byte",
        ),
        ("flip.pmc", flipped, "its checksum does not match"),
        ("future.pmc", future, "it has `.pmc` version 9"),
        (
            "long.pmc",
            [good.as_slice(), b"x"].concat(),
            "1 bytes after its checksum",
        ),
    ];
    for (name, bytes, text) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        for command in ["run", "disasm"] {
            let o = prometeuc(&[command, path.to_str().unwrap()]);
            assert_eq!(o.status.code(), Some(1), "{command} {name}");
            assert_stderr_contains(
                &o,
                &format!("invalid single-file cart `{}`", path.display()),
            );
            assert_stderr_contains(&o, text);
        }
    }
}

#[test]
fn run_wav_of_the_example_carts_matches_their_golden_sound_tests() {
    let dir = scratch("wav-examples");
    for (cart, frames) in [("pong", "110"), ("breakout", "80")] {
        let wav = dir.join(format!("{cart}.wav"));
        let o = prometeuc(&[
            "run",
            &format!("examples/carts/{cart}.pbs"),
            "--frames",
            frames,
            "--input",
            &format!("examples/carts/{cart}.input"),
            "--wav",
            wav.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("examples/tests/carts/sounds/{cart}_sound.wav"));
        let made = samples(&wav);
        assert_eq!(made, samples(&golden), "{cart}");
        assert!(made.iter().any(|&s| s != 0), "{cart} makes a sound");
    }
}

#[test]
fn sampled_sound_is_the_same_from_source_and_pmc_and_on_every_run() {
    let dir = scratch("wav-sampler");
    let pmc = dir.join("platformer.pmc");
    let source = "examples/carts/platformer/platformer.pbs";
    let o = prometeuc(&["build", source, "--pmc", pmc.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut runs = Vec::new();
    for (i, cart) in [source, pmc.to_str().unwrap(), source].iter().enumerate() {
        let wav = dir.join(format!("run{i}.wav"));
        let o = prometeuc(&[
            "run",
            cart,
            "--frames",
            "174",
            "--input",
            "examples/carts/platformer/platformer.input",
            "--wav",
            wav.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        runs.push(std::fs::read(&wav).expect("the WAV file"));
    }
    assert!(
        runs.iter().all(|r| *r == runs[0]),
        "every run writes the same bytes"
    );
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/tests/carts/sounds/platformer_sound.wav");
    let made = samples(&dir.join("run0.wav"));
    assert_eq!(made, samples(&golden));
    // A fixed digest of the samples, so a change of the conversion or the mixer shows here
    // even if the golden file is re-blessed by mistake.
    let digest = made.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &s| {
        (h ^ u64::from(s as u16)).wrapping_mul(0x0100_0000_01b3)
    });
    assert_eq!(
        digest, 16_824_865_288_130_562_644,
        "FNV-1a of the platformer's samples"
    );
}

#[test]
fn disasm_and_stats_list_the_sounds() {
    let cart = "examples/carts/platformer/platformer.pbs";
    let o = prometeuc(&["disasm", cart]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("\n  sound 0 assets/jump.wav                  7199 samples, 0.149 s at 48 kHz\n  1 images, 1 sound, 31086 bytes of asset data\n"),
        "{out}"
    );
    let o = prometeuc(&["run", cart, "--frames", "1", "--stats"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_contains(
        &o,
        "assets: 1 banks, 1 maps, 1 images, 1 sounds; 31086 bytes of pixel, cell and sample data",
    );
}

/// Launches breakout's ball every 300 frames and never moves the paddle: the game is lost
/// with 110 points.
const LOSING_GAME: &str = "1 A\n2 -\n300 A\n301 -\n600 A\n601 -\n900 A\n901 -\n";

#[test]
fn breakouts_high_scores_survive_a_restart() {
    let dir = scratch("breakout-high-scores");
    let input = write(&dir, "lose.input", LOSING_GAME);
    let save = dir.join("breakout.sav");
    let table = |save: &Path| {
        let slots = prometeu::save::decode(&std::fs::read(save).unwrap(), "breakout").unwrap();
        slots[..6].to_vec()
    };
    let play = || {
        let o = prometeuc(&[
            "run",
            "examples/carts/breakout.pbs",
            "--frames",
            "1300",
            "--input",
            &input,
            "--save",
            save.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    play();
    assert_eq!(table(&save), [110, 0, 0, 0, 0, 0]);
    play();
    assert_eq!(table(&save), [110, 110, 0, 0, 0, 0]);
}

#[test]
fn run_wav_ends_with_the_frame_a_cart_exits_in() {
    let dir = scratch("wav-exit");
    let cart = write(
        &dir,
        "c.pbs",
        "[Frame]\nfn frame() {\n    Audio.tone(0, Wave.SAW, 100, 1, 255);\n    if System.frame() == 4 {\n        System.exit();\n    }\n}\n",
    );
    let wav = dir.join("c.wav");
    let o = prometeuc(&[
        "run",
        &cart,
        "--frames",
        "50",
        "--wav",
        wav.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(samples(&wav).len(), 5 * 800 * 2);
}

#[test]
fn saves_are_written_at_the_end_of_the_frame_that_wrote_them() {
    // Frame 3 saves, frame 8 traps: the file holds what frame 3 wrote.
    let dir = scratch("save-per-frame");
    let cart = write(
        &dir,
        "c.pbs",
        "[Frame]\nfn frame() {\n    let f = System.frame();\n    if f == 3 {\n        Save.set(9, 333);\n    }\n    if f == 8 {\n        let zero = 0;\n        Save.set(9, 1 / zero);\n    }\n}\n",
    );
    let save = dir.join("c.sav");
    let o = prometeuc(&[
        "run",
        &cart,
        "--frames",
        "20",
        "--save",
        save.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let slots = prometeu::save::decode(&std::fs::read(&save).unwrap(), "c").unwrap();
    assert_eq!(slots[9], 333);
}

#[test]
fn every_tick_mixes_one_block_even_when_its_frame_overruns() {
    use prometeu::cart::{Cart, CartConfig, Tick};
    let source = "[Frame]\nfn frame() {\n    if System.frame() == 0 {\n        Audio.tone(0, Wave.SINE, 1000, 2, 255);\n    }\n    let i = 0;\n    while i < 3000 {\n        i += 1;\n    }\n}\n";
    let unit = prometeu::compile_source("o.pbs", source, &Default::default());
    let program = prometeu::verify(unit.compiled.program.expect("compiles")).unwrap();
    let config = CartConfig {
        cycles_per_frame: 5_000,
        ..CartConfig::default()
    };
    let mut cart = Cart::boot(program, config, Box::new(common::Discard)).unwrap();
    let mut ticks = Vec::new();
    for _ in 0..8 {
        let tick = cart.tick(0).unwrap();
        let loud = cart.audio().iter().any(|&s| s != 0);
        ticks.push((tick == Tick::Overrun, loud));
    }
    // Each frame takes several ticks, and sound advances by ticks: the tone (2 frames, 1,600
    // samples) fills the blocks of the tick that started it and the next one, its release
    // spills into the third, and the fourth is silent.
    assert!(ticks.iter().any(|(overrun, _)| *overrun), "{ticks:?}");
    let loud: Vec<bool> = ticks.iter().map(|(_, loud)| *loud).collect();
    assert_eq!(&loud[..4], &[true, true, true, false], "{ticks:?}");
}
