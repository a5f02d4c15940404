//! The window tests' harness: a virtual X display (Xvfb) per test, taking turns, the X clients
//! that drive it (xdotool, xwd), and readers for the screenshots and pacing logs they produce.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The message of a missing tool.
pub(crate) fn install_hint(tool: &str) -> String {
    format!(
        "`{tool}` is not installed: the window tests need Xvfb, xdotool and xwd (apt-get install xvfb xdotool x11-apps; .ci/run installs them)"
    )
}

/// Fails the test unless `tool` runs.
pub(crate) fn require(tool: &str, probe: &str) {
    let ok = Command::new(tool)
        .arg(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    assert!(ok, "{}", install_hint(tool));
}

/// A virtual X display for one test, stopped when dropped.
pub(crate) struct Display {
    server: Child,
    name: String,
    /// Window tests run one at a time: parallel X servers and players on a loaded 2-core
    /// machine made windows fail to connect now and then.
    _turn: Option<std::sync::MutexGuard<'static, ()>>,
}

/// The lock that gives each window test its turn.
static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());

static NEXT_DISPLAY: AtomicU32 = AtomicU32::new(0);

impl Display {
    /// Starts `Xvfb` on a free display number with a 1280×720 screen.
    pub(crate) fn start() -> Display {
        require("xdotool", "version");
        require("xwd", "-help");
        let turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        for _ in 0..20 {
            let n =
                200 + (std::process::id() % 300) * 10 + NEXT_DISPLAY.fetch_add(1, Ordering::SeqCst);
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            if socket.exists() || Path::new(&format!("/tmp/.X{n}-lock")).exists() {
                continue;
            }
            let server = Command::new("Xvfb")
                .args([
                    &format!(":{n}"),
                    "-screen",
                    "0",
                    "1280x720x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("{} ({e})", install_hint("Xvfb")));
            let mut display = Display {
                server,
                name: format!(":{n}"),
                _turn: None,
            };
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(30) {
                // The socket appears before the server accepts connections: wait until a
                // client can connect, so the player never races the server's start.
                if socket.exists() && display.accepts_clients() {
                    display._turn = Some(turn);
                    return display;
                }
                if display.server.try_wait().ok().flatten().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = display.server.kill();
        }
        panic!("Xvfb did not start a display");
    }

    /// Whether an X client can connect to this display yet.
    pub(crate) fn accepts_clients(&self) -> bool {
        Command::new("xdotool")
            .arg("getdisplaygeometry")
            .env("DISPLAY", &self.name)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Runs an X client (xdotool, xwd) on this display and returns its standard output.
    pub(crate) fn client(&self, tool: &str, args: &[&str]) -> String {
        let out = Command::new(tool)
            .args(args)
            .env("DISPLAY", &self.name)
            .output()
            .unwrap_or_else(|_| panic!("{}", install_hint(tool)));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits (at most 60 s, generous for a loaded machine) for a window with this title and returns its id.
    pub(crate) fn window(&self, title: &str) -> String {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            let found = self.client("xdotool", &["search", "--name", title]);
            if let Some(id) = found.lines().next() {
                return id.trim().to_string();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("no window titled {title:?} appeared");
    }

    /// Gives the window the keyboard focus.
    pub(crate) fn focus(&self, window: &str) {
        self.client("xdotool", &["windowfocus", "--sync", window]);
    }

    /// Starts `prometeuc ARGS` on this display from `dir`, with its output in files there.
    ///
    /// Now and then a client's first connection to a fresh Xvfb is refused although the
    /// server already answered `xdotool`; the player then exits at once saying it has no
    /// display. That is the test machine's X server, not the player under test (the no-display
    /// path has its own test), so such a start is retried, a few times at most.
    pub(crate) fn prometeuc(&self, dir: &Path, args: &[&str]) -> Child {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let mut child = self.spawn_prometeuc(dir, args);
            if attempts == 5 || !refused_by_the_server(&mut child, dir) {
                return child;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// One start of `prometeuc ARGS`, as [`Display::prometeuc`] describes.
    fn spawn_prometeuc(&self, dir: &Path, args: &[&str]) -> Child {
        Command::new(env!("CARGO_BIN_EXE_prometeuc"))
            .args(args)
            .current_dir(dir)
            .env("DISPLAY", &self.name)
            .env_remove("WAYLAND_DISPLAY")
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_DATA_HOME", dir.join("data"))
            // An empty ALSA configuration has no output device, so every machine runs these
            // tests on the silent path (Xvfb has no sound anyway) unless a test gives one.
            .env("ALSA_CONFIG_PATH", alsa_config(dir))
            .stdout(std::fs::File::create(dir.join("stdout.txt")).unwrap())
            .stderr(std::fs::File::create(dir.join("stderr.txt")).unwrap())
            .spawn()
            .expect("the binary runs")
    }
}

/// Whether `child` exited within its first seconds because the X server refused its
/// connection (it keeps running, or exits for any other reason, otherwise).
fn refused_by_the_server(child: &mut Child, dir: &Path) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        match child.try_wait() {
            Ok(Some(_)) => {
                let err = std::fs::read_to_string(dir.join("stderr.txt")).unwrap_or_default();
                return err.contains("Failed to open connection to X server");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => return false,
        }
    }
    false
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// The ALSA configuration of a run from `dir`: `dir/alsa.conf`, empty (no device) unless the
/// test wrote one.
pub(crate) fn alsa_config(dir: &Path) -> PathBuf {
    let path = dir.join("alsa.conf");
    if !path.exists() {
        std::fs::write(&path, "").unwrap();
    }
    path
}

/// Waits for a child at most `limit`, killing it (and failing) past that.
pub(crate) fn wait_bounded(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the player did not quit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The RGB pixels of a PNG screenshot.
pub(crate) fn png_rgb(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Decodes an XWD window dump (ZPixmap, 24-bit colour in 32-bit pixels) into RGB.
pub(crate) fn xwd_rgb(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let word = |i: usize| u32::from_be_bytes(bytes[i * 4..i * 4 + 4].try_into().unwrap());
    let header = word(0) as usize;
    let (format, width, height) = (word(2), word(4), word(5));
    let byte_order = word(7);
    let bits_per_pixel = word(11);
    let bytes_per_line = word(12) as usize;
    let (red_mask, green_mask, blue_mask) = (word(14), word(15), word(16));
    let colours = word(19) as usize;
    assert_eq!(format, 2, "ZPixmap");
    assert_eq!(bits_per_pixel, 32);
    let data = &bytes[header + colours * 12..];
    let channel = |p: u32, mask: u32| ((p & mask) >> mask.trailing_zeros()) as u8;
    let mut rgb = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height as usize {
        for x in 0..width as usize {
            let at = y * bytes_per_line + x * 4;
            let raw: [u8; 4] = data[at..at + 4].try_into().unwrap();
            let p = if byte_order == 0 {
                u32::from_le_bytes(raw)
            } else {
                u32::from_be_bytes(raw)
            };
            rgb.extend([
                channel(p, red_mask),
                channel(p, green_mask),
                channel(p, blue_mask),
            ]);
        }
    }
    (width, height, rgb)
}

/// A pacing log: frame intervals (µs), when each frame ran (frame, µs since the epoch), and
/// key presses (the frame that saw each, the µs from its event to that frame).
pub(crate) struct Pacing {
    pub(crate) intervals: Vec<u64>,
    pub(crate) times: Vec<(u64, u64)>,
    pub(crate) presses: Vec<(u64, u64)>,
}

pub(crate) fn pacing(path: &Path) -> Pacing {
    let text = std::fs::read_to_string(path).expect("pacing log");
    let mut log = Pacing {
        intervals: Vec::new(),
        times: Vec::new(),
        presses: Vec::new(),
    };
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["frame", n, "interval_us", v, "at_us", t] => {
                log.intervals.push(v.parse().unwrap());
                log.times.push((n.parse().unwrap(), t.parse().unwrap()));
            }
            ["input", n, "latency_us", v] => {
                log.presses.push((n.parse().unwrap(), v.parse().unwrap()))
            }
            // Written only when a sound device played.
            ["audio", "underruns", _, "dropped_frames", _, "requested_frames", _] => {}
            _ => panic!("unexpected pacing line {line:?}"),
        }
    }
    log
}

/// Microseconds since the epoch (comparable across processes).
pub(crate) fn epoch_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}
