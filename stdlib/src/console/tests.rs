//! Tests of the console host functions as the VM calls them.

use super::*;
use prometeu_bytecode::HostType;
use prometeu_vm::{Heap, HostCtx, HostEntry, TrapKind, Value};
use std::any::Any;

/// The registered console functions.
fn registry() -> Hosts {
    let mut hosts = Hosts::new();
    register(&mut hosts);
    hosts
}

/// A heap big enough for the tests (the VM's limits are irrelevant here).
fn new_heap() -> Heap {
    Heap::new(1 << 20, 1 << 16, 1 << 16)
}

/// Calls a host function by name with `state` installed; returns its result and extra cycles.
fn call_with(
    state: &mut dyn Any,
    heap: &mut Heap,
    name: &str,
    args: &[Value],
) -> (Result<Value, TrapKind>, u64) {
    let hosts = registry();
    let entry: &HostEntry = hosts
        .entries()
        .iter()
        .find(|e| e.sig.name == name)
        .unwrap_or_else(|| panic!("{name} is not registered"));
    assert_eq!(entry.sig.params.len(), args.len(), "{name} arity");
    let mut out = String::new();
    let mut ctx = HostCtx {
        heap,
        structs: &[],
        enums: &[],
        out: &mut out,
        extra_cycles: 0,
        state,
        interrupt: None,
    };
    let result = (entry.func)(&mut ctx, args);
    let cycles = ctx.extra_cycles;
    assert!(out.is_empty(), "console functions print nothing");
    (result, cycles)
}

/// Calls a host function on a console with a fresh heap.
fn call(con: &mut Console, name: &str, args: &[i64]) -> (Result<Value, TrapKind>, u64) {
    let args: Vec<Value> = args.iter().map(|&i| Value::Int(i)).collect();
    call_with(con, &mut new_heap(), name, &args)
}

#[test]
fn signatures_match_the_spec() {
    use HostType::{Bank, Bool, Float, Int, Str, TileMap, Void};
    let expected: &[(&str, &[HostType], HostType)] = &[
        ("Gfx.clear", &[Int], Void),
        ("Gfx.pixel", &[Int, Int, Int], Void),
        ("Gfx.line", &[Int; 5], Void),
        ("Gfx.rect", &[Int; 5], Void),
        ("Gfx.fill_rect", &[Int; 5], Void),
        ("Gfx.circle", &[Int; 4], Void),
        ("Gfx.fill_circle", &[Int; 4], Void),
        ("Gfx.text", &[Int, Int, Str, Int], Void),
        ("Gfx.width", &[], Int),
        ("Gfx.height", &[], Int),
        ("Color.rgb", &[Int, Int, Int], Int),
        ("Input.btn", &[Int], Bool),
        ("Input.btnp", &[Int], Bool),
        ("Input.btnr", &[Int], Bool),
        ("Rand.seed", &[Int], Void),
        ("Rand.int", &[Int, Int], Int),
        ("Rand.float", &[], Float),
        ("System.frame", &[], Int),
        ("System.exit", &[], Void),
        ("Audio.tone", &[Int; 5], Void),
        ("Audio.silence", &[Int], Void),
        ("Audio.duty", &[Int, Int], Void),
        (
            "Audio.play",
            &[HostType::Sound, Int, Int, Int, Int, Bool],
            Void,
        ),
        ("Audio.stop", &[Int], Void),
        ("Audio.playing", &[Int], Bool),
        ("Audio.volume", &[Int, Int], Void),
        ("Sound.<text>", &[HostType::Sound], Str),
        ("Save.get", &[Int], Int),
        ("Save.set", &[Int, Int], Void),
        ("Gfx.spr", &[Bank, Int, Int, Int], Void),
        (
            "Gfx.spr_ex",
            &[Bank, Int, Int, Int, Int, Int, Bool, Bool],
            Void,
        ),
        ("Gfx.blit", &[Bank, Int, Int, Int, Int, Int, Int], Void),
        (
            "Gfx.map",
            &[TileMap, Int, Bank, Int, Int, Int, Int, Int, Int],
            Void,
        ),
        ("Gfx.camera", &[Int, Int], Void),
        ("Gfx.clip", &[Int; 4], Void),
        ("Gfx.unclip", &[], Void),
        ("Gfx.pget", &[Int, Int], Int),
        ("Color.r", &[Int], Int),
        ("Color.g", &[Int], Int),
        ("Color.b", &[Int], Int),
        ("TileMap.new", &[Int, Int, Int], TileMap),
        ("TileMap.<asset>", &[Int], TileMap),
        ("TileMap.get", &[TileMap, Int, Int, Int], Int),
        ("TileMap.set", &[TileMap, Int, Int, Int, Int], Void),
        ("TileMap.width", &[TileMap], Int),
        ("TileMap.height", &[TileMap], Int),
        ("TileMap.layers", &[TileMap], Int),
    ];
    let sigs = registry().signatures();
    assert_eq!(sigs.len(), expected.len());
    for (sig, (name, params, result)) in sigs.iter().zip(expected) {
        assert_eq!(
            (sig.name.as_str(), sig.params.as_slice(), sig.result),
            (*name, *params, *result)
        );
    }
    let all = crate::hosts().signatures();
    for (i, a) in all.iter().enumerate() {
        assert!(!all[i + 1..].contains(a), "{} registered twice", a.name);
    }
}

