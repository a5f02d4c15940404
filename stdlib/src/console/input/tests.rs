//! Tests of the pad and the input-log format.

use super::*;

const fn mask(ids: &[i64]) -> u16 {
    let mut m = 0;
    let mut i = 0;
    while i < ids.len() {
        m |= 1 << ids[i];
        i += 1;
    }
    m
}

#[test]
fn button_ids_follow_the_spec() {
    assert_eq!(
        [UP, DOWN, LEFT, RIGHT, A, B, X, Y, L, R, START, SELECT],
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    );
    assert_eq!(BUTTON_NAMES[START as usize], "START");
    assert_eq!(BUTTON_MASK, 0x0fff);
}

#[test]
fn pad_detects_edges() {
    let mut pad = Pad::new();
    pad.latch(mask(&[A]));
    assert!(pad.btn(A) && pad.btnp(A) && !pad.btnr(A));
    pad.latch(mask(&[A, B]));
    assert!(
        pad.btn(A) && !pad.btnp(A) && !pad.btnr(A),
        "A is still held"
    );
    assert!(pad.btn(B) && pad.btnp(B));
    pad.latch(mask(&[B]));
    assert!(!pad.btn(A) && !pad.btnp(A) && pad.btnr(A), "A was released");
    pad.latch(0);
    assert!(pad.btnr(B) && !pad.btn(B));
    pad.latch(0);
    assert!(!pad.btnr(B), "a release lasts one frame");
    assert_eq!(pad.previous(), 0);
}

#[test]
fn pad_rejects_invalid_ids_and_bits() {
    let mut pad = Pad::new();
    pad.latch(0xffff);
    assert_eq!(pad.held(), 0x0fff, "bits above SELECT are dropped");
    for id in [-1, 12, 16, 64, i64::MIN, i64::MAX] {
        assert!(!pad.btn(id) && !pad.btnp(id) && !pad.btnr(id), "id {id}");
    }
    assert!(pad.btn(SELECT) && pad.btnp(UP));
}

#[test]
fn parses_the_documented_example() {
    let text = "# walk right, then jump\n\n0 RIGHT\n12 right + a  # jump\n20 RIGHT\n30 -\n";
    let log = InputLog::parse(text).unwrap();
    assert_eq!(
        log.changes(),
        &[
            (0, mask(&[RIGHT])),
            (12, mask(&[RIGHT, A])),
            (20, mask(&[RIGHT])),
            (30, 0)
        ]
    );
    assert_eq!(log.held_at(0), mask(&[RIGHT]));
    assert_eq!(log.held_at(11), mask(&[RIGHT]));
    assert_eq!(log.held_at(12), mask(&[RIGHT, A]));
    assert_eq!(log.held_at(29), mask(&[RIGHT]));
    assert_eq!(log.held_at(30), 0);
    assert_eq!(log.held_at(u64::MAX), 0);
    let late = InputLog::parse("5 START+SELECT").unwrap();
    assert_eq!(late.held_at(4), 0, "nothing is held before the first line");
    assert_eq!(late.held_at(5), mask(&[START, SELECT]));
}

#[test]
fn parse_errors_name_their_line() {
    let cases = [
        ("0 A\n\n# c\n5 JUMP\n", 4, "unknown button `JUMP`"),
        ("0 A\nx B\n", 2, "bad frame number `x`"),
        ("-3 A\n", 1, "bad frame number `-3`"),
        (
            "0 A\n5 B\n5 A\n",
            3,
            "frame 5 is not after the previous frame 5",
        ),
        ("9 A\n2 B\n", 2, "frame 2 is not after the previous frame 9"),
        ("7\n", 1, "missing buttons"),
        ("7 A+\n", 1, "empty button name in `A+`"),
        ("7 A B\n", 1, "unknown button `A B`"),
        (
            "0 -+A\n",
            1,
            "`-` means no buttons and cannot be combined with buttons in `-+A`",
        ),
    ];
    for (text, line, needle) in cases {
        let err = InputLog::parse(text).unwrap_err();
        assert_eq!(err.line, line, "{text:?}");
        assert!(err.message.contains(needle), "{text:?}: {}", err.message);
        assert!(err
            .to_string()
            .starts_with(&format!("input log line {line}: ")));
    }
}

#[test]
fn empty_and_comment_only_logs_hold_nothing() {
    for text in ["", "\n\n", "# nothing\n   # still nothing"] {
        let log = InputLog::parse(text).unwrap();
        assert_eq!(log, InputLog::new());
        assert_eq!(log.held_at(100), 0);
    }
}

#[test]
fn recorder_keeps_only_changes() {
    let mut rec = Recorder::new();
    let (a, ax) = (mask(&[A]), mask(&[A, X]));
    let frames = [0, 0, a, a, a, ax, ax, 0, 0, 0x0800];
    for (frame, &held) in frames.iter().enumerate() {
        assert!(rec.record(frame as u64, held));
    }
    assert!(!rec.record(3, 1), "frames must increase");
    assert_eq!(rec.log().changes(), &[(2, a), (5, ax), (7, 0), (9, 0x0800)]);
    assert_eq!(
        rec.render(),
        "# PROMETEU input log: `<frame> <buttons>` per change\n2 A\n5 A+X\n7 -\n9 SELECT\n"
    );
    let log = rec.into_log();
    for (frame, &held) in frames.iter().enumerate() {
        assert_eq!(log.held_at(frame as u64), held);
    }
}

#[test]
fn render_round_trips() {
    let mut log = InputLog::new();
    let mut state = 12345u64;
    let mut frame = 0u64;
    for _ in 0..500 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        frame += (state >> 60) + 1;
        assert!(log.push(frame, (state >> 20) as u16));
    }
    assert!(log.push(u64::MAX, 0));
    assert!(!log.push(u64::MAX, 1));
    let text = log.render();
    assert_eq!(InputLog::parse(&text).unwrap(), log);
    assert_eq!(InputLog::parse(&text).unwrap().render(), text);
}
