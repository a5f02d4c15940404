//! Golden tests: every `tests/golden/**/*.pbs` program is compiled and run, and what it does
//! is compared with the expectations written inside it:
//!
//! - `// expect: TEXT` — the next line of standard output (in file order);
//! - `// expect error[CODE]: TEXT` / `// expect warning[CODE]: TEXT` — a diagnostic with that
//!   code whose message contains TEXT, whose primary span starts on this line;
//! - `// expect trap: TEXT` — the program stops with a trap whose message contains TEXT, at
//!   an operation on this line.
//!
//! Programs with diagnostics or traps also have a `.stderr` snapshot of the rendered output
//! (colour off); `BLESS=1` rewrites the snapshots. Every program that runs is run a second
//! time through `.pbc` encode → decode → verify and must behave identically. The examples
//! (`examples/*.pbs` with `.out` files) run here too, one test each.

use libtest_mimic::{Arguments, Failed, Trial};
use prometeu::bytecode::encode;
use prometeu::compiler::CompileOptions;
use prometeu::lexer::{render_all, Diagnostic, RenderOptions, Severity, SourceId, Sources};
use prometeu::vm::Limits;
use std::path::{Path, PathBuf};

/// One expectation written in a test file.
#[derive(Debug, PartialEq)]
enum Expect {
    Output(String),
    Diagnostic {
        severity: Severity,
        code: String,
        line: usize,
        text: String,
    },
    Trap {
        line: usize,
        text: String,
    },
}

fn parse_expectations(source: &str) -> Vec<Expect> {
    let mut out = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let Some(at) = line.find("// expect") else {
            continue;
        };
        let rest = &line[at + "// expect".len()..];
        let line_no = index + 1;
        if let Some(text) = rest.strip_prefix(": ") {
            out.push(Expect::Output(text.to_string()));
        } else if rest == ":" {
            out.push(Expect::Output(String::new()));
        } else if let Some(text) = rest.strip_prefix(" trap: ") {
            out.push(Expect::Trap {
                line: line_no,
                text: text.trim().to_string(),
            });
        } else {
            let (severity, rest) = if let Some(r) = rest.strip_prefix(" error[") {
                (Severity::Error, r)
            } else if let Some(r) = rest.strip_prefix(" warning[") {
                (Severity::Warning, r)
            } else {
                continue;
            };
            let Some((code, text)) = rest.split_once("]:") else {
                continue;
            };
            out.push(Expect::Diagnostic {
                severity,
                code: code.to_string(),
                line: line_no,
                text: text.trim().to_string(),
            });
        }
    }
    out
}

/// The line a diagnostic's primary span starts on.
fn line_of(d: &Diagnostic, sources: &Sources, id: SourceId) -> usize {
    d.primary
        .as_ref()
        .map_or(0, |l| sources.line_col(id, l.span.start).0)
}

fn describe(d: &Diagnostic, sources: &Sources, id: SourceId) -> String {
    format!(
        "line {}: {:?}[{}]: {}",
        line_of(d, sources, id),
        d.severity,
        d.code.as_deref().unwrap_or(""),
        d.message
    )
}

