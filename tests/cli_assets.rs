//! Command-line tests of graphics assets: a program file runs the same after being moved
//! away from its asset files, asset read errors, and the asset lines of `disasm` and
//! `--stats`.

mod common;

use common::*;

/// A cartridge that draws from a bank and a map, in the folder of the test assets.
const CART: &str = "examples/tests/gfx/camera.pbs";

#[test]
fn a_moved_program_file_draws_identically() {
    let dir = scratch("moved-pbc");
    let pbc = dir.join("moved.pbc");
    let o = prometeuc(&["build", CART, "-o", pbc.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The scratch folder holds only the program file: no assets beside it.
    let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(entries.len(), 1);
    let from_pbc = dir.join("from_pbc.png");
    let from_source = dir.join("from_source.png");
    let o = prometeuc(&[
        "run",
        pbc.to_str().unwrap(),
        "--frames",
        "2",
        "--screenshot",
        from_pbc.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = prometeuc(&[
        "run",
        CART,
        "--frames",
        "2",
        "--screenshot",
        from_source.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (a, b) = (
        std::fs::read(&from_pbc).unwrap(),
        std::fs::read(&from_source).unwrap(),
    );
    assert_eq!(a, b, "the moved program draws what the source draws");
    // And what it draws is the golden frame of the screen test, not a blank screen.
    let golden = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/tests/gfx/screens/camera.png"),
    )
    .unwrap();
    assert_eq!(
        prometeu::testing::screen::decode_png(&a).unwrap(),
        prometeu::testing::screen::decode_png(&golden).unwrap()
    );
}

#[test]
fn an_asset_file_over_the_size_limit_is_refused() {
    let dir = scratch("huge-asset");
    let huge = std::fs::File::create(dir.join("huge.png")).unwrap();
    // A sparse file: 17 MiB long, costing no disk space.
    huge.set_len(17 << 20).unwrap();
    let src = write(
        &dir,
        "cart.pbs",
        "declare bank B = \"huge.png\" tile 8;\nfn main() {}\n",
    );
    let o = prometeuc(&["check", &src, "--color", "never"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_stderr_contains(&o, "[E0701]");
    assert_stderr_contains(&o, "larger than the 16777216 bytes an asset may have");
}

#[test]
fn asset_paths_are_relative_to_the_source_not_the_working_directory() {
    let dir = scratch("relative-assets");
    std::fs::create_dir_all(dir.join("art")).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("examples/tests/gfx/assets/sheet.png"),
        dir.join("art/sheet.png"),
    )
    .unwrap();
    let src = write(
        &dir,
        "cart.pbs",
        "declare bank B = \"art/sheet.png\" tile 8;\nfn main() { Gfx.spr(B, 0, 0, 0); print(Gfx.pget(1, 1) == Color.RED); }\n",
    );
    let o = prometeuc(&["run", &src]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "true\n");
    let o = prometeuc(&["check", "examples/tests/gfx/../gfx/spr.pbs"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn disasm_lists_the_assets_and_stats_counts_their_bytes() {
    let o = prometeuc(&["disasm", CART]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("assets\n  bank 0 SHEET        assets/sheet.png     32x16 px, 8 tiles of 8x8, image 0\n  map  0 assets/map_csv.tmx"),
        "{out}"
    );
    assert!(out.contains("6x4 cells, 2 layers"), "{out}");
    assert!(out.contains("1 images, 1120 bytes of asset data"), "{out}");
    let o = prometeuc(&["run", CART, "--frames", "1", "--stats"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_stderr_contains(
        &o,
        "assets: 1 banks, 1 maps, 1 images; 1120 bytes of pixel and cell data",
    );
    assert_stderr_contains(&o, "host time per frame: min ");
}
