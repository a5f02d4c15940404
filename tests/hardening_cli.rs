//! Command-line hardening: outputs never overwrite inputs, writes are atomic and checked
//! before a run, output failures and signals end a run properly, every input read is capped,
//! and cartridge entrypoints stay inside their directory.

mod common;

use common::*;
use std::path::Path;
use std::process::Stdio;

const CART: &str = "[Frame]\nfn frame() {\n    Gfx.clear(Color.BLACK);\n}\n";
const FOREVER: &str =
    "fn main() {\n    let i = 0;\n    while true {\n        print(i);\n        i += 1;\n    }\n}\n";

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[track_caller]
fn assert_refused_overwrite(o: &std::process::Output, input: &Path, before: &[u8]) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert_stderr_contains(o, "writing it would destroy the input");
    assert_eq!(std::fs::read(input).unwrap(), before, "the input is intact");
}

#[test]
fn outputs_overwrite_inputs_build_output_onto_its_source() {
    let dir = scratch("alias-build");
    let src = dir.join("h.pbs");
    std::fs::copy("examples/hello.pbs", &src).unwrap();
    let before = std::fs::read(&src).unwrap();
    let o = prometeuc(&["build", path(&src), "-o", path(&src)]);
    assert_refused_overwrite(&o, &src, &before);
    #[cfg(unix)]
    {
        let link = dir.join("link.pbs");
        std::os::unix::fs::symlink(&src, &link).unwrap();
        let o = prometeuc(&["build", path(&src), "-o", path(&link)]);
        assert_refused_overwrite(&o, &src, &before);
        let hard = dir.join("hard.pbc");
        std::fs::hard_link(&src, &hard).unwrap();
        let o = prometeuc(&["build", path(&src), "-o", path(&hard)]);
        assert_refused_overwrite(&o, &src, &before);
    }
}