/// Compares or blesses a snapshot file.
fn snapshot(path: &Path, actual: &str) -> Result<(), Failed> {
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(path, actual).map_err(|e| Failed::from(e.to_string()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(path).map_err(|_| {
        Failed::from(format!(
            "missing snapshot {} (run with BLESS=1)",
            path.display()
        ))
    })?;
    if expected != actual {
        return Err(Failed::from(format!(
            "snapshot {} differs (run with BLESS=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        )));
    }
    Ok(())
}

fn run_golden(path: &Path) -> Result<(), Failed> {
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let expectations = parse_expectations(&source);
    let name = path.to_string_lossy().replace('\\', "/");
    let unit = prometeu::compile_source(&name, &source, &CompileOptions::default());
    let mut problems = Vec::new();
    let mut rendered = render_all(
        &unit.compiled.diagnostics,
        &unit.sources,
        RenderOptions { color: false },
    );

    // Diagnostics: each expected one must be reported, and nothing else.
    let mut unmatched: Vec<&Diagnostic> = unit.compiled.diagnostics.iter().collect();
    for e in &expectations {
        if let Expect::Diagnostic {
            severity,
            code,
            line,
            text,
        } = e
        {
            let found = unmatched.iter().position(|d| {
                d.severity == *severity
                    && d.code.as_deref() == Some(code.as_str())
                    && line_of(d, &unit.sources, unit.id) == *line
                    && d.message.contains(text.as_str())
            });
            match found {
                Some(i) => {
                    unmatched.remove(i);
                }
                None => problems.push(format!(
                    "expected {severity:?}[{code}] on line {line} containing {text:?}"
                )),
            }
        }
    }
    for d in unmatched {
        problems.push(format!(
            "unexpected diagnostic: {}",
            describe(d, &unit.sources, unit.id)
        ));
    }

    let outputs: Vec<&str> = expectations
        .iter()
        .filter_map(|e| match e {
            Expect::Output(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let trap = expectations.iter().find_map(|e| match e {
        Expect::Trap { line, text } => Some((*line, text.as_str())),
        _ => None,
    });

    if let Some(program) = unit.compiled.program.clone() {
        let verified =
            prometeu::verify(program.clone()).map_err(|e| format!("verification failed: {e}"))?;
        let first = prometeu::run_script(verified, Limits::default(), None);
        // The same program through the file format must behave identically.
        let bytes = encode(&program);
        let reloaded = prometeu::load(&bytes)
            .map_err(|e| format!("the .pbc round trip failed to load: {e}"))?;
        if *reloaded.program() != program {
            problems.push("decode(encode(program)) differs from the program".to_string());
        }
        let second = prometeu::run_script(reloaded, Limits::default(), None);
        if first.stdout != second.stdout || first.trap != second.trap {
            problems.push("running the .pbc round trip behaved differently".to_string());
        }
        let actual: Vec<&str> = first.stdout.lines().collect();
        if actual != outputs {
            problems.push(format!(
                "stdout differs:\n--- expected\n{}\n--- actual\n{}",
                outputs.join("\n"),
                actual.join("\n")
            ));
        }
        let (sources, id) = prometeu::program_sources(&program);
        match (&first.trap, trap) {
            (None, None) => {}
            (Some(d), None) => {
                problems.push(format!("unexpected trap: {}", describe(d, &sources, id)))
            }
            (None, Some((line, text))) => problems.push(format!(
                "expected a trap on line {line} containing {text:?}"
            )),
            (Some(d), Some((line, text))) => {
                if !d.message.contains(text) || line_of(d, &sources, id) != line {
                    problems.push(format!(
                        "expected a trap on line {line} containing {text:?}, got {}",
                        describe(d, &sources, id)
                    ));
                }
                rendered.push_str(&render_all(
                    std::slice::from_ref(d),
                    &sources,
                    RenderOptions { color: false },
                ));
            }
        }
    } else if !outputs.is_empty() || trap.is_some() {
        problems.push("the program did not compile, but output or a trap is expected".to_string());
    }

    if !rendered.is_empty() {
        if let Err(e) = snapshot(&path.with_extension("stderr"), &rendered) {
            problems.push(e.message().map(str::to_string).unwrap_or_default());
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failed::from(problems.join("\n")))
    }
}

fn run_example(path: &Path) -> Result<(), Failed> {
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let expected =
        std::fs::read_to_string(path.with_extension("out")).map_err(|e| e.to_string())?;
    let unit =
        prometeu::compile_source(&path.to_string_lossy(), &source, &CompileOptions::default());
    let Some(program) = unit.compiled.program else {
        return Err(Failed::from(render_all(
            &unit.compiled.diagnostics,
            &unit.sources,
            RenderOptions { color: false },
        )));
    };
    let verified = prometeu::verify(program).map_err(|e| e.to_string())?;
    let run = prometeu::run_script(verified, Limits::default(), None);
    if let Some(trap) = run.trap {
        return Err(Failed::from(format!("trap: {}", trap.message)));
    }
    if run.stdout != expected {
        return Err(Failed::from(format!(
            "output differs:\n--- expected\n{expected}\n--- actual\n{}",
            run.stdout
        )));
    }
    Ok(())
}

fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(root).expect("the manifest directory exists");
    let mut trials = Vec::new();
    let mut golden = Vec::new();
    collect(Path::new("tests/golden"), "pbs", &mut golden);
    golden.sort();
    for path in golden {
        let name = path
            .strip_prefix("tests/golden")
            .unwrap_or(&path)
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        trials.push(Trial::test(format!("golden/{name}"), move || {
            run_golden(&path)
        }));
    }
    let mut examples = Vec::new();
    collect(Path::new("examples"), "pbs", &mut examples);
    examples.retain(|p| p.with_extension("out").exists());
    examples.sort();
    for path in examples {
        let name = path.with_extension("").to_string_lossy().replace('\\', "/");
        trials.push(Trial::test(name, move || run_example(&path)));
    }
    libtest_mimic::run(&args, trials).exit();
}
