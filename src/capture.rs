//! Animated GIF capture of the screen, shared by `prometeuc run --gif` and the player's `F9`.
//!
//! Every second frame is kept with a delay of 3/100 s, which plays back at the console's
//! real speed (30 pictures per second for 60 frames per second) with delays every browser
//! honours. A frame with at most 256 colours (the usual case) is stored exactly with its own
//! palette; a richer one is quantized.

use prometeu_stdlib::console::framebuffer::{rgb565_to_rgb8, Framebuffer, HEIGHT, WIDTH};

/// Every how many frames one is kept.
pub const GIF_FRAME_STEP: u64 = 2;
/// The delay of each kept frame, in hundredths of a second.
pub const GIF_DELAY: u16 = 3;

/// An animated GIF being built in memory.
pub struct GifCapture {
    encoder: gif::Encoder<Vec<u8>>,
    /// Frames offered so far (kept or not).
    offered: u64,
    /// Frames kept so far.
    kept: u64,
    /// Palette index per RGB565 colour during one frame (`u16::MAX`: unused).
    index_of: Vec<u16>,
}

impl Default for GifCapture {
    fn default() -> GifCapture {
        GifCapture::new()
    }
}

impl GifCapture {
    /// An empty capture that loops forever.
    pub fn new() -> GifCapture {
        let mut encoder = gif::Encoder::new(Vec::new(), WIDTH as u16, HEIGHT as u16, &[])
            .expect("writing a GIF header to memory cannot fail");
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .expect("writing to memory cannot fail");
        GifCapture {
            encoder,
            offered: 0,
            kept: 0,
            index_of: vec![u16::MAX; 1 << 16],
        }
    }

    /// Offers the screen after one frame; every [`GIF_FRAME_STEP`]-th one is kept.
    pub fn push(&mut self, fb: &Framebuffer) {
        let keep = self.offered % GIF_FRAME_STEP == 0;
        self.offered += 1;
        if !keep {
            return;
        }
        let mut frame = self.exact_frame(fb.pixels()).unwrap_or_else(|| {
            gif::Frame::from_rgb_speed(WIDTH as u16, HEIGHT as u16, &fb.to_rgb8(), 10)
        });
        frame.delay = GIF_DELAY;
        self.encoder
            .write_frame(&frame)
            .expect("writing to memory cannot fail");
        self.kept += 1;
    }

    /// The frame with an exact palette, when it has at most 256 colours.
    fn exact_frame(&mut self, pixels: &[u16]) -> Option<gif::Frame<'static>> {
        let mut colours: Vec<u16> = Vec::new();
        let mut indices = Vec::with_capacity(pixels.len());
        let mut fits = true;
        for &p in pixels {
            let slot = &mut self.index_of[usize::from(p)];
            if *slot == u16::MAX {
                if colours.len() == 256 {
                    fits = false;
                    break;
                }
                *slot = colours.len() as u16;
                colours.push(p);
            }
            indices.push(*slot as u8);
        }
        for &c in &colours {
            self.index_of[usize::from(c)] = u16::MAX;
        }
        if !fits {
            return None;
        }
        let palette: Vec<u8> = colours.iter().flat_map(|&c| rgb565_to_rgb8(c)).collect();
        let mut frame =
            gif::Frame::from_palette_pixels(WIDTH as u16, HEIGHT as u16, indices, palette, None);
        frame.dispose = gif::DisposalMethod::Keep;
        Some(frame)
    }

    /// How many frames the GIF holds so far.
    pub fn frames(&self) -> u64 {
        self.kept
    }

    /// The finished GIF file.
    pub fn finish(self) -> Vec<u8> {
        self.encoder
            .into_inner()
            .expect("writing the trailer to memory cannot fail")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Vec<(u16, Vec<u8>)> {
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options.read_info(bytes).unwrap();
        let mut frames = Vec::new();
        while let Some(frame) = decoder.read_next_frame().unwrap() {
            frames.push((frame.delay, frame.buffer.to_vec()));
        }
        frames
    }

    #[test]
    fn every_second_frame_is_kept_exactly() {
        let mut capture = GifCapture::new();
        let mut fb = Framebuffer::new();
        for i in 0..5u16 {
            fb.set(usize::from(i), 0, 0xf800);
            capture.push(&fb);
        }
        assert_eq!(capture.frames(), 3);
        let frames = decode(&capture.finish());
        assert_eq!(frames.len(), 3);
        assert!(frames.iter().all(|(delay, _)| *delay == GIF_DELAY));
        let last = &frames[2].1;
        assert_eq!(&last[4 * 4..4 * 4 + 4], &[255, 0, 0, 255]);
        assert_eq!(&last[5 * 4..5 * 4 + 4], &[0, 0, 0, 255]);
    }

    #[test]
    fn a_frame_of_many_colours_is_quantized() {
        let mut capture = GifCapture::new();
        let mut fb = Framebuffer::new();
        for (i, p) in fb.pixels_mut().iter_mut().enumerate() {
            *p = i as u16;
        }
        capture.push(&fb);
        assert_eq!(decode(&capture.finish()).len(), 1);
    }
}
