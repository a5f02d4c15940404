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
