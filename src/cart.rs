//! Cartridges: the frame loop with its per-frame cycle budget, and headless runs.
//!
//! Boot runs the globals initializer and `[Init]`; then every tick latches the pad, runs
//! `[Frame]` under the per-frame budget and ends the frame. A frame that runs out of cycles
//! pauses at an instruction boundary and the same logical frame resumes on the next tick
//! (an overrun), so a runaway cart never freezes the host.
//!
//! Every tick also ends one video frame of sound: after the VM stops (frame completed or
//! overrun), the console's sound device is mixed into [`Cart::audio`], exactly
//! [`SAMPLES_PER_FRAME`](prometeu_stdlib::console::audio::SAMPLES_PER_FRAME) stereo sample frames. A headless run appends each block to its WAV
//! file; a player copies each block into its output ring buffer. Save slots written in a
//! completed frame are reported once by [`Cart::take_saves`], for the embedder to persist.

use prometeu_bytecode::VerifiedProgram;
use prometeu_stdlib::console::audio::{AudioBlock, SILENT_BLOCK};
use prometeu_stdlib::console::save::SLOTS;
use prometeu_stdlib::console::{Console, Framebuffer, SaveSlots};
use prometeu_vm::{Exit, Limits, Output, Trap, TrapKind, Vm, VmStats};

/// The default per-frame cycle budget.
pub const DEFAULT_CYCLES_PER_FRAME: u64 = 1_000_000;

/// How many frames' worth of cycles boot (globals and `[Init]`) may use.
const BOOT_FRAMES: u64 = 100;

/// How a cartridge runs.
#[derive(Clone, Copy, Debug)]
pub struct CartConfig {
    /// The cycle budget of one frame.
    pub cycles_per_frame: u64,
    /// The seed of `Rand`.
    pub seed: i64,
    /// The VM's limits.
    pub limits: Limits,
}

impl Default for CartConfig {
    fn default() -> CartConfig {
        CartConfig {
            cycles_per_frame: DEFAULT_CYCLES_PER_FRAME,
            seed: 0,
            limits: Limits::default(),
        }
    }
}

/// What one tick did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tick {
    /// The frame ran to its end, using this many cycles (over all its ticks).
    Completed(u64),
    /// The frame ran out of cycles and continues on the next tick.
    Overrun,
    /// The frame ended and the cart asked to stop with `System.exit()`.
    Exited(u64),
}

/// How many of the first frames keep their exact cycle counts, for an exact median.
const EXACT_FRAMES: usize = 4096;

/// Sub-buckets per power of two in the histogram: 2^7, so a bucket is at most 1/128 of its
/// values wide.
const SUB_BITS: u32 = 7;

/// Histogram buckets: values below 2^(SUB_BITS+1) have one bucket each; above that, each power
/// of two has 2^SUB_BITS buckets.
const BUCKETS: usize = (2 << SUB_BITS) + (63 - SUB_BITS as usize) * (1 << SUB_BITS);

/// Running statistics of the cycles per completed frame, in constant memory however many
/// frames run: count, minimum, maximum, mean, and a median that is exact for the first
/// 4,096 frames and, past them, read from a fixed histogram whose buckets are at most 1/128
/// of their values wide (the median is the midpoint of its bucket, within 0.4%).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameStats {
    count: u64,
    min: u64,
    max: u64,
    last: u64,
    sum: u128,
    exact: Vec<u64>,
    histogram: Vec<u64>,
}

impl Default for FrameStats {
    fn default() -> FrameStats {
        FrameStats {
            count: 0,
            min: 0,
            max: 0,
            last: 0,
            sum: 0,
            exact: Vec::new(),
            histogram: vec![0; BUCKETS],
        }
    }
}

/// The histogram bucket of a value.
fn bucket(value: u64) -> usize {
    let small = 2u64 << SUB_BITS;
    if value < small {
        return value as usize;
    }
    let top = 63 - value.leading_zeros();
    let shift = top - SUB_BITS;
    let sub = ((value >> shift) as usize) & ((1 << SUB_BITS) - 1);
    small as usize + (shift as usize - 1) * (1 << SUB_BITS) + sub
}

