//! `prometeu::session::Session` driven in-process, without the terminal front end.

use prometeu::session::Session;

/// Evaluates inputs that must all succeed.
fn eval_all(session: &mut Session, inputs: &[&str]) {
    for input in inputs {
        if let Err(failure) = session.eval(input) {
            panic!("{input:?} failed: {:?}", failure.diagnostics);
        }
    }
}

#[test]
fn reset_keeps_writing_to_the_same_output() {
    let (mut session, out) = Session::captured();
    eval_all(&mut session, &["let x = 1", "x + 1"]);
    session.reset();
    eval_all(&mut session, &["print(\"after\")", "3"]);
    session.reset();
    session.reset();
    eval_all(&mut session, &["\"twice\""]);
    assert_eq!(*out.0.borrow(), "2\nafter\n3\n\"twice\"\n");
}

#[test]
fn struct_redefinition_keeps_the_identity_of_old_instances() {
    let (mut session, out) = Session::captured();
    eval_all(
        &mut session,
        &[
            "declare struct A(s: int)",
            "let a = new A(1)",
            "declare struct B(s: string)",
            "let b = new B(\"p\")",
            "declare struct A(s: int) { fn get(): int { return this.s; } }",
            "a",
            "b",
            "str(b) == \"B(s: \\\"p\\\")\"",
            "a.get()",
            "declare struct Z(z: bool); declare struct B(s: string) { fn n(): int { return 2; } }",
            "[a, new A(2)]",
            "b",
            "new Z(true)",
        ],
    );
    assert_eq!(
        *out.0.borrow(),
        "A(s: 1)\nB(s: \"p\")\ntrue\n1\n[A(s: 1), A(s: 2)]\nB(s: \"p\")\nZ(z: true)\n"
    );
}

#[test]
fn an_error_in_a_struct_redefinition_points_into_the_input() {
    let (mut session, _) = Session::captured();
    eval_all(
        &mut session,
        &["declare struct A(s: int)", "fn f(): int { return 1; }"],
    );
    let failure = session
        .eval(
            "fn g(): int { return 2; }\ndeclare struct A(s: int) { fn m(): int { return \"x\"; } }",
        )
        .expect_err("a type error");
    let primary = failure.diagnostics[0].primary.as_ref().expect("a label");
    let source = failure.sources.name(primary.span.source);
    assert!(source.starts_with("<input"), "points into {source}");
    let text = failure.sources.text(primary.span.source);
    assert_eq!(&text[primary.span.range()], "\"x\"");
    assert_eq!(
        failure
            .sources
            .line_col(primary.span.source, primary.span.start),
        (2, 49)
    );
}

#[test]
fn an_error_in_a_struct_redefinition_placed_later_in_the_session_points_into_the_input() {
    // `B` sits after `A` in the session text, further along than at the start of the input.
    let (mut session, _) = Session::captured();
    eval_all(
        &mut session,
        &["declare struct A(s: int)", "declare struct B(s: string)"],
    );
    let failure = session
        .eval("declare struct B(s: string) { fn m(): int { return this.s; } }")
        .expect_err("a type error");
    let primary = failure.diagnostics[0].primary.as_ref().expect("a label");
    assert_eq!(failure.sources.name(primary.span.source), "<input 3>");
    let text = failure.sources.text(primary.span.source);
    assert_eq!(&text[primary.span.range()], "this.s");
}

/// A provider over an in-memory folder, whose files a test can change between inputs.
fn folder<'a>(
    files: &'a std::cell::RefCell<Vec<(&'static str, String)>>,
) -> impl Fn(&str) -> Result<prometeu::compiler::SourceFile, String> + 'a {
    move |path: &str| {
        let files = files.borrow();
        let (_, text) = files
            .iter()
            .find(|(p, _)| *p == path)
            .ok_or_else(|| format!("there is no file `{path}`"))?;
        Ok(prometeu::compiler::SourceFile {
            key: path.to_string(),
            name: path.to_string(),
            text: text.clone(),
        })
    }
}

