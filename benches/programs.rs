//! Criterion benchmarks: running each program of `benches/programs/` (compiled once,
//! measured running), and the compiler's throughput on a large generated source and on a
//! generated project of 50 files.
//!
//! Run with `cargo bench --bench programs`; one group with `cargo bench --bench programs -- run/fib`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use prometeu::compiler::CompileOptions;
use prometeu::vm::{Limits, Output};
use std::collections::HashMap;
use std::hint::black_box;

/// A sink that discards output, so printing does not dominate the measurements.
struct Discard;

impl Output for Discard {
    fn write_str(&mut self, text: &str) {
        black_box(text);
    }
}

fn program(name: &str) -> prometeu::bytecode::VerifiedProgram {
    let path = format!("{}/benches/programs/{name}.pbs", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("bench program exists");
    let unit = prometeu::compile_source(&path, &text, &CompileOptions::default());
    let program = unit.compiled.program.expect("bench program compiles");
    prometeu::verify(program).expect("bench program verifies")
}

fn run_programs(c: &mut Criterion) {
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    for name in [
        "fib30",
        "fib",
        "loop",
        "globals",
        "calls",
        "closure_calls",
        "value_calls",
        "global_calls",
        "floats",
        "mandelbrot",
        "array",
        "method",
        "contract_mono",
        "contract_mega",
        "richards",
        "strcat",
        "strcat10",
        "binary_trees",
        "nbody",
        "push_sum",
        "quicksort",
        "particles",
        "list",
        "towers",
        "queens",
        "permute",
        "sieve",
        "storage",
        "bounce",
        "strfmt",
        "json",
        "map_words",
        "map_ints",
    ] {
        let verified = program(name);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut vm =
                    prometeu::new_vm(verified.clone(), Limits::default(), Box::new(Discard))
                        .expect("vm");
                vm.run_script(None).expect("runs without a trap");
            })
        });
    }
    group.finish();
}

/// A large source: many small functions with loops, branches, globals and calls.
fn generated_source(functions: usize) -> String {
    let mut src = String::from("declare global total: int = 0;\ndeclare const SCALE: int = 3;\n\n");
    for i in 0..functions {
        src.push_str(&format!(
            "fn f{i}(a: int, b: int): int {{\n    let acc = a * SCALE + b;\n    for k from 0 until 10 {{\n        if k % 2 == 0 {{\n            acc += k;\n        }} else {{\n            acc -= 1;\n        }}\n    }}\n    total += acc;\n    return acc + {i};\n}}\n\n"
        ));
    }
    src.push_str("fn main() {\n    print(f0(1, 2));\n}\n");
    src
}

fn compile_throughput(c: &mut Criterion) {
    let src = generated_source(4000);
    let lines = src.lines().count() as u64;
    let builtins = prometeu::builtins();
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.throughput(Throughput::Elements(lines));
    let id = prometeu::lexer::SourceId(0);
    group.bench_function("lex", |b| {
        b.iter(|| prometeu::lexer::lex(black_box(&src), id))
    });
    let (tokens, _) = prometeu::lexer::lex(&src, id);
    let limits = prometeu::compiler::Limits::default();
    group.bench_function("parse", |b| {
        b.iter(|| prometeu::compiler::parse::parse(black_box(&tokens), id, src.len(), &limits))
    });
    let options = CompileOptions::default();
    group.bench_function("full", |b| {
        b.iter(|| {
            let compiled =
                prometeu::compiler::compile(black_box(&src), id, "gen.pbs", &builtins, &options);
            assert!(compiled.program.is_some());
        })
    });
    group.finish();
}

/// A generated project of `files` files: each imports the one before it (by list and by
/// alias), and all declare the same global and helper names, so every file has its own
/// namespace and the clashing names are qualified.
fn generated_project(files: usize, functions: usize) -> HashMap<String, String> {
    let mut project = HashMap::new();
    for m in 0..files {
        let mut src = String::new();
        if m > 0 {
            let prev = m - 1;
            src.push_str(&format!(
                "import {{ entry{prev} }} from \"./m{prev}.pbs\";\nimport \"./m{prev}.pbs\" as prev;\n\n"
            ));
        }
        src.push_str("pub declare global total: int = 0;\ndeclare const SCALE: int = 3;\n\n");
        for i in 0..functions {
            src.push_str(&format!(
                "fn f{i}(a: int, b: int): int {{\n    let acc = a * SCALE + b;\n    for k from 0 until 10 {{\n        if k % 2 == 0 {{\n            acc += k;\n        }} else {{\n            acc -= 1;\n        }}\n    }}\n    total += acc;\n    return acc + {i};\n}}\n\n"
            ));
        }
        let call = if m > 0 {
            format!("entry{}(a) + prev.total", m - 1)
        } else {
            "a".to_string()
        };
        src.push_str(&format!(
            "pub fn entry{m}(a: int): int {{\n    return f0(a, 1) + {call};\n}}\n"
        ));
        project.insert(format!("m{m}.pbs"), src);
    }
    let last = files - 1;
    project.insert(
        "main.pbs".to_string(),
        format!(
            "import {{ entry{last} }} from \"./m{last}.pbs\";\n\nfn main() {{\n    print(entry{last}(1));\n}}\n"
        ),
    );
    project
}

fn compile_many_files(c: &mut Criterion) {
    let project = generated_project(50, 80);
    let lines: usize = project.values().map(|s| s.lines().count()).sum();
    let builtins = prometeu::builtins();
    let options = CompileOptions::default();
    let provider = |path: &str| -> Result<prometeu::compiler::SourceFile, String> {
        project
            .get(path)
            .map(|text| prometeu::compiler::SourceFile {
                key: path.to_string(),
                name: path.to_string(),
                text: text.clone(),
            })
            .ok_or_else(|| format!("there is no file `{path}`"))
    };
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.throughput(Throughput::Elements(lines as u64));
    group.bench_function("many_files", |b| {
        b.iter(|| {
            let mut sources = prometeu::lexer::Sources::new();
            let id = sources.add("main.pbs", project["main.pbs"].clone());
            let compiled = prometeu::compiler::compile_program(
                id,
                "main.pbs",
                "main.pbs",
                &mut sources,
                &provider,
                &builtins,
                &options,
            );
            assert!(
                compiled.program.is_some(),
                "{:?}",
                compiled.diagnostics.first()
            );
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    run_programs,
    compile_throughput,
    compile_many_files
);
criterion_main!(benches);
