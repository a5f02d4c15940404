//! `prometeuc test` end to end: the binary runs on scratch directories of test files, and
//! what it prints, writes and exits with is checked.

mod common;

use common::{scratch, write};
use prometeu::testing::screen::decode_png;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long one run of the binary may take before the test fails: a runaway test must be
/// stopped by the cycle limit, long before this.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `prometeuc test ARGS` in `dir`, killing it and failing after `TIMEOUT`.
fn test_in(dir: &Path, args: &[&str]) -> Output {
    // The captures go to a scratch directory, never into `dir` (which may be the repository).
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let captures =
        std::env::temp_dir().join(format!("prometeuc-test-cmd-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&captures).expect("capture directory");
    let out_path = captures.join("stdout");
    let err_path = captures.join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_prometeuc"))
        .arg("test")
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("the binary runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`prometeuc test {}` ran longer than {TIMEOUT:?}",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: std::fs::read(&out_path).expect("stdout"),
        stderr: std::fs::read(&err_path).expect("stderr"),
    };
    let _ = std::fs::remove_dir_all(&captures);
    output
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

/// The last line of standard output.
fn summary(o: &Output) -> String {
    stdout(o).lines().last().unwrap_or("").to_string()
}

const PASSING: &str = "\
fn main() {
    print(\"hello\"); // expect: hello
    print(1 + 2); // expect: 3
}
";

/// A cart drawing a white bar; `HEIGHT` is replaced to change the picture.
const BAR_CART: &str = "\
// test: frames=2
// expect screen: bar.png
[Frame]
fn frame() {
    Gfx.clear(Color.BLACK);
    Gfx.fill_rect(10, 20, 30, HEIGHT, Color.WHITE);
}
";

#[test]
fn passing_scripts_exit_0_with_the_summary_last() {
    let dir = scratch("tc-pass");
    write(&dir, "a.pbs", PASSING);
    write(&dir, "b.pbs", "fn main() {}\n");
    let o = test_in(&dir, &["."]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        "ok   ./a.pbs\nok   ./b.pbs\n2 passed, 0 failed\n"
    );
}

#[test]
fn failing_output_shows_the_first_differing_line_with_both_texts() {
    let dir = scratch("tc-fail-text");
    write(
        &dir,
        "greet.pbs",
        "fn main() {\n    print(\"hello\"); // expect: hello\n    print(\"world\"); // expect: there\n    print(\"!\"); // expect: !\n}\n",
    );
    let o = test_in(&dir, &["greet.pbs"]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "FAIL greet.pbs\n     output line 2 differs (`// expect:` on line 3):\n       expected: \"there\"\n       actual:   \"world\"\n\nfailures:\n    greet.pbs\n0 passed, 1 failed\n"
    );
}

#[test]
fn missing_and_extra_output_lines_are_reported() {
    let dir = scratch("tc-lines");
    write(
        &dir,
        "short.pbs",
        "fn main() {\n    print(1); // expect: 1\n    // expect: 2\n}\n",
    );
    write(&dir, "long.pbs", "fn main() {\n    print(1);\n}\n");
    let o = test_in(&dir, &["."]);
    let out = stdout(&o);
    assert!(
        out.contains("output line 2 is missing (`// expect:` on line 3): expected \"2\", but the program printed 1 line"),
        "{out}"
    );
    assert!(
        out.contains("unexpected output line 1: \"1\" (0 lines expected)"),
        "{out}"
    );
    assert_eq!(summary(&o), "0 passed, 2 failed");
}

#[test]
fn a_missing_trap_says_the_program_ran_to_the_end() {
    let dir = scratch("tc-trap");
    write(
        &dir,
        "no_trap.pbs",
        "fn main() {\n    let x = 1 / 1; // expect trap: division by zero\n}\n",
    );
    write(
        &dir,
        "other_line.pbs",
        "fn main() {\n    let z = 0; // expect trap: division by zero\n    print(1 / z);\n}\n",
    );
    write(
        &dir,
        "trap_ok.pbs",
        "fn main() {\n    let z = 0;\n    print(1 / z); // expect trap: division by zero\n}\n",
    );
    let o = test_in(&dir, &["."]);
    let out = stdout(&o);
    assert!(
        out.contains("expected a trap on line 2 containing \"division by zero\", but the program ran to the end"),
        "{out}"
    );
    assert!(
        out.contains("expected a trap on line 2 containing \"division by zero\", but got: line 3: division by zero"),
        "{out}"
    );
    assert!(out.contains("ok   ./trap_ok.pbs"), "{out}");
    assert_eq!(summary(&o), "1 passed, 2 failed");
}

#[test]
fn a_missing_diagnostic_says_what_was_reported_instead() {
    let dir = scratch("tc-diag");
    write(
        &dir,
        "clean.pbs",
        "fn main() {\n    let x: int = 1; // expect error[E0300]: mismatched types\n}\n",
    );
    write(
        &dir,
        "other.pbs",
        "fn main() {\n    let x: int = \"a\"; // expect error[E0301]: mismatched types\n}\n",
    );
    let o = test_in(&dir, &["."]);
    let out = stdout(&o);
    assert!(
        out.contains("expected error[E0300] on line 2 containing \"mismatched types\"\n     instead, the program compiled without diagnostics"),
        "{out}"
    );
    assert!(
        out.contains("expected error[E0301] on line 2 containing \"mismatched types\"\n     unexpected diagnostic: line 2: error[E0300]: mismatched types"),
        "{out}"
    );
    assert_eq!(code(&o), 1);
}

#[test]
fn cart_screens_pass_and_a_failure_writes_actual_and_diff() {
    let dir = scratch("tc-screen");
    let cart = write(&dir, "bar.pbs", &BAR_CART.replace("HEIGHT", "4"));
    let o = test_in(&dir, &["--bless", "bar.pbs"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("blessed bar.png"), "{}", stdout(&o));
    let o = test_in(&dir, &["bar.pbs"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(!dir.join("bar.actual.png").exists());

    std::fs::write(&cart, BAR_CART.replace("HEIGHT", "5")).expect("write");
    let o = test_in(&dir, &["bar.pbs"]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "FAIL bar.pbs\n     line 2: the screen differs from `bar.png`: 30 of 57600 pixels differ, in the box from (10, 24) to (39, 24)\n       wrote `bar.actual.png` and `bar.diff.png` (differing pixels in red)\n\nfailures:\n    bar.pbs\n0 passed, 1 failed\n"
    );
    let actual = decode_png(&std::fs::read(dir.join("bar.actual.png")).expect("actual")).unwrap();
    let diff = decode_png(&std::fs::read(dir.join("bar.diff.png")).expect("diff")).unwrap();
    let at = |img: &prometeu::testing::screen::Image, x: usize, y: usize| {
        let i = (y * 320 + x) * 3;
        [img.rgb[i], img.rgb[i + 1], img.rgb[i + 2]]
    };
    assert_eq!(at(&actual, 10, 24), [255, 255, 255]);
    assert_eq!(at(&diff, 10, 24), [255, 0, 0], "a differing pixel is red");
    assert_eq!(at(&diff, 10, 20), [63, 63, 63], "the golden is dimmed");
    assert_eq!(at(&diff, 0, 0), [0, 0, 0]);
}

#[test]
fn a_missing_golden_screen_is_a_failure_that_names_bless() {
    let dir = scratch("tc-no-golden");
    write(&dir, "bar.pbs", &BAR_CART.replace("HEIGHT", "4"));
    let o = test_in(&dir, &["bar.pbs"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("the golden screen `bar.png` does not exist; run with `--bless` to create it from the last frame (wrote `bar.actual.png`)"),
        "{}",
        stdout(&o)
    );
    assert!(dir.join("bar.actual.png").exists());
    assert!(!dir.join("bar.png").exists());
}

#[test]
fn bless_never_writes_a_source_file() {
    let dir = scratch("tc-bless-source");
    let text = BAR_CART
        .replace("bar.png", "bar.pbs")
        .replace("HEIGHT", "4");
    let path = write(&dir, "bar.pbs", &text);
    let o = test_in(&dir, &["--bless", "bar.pbs"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("line 2: `// expect screen:` names a `.png` file, found `bar.pbs`"),
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read_to_string(path).expect("read"), text);
}

#[test]
fn bless_skips_the_screen_of_a_test_that_fails_otherwise() {
    let dir = scratch("tc-bless-failing");
    let text = BAR_CART
        .replace("HEIGHT", "4")
        .replace("[Frame]", "[Init]\nfn init() { print(\"boot\"); }\n[Frame]");
    write(&dir, "bar.pbs", &text);
    let o = test_in(&dir, &["--bless", "bar.pbs"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o)
            .contains("`bar.png` was not blessed, because the test fails for the reasons above"),
        "{}",
        stdout(&o)
    );
    assert!(!dir.join("bar.png").exists());
}

#[test]
fn cart_tests_replay_input_and_check_printed_lines() {
    let dir = scratch("tc-cart-input");
    write(&dir, "pad.input", "1 A\n2 -\n");
    write(
        &dir,
        "pad.pbs",
        "// test: frames=3 input=pad.input seed=4\n[Frame]\nfn frame() {\n    print(Input.btn(Button.A)); // expect: false\n    // expect: true\n    // expect: false\n}\n",
    );
    let o = test_in(&dir, &["pad.pbs"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    write(&dir, "bad.input", "3 A\n1 B\n");
    write(
        &dir,
        "bad.pbs",
        "// test: frames=3 input=bad.input\n[Frame]\nfn frame() {}\n",
    );
    let o = test_in(&dir, &["bad.pbs"]);
    assert!(
        stdout(&o).contains(
            "line 1: `bad.input`: input log line 2: frame 1 is not after the previous frame 3"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_cart_without_a_test_line_explains_what_to_add() {
    let dir = scratch("tc-no-header");
    write(&dir, "c.pbs", "[Frame]\nfn frame() {}\n");
    write(&dir, "s.pbs", "// test: frames=1\nfn main() {}\n");
    let o = test_in(&dir, &["."]);
    let out = stdout(&o);
    assert!(
        out.contains("this program is a cartridge: add a `// test: frames=N` line"),
        "{out}"
    );
    assert!(
        out.contains("line 1: `// test:` is for cartridges, but this program is a script"),
        "{out}"
    );
    assert_eq!(summary(&o), "0 passed, 2 failed");
}

#[test]
fn a_test_can_run_another_files_cartridge() {
    let dir = scratch("tc-cart-key");
    write(
        &dir,
        "game.pbs",
        "[Init]\nfn init() { print(\"ready\"); }\n[Frame]\nfn frame() {}\n",
    );
    write(
        &dir,
        "t.pbs",
        "// test: cart=game.pbs frames=2\n// expect: ready\n",
    );
    write(
        &dir,
        "lined.pbs",
        "// test: cart=game.pbs frames=2\n// expect trap: nothing\n",
    );
    let o = test_in(&dir, &["t.pbs", "lined.pbs"]);
    let out = stdout(&o);
    assert!(out.contains("ok   t.pbs"), "{out}");
    assert!(
        out.contains(
            "line 2: this expectation names a line, but the code under test is in `game.pbs`"
        ),
        "{out}"
    );
}

#[test]
fn expect_audio_is_blessed_then_compared_sample_for_sample() {
    let dir = scratch("tc-audio");
    let beep = |freq: u32| {
        format!(
            "// test: frames=10\n// expect audio: beep.wav\n[Frame]\nfn frame() {{\n    if System.frame() == 2 {{\n        Audio.tone(0, Wave.PULSE, {freq}, 3, 200);\n    }}\n}}\n"
        )
    };
    write(&dir, "beep.pbs", &beep(440));
    let o = test_in(&dir, &["beep.pbs"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o)
            .contains("line 2: the golden sound `beep.wav` does not exist; run with `--bless`"),
        "{}",
        stdout(&o)
    );
    let o = test_in(&dir, &["--bless", "beep.pbs"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("blessed"), "{}", stdout(&o));
    let golden = std::fs::read(dir.join("beep.wav")).unwrap();
    // 10 frames of 800 stereo sample frames, 16-bit, after a 44-byte header.
    assert_eq!(golden.len(), 44 + 10 * 800 * 4);
    let o = test_in(&dir, &["beep.pbs"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    write(&dir, "beep.pbs", &beep(441));
    let o = test_in(&dir, &["beep.pbs"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    // The tone starts at the end of frame 2, the third block.
    assert!(
        out.contains("line 2: the sound differs from `beep.wav`: ")
            && out.contains("sample frames differ; the first is sample frame ")
            && out.contains("(frame 2), left: expected"),
        "{out}"
    );
    assert!(dir.join("beep.actual.wav").exists());
    assert_eq!(
        std::fs::read(dir.join("beep.wav")).unwrap(),
        golden,
        "the golden is kept"
    );
}

#[test]
fn expect_audio_needs_a_cart_and_a_wav_name() {
    let dir = scratch("tc-audio-bad");
    write(&dir, "s.pbs", "fn main() {} // expect audio: beep.wav\n");
    write(
        &dir,
        "c.pbs",
        "// test: frames=1\n[Frame]\nfn frame() {} // expect audio: beep.mp3\n",
    );
    let o = test_in(&dir, &["s.pbs", "c.pbs"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains("line 1: `// expect audio:` needs a cartridge test"),
        "{out}"
    );
    assert!(
        out.contains("line 3: `// expect audio:` names a `.wav` file, found `beep.mp3`"),
        "{out}"
    );
}

#[test]
fn filter_runs_matching_tests_and_counts_the_rest_as_skipped() {
    let dir = scratch("tc-filter");
    write(&dir, "alpha.pbs", PASSING);
    write(&dir, "beta.pbs", PASSING);
    write(&dir, "alpine.pbs", "fn main() { print(1); }\n");
    let o = test_in(&dir, &["--filter", "alp", "."]);
    assert_eq!(summary(&o), "1 passed, 1 failed, 1 skipped");
    assert!(!stdout(&o).contains("beta"), "{}", stdout(&o));
    let o = test_in(&dir, &["--filter", "beta", "."]);
    assert_eq!(code(&o), 0);
    assert_eq!(summary(&o), "1 passed, 0 failed, 2 skipped");
}

#[test]
fn one_job_and_the_default_give_the_same_results() {
    let dir = scratch("tc-jobs");
    for i in 0..12 {
        let text = if i % 3 == 0 {
            format!("fn main() {{ print({i}); }} // expect: {}\n", i + 1)
        } else {
            format!("fn main() {{ print({i}); }} // expect: {i}\n")
        };
        write(&dir, &format!("t{i:02}.pbs"), &text);
    }
    let one = test_in(&dir, &["--jobs", "1", "."]);
    let many = test_in(&dir, &["."]);
    let four = test_in(&dir, &["--jobs", "4", "."]);
    assert_eq!(stdout(&one), stdout(&many));
    assert_eq!(stdout(&one), stdout(&four));
    assert_eq!(summary(&one), "8 passed, 4 failed");
    assert_eq!(code(&one), 1);
}

#[test]
fn junit_is_well_formed_xml_with_the_right_counts() {
    use quick_xml::events::Event;
    let dir = scratch("tc-junit");
    write(&dir, "run_ok.pbs", PASSING);
    write(
        &dir,
        "run_bad.pbs",
        "fn main() { print(\"<&>\\\"'\\u{1B}\"); } // expect: fine\n",
    );
    write(&dir, "other.pbs", PASSING);
    let o = test_in(&dir, &["--junit", "report.xml", "--filter", "run_", "."]);
    assert_eq!(code(&o), 1);
    assert_eq!(summary(&o), "1 passed, 1 failed, 1 skipped");
    let xml = std::fs::read_to_string(dir.join("report.xml")).expect("report");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut skipped) = (0, 0, 0);
    let mut failure_text = String::new();
    let mut in_failure = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => cases += 1,
                b"failure" => {
                    failures += 1;
                    in_failure = true;
                }
                b"skipped" => skipped += 1,
                b"testsuite" => {
                    let attr = |name: &str| {
                        e.try_get_attribute(name)
                            .expect("attribute")
                            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                    };
                    assert_eq!(attr("tests").as_deref(), Some("3"));
                    assert_eq!(attr("failures").as_deref(), Some("1"));
                    assert_eq!(attr("skipped").as_deref(), Some("1"));
                }
                _ => {}
            },
            Event::Text(t) if in_failure => {
                failure_text.push_str(&t.decode().expect("text"));
            }
            Event::GeneralRef(r) if in_failure => {
                let name = r.decode().expect("ref");
                failure_text.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    "#10" => "\n",
                    other => panic!("unexpected reference {other}"),
                });
            }
            Event::End(e) if e.name().as_ref() == b"failure" => in_failure = false,
            _ => {}
        }
    }
    assert_eq!((cases, failures, skipped), (3, 1, 1));
    assert!(
        failure_text.contains("actual:   \"<&>\\\"'\\u{1b}\""),
        "{failure_text}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn a_runaway_script_fails_under_max_cycles() {
    let dir = scratch("tc-runaway");
    write(&dir, "spin.pbs", "fn main() {\n    while true {}\n}\n");
    let o = test_in(&dir, &["--max-cycles", "100000", "spin.pbs"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("unexpected trap: line 2: cycle budget exhausted: the program used more than 100000 cycles"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_runaway_cart_fails_under_max_cycles() {
    let dir = scratch("tc-runaway-cart");
    write(
        &dir,
        "spin.pbs",
        "// test: frames=1000000000\n[Frame]\nfn frame() {\n    while true {}\n}\n",
    );
    let o = test_in(&dir, &["--max-cycles", "5000000", "spin.pbs"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("the cart used more than 5000000 cycles, the test's cycle limit, after 5 of 1000000000 frames"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = scratch("tc-usage");
    write(&dir, "notes.txt", "hello\n");
    for (args, message) in [
        (&["missing"][..], "`missing` does not exist"),
        (&["notes.txt"][..], "`notes.txt` is not a `.pbs` test file"),
        (&[][..], "there is no `tests/` directory here"),
        (
            &["--junit", "x.pbs", "."][..],
            "--junit names the report to write",
        ),
        (&["--jobs", "0", "."][..], "--jobs"),
        (&["--frobnicate"][..], "--frobnicate"),
    ] {
        let o = test_in(&dir, args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn the_default_path_is_tests() {
    let dir = scratch("tc-default");
    std::fs::create_dir_all(dir.join("tests/deep")).expect("mkdir");
    write(&dir.join("tests/deep"), "a.pbs", PASSING);
    write(&dir, "outside.pbs", "fn main() { print(1); }\n");
    let o = test_in(&dir, &[]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(stdout(&o), "ok   tests/deep/a.pbs\n1 passed, 0 failed\n");
}

#[test]
fn the_example_tests_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = test_in(root, &["examples/tests"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(summary(&o).ends_with(" passed, 0 failed"), "{}", stdout(&o));
}

#[test]
fn frames_are_ticks_as_with_run_frames_so_overruns_count() {
    let dir = scratch("tc-ticks");
    let cart = "[Frame]\nfn frame() {\n    let s = 0;\n    for i from 0 until 400 {\n        s += i;\n    }\n    print(System.frame());\n}\n";
    let path = write(&dir, "slow.pbs", cart);
    let run = Command::new(env!("CARGO_BIN_EXE_prometeuc"))
        .args(["run", &path, "--frames", "8", "--cycles-per-frame", "500"])
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let printed = String::from_utf8_lossy(&run.stdout).into_owned();
    let lines: Vec<&str> = printed.lines().collect();
    assert!(
        !lines.is_empty() && lines.len() < 8,
        "the frames must overrun: {printed:?}"
    );
    let expects: String = lines.iter().map(|l| format!("// expect: {l}\n")).collect();
    write(
        &dir,
        "slow.pbs",
        &format!("// test: frames=8 cycles-per-frame=500\n{expects}{cart}"),
    );
    let o = test_in(&dir, &["slow.pbs"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn system_exit_ends_a_cart_test_early() {
    let dir = scratch("tc-exit");
    write(
        &dir,
        "quit.pbs",
        "// test: frames=100\n[Frame]\nfn frame() {\n    print(System.frame()); // expect: 0\n    // expect: 1\n    // expect: 2\n    if System.frame() == 2 {\n        System.exit();\n    }\n}\n",
    );
    let o = test_in(&dir, &["quit.pbs"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn cart_may_name_a_pmc_file_which_is_validated() {
    let dir = scratch("tc-pmc");
    let game = write(
        &dir,
        "game.pbs",
        "[Frame]\nfn frame() {\n    if System.frame() == 0 {\n        Audio.tone(1, Wave.SINE, 300, 2, 255);\n        print(\"go\");\n    }\n}\n",
    );
    let pmc = dir.join("game.pmc");
    let built = Command::new(env!("CARGO_BIN_EXE_prometeuc"))
        .args(["build", &game, "--pmc", pmc.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(built.status.success());
    write(
        &dir,
        "t.pbs",
        "// test: cart=game.pmc frames=4\n// expect: go\n// expect audio: game.wav\n",
    );
    let o = test_in(&dir, &["--bless", "t.pbs"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let o = test_in(&dir, &["t.pbs"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let mut bytes = std::fs::read(&pmc).unwrap();
    bytes.truncate(bytes.len() - 3);
    std::fs::write(&pmc, bytes).unwrap();
    let o = test_in(&dir, &["t.pbs"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("line 1: invalid single-file cart `game.pmc`: it is truncated at byte"),
        "{}",
        stdout(&o)
    );
}