#[test]
fn drawing_writes_the_screen_and_charges_per_pixel() {
    let mut con = Console::new(0);
    let (r, cycles) = call(&mut con, "Gfx.clear", &[i64::from(BLUE)]);
    assert_eq!(r, Ok(Value::Unit));
    assert_eq!(cycles, 320 * 180 / 4);
    assert!(con.fb.pixels().iter().all(|&p| p == BLUE));
    let (_, cycles) = call(&mut con, "Gfx.fill_rect", &[-5, -5, 15, 13, i64::from(RED)]);
    assert_eq!(cycles, 80 / 4);
    assert_eq!(con.fb.get(9, 7), Some(RED));
    assert_eq!(con.fb.get(10, 7), Some(BLUE));
    let (_, cycles) = call(&mut con, "Gfx.pixel", &[400, 0, 0]);
    assert_eq!(cycles, 0, "an off-screen pixel costs only the base cost");
    for (name, args) in [
        ("Gfx.line", &[i64::MIN, 0, i64::MAX, 179, 1][..]),
        ("Gfx.rect", &[i64::MIN, i64::MIN, i64::MAX, i64::MAX, 1]),
        ("Gfx.circle", &[0, 0, i64::MAX, 1]),
        ("Gfx.fill_circle", &[i64::MAX, i64::MIN, i64::MAX, 1]),
    ] {
        assert_eq!(call(&mut con, name, args).0, Ok(Value::Unit), "{name}");
    }
    assert_eq!(call(&mut con, "Gfx.width", &[]).0, Ok(Value::Int(320)));
    assert_eq!(call(&mut con, "Gfx.height", &[]).0, Ok(Value::Int(180)));
}

#[test]
fn text_reads_the_heap_string_and_charges_per_byte() {
    let mut con = Console::new(0);
    let mut heap = new_heap();
    let s = Value::Obj(heap.alloc_string("Hi!").unwrap());
    let args = [
        Value::Int(0),
        Value::Int(0),
        s,
        Value::Int(i64::from(WHITE)),
    ];
    let (r, cycles) = call_with(&mut con, &mut heap, "Gfx.text", &args);
    assert_eq!(r, Ok(Value::Unit));
    let mut expected = Framebuffer::new();
    let pixels = gfx::text(&mut expected, 0, 0, "Hi!", i64::from(WHITE));
    assert_eq!(con.fb, expected);
    assert_eq!(cycles, 3 + pixels / 4);
    let bad = [Value::Int(0), Value::Int(0), Value::Int(5), Value::Int(1)];
    let (r, _) = call_with(&mut con, &mut heap, "Gfx.text", &bad);
    assert!(matches!(r, Err(TrapKind::InvalidProgram(_))));
}