#[test]
fn outputs_overwrite_inputs_build_of_a_program_file() {
    let dir = scratch("alias-pbc");
    let pbc = dir.join("fib.pbc");
    let o = prometeuc(&["build", "examples/fib.pbs", "-o", path(&pbc)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = std::fs::read(&pbc).unwrap();
    for cmd in ["build", "check"] {
        let o = prometeuc(&["--color", "never", cmd, path(&pbc)]);
        assert_eq!(o.status.code(), Some(1));
        assert_stderr_contains(
            &o,
            &format!("is a program file; {cmd} takes a `.pbs` source"),
        );
        assert!(!stderr(&o).contains("UTF-8"), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read(&pbc).unwrap(), before);
}

#[test]
fn outputs_overwrite_inputs_cart_onto_its_own_manifest() {
    let dir = scratch("alias-cart");
    let cart = dir.join("cart");
    std::fs::create_dir(&cart).unwrap();
    // A source that happens to be named like the manifest the cartridge would get.
    let src = cart.join("manifest.json");
    std::fs::write(&src, CART).unwrap();
    let o = prometeuc(&["build", path(&src), "--cart", path(&cart)]);
    assert_refused_overwrite(&o, &src, CART.as_bytes());
    assert!(!cart.join("program.pbc").exists(), "nothing is written");
}

#[test]
fn outputs_overwrite_inputs_screenshot_and_record_onto_inputs() {
    let dir = scratch("alias-run");
    let src = dir.join("c.pbs");
    std::fs::write(&src, CART).unwrap();
    let o = prometeuc(&["run", path(&src), "--screenshot", path(&src)]);
    assert_refused_overwrite(&o, &src, CART.as_bytes());
    let o = prometeuc(&["run", path(&src), "--record", path(&src)]);
    assert_refused_overwrite(&o, &src, CART.as_bytes());
    let log = dir.join("in.log");
    std::fs::write(&log, "0 A\n").unwrap();
    let o = prometeuc(&[
        "run",
        path(&src),
        "--record",
        path(&log),
        "--input",
        path(&log),
    ]);
    assert_refused_overwrite(&o, &log, b"0 A\n");
    // A cartridge directory's manifest is an input too.
    let cart = dir.join("cart");
    prometeuc(&["build", path(&src), "--cart", path(&cart)]);
    let manifest = std::fs::read(cart.join("manifest.json")).unwrap();
    let o = prometeuc(&[
        "run",
        path(&cart),
        "--screenshot",
        path(&cart.join("manifest.json")),
    ]);
    assert_refused_overwrite(&o, &cart.join("manifest.json"), &manifest);
}

#[test]
fn outputs_overwrite_inputs_screenshot_every_onto_an_input() {
    let dir = scratch("alias-every");
    let src = dir.join("frame_00001.png");
    std::fs::write(&src, CART).unwrap();
    let o = prometeuc(&[
        "run",
        path(&src),
        "--frames",
        "2",
        "--screenshot-every",
        "1",
        path(&dir),
    ]);
    assert_refused_overwrite(&o, &src, CART.as_bytes());
}

#[cfg(unix)]
#[test]
fn writes_not_atomic_a_failed_write_leaves_the_old_file_intact() {
    let dir = scratch("atomic");
    let old = dir.join("old.pbc");
    let o = prometeuc(&["build", "examples/fib.pbs", "-o", path(&old)]);
    assert_eq!(o.status.code(), Some(0));
    let before = std::fs::read(&old).unwrap();
    let mut big = String::from("fn main() {\n");
    for i in 0..300 {
        big.push_str(&format!("    print(\"line {i} of a long program\");\n"));
    }
    big.push_str("}\n");
    let src = write(&dir, "big.pbs", &big);
    let cart = dir.join("cart");
    prometeuc(&["build", "examples/fib.pbs", "--cart", path(&cart)]);
    let cart_before = (
        std::fs::read(cart.join("program.pbc")).unwrap(),
        std::fs::read(cart.join("manifest.json")).unwrap(),
    );
    // File size limit of 4 blocks: the big program does not fit. SIGXFSZ is ignored so the
    // write fails with an error instead of killing the process.
    let limited = |args: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "trap '' XFSZ; ulimit -f 4; exec '{}' {args}",
                env!("CARGO_BIN_EXE_prometeuc")
            ))
            .output()
            .unwrap()
    };
    let o = limited(&format!("build '{src}' -o '{}'", path(&old)));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_stderr_contains(&o, "cannot write");
    assert_eq!(
        std::fs::read(&old).unwrap(),
        before,
        "the old program is intact"
    );
    let o = limited(&format!("build '{src}' --cart '{}'", path(&cart)));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        (
            std::fs::read(cart.join("program.pbc")).unwrap(),
            std::fs::read(cart.join("manifest.json")).unwrap(),
        ),
        cart_before,
        "the cartridge keeps both old files"
    );
    let new_cart = dir.join("new-cart");
    let o = limited(&format!("build '{src}' --cart '{}'", path(&new_cart)));
    assert_eq!(o.status.code(), Some(1));
    assert!(!new_cart.exists(), "no half-written cartridge directory");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .chain(std::fs::read_dir(&cart).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files removed: {leftovers:?}"
    );
}