/// The smallest and largest values of a bucket.
fn bucket_range(index: usize) -> (u64, u64) {
    let small = 2usize << SUB_BITS;
    if index < small {
        return (index as u64, index as u64);
    }
    let shift = (index - small) / (1 << SUB_BITS) + 1;
    let sub = ((index - small) % (1 << SUB_BITS)) as u64;
    let low = ((1u64 << SUB_BITS) | sub) << shift;
    (low, low + ((1u64 << shift) - 1))
}

impl FrameStats {
    /// Counts one completed frame.
    pub fn add(&mut self, cycles: u64) {
        if self.count == 0 || cycles < self.min {
            self.min = cycles;
        }
        self.max = self.max.max(cycles);
        self.last = cycles;
        self.count += 1;
        self.sum += u128::from(cycles);
        self.histogram[bucket(cycles)] += 1;
        if self.exact.len() < EXACT_FRAMES && self.count as usize <= EXACT_FRAMES {
            self.exact.push(cycles);
        } else if !self.exact.is_empty() {
            self.exact = Vec::new();
        }
    }

    /// The heap bytes these statistics hold; the same for every run past 4,096 frames.
    pub fn heap_bytes(&self) -> usize {
        (self.exact.capacity() + self.histogram.capacity()) * std::mem::size_of::<u64>()
    }

    /// The cycles of the frame counted last (0 before the first).
    pub fn last(&self) -> u64 {
        self.last
    }

    /// The frames counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The fewest cycles of a frame (0 without frames).
    pub fn min(&self) -> u64 {
        self.min
    }

    /// The most cycles of a frame (0 without frames).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The mean, rounded down (0 without frames).
    pub fn mean(&self) -> u64 {
        match self.count {
            0 => 0,
            n => (self.sum / u128::from(n)) as u64,
        }
    }

    /// The median: the middle value of the sorted counts (the upper one for an even count);
    /// exact for up to 4,096 frames, then the midpoint of the histogram bucket holding it.
    pub fn median(&self) -> u64 {
        if self.count == 0 {
            return 0;
        }
        let rank = self.count / 2;
        if self.exact.len() as u64 == self.count {
            let mut sorted = self.exact.clone();
            sorted.sort_unstable();
            return sorted[rank as usize];
        }
        let mut seen = 0;
        for (index, &n) in self.histogram.iter().enumerate() {
            seen += n;
            if seen > rank {
                let (low, high) = bucket_range(index);
                return (low + (high - low) / 2).clamp(self.min, self.max);
            }
        }
        self.max
    }
}

/// The most cycles boot runs between two calls of the `stop` of [`Cart::boot_interruptible`].
pub const BOOT_SLICE: u64 = 1_000_000;

/// Runs a parameterless function to its end under a total cycle limit, in slices of at most
/// [`BOOT_SLICE`] cycles, asking `stop` between slices. A slice never reaches past the limit,
/// so the cycles charged and the place of a budget trap are those of [`Vm::call`].
fn call_in_slices(
    vm: &mut Vm,
    function: u32,
    limit: u64,
    stop: &dyn Fn() -> bool,
) -> Result<(), Trap> {
    vm.start(function)?;
    loop {
        let slice = limit.saturating_sub(vm.stats().cycles).min(BOOT_SLICE);
        let exit = vm.resume(slice)?;
        let over = vm.stats().cycles > limit;
        match exit {
            // Straight-line code before the final return can overdraw the budget; that is a
            // trap all the same, as with `Vm::call`.
            Exit::Returned(_) if over => return Err(Trap::new(TrapKind::CycleBudget(limit))),
            Exit::Returned(_) => return Ok(()),
            Exit::OutOfCycles if over => {
                let mut trap = vm.interrupt();
                trap.kind = TrapKind::CycleBudget(limit);
                return Err(trap);
            }
            Exit::OutOfCycles if stop() => return Err(vm.interrupt()),
            Exit::OutOfCycles => {}
        }
    }
}

/// A booted cartridge.
pub struct Cart {
    vm: Vm,
    frame_fn: u32,
    budget: u64,
    in_frame: bool,
    frame_cycles: u64,
    overruns: u64,
    completed: FrameStats,
    exited: bool,
    audio: Box<AudioBlock>,
}

