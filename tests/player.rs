//! The window player under a virtual X display (Xvfb): keys pressed with xdotool are
//! recorded and replay headless byte for byte, the window shows the screen at the chosen
//! integer scale, frames are never faster than 60 per second, `watch` reloads on edits and
//! keeps the old program on a compile error, without a display `play` exits 1, without a
//! sound device it runs silent with one notice, and save slots persist between runs.
//!
//! These tests need `Xvfb`, `xdotool` and `xwd` (Debian: `xvfb xdotool x11-apps`); `.ci/run`
//! installs them. Without them a test fails saying what to install; it never passes silently.

mod common;
#[path = "player/harness.rs"]
mod harness;

use common::{scratch, stderr, write};
use harness::*;
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

/// A cart whose picture depends only on the buttons held: a box moved by RIGHT, and a
/// second box that turns yellow while A is held.
const MOVER: &str = r#"
declare global x: int = 10;

[Frame]
fn frame() {
    if Input.btn(Button.RIGHT) { x += 2; }
    Gfx.clear(Color.BLACK);
    Gfx.fill_rect(x, 80, 16, 16, Color.rgb(255, 160, 0));
    if Input.btn(Button.A) { Gfx.fill_rect(200, 20, 8, 8, Color.YELLOW); }
    Gfx.text(4, 4, "x " + str(x), Color.WHITE);
}
"#;

#[test]
fn keys_pressed_in_the_window_are_recorded_and_replay_headless_byte_for_byte() {
    let display = Display::start();
    let dir = scratch("player-keys");
    write(&dir, "mover.pbs", MOVER);
    std::fs::create_dir_all(dir.join("config/prometeuc")).unwrap();
    // The key-map file moves A from Z to J; RIGHT keeps its default key.
    write(
        &dir.join("config/prometeuc"),
        "keys.json",
        r#"{"A": ["KeyJ"]}"#,
    );
    let mut child = display.prometeuc(
        &dir,
        &[
            "play",
            "mover.pbs",
            "--scale",
            "2",
            "--frames",
            "240",
            "--record",
            "play.log",
            "--screenshot",
            "play.png",
            "--pacing-log",
            "pacing.log",
        ],
    );
    let window = display.window("mover - PROMETEU");
    display.focus(&window);
    std::thread::sleep(Duration::from_millis(300));
    let sent_right = epoch_us();
    display.client("xdotool", &["keydown", "Right"]);
    std::thread::sleep(Duration::from_millis(400));
    display.client("xdotool", &["keyup", "Right"]);
    let sent_j = epoch_us();
    display.client("xdotool", &["keydown", "j"]);
    std::thread::sleep(Duration::from_millis(200));
    display.client("xdotool", &["keyup", "j"]);
    let status = wait_bounded(&mut child, Duration::from_secs(90));
    let err = std::fs::read_to_string(dir.join("stderr.txt")).unwrap();
    assert!(status.success(), "{status:?}\n{err}");
    let log = std::fs::read_to_string(dir.join("play.log")).unwrap();
    let held: Vec<&str> = log
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert!(held.contains(&"RIGHT"), "RIGHT not recorded:\n{log}");
    assert!(held.contains(&"A"), "A (on J) not recorded:\n{log}");
    let replay = common::prometeuc(&[
        "run",
        dir.join("mover.pbs").to_str().unwrap(),
        "--input",
        dir.join("play.log").to_str().unwrap(),
        "--frames",
        "240",
        "--screenshot",
        dir.join("replay.png").to_str().unwrap(),
    ]);
    assert!(replay.status.success(), "{}", stderr(&replay));
    let played = std::fs::read(dir.join("play.png")).unwrap();
    assert_eq!(played, std::fs::read(dir.join("replay.png")).unwrap());
    let log = pacing(&dir.join("pacing.log"));
    assert_eq!(log.presses.len(), 2, "one latency per key press");
    let frame_time = |n: u64| log.times.iter().find(|&&(f, _)| f == n).unwrap().1;
    let from_send: Vec<u64> = log
        .presses
        .iter()
        .zip([sent_right, sent_j])
        .map(|(&(n, _), sent)| frame_time(n).saturating_sub(sent))
        .collect();
    eprintln!(
        "input latency: event to frame {:?} µs; xdotool start to frame {:?} µs",
        log.presses.iter().map(|p| p.1).collect::<Vec<_>>(),
        from_send
    );
}

