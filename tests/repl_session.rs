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
