//! `prometeuc test`: finds `.pbs` tests, runs them in parallel through
//! `prometeu::testing`, writes what they ask for (blessed goldens, `.actual.png`,
//! `.diff.png`, `.actual.wav`), prints one line per test and the summary, and writes a JUnit
//! report.

mod junit;

use crate::{files, stdio};
use prometeu::testing::{run_test, TestOptions, TestReport, WriteKind, DEFAULT_MAX_CYCLES};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Exit status when a test failed.
const EXIT_FAILED: u8 = 1;
/// Exit status for a usage error.
const EXIT_USAGE: u8 = 2;
/// The stack of a worker thread: compiling and running deep programs needs more than the
/// default of spawned threads.
const WORKER_STACK: usize = 64 << 20;

/// The options of `prometeuc test`.
#[derive(clap::Args)]
pub(crate) struct TestArgs {
    /// `.pbs` test files, or directories searched recursively (default: `tests/`).
    paths: Vec<PathBuf>,
    /// Write or rewrite the golden files of the tests that run (never a source file).
    #[arg(long)]
    bless: bool,
    /// Run only the tests whose name contains TEXT; the others count as skipped.
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
    /// How many tests run at once (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,
    /// Write a JUnit XML report.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// The most cycles one test may use; a test that needs more fails.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CYCLES)]
    max_cycles: u64,
}

/// One test found on disk.
struct Found {
    /// The file.
    path: PathBuf,
    /// The name shown and filtered on: the path with `/` separators.
    name: String,
}

/// What happened to one test that ran.
pub(crate) struct Outcome {
    /// The test's name.
    pub(crate) name: String,
    /// Why it failed; empty when it passed.
    pub(crate) failures: Vec<String>,
    /// The golden files `--bless` wrote.
    pub(crate) blessed: Vec<String>,
    /// How long it took.
    pub(crate) time: Duration,
}

/// What the JUnit report lists for one test.
pub(crate) enum Entry<'a> {
    /// The test ran.
    Ran(&'a Outcome),
    /// `--filter` left it out.
    Skipped(&'a str),
}

/// Runs `prometeuc test`; `Err` carries the exit status.
pub(crate) fn run(args: &TestArgs) -> Result<(), u8> {
    if let Some(path) = &args.junit {
        if path.extension().is_some_and(|e| e == "pbs") {
            let _ = stdio::err_line(&format!(
                "error: --junit names the report to write, and `{}` is a source file",
                path.display()
            ));
            return Err(EXIT_USAGE);
        }
    }
    let found = discover(&args.paths)?;
    let (selected, skipped): (Vec<&Found>, Vec<&Found>) = found.iter().partition(|t| {
        args.filter
            .as_deref()
            .is_none_or(|text| t.name.contains(text))
    });
    let options = TestOptions {
        max_cycles: args.max_cycles,
        bless: args.bless,
        ..TestOptions::default()
    };
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    );
    let started = Instant::now();
    let outcomes = run_all(&selected, jobs, &options);
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.failures.is_empty()).collect();
    let mut stdout = std::io::stdout().lock();
    if !failed.is_empty() {
        let _ = writeln!(stdout, "\nfailures:");
        for o in &failed {
            let _ = writeln!(stdout, "    {}", o.name);
        }
    }
    let mut summary = format!(
        "{} passed, {} failed",
        outcomes.len() - failed.len(),
        failed.len()
    );
    if args.filter.is_some() {
        summary.push_str(&format!(", {} skipped", skipped.len()));
    }
    let _ = writeln!(stdout, "{summary}");
    let _ = stdout.flush();
    if let Some(path) = &args.junit {
        let mut entries: Vec<(&str, Entry<'_>)> = outcomes
            .iter()
            .map(|o| (o.name.as_str(), Entry::Ran(o)))
            .chain(
                skipped
                    .iter()
                    .map(|t| (t.name.as_str(), Entry::Skipped(&t.name))),
            )
            .collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let entries: Vec<Entry<'_>> = entries.into_iter().map(|(_, e)| e).collect();
        let xml = junit::report(&entries, started.elapsed());
        if let Err(e) = files::write_atomic(path, xml.as_bytes()) {
            let _ = stdio::err_line(&format!("error: cannot write `{}`: {e}", path.display()));
            return Err(EXIT_FAILED);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(EXIT_FAILED)
    }
}

/// Finds the tests: every `.pbs` under each path, sorted by name, each once.
fn discover(paths: &[PathBuf]) -> Result<Vec<Found>, u8> {
    let default = [PathBuf::from("tests")];
    let roots = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for root in roots {
        if root.is_dir() {
            let mut here = Vec::new();
            collect(root, &mut here);
            here.sort();
            files.extend(here);
        } else if root.is_file() {
            if root.extension().is_none_or(|e| e != "pbs") {
                let _ = stdio::err_line(&format!(
                    "error: `{}` is not a `.pbs` test file",
                    root.display()
                ));
                return Err(EXIT_USAGE);
            }
            files.push(root.clone());
        } else if paths.is_empty() {
            let _ = stdio::err_line(
                "error: there is no `tests/` directory here; name the test files or directories, \
                 as in `prometeuc test examples/tests`",
            );
            return Err(EXIT_USAGE);
        } else {
            let _ = stdio::err_line(&format!("error: `{}` does not exist", root.display()));
            return Err(EXIT_USAGE);
        }
    }
    let mut seen = std::collections::HashSet::new();
    Ok(files
        .into_iter()
        .filter(|p| seen.insert(p.clone()))
        .map(|path| Found {
            name: path.to_string_lossy().replace('\\', "/"),
            path,
        })
        .collect())
}

/// Collects the `.pbs` files under a directory, skipping hidden entries; symbolic links to
/// directories are not followed, so a link cycle cannot loop. A directory holding a
/// `main.pbs` is one test of a program in many files: only its `main.pbs` is collected.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let main = dir.join("main.pbs");
    if main.is_file() {
        out.push(main);
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "pbs") && path.is_file() {
            out.push(path);
        }
    }
}