#[test]
fn color_rgb_packs_and_clamps() {
    let mut con = Console::new(0);
    let rgb = |con: &mut Console, r, g, b| call(con, "Color.rgb", &[r, g, b]).0;
    assert_eq!(rgb(&mut con, 255, 160, 0), Ok(Value::Int(0xfd00)));
    assert_eq!(
        rgb(&mut con, 255, 165, 0),
        Ok(Value::Int(i64::from(ORANGE)))
    );
    assert_eq!(rgb(&mut con, 999, -1, 255), Ok(Value::Int(0xf81f)));
    assert_eq!(
        rgb(&mut con, 128, 128, 128),
        Ok(Value::Int(i64::from(GRAY)))
    );
}

#[test]
fn input_reads_the_latched_pad() {
    let mut con = Console::new(0);
    con.pad.latch(1 << input::A);
    con.pad.latch(1 << input::RIGHT);
    let ask = |con: &mut Console, name, b| call(con, name, &[b]).0;
    assert_eq!(
        ask(&mut con, "Input.btn", input::RIGHT),
        Ok(Value::Bool(true))
    );
    assert_eq!(
        ask(&mut con, "Input.btnp", input::RIGHT),
        Ok(Value::Bool(true))
    );
    assert_eq!(ask(&mut con, "Input.btnr", input::A), Ok(Value::Bool(true)));
    assert_eq!(ask(&mut con, "Input.btn", input::A), Ok(Value::Bool(false)));
    assert_eq!(ask(&mut con, "Input.btn", 99), Ok(Value::Bool(false)));
}

#[test]
fn rand_is_seeded_and_traps_on_empty_ranges() {
    let mut con = Console::new(0);
    let first = call(&mut con, "Rand.int", &[1, 7]).0;
    assert_eq!(first, Ok(Value::Int(4)), "seed 0 by default");
    assert_eq!(call(&mut con, "Rand.seed", &[42]).0, Ok(Value::Unit));
    assert_eq!(
        call(&mut con, "Rand.int", &[-100, 100]).0,
        Ok(Value::Int(-84))
    );
    assert_eq!(
        call(&mut con, "Rand.int", &[5, 5]).0,
        Err(TrapKind::Host(
            "Rand.int: hi (5) must be greater than lo (5)".into()
        ))
    );
    let mut con = Console::new(42);
    assert_eq!(
        call(&mut con, "Rand.float", &[]).0,
        Ok(Value::Float(0.08386297105988216))
    );
}

#[test]
fn system_frame_and_exit() {
    let mut con = Console::new(0);
    con.frame = 17;
    assert_eq!(call(&mut con, "System.frame", &[]).0, Ok(Value::Int(17)));
    con.frame = u64::MAX;
    assert_eq!(
        call(&mut con, "System.frame", &[]).0,
        Ok(Value::Int(i64::MAX))
    );
    assert!(!con.exit_requested);
    assert_eq!(call(&mut con, "System.exit", &[]).0, Ok(Value::Unit));
    assert!(con.exit_requested);
}

#[test]
fn without_a_console_the_console_functions_trap() {
    let no_console = Err(TrapKind::Host(
        "the console is not available in this run".into(),
    ));
    let mut heap = new_heap();
    let s = Value::Obj(heap.alloc_string("x").unwrap());
    let map = heap
        .alloc_tilemap(prometeu_vm::TileMapData {
            width: 2,
            height: 2,
            layers: 1,
            cells: vec![-1; 4],
        })
        .unwrap();
    for entry in registry().entries() {
        let args: Vec<Value> = entry
            .sig
            .params
            .iter()
            .map(|t| match t {
                HostType::Str => s,
                HostType::TileMap => map,
                HostType::Bool => Value::Bool(true),
                _ => Value::Int(1),
            })
            .collect();
        let (r, _) = call_with(&mut (), &mut heap, &entry.sig.name, &args);
        // Colours and tile maps live outside the console.
        let pure = [
            "Gfx.width",
            "Gfx.height",
            "Color.rgb",
            "Color.r",
            "Color.g",
            "Color.b",
            "TileMap.new",
            "TileMap.get",
            "TileMap.set",
            "TileMap.width",
            "TileMap.height",
            "TileMap.layers",
        ];
        if pure.contains(&entry.sig.name.as_str()) {
            assert!(r.is_ok(), "{}", entry.sig.name);
        } else {
            assert_eq!(r, no_console, "{}", entry.sig.name);
        }
    }
}