#[test]
fn importing_a_file_again_picks_up_its_changes() {
    let files = std::cell::RefCell::new(vec![
        (
            "lib/bump.pbs",
            "pub fn bump(x: int): int { return x + 1; }\n".to_string(),
        ),
        (
            "main.pbs",
            "import { bump } from \"./lib/bump.pbs\";\npub fn twice(x: int): int { return bump(bump(x)); }\n"
                .to_string(),
        ),
    ]);
    let (mut session, out) = Session::captured();
    let provider = folder(&files);
    let import = "import { twice } from \"./main.pbs\"";
    session.eval_with_imports(import, &provider).unwrap();
    session.eval("twice(1)").unwrap();
    files.borrow_mut()[0].1 = "pub fn bump(x: int): int { return x * 10; }\n".to_string();
    session.eval("twice(1)").unwrap();
    session.eval_with_imports(import, &provider).unwrap();
    session.eval("twice(1)").unwrap();
    assert_eq!(*out.0.borrow(), "3\n3\n100\n");
}

#[test]
fn an_import_that_fails_to_compile_names_its_file_and_defines_nothing() {
    let files = std::cell::RefCell::new(vec![(
        "bad.pbs",
        "pub fn good(): int { return 1; }\npub fn bad(): int { return \"x\"; }\n".to_string(),
    )]);
    let (mut session, _) = Session::captured();
    let failure = session
        .eval_with_imports("import { good } from \"./bad.pbs\"", &folder(&files))
        .unwrap_err();
    assert_eq!(failure.diagnostics[0].code.as_deref(), Some("E0300"));
    let span = failure.diagnostics[0].primary.as_ref().unwrap().span;
    assert_eq!(failure.sources.name(span.source), "bad.pbs");
    assert!(
        session.eval("good()").is_err(),
        "nothing of the file was defined"
    );
}

#[test]
fn files_importing_each_other_are_refused_as_a_cycle() {
    let files = std::cell::RefCell::new(vec![
        (
            "a.pbs",
            "import { b } from \"./b.pbs\";\npub fn a(): int { return 1; }\n".to_string(),
        ),
        (
            "b.pbs",
            "import { a } from \"./a.pbs\";\npub fn b(): int { return a() + 1; }\n".to_string(),
        ),
    ]);
    let (mut session, _) = Session::captured();
    let failure = session
        .eval_with_imports("import { a } from \"./a.pbs\"", &folder(&files))
        .unwrap_err();
    let d = &failure.diagnostics[0];
    assert_eq!(d.code.as_deref(), Some("E0806"));
    assert_eq!(d.notes, ["the chain: a.pbs → b.pbs → a.pbs"]);
}

#[test]
fn field_defaults_show_in_the_signature_and_may_change_in_a_redefinition() {
    let (mut session, out) = Session::captured();
    eval_all(
        &mut session,
        &[
            "declare struct E(x: float, hp: int = 3, tags: [string] = [])",
            "let old = new E(1.0)",
            "declare struct E(x: float, hp: int = 4, tags: [string] = [])",
            "new E(x: 2.0)",
            "old",
        ],
    );
    let decls = session.declarations();
    let e = decls
        .iter()
        .find(|(name, _)| name == "E")
        .expect("E is declared");
    assert_eq!(e.1, "struct(x: float, hp: int = 4, tags: [string] = [])");
    assert_eq!(
        *out.0.borrow(),
        "E(x: 2.0, hp: 4, tags: [])\nE(x: 1.0, hp: 3, tags: [])\n"
    );
}

/// A provider over an in-memory folder in which a file may be reached by several paths:
/// each path names a key, and each key has a text.
fn linked<'a>(
    paths: &'a [(&'static str, &'static str)],
    texts: &'a std::cell::RefCell<Vec<(&'static str, String)>>,
) -> impl Fn(&str) -> Result<prometeu::compiler::SourceFile, String> + 'a {
    move |path: &str| {
        let (_, key) = paths
            .iter()
            .find(|(p, _)| *p == path)
            .ok_or_else(|| format!("there is no file `{path}`"))?;
        let texts = texts.borrow();
        let (_, text) = texts
            .iter()
            .find(|(k, _)| k == key)
            .expect("a text per key");
        Ok(prometeu::compiler::SourceFile {
            key: key.to_string(),
            name: path.to_string(),
            text: text.clone(),
        })
    }
}

