//! The bridge's socket frames: what a web extension in the page's web process and the
//! runtime say to each other over a Unix socket (Linux). Bytes only: no sockets, threads or
//! engine code live here, so both sides (and the tests) share one codec.
//!
//! A frame is `len` (u32, little-endian: the byte count of everything after it), then
//! `kind` (one byte), `page` (u64, little-endian: the engine's id of the page the frame is
//! about, 0 when none), then the body:
//! - [`Kind::Hello`], extension to runtime, the connection's first frame: the secret the
//!   runtime handed the extension when the engine started it. A connection whose first
//!   frame is anything else, or another secret, is closed unread.
//! - [`Kind::Post`], extension to runtime: one post of page `page`'s bridge, the same text it
//!   would have sent through the engine's message handler (UTF-8; its token inside).
//! - [`Kind::Script`], runtime to extension: a script to evaluate in page `page`'s main
//!   frame.
//!
//! A frame longer than [`MAX_FRAME_BYTES`], or of an unknown kind, is a broken peer: the
//! decoder reports it and the reader closes the connection.
//!
//! [`Outbox`] holds the frames one side has not written yet and writes them to a
//! non-blocking socket (Unix) the same way for both: never blocking, never raising SIGPIPE.

/// The longest frame either side accepts (the longest post is far shorter; a batch script
/// larger than this goes through the engine instead).
pub const MAX_FRAME_BYTES: usize = 256 << 20;

/// `kind` and `page`: the bytes every frame holds after its length.
const HEAD: usize = 1 + 8;

/// What a frame carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Hello = 1,
    Post = 2,
    Script = 3,
}

impl Kind {
    fn from_byte(byte: u8) -> Option<Kind> {
        match byte {
            1 => Some(Kind::Hello),
            2 => Some(Kind::Post),
            3 => Some(Kind::Script),
            _ => None,
        }
    }
}

/// One decoded frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub kind: Kind,
    pub page: u64,
    pub body: Vec<u8>,
}

/// Why a peer's bytes cannot be frames.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    TooLong(usize),
    UnknownKind(u8),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::TooLong(n) => write!(f, "a frame of {n} bytes (at most {MAX_FRAME_BYTES})"),
            FrameError::UnknownKind(k) => write!(f, "a frame of unknown kind {k}"),
        }
    }
}

/// Appends one frame to `out`. `Err` (and `out` unchanged) if it would exceed
/// [`MAX_FRAME_BYTES`].
pub fn encode(kind: Kind, page: u64, body: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
    let len = HEAD + body.len();
    if len > MAX_FRAME_BYTES {
        return Err(FrameError::TooLong(len));
    }
    out.reserve(4 + len);
    out.extend_from_slice(&(len as u32).to_le_bytes());
    out.push(kind as u8);
    out.extend_from_slice(&page.to_le_bytes());
    out.extend_from_slice(body);
    Ok(())
}

/// Cuts a byte stream, read in pieces of any size, into frames.
#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
    /// Bytes of `buf` already decoded.
    start: usize,
}

impl Decoder {
    pub fn new() -> Self {
        Decoder::default()
    }

    /// Bytes read from the peer, in order.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next whole frame, `Ok(None)` until one has fully arrived, or the error that makes
    /// the rest of the stream meaningless.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        let rest = &self.buf[self.start..];
        if rest.len() < 5 {
            self.compact();
            return Ok(None);
        }
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        if !(HEAD..=MAX_FRAME_BYTES).contains(&len) {
            return Err(FrameError::TooLong(len));
        }
        let kind = Kind::from_byte(rest[4]).ok_or(FrameError::UnknownKind(rest[4]))?;
        if rest.len() < 4 + len {
            self.compact();
            return Ok(None);
        }
        let mut page = [0u8; 8];
        page.copy_from_slice(&rest[5..13]);
        let body = rest[4 + HEAD..4 + len].to_vec();
        self.start += 4 + len;
        Ok(Some(Frame {
            kind,
            page: u64::from_le_bytes(page),
            body,
        }))
    }

    /// Bytes received and not yet decoded.
    pub fn waiting(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Drops what was decoded, so a long-lived connection's buffer does not grow.
    fn compact(&mut self) {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        if self.buf.is_empty() && self.buf.capacity() > 1 << 20 {
            self.buf = Vec::new();
        }
    }
}

/// Frames not yet written to a peer, oldest first.
#[derive(Default)]
pub struct Outbox {
    buf: Vec<u8>,
    /// Bytes of `buf` already written.
    written: usize,
}

/// What [`Outbox::write_to`] managed.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    /// Everything.
    All,
    /// Some is left: the socket takes no more now (wait for it to be writable).
    Partly,
}

