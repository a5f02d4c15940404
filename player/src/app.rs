//! The winit application: the window, its event handling and the frame loop.

use crate::audio::Audio;
use crate::gamepad::Gamepads;
use crate::held::Held;
use crate::keymap::{host_key, HostKey, KeyMap};
use crate::pacing::Clock;
use crate::render::{self, BANNER_RED, OVERLAY_BACK};
use crate::{Options, PlayError, Session, Step};
use prometeu_stdlib::console::framebuffer::{HEIGHT, WIDTH};
use std::collections::VecDeque;
use std::io::Write;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};
use winit::application::ApplicationHandler;
use winit::dpi::PhysicalSize;
use winit::event::{ElementState, KeyEvent, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop};
use winit::keyboard::PhysicalKey;
use winit::window::{Window, WindowId};

/// Events sent to the loop from other threads.
#[derive(Debug)]
enum UserEvent {
    /// Watched files changed.
    Changed(Vec<PathBuf>),
}

/// A window with its drawing surface.
struct Screen {
    window: Rc<Window>,
    surface: softbuffer::Surface<Rc<Window>, Rc<Window>>,
}

/// The player's state between events.
struct App<'s> {
    session: &'s mut dyn Session,
    title: String,
    scale: Option<u32>,
    frames: Option<u64>,
    keymap: KeyMap,
    screen: Option<Screen>,
    error: Option<PlayError>,
    clock: Clock,
    /// The buttons the keyboard holds.
    keys: Held,
    /// When the oldest key press not yet seen by a frame happened.
    pending_press: Option<Instant>,
    gamepads: Gamepads,
    paused: bool,
    overlay: bool,
    /// The trap or compile-error banner.
    banner: Option<String>,
    /// Whether the cart trapped (no more ticks until a restart or reload).
    halted: bool,
    /// Ticks since the cart was booted.
    ticks: u64,
    /// When the recent ticks ran (the overlay's frame rate).
    recent: VecDeque<Instant>,
    last_tick: Option<Instant>,
    pacing: Option<std::io::BufWriter<std::fs::File>>,
    /// The sound device (or silence).
    audio: Audio,
}

/// Runs the event loop until the player quits.
pub fn run(session: &mut dyn Session, options: Options) -> Result<u8, PlayError> {
    let event_loop = EventLoop::<UserEvent>::with_user_event()
        .build()
        .map_err(|e| PlayError::NoDisplay(e.to_string()))?;
    let _watch = match &options.watch {
        Some(dir) => {
            let proxy = event_loop.create_proxy();
            Some(
                crate::watch::watch(dir, move |paths| {
                    let _ = proxy.send_event(UserEvent::Changed(paths));
                })
                .map_err(PlayError::Watch)?,
            )
        }
        None => None,
    };
    let pacing = match &options.pacing_log {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| PlayError::PacingLog(format!("{}: {e}", path.display())))?,
        )),
        None => None,
    };
    let audio = if options.mute {
        Audio::silent()
    } else {
        Audio::open().unwrap_or_else(|(silent, notice)| {
            eprintln!("{notice}");
            silent
        })
    };
    let mut app = App {
        session,
        title: options.title,
        scale: options.scale,
        frames: options.frames,
        keymap: options.keymap,
        screen: None,
        error: None,
        clock: Clock::new(Instant::now()),
        keys: Held::default(),
        pending_press: None,
        gamepads: Gamepads::open(),
        paused: false,
        overlay: false,
        banner: None,
        halted: false,
        ticks: 0,
        recent: VecDeque::new(),
        last_tick: None,
        pacing,
        audio,
    };
    event_loop
        .run_app(&mut app)
        .map_err(|e| PlayError::Window(e.to_string()))?;
    if let Some(log) = &mut app.pacing {
        if app.audio.is_live() {
            let (underruns, dropped, requested) = app.audio.counters();
            let _ = writeln!(
                log,
                "audio underruns {underruns} dropped_frames {dropped} requested_frames {requested}"
            );
        }
        log.flush()
            .map_err(|e| PlayError::PacingLog(e.to_string()))?;
    }
    if let Some(e) = app.error.take() {
        return Err(e);
    }
    Ok(app.session.finish())
}

