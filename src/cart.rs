//! Cartridges: the frame loop with its per-frame cycle budget, and headless runs.
//!
//! Boot runs the globals initializer and `[Init]`; then every tick latches the pad, runs
//! `[Frame]` under the per-frame budget and ends the frame. A frame that runs out of cycles
//! pauses at an instruction boundary and the same logical frame resumes on the next tick
//! (an overrun), so a runaway cart never freezes the host.

use prometeu_bytecode::VerifiedProgram;
use prometeu_stdlib::console::{Console, Framebuffer};
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

/// A booted cartridge.
pub struct Cart {
    vm: Vm,
    frame_fn: u32,
    budget: u64,
    in_frame: bool,
    frame_cycles: u64,
    overruns: u64,
    completed: Vec<u64>,
    exited: bool,
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
    /// Boots a cartridge: globals, then `[Init]` once.
    pub fn boot(
        program: VerifiedProgram,
        config: CartConfig,
        out: Box<dyn Output>,
    ) -> Result<Cart, Trap> {
        let entry = program.program().entry;
        let frame_fn = entry.frame.ok_or(Trap::new(TrapKind::InvalidProgram(
            "the program has no [Frame] function",
        )))?;
        let mut vm = console_vm(program, config.limits, config.seed, out)?;
        let boot_budget = config.cycles_per_frame.saturating_mul(BOOT_FRAMES);
        vm.call(entry.globals_init, Some(boot_budget))?;
        if let Some(init) = entry.init {
            vm.call(init, Some(vm.stats().cycles.saturating_add(boot_budget)))?;
        }
        Ok(Cart {
            vm,
            frame_fn,
            budget: config.cycles_per_frame,
            in_frame: false,
            frame_cycles: 0,
            overruns: 0,
            completed: Vec::new(),
            exited: false,
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
            return Ok(Tick::Exited(0));
        }
        if !self.in_frame {
            self.console().pad.latch(held);
            self.vm.start(self.frame_fn)?;
            self.in_frame = true;
            self.frame_cycles = 0;
        }
        let before = self.vm.stats().cycles;
        let exit = self.vm.resume(self.budget)?;
        self.frame_cycles += self.vm.stats().cycles - before;
        match exit {
            Exit::OutOfCycles => {
                self.overruns += 1;
                Ok(Tick::Overrun)
            }
            Exit::Returned(_) => {
                self.in_frame = false;
                let used = self.frame_cycles;
                self.completed.push(used);
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

    /// The cycles of every completed frame, in order.
    pub fn frame_cycles(&self) -> &[u64] {
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