/// The code of a failure's first diagnostic.
fn code(failure: &prometeu::session::Failure) -> Option<&str> {
    failure.diagnostics[0].code.as_deref()
}

const COUNTER: &str = "pub declare global total: int = start();\n\
    fn start(): int { print(\"starts\"); return 10; }\n\
    fn helper(): int { return 1; }\n\
    pub fn add(n: int): int { total = total + n * helper(); return total; }\n";

#[test]
fn one_file_reached_by_two_paths_is_one_module_initialized_once() {
    let paths = [
        ("lib/counter.pbs", "counter"),
        ("other/counter.pbs", "counter"),
        ("uses.pbs", "uses"),
    ];
    let texts = std::cell::RefCell::new(vec![
        ("counter", COUNTER.to_string()),
        (
            "uses",
            "import { add } from \"./other/counter.pbs\";\npub fn add_ten(): int { return add(10); }\n"
                .to_string(),
        ),
    ]);
    let (mut session, out) = Session::captured();
    let provider = linked(&paths, &texts);
    session
        .eval_with_imports("import { add } from \"./lib/counter.pbs\"", &provider)
        .unwrap();
    session.eval("add(1)").unwrap();
    session
        .eval_with_imports(
            "import { add_ten } from \"./uses.pbs\"; add_ten()",
            &provider,
        )
        .unwrap();
    session
        .eval_with_imports("import \"./other/counter.pbs\" as c; c.total", &provider)
        .unwrap();
    assert_eq!(*out.0.borrow(), "starts\n11\n21\n21\n");
}

#[test]
fn the_private_names_of_an_imported_file_stay_in_that_file() {
    let paths = [("counter.pbs", "counter")];
    let texts = std::cell::RefCell::new(vec![("counter", COUNTER.to_string())]);
    let (mut session, out) = Session::captured();
    let provider = linked(&paths, &texts);
    session
        .eval_with_imports("import { add } from \"./counter.pbs\"", &provider)
        .unwrap();
    assert_eq!(code(&session.eval("helper()").unwrap_err()), Some("E0204"));
    assert_eq!(code(&session.eval("total").unwrap_err()), Some("E0200"));
    // The prompt's own `helper` and `total` are other names; the file keeps using its own.
    session
        .eval("fn helper(): int { return 1000; }\nlet total = \"mine\";")
        .unwrap();
    session.eval("add(1)").unwrap();
    session.eval("total").unwrap();
    assert_eq!(*out.0.borrow(), "starts\n11\n\"mine\"\n");
    let failure = session
        .eval_with_imports("import \"./counter.pbs\" as c; c.helper()", &provider)
        .unwrap_err();
    assert_eq!(code(&failure), Some("E0802"));
    assert!(session.globals().iter().all(|(name, _)| name == "total"));
    assert!(session
        .declarations()
        .iter()
        .all(|(name, _)| name != "c.helper" && !name.contains("start")));
}

