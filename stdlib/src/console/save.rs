//! Save data: 256 integer slots per cart, with a note of the last frame that wrote them so the
//! embedder can persist them at the end of that frame.

/// The number of save slots.
pub const SLOTS: usize = 256;

/// A slot number outside `0..256`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotError(pub i64);

impl std::fmt::Display for SlotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "save slot {} does not exist; use a slot from 0 to {}",
            self.0,
            SLOTS - 1
        )
    }
}

impl std::error::Error for SlotError {}

/// The save slots of a cart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveSlots {
    slots: Box<[i64; SLOTS]>,
    /// The frame of the last `Save.set` not yet taken by the embedder.
    written_in: Option<u64>,
}

impl Default for SaveSlots {
    fn default() -> SaveSlots {
        SaveSlots::new([0; SLOTS])
    }
}

impl SaveSlots {
    /// Slots holding the given values (as read from a save file), none written yet.
    pub fn new(values: [i64; SLOTS]) -> SaveSlots {
        SaveSlots {
            slots: Box::new(values),
            written_in: None,
        }
    }

    /// The index of a slot number.
    fn index(slot: i64) -> Result<usize, SlotError> {
        usize::try_from(slot)
            .ok()
            .filter(|&i| i < SLOTS)
            .ok_or(SlotError(slot))
    }

    /// `Save.get(slot)`: the value of a slot, 0 when never written.
    pub fn get(&self, slot: i64) -> Result<i64, SlotError> {
        Ok(self.slots[Self::index(slot)?])
    }

    /// `Save.set(slot, v)` during frame `frame`.
    pub fn set(&mut self, slot: i64, value: i64, frame: u64) -> Result<(), SlotError> {
        self.slots[Self::index(slot)?] = value;
        self.written_in = Some(frame);
        Ok(())
    }

    /// Every slot's value.
    pub fn values(&self) -> &[i64; SLOTS] {
        &self.slots
    }

    /// The frame that last wrote a slot since the previous call, clearing the note: the
    /// embedder calls it at the end of each frame and persists the slots when it is `Some`.
    pub fn take_written(&mut self) -> Option<u64> {
        self.written_in.take()
    }
}
