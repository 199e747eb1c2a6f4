//! Property tests of the bridge's socket frames (`auroraview_core::frames`): whatever frames
//! are written and however the stream is cut when read, the reader gets the same frames, in
//! order; whatever bytes a peer sends, decoding ends with frames or an error, never a panic.

use auroraview_core::frames::{encode, Decoder, Kind};
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Hello), Just(Kind::Post), Just(Kind::Script)]
}

proptest! {
    #[test]
    fn frames_come_out_as_they_went_in(
        frames in prop::collection::vec((kind(), any::<u64>(), prop::collection::vec(any::<u8>(), 0..300)), 0..12),
        cuts in prop::collection::vec(1usize..64, 1..8),
    ) {
        let mut stream = Vec::new();
        for (kind, page, body) in &frames {
            encode(*kind, *page, body, &mut stream).unwrap();
        }
        let mut decoder = Decoder::new();
        let mut got = Vec::new();
        let mut at = 0;
        let mut i = 0;
        while at < stream.len() {
            let end = (at + cuts[i % cuts.len()]).min(stream.len());
            decoder.push(&stream[at..end]);
            at = end;
            i += 1;
            while let Some(frame) = decoder.next_frame().unwrap() {
                got.push((frame.kind, frame.page, frame.body));
            }
        }
        prop_assert_eq!(got, frames);
        prop_assert_eq!(decoder.waiting(), 0);
    }

    #[test]
    fn any_bytes_decode_to_frames_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut decoder = Decoder::new();
        decoder.push(&bytes);
        while let Ok(Some(_)) = decoder.next_frame() {}
    }
}