#[test]
fn constants_cover_buttons_and_colours() {
    let consts = constants();
    let get = |name: &str| {
        consts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert_eq!(consts.len(), 27);
    assert_eq!(get("Wave.PULSE"), BuiltinConstant::Int(0));
    assert_eq!(get("Wave.NOISE"), BuiltinConstant::Int(4));
    assert_eq!(get("Button.UP"), BuiltinConstant::Int(0));
    assert_eq!(get("Button.SELECT"), BuiltinConstant::Int(11));
    assert_eq!(get("Color.WHITE"), BuiltinConstant::Int(0xffff));
    assert_eq!(get("Color.ORANGE"), BuiltinConstant::Int(0xfd20));
    assert_eq!(get("Color.MAGENTA"), BuiltinConstant::Int(0xf81f));
    for (name, _) in &consts {
        assert_eq!(
            crate::constants().iter().filter(|(n, _)| n == name).count(),
            1
        );
    }
}

#[test]
fn audio_calls_trap_with_the_call_and_the_range() {
    let mut con = Console::new(0);
    let cases: &[(&str, &[i64], &str)] = &[
        (
            "Audio.tone",
            &[4, 0, 440, 10, 255],
            "Audio.tone: channel 4 does not exist",
        ),
        (
            "Audio.tone",
            &[0, 9, 440, 10, 255],
            "Audio.tone: 9 is not a wave",
        ),
        (
            "Audio.tone",
            &[0, 0, 5, 10, 255],
            "Audio.tone: a frequency of 5 Hz",
        ),
        (
            "Audio.tone",
            &[0, 0, 440, 10, 999],
            "Audio.tone: volume 999",
        ),
        ("Audio.silence", &[-1], "Audio.silence: channel -1"),
        ("Audio.duty", &[0, 256], "Audio.duty: duty 256"),
        ("Audio.stop", &[16], "Audio.stop: voice 16 does not exist"),
        ("Audio.playing", &[99], "Audio.playing: voice 99"),
        ("Audio.volume", &[0, 256], "Audio.volume: volume 256"),
        (
            "Save.get",
            &[256],
            "Save.get: save slot 256 does not exist; use a slot from 0 to 255",
        ),
        ("Save.set", &[-1, 5], "Save.set: save slot -1"),
    ];
    for (name, args, text) in cases {
        let (result, _) = call(&mut con, name, args);
        match result {
            Err(TrapKind::Host(message)) => {
                assert!(
                    message.contains(text),
                    "{message:?} should contain {text:?}"
                )
            }
            other => panic!("{name}{args:?}: {other:?}"),
        }
    }
}

#[test]
fn audio_calls_change_the_console_sound_state() {
    let mut con = Console::new(0);
    assert!(call(&mut con, "Audio.tone", &[2, 3, 440, 5, 255]).0.is_ok());
    assert_eq!(con.audio.active(), 1);
    assert!(call(&mut con, "Audio.silence", &[2]).0.is_ok());
    let mut block = crate::console::audio::SILENT_BLOCK;
    for _ in 0..2 {
        con.audio.mix_frame(&mut block);
    }
    assert_eq!(con.audio.active(), 0, "silence releases the channel");
    assert_eq!(
        call(&mut con, "Audio.playing", &[0]).0,
        Ok(Value::Bool(false))
    );
}

#[test]
fn save_slots_round_trip_and_note_the_frame_that_wrote_them() {
    let mut con = Console::new(0);
    con.frame = 7;
    assert_eq!(call(&mut con, "Save.get", &[255]).0, Ok(Value::Int(0)));
    assert!(call(&mut con, "Save.set", &[255, -42]).0.is_ok());
    assert_eq!(call(&mut con, "Save.get", &[255]).0, Ok(Value::Int(-42)));
    assert_eq!(con.save.take_written(), Some(7));
    assert_eq!(con.save.take_written(), None, "taken once");
    assert_eq!(con.save.values()[255], -42);
}