#[test]
fn the_window_shows_the_screen_at_the_default_scale_and_frames_are_never_early() {
    let display = Display::start();
    let dir = scratch("player-scale");
    write(
        &dir,
        "stripes.pbs",
        r#"
[Frame]
fn frame() {
    Gfx.clear(Color.BLACK);
    for i from 0 until 32 {
        Gfx.fill_rect(i * 10, 0, 5, 180, Color.rgb(i * 8, 255 - i * 8, 128));
    }
    Gfx.pixel(1, 1, Color.WHITE);
    Gfx.pixel(318, 178, Color.RED);
    Gfx.text(100, 100, "scale", Color.YELLOW);
}
"#,
    );
    let mut child = display.prometeuc(
        &dir,
        &[
            "play",
            "stripes.pbs",
            "--frames",
            "600",
            "--screenshot",
            "shot.png",
            "--pacing-log",
            "pacing.log",
        ],
    );
    let window = display.window("stripes - PROMETEU");
    // The cart draws the same picture every frame, so any presented frame is the last one.
    let (w, h, window_rgb) = dump_until(
        &display,
        &window,
        &dir.join("window.xwd"),
        "the cart",
        |_, rgb| rgb.iter().any(|&c| c != 0),
    );
    let status = wait_bounded(&mut child, Duration::from_secs(90));
    let err = std::fs::read_to_string(dir.join("stderr.txt")).unwrap();
    assert!(status.success(), "{status:?}\n{err}");
    // 1280×720 less a tenth for decorations fits 3×(320×180).
    assert_eq!((w, h), (960, 540), "default scale 3 on a 1280x720 screen");
    let (sw, sh, shot) = png_rgb(&dir.join("shot.png"));
    assert_eq!((sw, sh), (320, 180), "the screenshot is unscaled");
    for y in 0..h as usize {
        for x in 0..w as usize {
            let got = &window_rgb[(y * w as usize + x) * 3..][..3];
            let want = &shot[((y / 3) * 320 + x / 3) * 3..][..3];
            assert_eq!(got, want, "window pixel ({x}, {y})");
        }
    }
    let intervals = pacing(&dir.join("pacing.log")).intervals;
    assert_eq!(intervals.len(), 599);
    let total: u64 = intervals.iter().sum();
    // A fixed 60 Hz step is never early: frame k runs at the earliest k/60 s after the clock
    // starts, so 599 intervals last at least 599/60 s less the lateness of the first frame,
    // which the clock lets build up to 250 ms before it lets go of lost time.
    assert!(total >= 599 * 16_666 - 250_000, "600 frames in {total} µs");
    eprintln!(
        "frame pacing over 600 frames: mean {:.2} ms, worst {:.2} ms",
        total as f64 / intervals.len() as f64 / 1000.0,
        *intervals.iter().max().unwrap() as f64 / 1000.0
    );
}

/// The mover cart with its box in `colour`.
fn mover_in(colour: &str) -> String {
    MOVER.replace("Color.rgb(255, 160, 0)", &format!("Color.{colour}"))
}

