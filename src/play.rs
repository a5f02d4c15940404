//! `prometeuc play` and `prometeuc watch`: the cart session behind the player window. The
//! window itself is the `prometeu-player` crate; this module boots carts, records the pad,
//! writes screenshots and GIFs, and recompiles on changes.

use crate::files::{self, Inputs};
use crate::headless::{open_save, SaveFile};
use crate::stdio::{self, ProgramOutput};
use crate::{Failure, PlayArgs, Reporter, EXIT_COMPILE, EXIT_TRAP, EXIT_USAGE};
use prometeu::bytecode::VerifiedProgram;
use prometeu::capture::GifCapture;
use prometeu::cart::{png_bytes, Cart, CartConfig, Tick};
use prometeu::lexer::Severity;
use prometeu::stdlib::console::save::SLOTS;
use prometeu::stdlib::console::{InputLog, Recorder};
use prometeu::vm::{Limits, Output, Trap};
use prometeu_player::{KeyMap, Options, Session, Stats, Step};
use std::cell::Cell;
use std::path::PathBuf;
use std::rc::Rc;

/// Standard output that replays can silence (a replay must not print the frames again).
struct Gated {
    out: ProgramOutput,
    muted: Rc<Cell<bool>>,
}

impl Output for Gated {
    fn write_str(&mut self, text: &str) {
        if !self.muted.get() {
            self.out.write_str(text);
        }
    }
}

/// A cart in the player: the program it was booted from, its recorder and captures.
struct CartSession<'r> {
    file: PathBuf,
    name: String,
    program: VerifiedProgram,
    config: CartConfig,
    cart: Cart,
    muted: Rc<Cell<bool>>,
    recorder: Recorder,
    ticks: u64,
    trapped: bool,
    gif: Option<GifCapture>,
    record: Option<PathBuf>,
    screenshot: Option<PathBuf>,
    /// Where the save slots are persisted (`None`: there is no data directory).
    save: Option<SaveFile>,
    /// The slots the running cart booted with (a reload replays from them).
    boot_saves: [i64; SLOTS],
    /// The slots as the cart last wrote them.
    saves: [i64; SLOTS],
    /// Whether the last write of the save file failed (reported once until it works again).
    save_failing: bool,
    reporter: &'r Reporter,
}

/// Reports a trap on standard error and returns the banner for the window.
fn report_trap(trap: Trap, program: &VerifiedProgram, reporter: &Reporter) -> String {
    let (sources, id) = prometeu::program_sources(program.program());
    let diagnostic = trap.to_diagnostic(program.program(), &sources, id);
    reporter.emit(std::slice::from_ref(&diagnostic), &sources);
    format!("{} (F5 restarts)", diagnostic.message)
}

/// Boots a program with its save slots and standard output behind `muted`; a trap is
/// reported and becomes the banner.
fn boot(
    program: &VerifiedProgram,
    config: CartConfig,
    saves: [i64; SLOTS],
    muted: &Rc<Cell<bool>>,
    reporter: &Reporter,
) -> Result<Cart, String> {
    let out = Gated {
        out: ProgramOutput::new(),
        muted: muted.clone(),
    };
    Cart::boot_with_saves(program.clone(), config, Box::new(out), saves)
        .map_err(|t| report_trap(t, program, reporter))
}

