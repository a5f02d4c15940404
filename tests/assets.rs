//! The PNG, TMX and WAV files of the graphics and sound tests and of the platformer example
//! are made by the project's own generators; these tests check that the committed files are
//! exactly what the generators make (`BLESS=1` rewrites them).

#[path = "../examples/tests/gfx/make_assets.rs"]
mod gfx_assets;
#[path = "../examples/carts/platformer/make_assets.rs"]
#[allow(dead_code)]
mod platformer_assets;
#[path = "golden/sound/make_assets.rs"]
mod sound_assets;

use std::path::Path;

/// Compares (or, with `BLESS=1`, writes) every generated file under `dir`.
fn check(dir: &str, files: Vec<(&'static str, Vec<u8>)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let bless = std::env::var_os("BLESS").is_some();
    let mut stale = Vec::new();
    for (path, bytes) in files {
        let target = root.join(path);
        if bless {
            std::fs::create_dir_all(target.parent().expect("a folder")).expect("mkdir");
            std::fs::write(&target, &bytes).expect("write");
        } else if std::fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(format!("{dir}/{path}"));
        }
    }
    assert!(
        stale.is_empty(),
        "generated assets are missing or out of date (run `BLESS=1 cargo test --test assets`): {stale:?}"
    );
}

#[test]
fn gfx_test_assets_are_up_to_date() {
    check("examples/tests/gfx", gfx_assets::files());
}

#[test]
fn sound_test_assets_are_up_to_date() {
    check("tests/golden/sound", sound_assets::files());
}

#[test]
fn platformer_assets_are_up_to_date() {
    check("examples/carts/platformer", platformer_assets::files());
}

#[test]
fn the_platformer_screenshot_in_the_docs_is_its_golden_frame() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs =
        std::fs::read(root.join("docs/screenshots/platformer.png")).expect("docs screenshot");
    let golden = std::fs::read(root.join("examples/tests/carts/screens/platformer_174.png"))
        .expect("golden screen");
    assert!(
        docs == golden,
        "copy examples/tests/carts/screens/platformer_174.png to docs/screenshots/platformer.png"
    );
}