/// Waits (at most 10 s) until the player's standard error contains `text` `count` times.
fn await_stderr(dir: &Path, text: &str, count: usize) {
    let start = Instant::now();
    while std::fs::read_to_string(dir.join("stderr.txt"))
        .unwrap()
        .matches(text)
        .count()
        < count
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no {text:?} on stderr"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn watch_reloads_a_changed_source_at_the_same_moment_and_keeps_the_old_program_on_a_compile_error()
{
    let display = Display::start();
    let dir = scratch("player-watch");
    write(&dir, "game.pbs", &mover_in("RED"));
    let mut child = display.prometeuc(
        &dir,
        &[
            "watch",
            "game.pbs",
            "--frames",
            "360",
            "--scale",
            "2",
            "--screenshot",
            "end.png",
            "--record",
            "watch.log",
        ],
    );
    let window = display.window("game - PROMETEU");
    display.focus(&window);
    display.client("xdotool", &["keydown", "Right"]);
    std::thread::sleep(Duration::from_millis(500));
    display.client("xdotool", &["keyup", "Right"]);
    write(&dir, "game.pbs", &mover_in("BLUE"));
    await_stderr(&dir, "reloaded", 1);
    write(
        &dir,
        "game.pbs",
        &mover_in("GREEN").replace("Color.BLACK);", "Color.BLACK)"),
    );
    await_stderr(&dir, "E0100", 1);
    let status = wait_bounded(&mut child, Duration::from_secs(90));
    let err = std::fs::read_to_string(dir.join("stderr.txt")).unwrap();
    assert!(status.success(), "{status:?}\n{err}");
    assert_eq!(err.matches("reloaded").count(), 1, "{err}");
    // The blue program, replaying the recorded input from boot, lands on the same frame.
    let blue = scratch("player-watch-blue");
    let source = write(&blue, "game.pbs", &mover_in("BLUE"));
    let log = std::fs::read_to_string(dir.join("watch.log")).unwrap();
    assert!(log.contains("RIGHT"), "{log}");
    let replay = common::prometeuc(&[
        "run",
        &source,
        "--input",
        dir.join("watch.log").to_str().unwrap(),
        "--frames",
        "360",
        "--screenshot",
        blue.join("end.png").to_str().unwrap(),
    ]);
    assert!(replay.status.success(), "{}", stderr(&replay));
    let (_, _, end) = png_rgb(&dir.join("end.png"));
    assert_eq!(end, png_rgb(&blue.join("end.png")).2);
    let box_pixel = |rgb: &[u8], x: usize| rgb[(88 * 320 + x) * 3..][..3].to_vec();
    assert!(
        (0..320).any(|x| box_pixel(&end, x) == [0, 0, 255]),
        "the box is blue: the edited program runs"
    );
}

/// A cart that moves a box every frame, so frames differ.
const ANIMATED: &str = r#"
[Frame]
fn frame() {
    Gfx.clear(Color.BLACK);
    Gfx.fill_rect(System.frame() % 300, 120, 16, 16, Color.rgb(255, 160, 0));
    Gfx.text(8, 150, "frame " + str(System.frame()), Color.WHITE);
}
"#;

/// The files in `dir` whose names start with `prefix` and end with `suffix`, sorted.
fn files(dir: &Path, prefix: &str, suffix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix) && n.ends_with(suffix))
        .collect();
    names.sort();
    names
}

/// Sends one key press and gives the player a moment to handle it.
fn press(display: &Display, key: &str) {
    display.client("xdotool", &["key", key]);
    std::thread::sleep(Duration::from_millis(300));
}

/// Dumps the window and decodes it.
fn dump(display: &Display, window: &str, path: &Path) -> (u32, u32, Vec<u8>) {
    display.client(
        "xwd",
        &["-id", window, "-silent", "-out", path.to_str().unwrap()],
    );
    xwd_rgb(&std::fs::read(path).expect("xwd wrote the dump"))
}