impl App<'_> {
    /// Opens the window at the chosen scale.
    fn open(&mut self, event_loop: &ActiveEventLoop) -> Result<Screen, String> {
        let monitor = event_loop
            .primary_monitor()
            .or_else(|| event_loop.available_monitors().next())
            .map(|m| (m.size().width, m.size().height));
        let scale = self.scale.unwrap_or_else(|| render::default_scale(monitor));
        let size = PhysicalSize::new(WIDTH as u32 * scale, HEIGHT as u32 * scale);
        let attributes = Window::default_attributes()
            .with_title(self.title.clone())
            .with_inner_size(size)
            .with_min_inner_size(PhysicalSize::new(WIDTH as u32, HEIGHT as u32));
        let window = Rc::new(
            event_loop
                .create_window(attributes)
                .map_err(|e| e.to_string())?,
        );
        let context = softbuffer::Context::new(window.clone()).map_err(|e| e.to_string())?;
        let surface =
            softbuffer::Surface::new(&context, window.clone()).map_err(|e| e.to_string())?;
        Ok(Screen { window, surface })
    }

    /// Runs one tick with what is held now.
    fn tick(&mut self, event_loop: &ActiveEventLoop) {
        let now = Instant::now();
        let held = self.keys.take() | self.gamepads.held();
        let step = self.session.tick(held);
        if !self.paused {
            self.audio.feed(self.session.audio());
        }
        self.ticks += 1;
        if let Some(log) = &mut self.pacing {
            if let Some(last) = self.last_tick {
                let at = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_micros());
                let _ = writeln!(
                    log,
                    "frame {} interval_us {} at_us {at}",
                    self.ticks,
                    (now - last).as_micros()
                );
            }
            if let Some(pressed) = self.pending_press {
                let _ = writeln!(
                    log,
                    "input {} latency_us {}",
                    self.ticks,
                    (now - pressed).as_micros()
                );
            }
        }
        self.pending_press = None;
        self.last_tick = Some(now);
        self.recent.push_back(now);
        while self
            .recent
            .front()
            .is_some_and(|&t| now - t > Duration::from_secs(1))
        {
            self.recent.pop_front();
        }
        match step {
            Step::Ran => {}
            Step::Exited => event_loop.exit(),
            Step::Trapped(banner) => {
                self.banner = Some(banner);
                self.halted = true;
                if self.frames.is_some() {
                    event_loop.exit();
                }
            }
        }
        if self.frames.is_some_and(|n| self.ticks >= n) {
            event_loop.exit();
        }
    }

    /// Draws the screen, the overlay and the banner, and presents them.
    fn present(&mut self) {
        let Some(screen) = &mut self.screen else {
            return;
        };
        let size = screen.window.inner_size();
        let (Some(w), Some(h)) = (NonZeroU32::new(size.width), NonZeroU32::new(size.height)) else {
            return;
        };
        if screen.surface.resize(w, h).is_err() {
            return;
        }
        let Ok(mut buffer) = screen.surface.buffer_mut() else {
            return;
        };
        let (w, h) = (w.get(), h.get());
        let placement = render::blit(self.session.pixels(), &mut buffer, w, h);
        let dot = (placement.scale / 2).max(1);
        let cols = render::columns(w, dot);
        if self.overlay {
            let s = self.session.stats();
            let mut lines = vec![
                format!("fps {}", self.recent.len()),
                format!("cycles {} / {}", s.cycles, s.budget),
                format!("overruns {}", s.overruns),
                format!("heap {} bytes", s.heap_live_bytes),
                format!("frame {}", s.frame),
            ];
            if s.capturing {
                lines.push("gif capturing".into());
            }
            render::text_box(
                &mut buffer,
                (w, h),
                (placement.x, placement.y),
                dot,
                &lines,
                OVERLAY_BACK,
            );
        }
        if self.paused {
            let x = (placement.x + placement.scale * WIDTH as u32)
                .saturating_sub(dot * 8 * 7 + dot * 4);
            render::text_box(
                &mut buffer,
                (w, h),
                (x, placement.y),
                dot,
                &["paused".into()],
                OVERLAY_BACK,
            );
        }
        if let Some(banner) = &self.banner {
            let line: String = banner.chars().take(cols).collect();
            let y = (placement.y + placement.scale * HEIGHT as u32).saturating_sub(dot * 12);
            render::text_box(
                &mut buffer,
                (w, h),
                (placement.x, y),
                dot,
                &[line],
                BANNER_RED,
            );
        }
        let _ = buffer.present();
    }

    /// Boots the cart again after `F5` or a reload.
    fn rebooted(&mut self, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.banner = None;
                self.halted = false;
            }
            Err(banner) => {
                self.banner = Some(banner);
                self.halted = true;
            }
        }
        self.audio.clear();
        self.clock = Clock::new(Instant::now());
    }

    fn host(&mut self, key: HostKey, event_loop: &ActiveEventLoop) {
        match key {
            HostKey::Quit => event_loop.exit(),
            HostKey::Pause => {
                self.paused = !self.paused;
                self.audio.clear();
                self.clock = Clock::new(Instant::now());
            }
            HostKey::Step => {
                if self.paused && !self.halted {
                    self.tick(event_loop);
                }
            }
            HostKey::Restart => {
                let result = self.session.restart();
                self.ticks = 0;
                self.rebooted(result);
            }
            HostKey::Overlay => self.overlay = !self.overlay,
            HostKey::Screenshot => eprintln!("{}", self.session.screenshot()),
            HostKey::Gif => eprintln!("{}", self.session.toggle_gif()),
        }
        self.present();
    }

    fn key(&mut self, event: KeyEvent, event_loop: &ActiveEventLoop) {
        let PhysicalKey::Code(code) = event.physical_key else {
            return;
        };
        let pressed = event.state == ElementState::Pressed;
        if let Some(key) = host_key(code) {
            if pressed && !event.repeat {
                self.host(key, event_loop);
            }
            return;
        }
        let Some(id) = self.keymap.button(code) else {
            return;
        };
        if !pressed {
            self.keys.release(id);
        } else if self.keys.press(id) {
            self.pending_press.get_or_insert_with(Instant::now);
        }
    }
}

