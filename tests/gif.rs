//! `prometeuc run --gif`: a headless capture as an animated GIF, decoded here with the `gif`
//! crate.

mod common;

use common::{prometeuc, scratch, stderr};

/// One decoded GIF frame: its delay and RGBA pixels.
type GifFrame = (u16, Vec<u8>);

/// Decodes a GIF: its size and its frames.
fn decode(path: &std::path::Path) -> ((u16, u16), Vec<GifFrame>) {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let file = std::fs::File::open(path).expect("the GIF was written");
    let mut decoder = options.read_info(file).expect("a valid GIF header");
    let size = (decoder.width(), decoder.height());
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().expect("a valid GIF frame") {
        frames.push((frame.delay, frame.buffer.to_vec()));
    }
    (size, frames)
}

#[test]
fn run_gif_writes_one_picture_per_two_frames_at_real_speed() {
    let dir = scratch("gif-bounce");
    let out = dir.join("bounce.gif");
    let run = prometeuc(&[
        "run",
        "examples/carts/bounce.pbs",
        "--frames",
        "9",
        "--gif",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let (size, frames) = decode(&out);
    assert_eq!(size, (320, 180));
    assert_eq!(frames.len(), 5, "frames 1, 3, 5, 7 and 9 of 9");
    assert!(frames.iter().all(|(delay, _)| *delay == 3), "3/100 s each");
    assert_ne!(
        frames[0].1, frames[4].1,
        "the balls moved: the GIF is animated"
    );
}

#[test]
fn the_last_gif_picture_matches_the_screenshot() {
    let dir = scratch("gif-shot");
    let gif_path = dir.join("pong.gif");
    let png_path = dir.join("pong.png");
    let run = prometeuc(&[
        "run",
        "examples/carts/pong.pbs",
        "--frames",
        "31",
        "--gif",
        gif_path.to_str().unwrap(),
        "--screenshot",
        png_path.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let (_, frames) = decode(&gif_path);
    assert_eq!(frames.len(), 16);
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut rgb).unwrap();
    let rgba: Vec<u8> = rgb
        .chunks_exact(3)
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect();
    assert!(
        frames.last().unwrap().1 == rgba,
        "the GIF's colours are exact"
    );
}

#[test]
fn gif_on_a_script_is_a_usage_error() {
    let run = prometeuc(&["run", "examples/hello.pbs", "--gif", "/dev/null"]);
    assert_eq!(run.status.code(), Some(2));
    common::assert_stderr_contains(&run, "--gif applies to cartridges");
}