impl Outbox {
    /// Adds one frame after the others (see [`encode`]).
    pub fn push(&mut self, kind: Kind, page: u64, body: &[u8]) -> Result<(), FrameError> {
        encode(kind, page, body, &mut self.buf)
    }

    /// Bytes not written yet.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.written
    }

    /// Writes what the non-blocking socket `fd` takes now. `Err` when the peer is gone (a
    /// closed peer is an error here, not a SIGPIPE that would end the process).
    #[cfg(unix)]
    pub fn write_to(&mut self, fd: std::os::fd::RawFd) -> std::io::Result<Written> {
        while self.written < self.buf.len() {
            let rest = &self.buf[self.written..];
            // SAFETY: `rest` is a live buffer of `rest.len()` bytes; a bad descriptor is an
            // error return, not undefined behaviour.
            let n = unsafe {
                libc::send(
                    fd,
                    rest.as_ptr().cast(),
                    rest.len(),
                    libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
                )
            };
            if n >= 0 {
                self.written += n as usize;
                continue;
            }
            let err = std::io::Error::last_os_error();
            match err.kind() {
                std::io::ErrorKind::Interrupted => continue,
                std::io::ErrorKind::WouldBlock => return Ok(Written::Partly),
                _ => return Err(err),
            }
        }
        self.buf.clear();
        self.written = 0;
        // Keep a burst's buffer from pinning memory forever.
        if self.buf.capacity() > 1 << 22 {
            self.buf = Vec::new();
        }
        Ok(Written::All)
    }

    /// Drops what was not written (the peer is gone).
    pub fn clear(&mut self) {
        self.buf = Vec::new();
        self.written = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_survive_any_cut_of_the_stream() {
        let frames = [
            (Kind::Hello, 0, b"secret".to_vec()),
            (
                Kind::Post,
                7,
                "{\"k\":\"t\",\"m\":[]} é".as_bytes().to_vec(),
            ),
            (Kind::Script, u64::MAX, Vec::new()),
        ];
        let mut stream = Vec::new();
        for (kind, page, body) in &frames {
            encode(*kind, *page, body, &mut stream).unwrap();
        }
        for piece in [1, 2, 3, 5, 13, stream.len()] {
            let mut decoder = Decoder::new();
            let mut got = Vec::new();
            for chunk in stream.chunks(piece) {
                decoder.push(chunk);
                while let Some(frame) = decoder.next_frame().unwrap() {
                    got.push((frame.kind, frame.page, frame.body));
                }
            }
            assert_eq!(got, frames.to_vec(), "pieces of {piece} bytes");
            assert_eq!(decoder.waiting(), 0);
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_outbox_writes_what_the_socket_takes_in_order_and_reports_a_gone_peer() {
        use std::io::Read as _;
        use std::os::fd::AsRawFd as _;
        let (a, mut b) = std::os::unix::net::UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let mut out = Outbox::default();
        let body = vec![7u8; 1 << 16];
        let mut pushed = 0;
        // Far more than the socket buffers: the write stops short, nothing lost.
        while out.write_to(a.as_raw_fd()).unwrap() == Written::All {
            out.push(Kind::Script, pushed, &body).unwrap();
            pushed += 1;
        }
        assert!(out.pending() > 0);
        let mut decoder = Decoder::new();
        let mut got = 0;
        let mut buf = vec![0u8; 1 << 16];
        while got < pushed {
            let _ = out.write_to(a.as_raw_fd()).unwrap();
            let n = b.read(&mut buf).unwrap();
            decoder.push(&buf[..n]);
            while let Some(frame) = decoder.next_frame().unwrap() {
                assert_eq!((frame.page, frame.body.len()), (got, body.len()));
                got += 1;
            }
        }
        assert_eq!(out.pending(), 0);
        drop(b);
        out.push(Kind::Script, 0, b"x").unwrap();
        // The peer is gone: an error, and this process is still here (no SIGPIPE).
        assert!(out.write_to(a.as_raw_fd()).is_err());
    }

    #[test]
    fn a_broken_peer_is_reported() {
        let mut decoder = Decoder::new();
        decoder.push(&[0xff, 0xff, 0xff, 0x7f, 2]);
        assert!(matches!(decoder.next_frame(), Err(FrameError::TooLong(_))));
        let mut decoder = Decoder::new();
        decoder.push(&[9, 0, 0, 0, 42]);
        assert_eq!(decoder.next_frame(), Err(FrameError::UnknownKind(42)));
        let mut decoder = Decoder::new();
        decoder.push(&[3, 0, 0, 0, 2]);
        assert!(matches!(decoder.next_frame(), Err(FrameError::TooLong(3))));
    }
}