impl CartSession<'_> {
    /// Loads the changed program for a reload; diagnostics go to standard error and the
    /// error is the one-line banner.
    fn load_again(&self) -> Result<VerifiedProgram, String> {
        let is_source = self.file.extension().is_some_and(|e| e == "pbs");
        if !is_source {
            return crate::load(&self.file, &mut Inputs::default(), self.reporter).map_err(|_| {
                format!(
                    "cannot load `{}` (see the terminal); the old program goes on",
                    self.file.display()
                )
            });
        }
        let bytes = files::read_capped(&self.file, files::SOURCE).map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("`{}` is not UTF-8 text", self.file.display()))?;
        // The file's imports are compiled in; they lie inside its folder (the compiler's
        // containment rule), which the watcher watches, so changing one reloads too.
        let (unit, _) = crate::compile_text(&self.file, text);
        self.reporter
            .emit(&unit.compiled.diagnostics, &unit.sources);
        let Some(program) = unit.compiled.program else {
            let first = unit
                .compiled
                .diagnostics
                .iter()
                .find(|d| d.severity == Severity::Error)
                .map_or("compile error".to_string(), |d| match &d.primary {
                    Some(label) => {
                        let (line, col) =
                            unit.sources.line_col(label.span.source, label.span.start);
                        format!("{}:{line}:{col}: {}", self.file.display(), d.message)
                    }
                    None => d.message.clone(),
                });
            return Err(format!("{first} (the old program goes on)"));
        };
        prometeu::verify(program).map_err(|e| format!("the new program failed verification: {e}"))
    }

    /// Boots `program` and replays the input held so far, silently, up to the same tick.
    fn replay(&self, program: &VerifiedProgram) -> Result<(Cart, Recorder), String> {
        let log: InputLog = self.recorder.log().clone();
        self.muted.set(true);
        let result = (|| {
            let mut cart = boot(
                program,
                self.config,
                self.boot_saves,
                &self.muted,
                self.reporter,
            )?;
            let mut recorder = Recorder::new();
            for _ in 0..self.ticks {
                let frame = cart.frame();
                match cart.tick(log.held_at(frame)) {
                    Ok(outcome) => {
                        // The replay's writes are not persisted one by one: the slots it
                        // ends with are, once it succeeds.
                        let _ = cart.take_saves();
                        recorder.record(frame, cart.held());
                        if let Tick::Exited(_) = outcome {
                            break;
                        }
                    }
                    Err(trap) => {
                        let banner = report_trap(trap, program, self.reporter);
                        return Err(format!("the new program traps on replay: {banner}"));
                    }
                }
            }
            Ok((cart, recorder))
        })();
        self.muted.set(false);
        result
    }
}

impl Session for CartSession<'_> {
    fn tick(&mut self, held: u16) -> Step {
        let frame = self.cart.frame();
        match self.cart.tick(held) {
            Ok(outcome) => {
                self.persist();
                self.recorder.record(frame, self.cart.held());
                self.ticks += 1;
                if let Some(gif) = &mut self.gif {
                    gif.push(self.cart.framebuffer());
                }
                match outcome {
                    Tick::Exited(_) => Step::Exited,
                    _ => Step::Ran,
                }
            }
            Err(trap) => {
                self.trapped = true;
                Step::Trapped(report_trap(trap, &self.program, self.reporter))
            }
        }
    }

    fn pixels(&mut self) -> &[u16] {
        self.cart.framebuffer().pixels()
    }

    fn audio(&mut self) -> &[i16] {
        self.cart.audio()
    }

    fn stats(&mut self) -> Stats {
        let s = self.cart.stats();
        Stats {
            frame: self.cart.frame(),
            cycles: self.cart.frame_stats().last(),
            budget: self.config.cycles_per_frame,
            overruns: self.cart.overruns(),
            heap_live_bytes: s.heap.live_bytes,
            capturing: self.gif.is_some(),
        }
    }

    fn restart(&mut self) -> Result<(), String> {
        let cart = boot(
            &self.program,
            self.config,
            self.saves,
            &self.muted,
            self.reporter,
        )?;
        self.cart = cart;
        self.boot_saves = self.saves;
        self.persist();
        self.recorder = Recorder::new();
        self.ticks = 0;
        self.trapped = false;
        let _ = stdio::err_line(&format!("restarted `{}`", self.file.display()));
        Ok(())
    }

    fn screenshot(&mut self) -> String {
        let path = PathBuf::from(format!("{}-{:06}.png", self.name, self.cart.frame()));
        match files::write_atomic(&path, &png_bytes(self.cart.framebuffer())) {
            Ok(()) => format!("saved screenshot `{}`", path.display()),
            Err(e) => format!("error: cannot write `{}`: {e}", path.display()),
        }
    }

    fn toggle_gif(&mut self) -> String {
        match self.gif.take() {
            None => {
                self.gif = Some(GifCapture::new());
                "gif capture started (F9 stops it)".into()
            }
            Some(gif) => self.save_gif(gif),
        }
    }

    fn reload(&mut self, changed: &[PathBuf]) -> Result<(), String> {
        let names: Vec<String> = changed
            .iter()
            .map(|p| {
                p.file_name().map_or(p.display().to_string(), |n| {
                    n.to_string_lossy().into_owned()
                })
            })
            .collect();
        let _ = stdio::err_line(&format!("changed: {}; reloading", names.join(", ")));
        let program = self.load_again()?;
        if program.program().entry.frame.is_none() {
            return Err("the new program has no [Frame] function; the old program goes on".into());
        }
        let (mut cart, recorder) = self.replay(&program)?;
        let saves = cart.saves();
        self.cart = cart;
        if saves != self.saves {
            self.saves = saves;
            self.write_saves();
        }
        self.recorder = recorder;
        self.program = program;
        self.trapped = false;
        let _ = stdio::err_line(&format!(
            "reloaded `{}` (replayed {} frames)",
            self.file.display(),
            self.ticks
        ));
        Ok(())
    }

    fn finish(&mut self) -> u8 {
        let mut status = if self.trapped { EXIT_TRAP } else { 0 };
        let mut save = |path: &Option<PathBuf>, bytes: &dyn Fn() -> Vec<u8>| {
            if let Some(path) = path {
                if let Err(e) = files::write_atomic(path, &bytes()) {
                    let _ =
                        stdio::err_line(&format!("error: cannot write `{}`: {e}", path.display()));
                    status = status.max(EXIT_COMPILE);
                }
            }
        };
        let fb = png_bytes(self.cart.framebuffer());
        save(&self.screenshot, &|| fb.clone());
        let log = self.recorder.render();
        save(&self.record, &|| log.clone().into_bytes());
        if let Some(gif) = self.gif.take() {
            let _ = stdio::err_line(&self.save_gif(gif));
        }
        status
    }
}