impl ApplicationHandler<UserEvent> for App<'_> {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.screen.is_some() {
            return;
        }
        match self.open(event_loop) {
            Ok(screen) => {
                self.screen = Some(screen);
                self.clock = Clock::new(Instant::now());
                if self.frames == Some(0) {
                    event_loop.exit();
                }
            }
            Err(e) => {
                self.error = Some(PlayError::Window(e));
                event_loop.exit();
            }
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _: WindowId, event: WindowEvent) {
        match event {
            WindowEvent::CloseRequested => event_loop.exit(),
            WindowEvent::KeyboardInput { event, .. } => self.key(event, event_loop),
            WindowEvent::Focused(false) => self.keys.release_all(),
            WindowEvent::Resized(_) | WindowEvent::RedrawRequested => self.present(),
            _ => {}
        }
    }

    fn user_event(&mut self, _: &ActiveEventLoop, event: UserEvent) {
        let UserEvent::Changed(paths) = event;
        let result = self.session.reload(&paths);
        if result.is_ok() {
            self.rebooted(result);
        } else {
            // The old program goes on; only the banner changes.
            self.banner = result.err();
        }
        self.present();
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        if self.screen.is_none() || event_loop.exiting() {
            return;
        }
        if self.paused || self.halted {
            event_loop.set_control_flow(ControlFlow::Wait);
            return;
        }
        let due = self.clock.due(Instant::now());
        for _ in 0..due {
            self.tick(event_loop);
            if event_loop.exiting() || self.halted {
                break;
            }
        }
        if due > 0 {
            self.present();
        }
        event_loop.set_control_flow(ControlFlow::WaitUntil(self.clock.deadline()));
    }
}