#[test]
fn an_import_that_fails_half_way_leaves_the_session_as_it_was() {
    let paths = [
        ("counter.pbs", "counter"),
        ("broken.pbs", "broken"),
        ("traps.pbs", "traps"),
    ];
    let texts = std::cell::RefCell::new(vec![
        ("counter", COUNTER.to_string()),
        (
            "broken",
            "import { add } from \"./counter.pbs\";\npub fn fine(): int { return add(1); }\npub fn bad(): int { return \"x\"; }\n"
                .to_string(),
        ),
        (
            "traps",
            "import { add } from \"./counter.pbs\";\npub declare global t: int = [0][add(0)];\npub fn get(): int { return t; }\n"
                .to_string(),
        ),
    ]);
    let (mut session, out) = Session::captured();
    let provider = linked(&paths, &texts);
    let failure = session
        .eval_with_imports("import { fine } from \"./broken.pbs\"", &provider)
        .unwrap_err();
    assert_eq!(code(&failure), Some("E0300"));
    assert_eq!(code(&session.eval("fine()").unwrap_err()), Some("E0204"));
    // Its globals start at zero: a trap in the initializers of an imported file applies none
    // of the import (the counter's module ran, but is not kept).
    let failure = session
        .eval_with_imports("import { get } from \"./traps.pbs\"", &provider)
        .unwrap_err();
    assert!(failure.diagnostics[0].message.starts_with("trap:"));
    assert_eq!(code(&session.eval("get()").unwrap_err()), Some("E0204"));
    assert_eq!(code(&session.eval("add(1)").unwrap_err()), Some("E0204"));
    assert!(session.declarations().is_empty());
    session
        .eval_with_imports("import { add } from \"./counter.pbs\"; add(1)", &provider)
        .unwrap();
    assert_eq!(*out.0.borrow(), "starts\nstarts\n11\n");
}

#[test]
fn importing_an_edited_file_again_starts_its_globals_again_and_keeps_the_others() {
    let paths = [("counter.pbs", "counter"), ("uses.pbs", "uses")];
    let texts = std::cell::RefCell::new(vec![
        ("counter", COUNTER.to_string()),
        (
            "uses",
            "import { add } from \"./counter.pbs\";\npub declare global calls: int = 0;\npub fn add_ten(): int { calls = calls + 1; return add(10); }\n"
                .to_string(),
        ),
    ]);
    let (mut session, out) = Session::captured();
    let provider = linked(&paths, &texts);
    let import = "import { add_ten } from \"./uses.pbs\"; import \"./uses.pbs\" as u";
    session.eval_with_imports(import, &provider).unwrap();
    session.eval("add_ten(); add_ten()").unwrap();
    // The same text again: nothing starts again.
    session.eval_with_imports(import, &provider).unwrap();
    session.eval("u.calls").unwrap();
    texts.borrow_mut()[0].1 = COUNTER.replace("n * helper()", "n * 2");
    session.eval_with_imports(import, &provider).unwrap();
    session.eval("add_ten()").unwrap();
    session.eval("u.calls").unwrap();
    assert_eq!(*out.0.borrow(), "starts\n20\n30\n2\nstarts\n30\n3\n");
}

#[test]
fn a_prompt_function_that_uses_an_import_can_still_be_redefined() {
    let paths = [("counter.pbs", "counter")];
    let texts = std::cell::RefCell::new(vec![("counter", COUNTER.to_string())]);
    let (mut session, out) = Session::captured();
    let provider = linked(&paths, &texts);
    session
        .eval_with_imports(
            "import { add as plus } from \"./counter.pbs\";\nfn advance(): int { return plus(1); }\nfn run(): int { return advance(); }",
            &provider,
        )
        .unwrap();
    session.eval("run()").unwrap();
    session
        .eval("fn advance(): int { return plus(5); }")
        .unwrap();
    session.eval("run()").unwrap();
    assert_eq!(*out.0.borrow(), "starts\n11\n16\n");
    // The imported name is taken: a declaration of it is a clash, reported where it is.
    let failure = session
        .eval("fn plus(x: int): int { return x; }")
        .unwrap_err();
    assert_eq!(code(&failure), Some("E0803"));
    let span = failure.diagnostics[0].primary.as_ref().unwrap().span;
    assert_eq!(&failure.sources.text(span.source)[span.range()], "plus");
}