/// Creates a VM for a program with the console installed (seeded for `Rand`).
pub fn console_vm(
    program: VerifiedProgram,
    limits: Limits,
    seed: i64,
    out: Box<dyn Output>,
) -> Result<Vm, Trap> {
    let assets = std::sync::Arc::clone(&program.program().assets);
    let mut vm = crate::new_vm(program, limits, out)?;
    vm.set_state(Box::new(Console::with_assets(seed, assets)));
    Ok(vm)
}

impl Cart {
    /// Boots a cartridge: globals, then `[Init]` once, with every save slot 0.
    pub fn boot(
        program: VerifiedProgram,
        config: CartConfig,
        out: Box<dyn Output>,
    ) -> Result<Cart, Trap> {
        Cart::boot_with_saves(program, config, out, [0; SLOTS])
    }

    /// Boots a cartridge whose save slots hold `saves` (as read from its save file), so
    /// globals and `[Init]` already see them.
    pub fn boot_with_saves(
        program: VerifiedProgram,
        config: CartConfig,
        out: Box<dyn Output>,
        saves: [i64; SLOTS],
    ) -> Result<Cart, Trap> {
        Cart::boot_interruptible(program, config, out, saves, &|| false)
    }

    /// Boots a cartridge like [`Cart::boot_with_saves`], running the globals initializer and
    /// `[Init]` in slices of at most [`BOOT_SLICE`] cycles and asking `stop` between slices;
    /// when it answers true, boot ends with the trap [`TrapKind::Interrupted`], which says
    /// where the cart was. Cycle counts and budget traps are those of an uninterrupted boot.
    pub fn boot_interruptible(
        program: VerifiedProgram,
        config: CartConfig,
        out: Box<dyn Output>,
        saves: [i64; SLOTS],
        stop: &dyn Fn() -> bool,
    ) -> Result<Cart, Trap> {
        let entry = program.program().entry;
        let frame_fn = entry.frame.ok_or(Trap::new(TrapKind::InvalidProgram(
            "the program has no [Frame] function",
        )))?;
        let assets = std::sync::Arc::clone(&program.program().assets);
        let mut vm = crate::new_vm(program, config.limits, out)?;
        let mut console = Console::with_assets(config.seed, assets);
        console.save = SaveSlots::new(saves);
        vm.set_state(Box::new(console));
        let boot_budget = config.cycles_per_frame.saturating_mul(BOOT_FRAMES);
        call_in_slices(&mut vm, entry.globals_init, boot_budget, stop)?;
        if let Some(init) = entry.init {
            let limit = vm.stats().cycles.saturating_add(boot_budget);
            call_in_slices(&mut vm, init, limit, stop)?;
        }
        Ok(Cart {
            vm,
            frame_fn,
            budget: config.cycles_per_frame,
            in_frame: false,
            frame_cycles: 0,
            overruns: 0,
            completed: FrameStats::default(),
            exited: false,
            audio: Box::new(SILENT_BLOCK),
        })
    }

    fn console(&mut self) -> &mut Console {
        self.vm
            .state_mut()
            .downcast_mut::<Console>()
            .expect("a cart's VM holds the console")
    }

    /// The logical frame number the next tick runs (frames completed so far).
    pub fn frame(&mut self) -> u64 {
        self.console().frame
    }

    /// Runs one tick with the buttons held (a bit mask by button id); the pad is latched
    /// only when a new logical frame starts.
    pub fn tick(&mut self, held: u16) -> Result<Tick, Trap> {
        if self.exited {
            *self.audio = SILENT_BLOCK;
            return Ok(Tick::Exited(0));
        }
        if !self.in_frame {
            self.console().pad.latch(held);
            self.vm.start(self.frame_fn)?;
            self.in_frame = true;
            self.frame_cycles = 0;
        }
        let before = self.vm.stats().cycles;
        let exit = self.vm.resume(self.budget);
        self.frame_cycles += self.vm.stats().cycles - before;
        let exit = exit?;
        let mut audio = std::mem::replace(&mut self.audio, Box::new(SILENT_BLOCK));
        self.console().audio.mix_frame(&mut audio);
        self.audio = audio;
        match exit {
            Exit::OutOfCycles => {
                self.overruns += 1;
                Ok(Tick::Overrun)
            }
            Exit::Returned(_) => {
                self.in_frame = false;
                let used = self.frame_cycles;
                self.completed.add(used);
                let console = self.console();
                console.frame += 1;
                if console.exit_requested {
                    self.exited = true;
                    return Ok(Tick::Exited(used));
                }
                Ok(Tick::Completed(used))
            }
        }
    }