/// Runs the tests on `jobs` threads and prints each result in discovery order as soon as it
/// and every earlier one have finished, so the output does not depend on `--jobs`.
fn run_all(tests: &[&Found], jobs: usize, options: &TestOptions) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let (send, receive) = std::sync::mpsc::channel::<(usize, Outcome)>();
    let mut results: Vec<Option<Outcome>> = tests.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, tests.len().max(1)) {
            let send = send.clone();
            let next = &next;
            std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(test) = tests.get(i) else { break };
                    if send.send((i, run_one(test, options))).is_err() {
                        break;
                    }
                })
                .expect("a worker thread starts");
        }
        drop(send);
        let mut printed = 0;
        let mut stdout = std::io::stdout().lock();
        for (i, outcome) in receive {
            results[i] = Some(outcome);
            while let Some(Some(o)) = results.get(printed) {
                print_outcome(&mut stdout, o);
                printed += 1;
            }
        }
        let _ = stdout.flush();
    });
    results.into_iter().flatten().collect()
}

fn print_outcome(out: &mut impl Write, o: &Outcome) {
    let status = if o.failures.is_empty() {
        "ok  "
    } else {
        "FAIL"
    };
    let _ = writeln!(out, "{status} {}", o.name);
    for problem in &o.failures {
        for line in problem.lines() {
            let _ = writeln!(out, "     {line}");
        }
    }
    for path in &o.blessed {
        let _ = writeln!(out, "     blessed {path}");
    }
}

/// Runs one test and writes the files it asks for.
fn run_one(test: &Found, options: &TestOptions) -> Outcome {
    let started = Instant::now();
    let dir = test.path.parent().unwrap_or(Path::new("")).to_path_buf();
    let report = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let text = match files::read_capped(&test.path, files::SOURCE) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    return failed(format!(
                        "the file is not valid UTF-8 (byte {})",
                        e.utf8_error().valid_up_to()
                    ))
                }
            },
            Err(e) => return failed(e.to_string()),
        };
        let read = |relative: &str| {
            let path = dir.join(relative);
            if !path.exists() {
                return Ok(None);
            }
            files::read_capped(&path, files::PROGRAM)
                .map(Some)
                .map_err(|e| e.to_string())
        };
        run_test(&test.name, &text, &read, options)
    }))
    .unwrap_or_else(|_| failed("internal error: the test runner panicked".to_string()));
    let mut failures = report.failures;
    let mut blessed = Vec::new();
    for w in report.writes {
        let target = dir.join(&w.path);
        let shown = target.to_string_lossy().replace('\\', "/");
        if target.extension().is_none_or(|e| e != "png" && e != "wav") {
            failures.push(format!(
                "refusing to write `{shown}`: only `.png` and `.wav` goldens are written"
            ));
            continue;
        }
        match files::write_atomic(&target, &w.bytes) {
            Ok(()) if w.kind == WriteKind::Golden => blessed.push(shown),
            Ok(()) => {}
            Err(e) => failures.push(format!("cannot write `{shown}`: {e}")),
        }
    }
    Outcome {
        name: test.name.clone(),
        failures,
        blessed,
        time: started.elapsed(),
    }
}

fn failed(problem: String) -> TestReport {
    TestReport {
        failures: vec![problem],
        ..TestReport::default()
    }
}