impl CartSession<'_> {
    /// Persists the slots when the frame that just completed (or the boot) wrote any.
    fn persist(&mut self) {
        if let Some(slots) = self.cart.take_saves() {
            self.saves = slots;
            self.write_saves();
        }
    }

    /// Writes the slots into the save file (atomically, creating its folder); a failure is
    /// reported once, and the cart goes on with its saves in memory.
    fn write_saves(&mut self) {
        let result = match &self.save {
            Some(file) if !file.writable => return,
            Some(file) => {
                let bytes = prometeu::save::encode(&file.app_id, &self.saves);
                let dir = file.path.parent().filter(|p| !p.as_os_str().is_empty());
                dir.map_or(Ok(()), |d| std::fs::create_dir_all(d).map_err(|e| e.to_string()))
                    .and_then(|()| files::write_atomic(&file.path, &bytes))
                    .map_err(|e| {
                        format!(
                            "error: cannot write the save file `{}`: {e}; the cart keeps its saves in memory",
                            file.path.display()
                        )
                    })
            }
            None => Err("warning: there is no user data directory to keep save files in; the cart keeps its saves in memory (--save FILE names a file)".to_string()),
        };
        match result {
            Ok(()) => self.save_failing = false,
            Err(message) => {
                if !self.save_failing {
                    self.reporter.message(&message);
                }
                self.save_failing = true;
            }
        }
    }

    /// Writes a finished GIF capture into the current folder.
    fn save_gif(&mut self, gif: GifCapture) -> String {
        let frames = gif.frames();
        let path = PathBuf::from(format!("{}-{:06}.gif", self.name, self.cart.frame()));
        match files::write_atomic(&path, &gif.finish()) {
            Ok(()) => format!("saved gif `{}` ({frames} frames)", path.display()),
            Err(e) => format!("error: cannot write `{}`: {e}", path.display()),
        }
    }
}

/// The key map: the user's file when there is one, else the defaults.
fn keymap(reporter: &Reporter) -> Result<KeyMap, Failure> {
    let Some(path) = prometeu_player::keymap::keymap_path() else {
        return Ok(KeyMap::default());
    };
    if !path.exists() {
        return Ok(KeyMap::default());
    }
    let bytes =
        files::read_capped(&path, files::MANIFEST).map_err(|e| reporter.error(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        reporter.error(format!(
            "invalid key map `{}`: not UTF-8 text",
            path.display()
        ))
    })?;
    KeyMap::parse(&text)
        .map_err(|e| reporter.error(format!("invalid key map `{}`: {e}", path.display())))
}