/// Dumps the window until `shows` holds for the picture (at most 10 s).
fn dump_until(
    display: &Display,
    window: &str,
    path: &Path,
    what: &str,
    shows: impl Fn(u32, &[u8]) -> bool,
) -> (u32, u32, Vec<u8>) {
    let start = Instant::now();
    loop {
        let (w, h, rgb) = dump(display, window, path);
        if shows(w, &rgb) {
            return (w, h, rgb);
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the window never showed {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits (at most 10 s) for `count` files named `prefix…suffix` in `dir`, and returns them.
fn await_files(dir: &Path, prefix: &str, suffix: &str, count: usize) -> Vec<String> {
    let start = Instant::now();
    loop {
        let found = files(dir, prefix, suffix);
        if found.len() >= count {
            return found;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "only {found:?} were written"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether the window's top-right corner shows the pause label's background.
fn shows_pause_label(w: u32, rgb: &[u8]) -> bool {
    let w = w as usize;
    (8..16).any(|y| (w - 60..w).any(|x| rgb[(y * w + x) * 3..][..3] == [32, 32, 32]))
}

#[test]
fn host_keys_pause_step_overlay_screenshot_gif_restart_and_quit() {
    let display = Display::start();
    let dir = scratch("player-host-keys");
    write(&dir, "anim.pbs", ANIMATED);
    let mut child = display.prometeuc(&dir, &["play", "anim.pbs", "--scale", "2"]);
    let window = display.window("anim - PROMETEU");
    display.focus(&window);
    std::thread::sleep(Duration::from_millis(500));
    press(&display, "p");
    let (w, h, paused) = dump_until(
        &display,
        &window,
        &dir.join("a.xwd"),
        "the pause label",
        shows_pause_label,
    );
    assert_eq!((w, h), (640, 360));
    press(&display, "F1");
    let (_, _, overlay) = dump_until(
        &display,
        &window,
        &dir.join("b.xwd"),
        "the overlay",
        |_, rgb| rgb[(8 * 640 + 8) * 3..][..3] == [32, 32, 32],
    );
    let changed: Vec<usize> = (0..(w * h) as usize)
        .filter(|&i| paused[i * 3..i * 3 + 3] != overlay[i * 3..i * 3 + 3])
        .collect();
    assert!(!changed.is_empty(), "F1 shows the overlay");
    assert!(
        changed
            .iter()
            .all(|&i| i % (w as usize) < 320 && i / (w as usize) < 180),
        "the overlay sits in the top-left corner"
    );
    press(&display, "F12");
    let shots = await_files(&dir, "anim-", ".png", 1);
    assert_eq!(shots.len(), 1, "{shots:?}");
    let (sw, sh, shot) = png_rgb(&dir.join(&shots[0]));
    assert_eq!((sw, sh), (320, 180), "screenshots are unscaled");
    // The screenshot is the paused frame without the overlay or the pause label.
    for y in 0..360usize {
        for x in 0..500usize {
            let want = &shot[((y / 2) * 320 + x / 2) * 3..][..3];
            assert_eq!(&paused[(y * 640 + x) * 3..][..3], want, "({x}, {y})");
        }
    }
    press(&display, "period");
    press(&display, "period");
    press(&display, "F12");
    let shots = await_files(&dir, "anim-", ".png", 2);
    assert_eq!(shots.len(), 2, "{shots:?}");
    let frame = |name: &str| -> u64 { name["anim-".len()..name.len() - 4].parse().unwrap() };
    assert_eq!(
        frame(&shots[1]) - frame(&shots[0]),
        2,
        "`.` runs one frame: {shots:?}"
    );
    press(&display, "F9");
    press(&display, "p");
    std::thread::sleep(Duration::from_millis(500));
    press(&display, "F9");
    let gifs = await_files(&dir, "anim-", ".gif", 1);
    assert_eq!(gifs.len(), 1, "F9 twice saves a GIF");
    let gif = gif::DecodeOptions::new()
        .read_info(std::fs::File::open(dir.join(&gifs[0])).unwrap())
        .unwrap();
    assert_eq!((gif.width(), gif.height()), (320, 180));
    press(&display, "F5");
    press(&display, "Escape");
    let status = wait_bounded(&mut child, Duration::from_secs(90));
    let err = std::fs::read_to_string(dir.join("stderr.txt")).unwrap();
    assert!(status.success(), "{status:?}\n{err}");
    assert!(err.contains("saved gif"), "{err}");
    assert!(err.contains("restarted"), "{err}");
}

#[test]
fn a_trap_keeps_the_last_frame_with_a_banner_and_exits_3() {
    let display = Display::start();
    let dir = scratch("player-trap");
    write(
        &dir,
        "crash.pbs",
        "[Frame]\nfn frame() {\n    Gfx.clear(Color.BLUE);\n    if System.frame() == 20 {\n        let zero = 0;\n        print(str(1 / zero));\n    }\n}\n",
    );
    let mut child = display.prometeuc(
        &dir,
        &[
            "play",
            "crash.pbs",
            "--scale",
            "2",
            "--screenshot",
            "last.png",
        ],
    );
    let window = display.window("crash - PROMETEU");
    await_stderr(&dir, "trap:", 1);
    let (w, h, shown) = dump_until(
        &display,
        &window,
        &dir.join("trap.xwd"),
        "the banner",
        |w, rgb| rgb[((349 * w + 1) * 3) as usize..][..3] == [176, 32, 32],
    );
    let banner = (0..(w * h) as usize).filter(|&i| shown[i * 3..i * 3 + 3] == [176, 32, 32]);
    assert!(
        banner.clone().count() > 1000 && banner.clone().all(|i| i / (w as usize) >= 300),
        "a red banner along the bottom"
    );
    assert_eq!(&shown[..3], &[0, 0, 255], "the last frame stays on screen");
    display.focus(&window);
    press(&display, "Escape");
    let status = wait_bounded(&mut child, Duration::from_secs(90));
    assert_eq!(status.code(), Some(3));
    let err = std::fs::read_to_string(dir.join("stderr.txt")).unwrap();
    assert!(err.contains("crash.pbs:6"), "the trap's place: {err}");
    let (_, _, last) = png_rgb(&dir.join("last.png"));
    assert!(
        last.chunks(3).all(|p| p == [0, 0, 255]),
        "no banner in the screenshot"
    );
}

#[test]
fn without_a_display_play_and_watch_exit_1_with_a_message() {
    let dir = scratch("player-nodisplay");
    let cart = write(&dir, "mover.pbs", MOVER);
    for command in ["play", "watch"] {
        let out = Command::new(env!("CARGO_BIN_EXE_prometeuc"))
            .args([command, &cart, "--frames", "5"])
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("WAYLAND_SOCKET")
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {err}");
        assert!(
            err.contains("error: no display to open a window on"),
            "{err}"
        );
        assert!(err.contains("prometeuc run FILE --frames N"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_bad_key_map_file_is_reported_before_the_window_opens() {
    let dir = scratch("player-keymap");
    let cart = write(&dir, "mover.pbs", MOVER);
    std::fs::create_dir_all(dir.join("config/prometeuc")).unwrap();
    write(
        &dir.join("config/prometeuc"),
        "keys.json",
        r#"{"JUMP": ["Space"]}"#,
    );
    let out = Command::new(env!("CARGO_BIN_EXE_prometeuc"))
        .args(["play", &cart])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("invalid key map"), "{err}");
    assert!(
        err.contains("unknown button `JUMP`: expected one of UP DOWN"),
        "{err}"
    );
}

#[test]
fn play_refuses_a_script_with_a_usage_error() {
    let dir = scratch("player-script");
    let script = write(&dir, "hello.pbs", "fn main() { print(\"hi\"); }\n");
    let out = common::prometeuc(&["play", &script]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    common::assert_stderr_contains(&out, "is a script");
}

/// A cart that beeps at frame 0, counts its boots in slot 0 (printing the count), and writes
/// slot 1 at frame 5.
const SAVER: &str = "[Init]\nfn init() {\n    Save.set(0, Save.get(0) + 1);\n}\n\n[Frame]\nfn frame() {\n    if System.frame() == 0 {\n        Audio.tone(0, Wave.SINE, 440, 30, 255);\n        print(\"boots \" + str(Save.get(0)));\n    }\n    if System.frame() == 5 {\n        Save.set(1, 5);\n    }\n    Gfx.clear(Color.BLUE);\n}\n";

/// Runs `prometeuc ARGS` in the window from `dir` until it quits (at most 30 s) and returns
/// its exit status, standard output and standard error.
fn play_to_end(display: &Display, dir: &Path, args: &[&str]) -> (ExitStatus, String, String) {
    let mut child = display.prometeuc(dir, args);
    let status = wait_bounded(&mut child, Duration::from_secs(90));
    let out = std::fs::read_to_string(dir.join("stdout.txt")).unwrap();
    let err = std::fs::read_to_string(dir.join("stderr.txt")).unwrap();
    (status, out, err)
}

#[test]
fn without_a_sound_device_play_says_so_once_and_still_records_and_screenshots() {
    let display = Display::start();
    let dir = scratch("player-no-sound");
    write(&dir, "saver.pbs", SAVER);
    let args = [
        "play",
        "saver.pbs",
        "--frames",
        "20",
        "--scale",
        "1",
        "--record",
        "play.log",
        "--screenshot",
        "last.png",
    ];
    let (status, _, err) = play_to_end(&display, &dir, &args);
    assert!(status.success(), "{status:?}\n{err}");
    let notices: Vec<&str> = err.lines().filter(|l| l.contains("sound")).collect();
    assert_eq!(
        notices,
        ["no sound: the audio device is not available; the cart runs silent (--mute skips the sound device)"],
        "exactly one notice, and no noise from the sound library:\n{err}"
    );
    assert!(!err.contains("ALSA"), "{err}");
    let (w, h, last) = png_rgb(&dir.join("last.png"));
    assert_eq!((w, h), (320, 180));
    assert!(
        last.chunks(3).all(|p| p == [0, 0, 255]),
        "the cart's screen"
    );
    let headless = common::prometeuc(&[
        "run",
        dir.join("saver.pbs").to_str().unwrap(),
        "--frames",
        "20",
        "--record",
        dir.join("run.log").to_str().unwrap(),
        "--screenshot",
        dir.join("run.png").to_str().unwrap(),
    ]);
    assert!(headless.status.success(), "{}", stderr(&headless));
    for (played, ran) in [("play.log", "run.log"), ("last.png", "run.png")] {
        assert_eq!(
            std::fs::read(dir.join(played)).unwrap(),
            std::fs::read(dir.join(ran)).unwrap(),
            "{played} is what the headless run writes"
        );
    }

    let mut muted = args.to_vec();
    muted.push("--mute");
    let (status, _, err) = play_to_end(&display, &dir, &muted);
    assert!(status.success(), "{status:?}\n{err}");
    assert!(!err.contains("sound"), "--mute opens no device: {err}");
    assert!(dir.join("last.png").exists());
}

#[test]
fn play_save_file_keeps_the_slots_for_the_next_play() {
    let display = Display::start();
    let dir = scratch("player-save-file");
    write(&dir, "saver.pbs", SAVER);
    for boots in 1..=2 {
        let (status, out, err) = play_to_end(
            &display,
            &dir,
            &[
                "play",
                "saver.pbs",
                "--frames",
                "10",
                "--mute",
                "--save",
                "my.sav",
            ],
        );
        assert!(status.success(), "{status:?}\n{err}");
        assert_eq!(out, format!("boots {boots}\n"), "{err}");
    }
    let slots = prometeu::save::decode(&std::fs::read(dir.join("my.sav")).unwrap(), "saver")
        .expect("a save file of the cart");
    assert_eq!((slots[0], slots[1], slots[2]), (2, 5, 0));
    assert!(
        !dir.join("data").exists(),
        "--save replaces the data directory"
    );
    // A foreign file is reported, left untouched, and the run keeps its saves in memory.
    let foreign = prometeu::save::encode("snake", &[7; 256]);
    std::fs::write(dir.join("snake.sav"), &foreign).unwrap();
    let (status, out, err) = play_to_end(
        &display,
        &dir,
        &[
            "play",
            "saver.pbs",
            "--frames",
            "10",
            "--mute",
            "--save",
            "snake.sav",
        ],
    );
    assert!(status.success(), "{status:?}\n{err}");
    assert_eq!(out, "boots 1\n");
    assert!(
        err.contains("warning: the save file `snake.sav` is not used: it belongs to the cart `snake`, not to `saver`; it is left untouched and this run keeps its saves in memory"),
        "{err}"
    );
    assert_eq!(std::fs::read(dir.join("snake.sav")).unwrap(), foreign);
}

#[test]
fn without_save_play_keeps_the_slots_in_the_user_data_directory() {
    let display = Display::start();
    let dir = scratch("player-save-data");
    write(&dir, "Saver Cart.pbs", SAVER);
    for boots in 1..=2 {
        let (status, out, err) = play_to_end(
            &display,
            &dir,
            &["play", "Saver Cart.pbs", "--frames", "10", "--mute"],
        );
        assert!(status.success(), "{status:?}\n{err}");
        assert_eq!(out, format!("boots {boots}\n"), "{err}");
    }
    // XDG_DATA_HOME is `dir/data`; the app id of a source is its stem, reduced.
    let path = dir.join("data/prometeu/saves/saver_cart.sav");
    let slots = prometeu::save::decode(&std::fs::read(&path).unwrap(), "saver_cart")
        .expect("a save file of the cart");
    assert_eq!((slots[0], slots[1]), (2, 5));
}

#[test]
fn a_watch_reload_keeps_the_saves_and_does_not_count_a_boot() {
    let display = Display::start();
    let dir = scratch("player-watch-save");
    write(&dir, "saver.pbs", SAVER);
    let path = dir.join("data/prometeu/saves/saver.sav");
    let slots = || {
        std::fs::read(&path)
            .ok()
            .and_then(|b| prometeu::save::decode(&b, "saver").ok())
    };
    let mut child = display.prometeuc(&dir, &["watch", "saver.pbs", "--frames", "240", "--mute"]);
    let start = Instant::now();
    while slots().is_none_or(|s| s[1] != 5) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "frame 5 never saved slot 1"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    write(&dir, "saver.pbs", &SAVER.replace("Color.BLUE", "Color.RED"));
    await_stderr(&dir, "reloaded", 1);
    let status = wait_bounded(&mut child, Duration::from_secs(90));
    let out = std::fs::read_to_string(dir.join("stdout.txt")).unwrap();
    let err = std::fs::read_to_string(dir.join("stderr.txt")).unwrap();
    assert!(status.success(), "{status:?}\n{err}");
    assert_eq!(out, "boots 1\n", "the replay prints nothing: {err}");
    let s = slots().expect("the save file");
    assert_eq!(
        (s[0], s[1]),
        (1, 5),
        "the replay boots from the slots the run booted with"
    );
    let (status, out, err) = play_to_end(
        &display,
        &dir,
        &["play", "saver.pbs", "--frames", "3", "--mute"],
    );
    assert!(status.success(), "{status:?}\n{err}");
    assert_eq!(out, "boots 2\n", "the next run sees the kept slots");
}

#[test]
fn with_a_sound_device_the_player_streams_the_carts_sound_without_a_notice() {
    let display = Display::start();
    let dir = scratch("player-null-sound");
    write(&dir, "saver.pbs", SAVER);
    // ALSA's null device takes samples as fast as it is fed (it has no clock), which is
    // enough to drive the live path: the stream opens, the ring is fed and drained.
    write(&dir, "alsa.conf", "pcm.!default {\n    type null\n}\n");
    let (status, _, err) = play_to_end(
        &display,
        &dir,
        &[
            "play",
            "saver.pbs",
            "--frames",
            "30",
            "--mute",
            "--pacing-log",
            "muted.log",
        ],
    );
    assert!(status.success(), "{status:?}\n{err}");
    let muted = std::fs::read_to_string(dir.join("muted.log")).unwrap();
    assert!(!muted.contains("audio"), "--mute opens no device:\n{muted}");
    let (status, _, err) = play_to_end(
        &display,
        &dir,
        &[
            "play",
            "saver.pbs",
            "--frames",
            "30",
            "--pacing-log",
            "live.log",
        ],
    );
    assert!(status.success(), "{status:?}\n{err}");
    assert!(!err.contains("sound"), "the device opened: {err}");
    assert!(!err.contains("ALSA"), "{err}");
    let log = std::fs::read_to_string(dir.join("live.log")).unwrap();
    let audio = log.lines().last().unwrap();
    let words: Vec<&str> = audio.split_whitespace().collect();
    match words.as_slice() {
        ["audio", "underruns", _, "dropped_frames", dropped, "requested_frames", requested] => {
            assert_eq!(*dropped, "0", "a device this fast never fills the ring");
            assert!(requested.parse::<u64>().unwrap() > 0, "{audio}");
        }
        _ => panic!("no audio counters at the end of the pacing log:\n{log}"),
    }
}

/// A cart whose box takes its colour from a file it imports.
const IMPORTING: &str = r#"
import { box_color } from "./lib/look.pbs";

[Frame]
fn frame() {
    Gfx.clear(Color.BLACK);
    Gfx.fill_rect(100, 80, 16, 16, box_color());
}
"#;

/// The imported file of [`IMPORTING`], with the box in `colour`.
fn look_in(colour: &str) -> String {
    format!("pub fn box_color(): int {{\n    return Color.{colour};\n}}\n")
}

#[test]
fn watch_reloads_when_a_file_the_cart_imports_changes() {
    let display = Display::start();
    let dir = scratch("player-watch-import");
    let lib = dir.join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    write(&lib, "look.pbs", &look_in("RED"));
    write(&dir, "game.pbs", IMPORTING);
    let mut child = display.prometeuc(
        &dir,
        &[
            "watch",
            "game.pbs",
            "--frames",
            "600",
            "--screenshot",
            "end.png",
            "--mute",
        ],
    );
    display.window("game - PROMETEU");
    write(&lib, "look.pbs", &look_in("BLUE"));
    await_stderr(&dir, "reloaded", 1);
    let status = wait_bounded(&mut child, Duration::from_secs(90));
    let err = std::fs::read_to_string(dir.join("stderr.txt")).unwrap();
    assert!(status.success(), "{status:?}\n{err}");
    assert_eq!(err.matches("reloaded").count(), 1, "{err}");
    let (_, _, end) = png_rgb(&dir.join("end.png"));
    let at = (88 * 320 + 104) * 3;
    assert_eq!(
        end[at..at + 3],
        [0, 0, 255],
        "the box is blue: the edited import runs"
    );
}
