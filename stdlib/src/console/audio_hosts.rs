//! The `Audio` and `Save` host functions.
//!
//! Costs: `Audio.tone` and `Audio.play` 4 cycles; `Audio.silence`, `Audio.duty`, `Audio.stop`,
//! `Audio.playing`, `Audio.volume`, `Save.get` and `Save.set` 2 cycles. Mixing happens at the
//! end of the frame, outside the cart's cycle budget. An argument out of range traps with a
//! message naming the call, the value and the range.
//!
//! A `Sound` value is the index of a sound in the program's assets; the hidden host function
//! [`SOUND_TEXT_HOST`] gives its text for `print` and `str`.

use super::audio::AudioError;
use super::audio::Sound;
use super::hosts::{console, ints};
use crate::add;
use prometeu_bytecode::HostType::{self, Bool, Int, Str, Void};
use prometeu_vm::{HostCtx, Hosts, TrapKind, Value};

/// The name of the host function that formats a `Sound` value as `Sound("file.wav")`; it is
/// not a PBS name, so programs cannot call it (the compiler inserts it for `print` and `str`).
pub const SOUND_TEXT_HOST: &str = "Sound.<text>";

/// The cost of `Audio.tone` and `Audio.play`.
const TONE: u32 = 4;
/// The cost of every other `Audio` and `Save` call.
const CHEAP: u32 = 2;

/// Registers the `Audio` and `Save` host functions.
pub(super) fn register(hosts: &mut Hosts) {
    add(hosts, "Audio.tone", &[Int; 5], Void, TONE, audio_tone);
    add(hosts, "Audio.silence", &[Int], Void, CHEAP, audio_silence);
    add(hosts, "Audio.duty", &[Int, Int], Void, CHEAP, audio_duty);
    add(
        hosts,
        "Audio.play",
        &[HostType::Sound, Int, Int, Int, Int, Bool],
        Void,
        TONE,
        audio_play,
    );
    add(hosts, "Audio.stop", &[Int], Void, CHEAP, audio_stop);
    add(hosts, "Audio.playing", &[Int], Bool, CHEAP, audio_playing);
    add(
        hosts,
        "Audio.volume",
        &[Int, Int],
        Void,
        CHEAP,
        audio_volume,
    );
    add(
        hosts,
        SOUND_TEXT_HOST,
        &[HostType::Sound],
        Str,
        CHEAP,
        sound_text,
    );
    add(hosts, "Save.get", &[Int], Int, CHEAP, save_get);
    add(hosts, "Save.set", &[Int, Int], Void, CHEAP, save_set);
}

/// The trap of an `Audio` call with an argument out of range.
fn trap(call: &str) -> impl FnOnce(AudioError) -> TrapKind + '_ {
    move |e| TrapKind::Host(format!("{call}: {e}"))
}

/// `Audio.tone(channel, wave, freq, frames, volume)`.
fn audio_tone(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [channel, wave, freq, frames, volume] = ints(args)?;
    console(&mut *ctx.state)?
        .audio
        .tone(channel, wave, freq, frames, volume)
        .map_err(trap("Audio.tone"))?;
    Ok(Value::Unit)
}

/// `Audio.silence(channel)`: ends the channel's tone with its release.
fn audio_silence(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [channel] = ints(args)?;
    console(&mut *ctx.state)?
        .audio
        .channel(channel)
        .map_err(trap("Audio.silence"))?
        .silence();
    Ok(Value::Unit)
}

/// `Audio.duty(channel, duty)`: the pulse duty of a channel in 1/256ths (128 is square).
fn audio_duty(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [channel, duty] = ints(args)?;
    console(&mut *ctx.state)?
        .audio
        .channel(channel)
        .and_then(|c| c.set_duty(duty))
        .map_err(trap("Audio.duty"))?;
    Ok(Value::Unit)
}

/// `Audio.play(s, voice, volume, pan, pitch, looped)`: starts sound `s` on a voice.
fn audio_play(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (Some(&sound), Some(&Value::Bool(looped))) = (args.first(), args.get(5)) else {
        return Err(TrapKind::InvalidProgram(
            "expected a sound and a bool argument",
        ));
    };
    let [voice, volume, pan, pitch] = ints(args.get(1..5).unwrap_or(&[]))?;
    let con = console(&mut *ctx.state)?;
    let samples = sound_asset(con, sound)?.samples.clone();
    con.audio
        .play(voice, &Sound::new(samples), volume, pan, pitch, looped)
        .map_err(trap("Audio.play"))?;
    Ok(Value::Unit)
}

/// `Sound.<text>(s)`: `Sound("file.wav")`, the file as written in the declaration.
fn sound_text(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let sound = args.first().copied().unwrap_or(Value::Unit);
    let text = format!(
        "Sound({:?})",
        sound_asset(console(&mut *ctx.state)?, sound)?.name
    );
    ctx.heap.alloc_string(text).map(Value::Obj)
}

/// The sound a `Sound` value names.
fn sound_asset(
    con: &super::Console,
    value: Value,
) -> Result<&prometeu_bytecode::SoundAsset, TrapKind> {
    let Value::Int(index) = value else {
        return Err(TrapKind::InvalidProgram("expected a sound argument"));
    };
    usize::try_from(index)
        .ok()
        .and_then(|i| con.assets.sounds.get(i))
        .ok_or(TrapKind::InvalidProgram("sound index out of range"))
}

/// `Audio.stop(voice)`.
fn audio_stop(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [voice] = ints(args)?;
    console(&mut *ctx.state)?
        .audio
        .voice(voice)
        .map_err(trap("Audio.stop"))?
        .stop();
    Ok(Value::Unit)
}

/// `Audio.playing(voice)`.
fn audio_playing(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [voice] = ints(args)?;
    let voice = console(&mut *ctx.state)?
        .audio
        .voice(voice)
        .map_err(trap("Audio.playing"))?;
    Ok(Value::Bool(voice.playing()))
}

/// `Audio.volume(voice, v)`.
fn audio_volume(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [voice, volume] = ints(args)?;
    console(&mut *ctx.state)?
        .audio
        .voice(voice)
        .and_then(|v| v.set_volume(volume))
        .map_err(trap("Audio.volume"))?;
    Ok(Value::Unit)
}

/// `Save.get(slot)`.
fn save_get(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [slot] = ints(args)?;
    console(&mut *ctx.state)?
        .save
        .get(slot)
        .map(Value::Int)
        .map_err(|e| TrapKind::Host(format!("Save.get: {e}")))
}

/// `Save.set(slot, v)`.
fn save_set(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [slot, value] = ints(args)?;
    let con = console(&mut *ctx.state)?;
    let frame = con.frame;
    con.save
        .set(slot, value, frame)
        .map_err(|e| TrapKind::Host(format!("Save.set: {e}")))?;
    Ok(Value::Unit)
}