#[test]
fn an_imported_struct_keeps_its_identity_and_its_fields() {
    let paths = [("shapes.pbs", "shapes"), ("more.pbs", "more")];
    let texts = std::cell::RefCell::new(vec![
        (
            "shapes",
            "pub declare struct Box(w: int) { fn twice(): int { return this.w * 2; } }\n"
                .to_string(),
        ),
        (
            "more",
            "pub declare struct Other(s: string);\npub declare struct Box(h: bool);\n".to_string(),
        ),
    ]);
    let (mut session, out) = Session::captured();
    let provider = linked(&paths, &texts);
    session
        .eval_with_imports(
            "import \"./shapes.pbs\" as s; declare struct Mine(n: int); let b = new s.Box(4); let m = new Mine(1)",
            &provider,
        )
        .unwrap();
    session
        .eval_with_imports(
            "import { Other, Box as Crate } from \"./more.pbs\"; let o = new Other(\"x\"); let c = new Crate(true)",
            &provider,
        )
        .unwrap();
    session.eval("b.twice(); b; m; o; c").unwrap();
    assert_eq!(
        *out.0.borrow(),
        "8\nshapes.Box(w: 4)\nMine(n: 1)\nmore.Other(s: \"x\")\nmore.Box(h: true)\n"
    );
    texts.borrow_mut()[0].1 = "pub declare struct Box(w: int, d: int);\n".to_string();
    let failure = session
        .eval_with_imports("import \"./shapes.pbs\" as s", &provider)
        .unwrap_err();
    assert_eq!(code(&failure), Some("E0508"));
    session.eval("b.twice()").unwrap();
    assert!(out.0.borrow().ends_with("\n8\n"));
}

#[test]
fn enums_declared_at_the_prompt_stay_declared_and_echo_their_variants() {
    let (mut session, out) = Session::captured();
    eval_all(
        &mut session,
        &[
            "declare enum State { Title, Over }",
            "State.Over",
            "declare enum Shape { Rect(w: float, h: float), Empty }",
            "let s = Shape.Rect(2.0, 3.0)",
            "s",
            "State.Title as int",
        ],
    );
    assert_eq!(
        *out.0.borrow(),
        "State.Over\nShape.Rect(w: 2.0, h: 3.0)\n0\n"
    );
}

#[test]
fn a_prompt_lambda_whose_code_no_longer_compiles_is_dropped_and_traps_when_called() {
    let files = std::cell::RefCell::new(vec![(
        "k.pbs",
        "pub fn k(): int { return 1; }\n".to_string(),
    )]);
    let (mut session, out) = Session::captured();
    let provider = folder(&files);
    let import = "import { k } from \"./k.pbs\"";
    session.eval_with_imports(import, &provider).unwrap();
    eval_all(
        &mut session,
        &[
            "let f = fn(): int { return k() + 1; };",
            "let g = fn(): int { return 5; };",
            "f()",
        ],
    );
    // `k` now returns a string, so `f`'s body no longer checks: the input still compiles,
    // without `f`'s code, and `g` (of another input) is untouched.
    files.borrow_mut()[0].1 = "pub fn k(): string { return \"s\"; }\n".to_string();
    session.eval_with_imports(import, &provider).unwrap();
    eval_all(&mut session, &["g()", "k()"]);
    let failure = session.eval("f()").unwrap_err();
    assert!(
        failure.diagnostics[0]
            .message
            .contains("refers to a function that no longer exists"),
        "{:?}",
        failure.diagnostics
    );
    eval_all(&mut session, &["g()"]);
    assert_eq!(*out.0.borrow(), "2\n5\n\"s\"\n5\n");
}

#[test]
fn lambdas_of_earlier_inputs_bind_late_and_reset_clears_them() {
    let (mut session, out) = Session::captured();
    eval_all(
        &mut session,
        &[
            "declare const BASE: int = 1",
            "fn scale(x: int): int { return x * 10; }",
            "let f = fn(x: int): int { return scale(x) + BASE; };",
            "declare global table: {string: fn(int): int} = {\"f\": f, \"g\": fn(x: int): int { return -x; }};",
            "f(1)",
            "fn scale(x: int): int { return x * 100; }",
            "declare const BASE: int = 2",
            "f(1)",
            "table[\"f\"](2)",
            "table[\"g\"](2)",
        ],
    );
    session.reset();
    assert!(session.eval("f(1)").is_err());
    assert_eq!(*out.0.borrow(), "11\n102\n202\n-2\n");
}
