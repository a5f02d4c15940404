//! Command-line tests of cartridges: headless runs, screenshots, input logs, statistics and
//! cartridge directories with their manifest errors.

mod common;

use common::*;
use std::path::Path;

const CART: &str = "declare global x: int = 0;\n[Frame]\nfn frame() {\n    if Input.btn(Button.RIGHT) { x += 2; }\n    Gfx.clear(Color.BLACK);\n    Gfx.fill_rect(x, 80, 16, 16, Color.ORANGE);\n    Gfx.text(4, 4, \"x \" + str(x), Color.WHITE);\n}\n";

fn cart_file(dir: &Path) -> String {
    let path = dir.join("cart.pbs");
    std::fs::write(&path, CART).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn headless_run_writes_a_png_screenshot_and_replays_input() {
    let dir = scratch("shot");
    let cart = cart_file(&dir);
    let log = dir.join("in.log");
    std::fs::write(&log, "# hold right from frame 3 to 9\n3 RIGHT\n10 -\n").unwrap();
    let shot = dir.join("shot.png");
    let o = prometeuc(&[
        "run",
        &cart,
        "--frames",
        "20",
        "--input",
        log.to_str().unwrap(),
        "--screenshot",
        shot.to_str().unwrap(),
        "--stats",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_stderr_contains(&o, "20 frames completed, 0 overruns");
    // The same run recorded and replayed gives the same screen.
    let rec = dir.join("rec.log");
    let shot2 = dir.join("shot2.png");
    prometeuc(&[
        "run",
        &cart,
        "--frames",
        "20",
        "--input",
        log.to_str().unwrap(),
        "--record",
        rec.to_str().unwrap(),
    ]);
    let o = prometeuc(&[
        "run",
        &cart,
        "--frames",
        "20",
        "--input",
        rec.to_str().unwrap(),
        "--screenshot",
        shot2.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read(&shot2).unwrap(), png);
}

#[test]
fn screenshot_every_writes_numbered_frames() {
    let dir = scratch("every");
    let cart = cart_file(&dir);
    let frames = dir.join("frames");
    let o = prometeuc(&[
        "run",
        &cart,
        "--frames",
        "10",
        "--screenshot-every",
        "5",
        frames.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(frames.join("frame_00005.png").is_file());
    assert!(frames.join("frame_00010.png").is_file());
    assert!(!frames.join("frame_00001.png").exists());
}

#[test]
fn a_runaway_cart_completes_its_frames_with_overruns() {
    let dir = scratch("runaway");
    let path = dir.join("spin.pbs");
    std::fs::write(&path, "[Frame]\nfn frame() {\n    while true {\n    }\n}\n").unwrap();
    let o = prometeuc(&[
        "run",
        path.to_str().unwrap(),
        "--frames",
        "10",
        "--stats",
        "--cycles-per-frame",
        "20000",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_stderr_contains(&o, "0 frames completed, 10 overruns");
}

#[test]
fn bad_input_logs_and_misused_flags_are_reported() {
    let dir = scratch("flags");
    let cart = cart_file(&dir);
    let log = dir.join("bad.log");
    std::fs::write(&log, "0 RIGHT\n5 JUMP\n").unwrap();
    let o = prometeuc(&[
        "--color",
        "never",
        "run",
        &cart,
        "--input",
        log.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "line 2");
    let o = prometeuc(&["run", "examples/hello.pbs", "--frames", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_contains(&o, "--frames applies to cartridges");
    let o = prometeuc(&["run", &cart, "--max-cycles", "10"]);
    assert_eq!(o.status.code(), Some(2));
    let o = prometeuc(&["run", &cart, "--screenshot-every", "0", "x"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn cartridge_directories_build_run_and_validate() {
    let dir = scratch("dir");
    let cart = cart_file(&dir);
    let out = dir.join("cart-dir");
    let o = prometeuc(&["build", &cart, "--cart", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    for field in [
        "\"magic\": \"PMTU\"",
        "\"cartridge_version\": 1",
        "\"app_mode\": \"cartridge\"",
        "\"entrypoint\": \"program.pbc\"",
    ] {
        assert!(manifest.contains(field), "{manifest}");
    }
    let o = prometeuc(&["run", out.to_str().unwrap(), "--frames", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let broken = |edit: &dyn Fn(&str) -> String, expect: &str| {
        std::fs::write(out.join("manifest.json"), edit(&manifest)).unwrap();
        let o = prometeuc(&["--color", "never", "run", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(expect),
            "expected {expect:?} in {}",
            stderr(&o)
        );
    };
    broken(&|m| m.replace("\"PMTU\"", "\"ABCD\""), "has magic \"ABCD\"");
    broken(
        &|m| m.replace("\"cartridge_version\": 1", "\"cartridge_version\": 9"),
        "cartridge_version 9",
    );
    broken(
        &|m| m.replace("  \"title\": \"cart\",\n", ""),
        "missing the field `title`",
    );
    broken(
        &|m| m.replace("program.pbc", "missing.pbc"),
        "entrypoint `missing.pbc`",
    );
    broken(&|m| m.replace("\"cartridge\"", "\"script\""), "app_mode");
    broken(&|_| "not json".to_string(), "not a JSON object");
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    let o = prometeuc(&["run", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "cannot read manifest.json");
}

#[test]
fn scripts_can_use_rand_with_a_seed() {
    let dir = scratch("rand");
    let path = dir.join("r.pbs");
    std::fs::write(&path, "fn main() {\n    print(Rand.int(0, 1000000));\n}\n").unwrap();
    let a = prometeuc(&["run", path.to_str().unwrap(), "--seed", "5"]);
    let b = prometeuc(&["run", path.to_str().unwrap(), "--seed", "5"]);
    let c = prometeuc(&["run", path.to_str().unwrap(), "--seed", "6"]);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
}