    /// The sound of the last tick: [`SAMPLES_PER_FRAME`](prometeu_stdlib::console::audio::SAMPLES_PER_FRAME) stereo sample frames at 48 kHz,
    /// interleaved left then right (silence before the first tick and after the cart exited).
    pub fn audio(&self) -> &AudioBlock {
        &self.audio
    }

    /// The save slots, when a frame completed since the last call wrote any of them: the
    /// embedder persists them (atomically) at the end of that frame.
    pub fn take_saves(&mut self) -> Option<[i64; SLOTS]> {
        if self.in_frame {
            return None;
        }
        let save = &mut self.console().save;
        save.take_written().map(|_| *save.values())
    }

    /// The save slots as they are now.
    pub fn saves(&mut self) -> [i64; SLOTS] {
        *self.console().save.values()
    }

    /// The screen.
    pub fn framebuffer(&mut self) -> &Framebuffer {
        &self.console().fb
    }

    /// The buttons held in the frame being run.
    pub fn held(&mut self) -> u16 {
        self.console().pad.held()
    }

    /// Whether the cart called `System.exit()`.
    pub fn exited(&self) -> bool {
        self.exited
    }

    /// Ticks that ran out of cycles.
    pub fn overruns(&self) -> u64 {
        self.overruns
    }

    /// Statistics of the cycles of the completed frames.
    pub fn frame_stats(&self) -> &FrameStats {
        &self.completed
    }

    /// The VM's counters.
    pub fn stats(&self) -> VmStats {
        self.vm.stats()
    }

    /// The program (for rendering traps).
    pub fn program(&self) -> &VerifiedProgram {
        self.vm.program()
    }
}

/// Encodes the screen as an 8-bit RGB PNG.
pub fn png_bytes(fb: &Framebuffer) -> Vec<u8> {
    rgb_png(
        Framebuffer::WIDTH as u32,
        Framebuffer::HEIGHT as u32,
        &fb.to_rgb8(),
    )
}

/// Encodes `width × height` 8-bit RGB triples (row-major from the top left) as a PNG.
pub fn rgb_png(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .expect("writing to memory cannot fail");
        writer
            .write_image_data(rgb)
            .expect("the image has the header's size");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_value_in_order() {
        for v in [0, 1, 255, 256, 257, 511, 512, 16847, 1 << 40, u64::MAX] {
            let (low, high) = bucket_range(bucket(v));
            assert!(low <= v && v <= high, "{v} in {low}..={high}");
            assert!(
                high - low <= low / 128,
                "{v}: bucket {low}..={high} too wide"
            );
        }
        assert_eq!(bucket(u64::MAX), BUCKETS - 1);
        assert!(bucket(256) == bucket(255) + 1);
    }

    #[test]
    fn the_median_is_exact_then_within_its_bucket() {
        let mut stats = FrameStats::default();
        for v in [5, 1, 9, 7] {
            stats.add(v);
        }
        assert_eq!((stats.min(), stats.median(), stats.max()), (1, 7, 9));
        assert_eq!(stats.mean(), 5);
        let mut many = FrameStats::default();
        for i in 0..10_000u64 {
            many.add(100_000 + i);
        }
        let median = many.median();
        assert!(median.abs_diff(105_000) <= 105_000 / 256, "{median}");
        assert_eq!(
            (many.min(), many.max(), many.count()),
            (100_000, 109_999, 10_000)
        );
        assert!(
            many.exact.capacity() == 0,
            "the exact list is dropped past 4096 frames"
        );
    }
}