/// Opens the cart's save file: `--save FILE` exactly like the headless run, else
/// `DATA/prometeu/saves/APP_ID.sav` in the user's data directory (created on the first
/// write, so carts that never save leave nothing behind).
fn open_player_save(
    given: Option<&std::path::Path>,
    app_id: &str,
    inputs: &Inputs,
    reporter: &Reporter,
) -> Result<(Option<SaveFile>, [i64; SLOTS]), Failure> {
    if let Some(path) = given {
        let (file, slots) = open_save(path, app_id, inputs, reporter)?;
        return Ok((Some(file), slots));
    }
    let Some(data) = dirs::data_dir() else {
        return Ok((None, [0; SLOTS]));
    };
    let path = prometeu::save::save_path(&data, app_id);
    if std::fs::symlink_metadata(&path).is_ok() {
        let (file, slots) = open_save(&path, app_id, inputs, reporter)?;
        return Ok((Some(file), slots));
    }
    let file = SaveFile {
        path,
        app_id: app_id.to_string(),
        writable: true,
    };
    Ok((Some(file), [0; SLOTS]))
}

/// Runs `play` (or `watch`, which also reloads on changes).
pub(crate) fn play(args: PlayArgs, watch: bool, reporter: &Reporter) -> Result<(), Failure> {
    if args.cycles_per_frame == 0 {
        let _ = stdio::err_line("error: --cycles-per-frame must be at least 1");
        return Err(Failure(EXIT_USAGE));
    }
    let mut inputs = Inputs::default();
    let (program, app_id) = crate::load_with_id(&args.file, &mut inputs, reporter)?;
    for out in [&args.record, &args.screenshot].into_iter().flatten() {
        inputs
            .check(out)
            .map_err(|e| reporter.usage(e.to_string()))?;
    }
    if program.program().entry.frame.is_none() {
        let _ = stdio::err_line(&format!("error: `{}` is a script (it has `fn main()`), and play runs cartridges (a [Frame] function); run it with `prometeuc run`",
            args.file.display()));
        return Err(Failure(EXIT_USAGE));
    }
    let keymap = keymap(reporter)?;
    let config = CartConfig {
        cycles_per_frame: args.cycles_per_frame,
        seed: args.seed.unwrap_or(0),
        limits: Limits::default(),
    };
    let (save, saves) = open_player_save(args.save.as_deref(), &app_id, &inputs, reporter)?;
    let muted = Rc::new(Cell::new(false));
    let cart = boot(&program, config, saves, &muted, reporter).map_err(|_| Failure(EXIT_TRAP))?;
    let file = args.file.clone();
    let name = file
        .file_stem()
        .or_else(|| file.file_name())
        .map_or("cart".to_string(), |s| s.to_string_lossy().into_owned());
    let watch_dir = watch.then(|| {
        if file.is_dir() {
            file.clone()
        } else {
            match file.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }
        }
    });
    let mut session = CartSession {
        file,
        name: name.clone(),
        program,
        config,
        cart,
        muted,
        recorder: Recorder::new(),
        ticks: 0,
        trapped: false,
        gif: None,
        record: args.record,
        screenshot: args.screenshot,
        save,
        boot_saves: saves,
        saves,
        save_failing: false,
        reporter,
    };
    // Slots written by the globals or `[Init]` are persisted like those of a frame.
    session.persist();
    let options = Options {
        title: format!("{name} - PROMETEU"),
        scale: args.scale,
        frames: args.frames,
        watch: watch_dir,
        keymap,
        pacing_log: args.pacing_log,
        mute: args.mute,
    };
    match prometeu_player::run(&mut session, options) {
        Ok(0) => Ok(()),
        Ok(code) => Err(Failure(code)),
        Err(e) => Err(reporter.error(e.to_string())),
    }
}