#[test]
fn paths_checked_late_an_unwritable_output_fails_before_the_run() {
    let dir = scratch("late");
    let src = write(&dir, "c.pbs", CART);
    let nodir = dir.join("nodir").join("x.log");
    // Twenty million frames would take minutes; the check comes first.
    let o = output_within(
        command(&[
            "run",
            &src,
            "--record",
            path(&nodir),
            "--frames",
            "20000000",
        ]),
        20,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_stderr_contains(&o, "nodir");
    let shot = dir.join("missing").join("s.png");
    let o = output_within(
        command(&[
            "run",
            &src,
            "--screenshot",
            path(&shot),
            "--frames",
            "20000000",
        ]),
        20,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = dir.join("gone").join("x.pbc");
    let o = prometeuc(&["build", "examples/fib.pbs", "-o", path(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "gone");
}

#[cfg(unix)]
#[test]
fn output_errors_ignored_a_full_stdout_is_status_one() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let o = command(&["run", "examples/hello.pbs"])
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "cannot write to standard output");
    let o = command(&["disasm", "examples/hello.pbs"])
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    // A full standard error cannot take a message, but the status says it failed, and
    // nothing panics (status 101).
    let o = command(&["run", "examples/hello.pbs", "--stats"])
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn output_errors_ignored_a_closed_pipe_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    let dir = scratch("pipe");
    let src = write(&dir, "forever.pbs", FOREVER);
    let mut child = command(&["run", &src])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "0\n");
    // The reader is gone (like `| head -1`); the run must end by itself.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the run went on after its reader closed the pipe"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(141));
    assert!(stderr(&o).is_empty(), "quiet: {}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn output_errors_ignored_output_before_sigterm_is_flushed() {
    let dir = scratch("sigterm");
    let src = write(&dir, "forever.pbs", FOREVER);
    let out = dir.join("out.txt");
    let child = command(&["--color", "never", "run", &src])
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the program has printed something, then ask it to stop.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::metadata(&out).unwrap().len() < 10_000 {
        assert!(std::time::Instant::now() < deadline, "no output");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert_stderr_contains(&o, "trap: interrupted");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.ends_with('\n'), "the last line is complete");
    let numbers: Vec<u64> = text.lines().map(|l| l.parse().unwrap()).collect();
    assert!(numbers.iter().enumerate().all(|(i, &n)| n == i as u64));
}

#[test]
fn memory_grows_with_the_frame_count_no_longer() {
    use prometeu::cart::{Cart, CartConfig};
    let unit = prometeu::compile_source("c.pbs", CART, &Default::default());
    let program = prometeu::verify(unit.compiled.program.unwrap()).unwrap();
    let mut cart = Cart::boot(program, CartConfig::default(), Box::new(Discard)).unwrap();
    let mut held_at = Vec::new();
    for frames in [5_000, 20_000] {
        while cart.frame_stats().count() < frames {
            cart.tick(0).unwrap();
        }
        held_at.push(cart.frame_stats().heap_bytes());
    }
    assert_eq!(held_at[0], held_at[1], "statistics memory does not grow");
    assert!(held_at[0] < 128 << 10, "{} bytes", held_at[0]);
    let s = cart.frame_stats();
    assert!(s.min() <= s.median() && s.median() <= s.max());
    assert!(s.min() <= s.mean() && s.mean() <= s.max());
}

#[test]
fn memory_grows_with_the_frame_count_stats_line_has_min_median_mean_max() {
    let dir = scratch("stats-line");
    let src = write(
        &dir,
        "c.pbs",
        "declare global n: int = 0;\n[Frame]\nfn frame() {\n    n += 1;\n    for i from 0 until n { }\n}\n",
    );
    let o = prometeuc(&["run", &src, "--frames", "5", "--stats"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    let line = err.lines().next().unwrap();
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    // frames, overruns, min, median, mean, max, budget
    assert_eq!(numbers.len(), 7, "{line}");
    let (min, median, mean, max) = (numbers[2], numbers[3], numbers[4], numbers[5]);
    assert!(min < median && median < max, "{line}");
    assert!(min < mean && mean < max, "{line}");
    assert!(line.contains(" / mean "), "{line}");
}

#[cfg(unix)]
#[test]
fn no_size_cap_sources_programs_manifests_and_logs_are_capped() {
    let o = output_within(command(&["run", "/dev/zero"]), 30);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(
        &o,
        "`/dev/zero` is larger than 32 MiB, the most a source may be",
    );
    let dir = scratch("caps");
    let cart = dir.join("cart");
    let src = write(&dir, "c.pbs", CART);
    prometeuc(&["build", &src, "--cart", path(&cart)]);
    std::fs::remove_file(cart.join("manifest.json")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", cart.join("manifest.json")).unwrap();
    let o = output_within(command(&["run", path(&cart)]), 30);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "larger than 64 KiB, the most a manifest may be");
    let o = output_within(command(&["run", &src, "--input", "/dev/zero"]), 60);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "larger than 64 MiB, the most an input log may be");
    let o = output_within(command(&["build", path(&dir)]), 30);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "is a directory, not a file");
    let fifo = dir.join("fifo.pbs");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let o = output_within(command(&["run", path(&fifo)]), 30);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "is a FIFO (named pipe), not a file");
}

#[cfg(unix)]
#[test]
fn cartridge_containment_symlinked_entrypoints_are_refused() {
    let dir = scratch("contain");
    let src = write(&dir, "c.pbs", CART);
    let cart = dir.join("cart");
    prometeuc(&["build", &src, "--cart", path(&cart)]);
    let outside = dir.join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::copy(cart.join("program.pbc"), outside.join("p.pbc")).unwrap();
    std::os::unix::fs::symlink(outside.join("p.pbc"), cart.join("sym.pbc")).unwrap();
    std::os::unix::fs::symlink(&outside, cart.join("sub")).unwrap();
    let manifest = std::fs::read_to_string(cart.join("manifest.json")).unwrap();
    for entry in ["sym.pbc", "sub/p.pbc"] {
        std::fs::write(
            cart.join("manifest.json"),
            manifest.replace("program.pbc", entry),
        )
        .unwrap();
        let o = prometeuc(&["--color", "never", "run", path(&cart)]);
        assert_eq!(o.status.code(), Some(1), "{entry}: {}", stderr(&o));
        assert_stderr_contains(&o, "leads outside the cartridge directory");
    }
    // A symbolic link that stays inside is fine.
    std::os::unix::fs::symlink("program.pbc", cart.join("inside.pbc")).unwrap();
    std::fs::write(
        cart.join("manifest.json"),
        manifest.replace("program.pbc", "inside.pbc"),
    )
    .unwrap();
    let o = prometeuc(&["run", path(&cart)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn output_errors_ignored_a_cart_stops_on_sigterm_and_writes_no_screenshot() {
    let dir = scratch("sigterm-cart");
    let src = write(
        &dir,
        "c.pbs",
        "[Frame]\nfn frame() {\n    print(System.frame());\n}\n",
    );
    let out = dir.join("out.txt");
    let shot = dir.join("shot.png");
    let child = command(&[
        "run",
        &src,
        "--frames",
        "100000000",
        "--screenshot",
        path(&shot),
    ])
    .stdout(std::fs::File::create(&out).unwrap())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::metadata(&out).unwrap().len() < 10_000 {
        assert!(std::time::Instant::now() < deadline, "no output");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert_stderr_contains(&o, "interrupted by a signal");
    assert!(std::fs::read_to_string(&out).unwrap().ends_with('\n'));
    assert!(!shot.exists(), "no screenshot after an interrupted run");
}

#[cfg(unix)]
#[test]
fn a_cart_whose_init_never_ends_stops_promptly_on_sigterm() {
    let dir = scratch("sigterm-boot");
    // A budget of a billion cycles a frame gives boot 10^11 cycles: minutes of looping
    // unless the signal is checked while `[Init]` runs.
    let src = write(
        &dir,
        "c.pbs",
        "[Init]\nfn init() {\n    let i = 0;\n    while true {\n        print(i);\n        i += 1;\n    }\n}\n\n[Frame]\nfn frame() {\n}\n",
    );
    let out = dir.join("out.txt");
    let shot = dir.join("shot.png");
    let mut child = command(&[
        "run",
        &src,
        "--cycles-per-frame",
        "1000000000",
        "--screenshot",
        path(&shot),
    ])
    .stdout(std::fs::File::create(&out).unwrap())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::metadata(&out).unwrap().len() < 10_000 {
        assert!(std::time::Instant::now() < deadline, "no output");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let signalled = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if signalled.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("boot went on after SIGTERM");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert_stderr_contains(&o, "interrupted by a signal");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.ends_with('\n'), "the last line is complete");
    assert!(!shot.exists(), "no screenshot after an interrupted boot");
}
