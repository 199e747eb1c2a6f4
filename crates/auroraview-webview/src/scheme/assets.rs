//! `auroraview://localhost/...`: which file of a WebView's asset root a request names, its
//! MIME type, and the byte range it asks for. Pure functions of the URL, the root and the
//! file system; they run on the asset worker threads, never on the UI thread.
//!
//! A request may only name a regular file below the root. Refused with 403: a `..` or `.`
//! segment (also spelled `%2e%2e`), an encoded `/` or `\` (`%2f`, `%5c`), an empty segment
//! (an absolute path: `//etc/passwd`), a segment with `\`, `:` or NUL (Windows paths), and
//! any path that leaves the root once symlinks are resolved. A file that does not exist is
//! 404. A directory serves its `index.html`.
//!
//! What must not live here: anything that touches a WebView or a thread.

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The scheme of a WebView's asset root, and the one host it answers to.
pub const ASSET_SCHEME: &str = "auroraview";
pub const ASSET_HOST: &str = "localhost";

/// Why a request gets no file: the HTTP status and a message for the page and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub message: String,
}

fn refuse(status: u16, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        message: message.into(),
    }
}

/// The path part of `url` (between the authority and `?`/`#`), if `url` is an
/// `auroraview://localhost` URL.
fn url_path(url: &str) -> Result<&str, Refusal> {
    let rest = url
        .split_once("://")
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case(ASSET_SCHEME))
        .map(|(_, rest)| rest)
        .ok_or_else(|| refuse(400, format!("not an {ASSET_SCHEME}:// URL")))?;
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let rest = &rest[..end];
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if !host.eq_ignore_ascii_case(ASSET_HOST) {
        return Err(refuse(
            404,
            format!(
                "unknown host {host:?}: the asset root is served at {ASSET_SCHEME}://{ASSET_HOST}/"
            ),
        ));
    }
    Ok(path)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes one path segment. Encoded separators were refused before.
fn decode(segment: &str) -> Result<String, Refusal> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let pair = bytes
                .get(i + 1)
                .copied()
                .and_then(hex)
                .zip(bytes.get(i + 2).copied().and_then(hex));
            let Some((hi, lo)) = pair else {
                return Err(refuse(400, "a malformed percent escape in the path"));
            };
            out.push(hi * 16 + lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| refuse(404, "the path is not UTF-8"))
}

/// The file below `root` (canonical, as [`canonical_root`] returns it) that `url` names.
pub fn resolve(root: &Path, url: &str) -> Result<PathBuf, Refusal> {
    let path = url_path(url)?;
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return Err(refuse(403, "an encoded '/' or '\\' in the path"));
    }
    let relative = path.strip_prefix('/').unwrap_or(path);
    let mut file = root.to_path_buf();
    let segments: Vec<&str> = if relative.is_empty() {
        Vec::new()
    } else {
        relative.split('/').collect()
    };
    let last = segments.len().saturating_sub(1);
    for (i, raw) in segments.iter().enumerate() {
        let segment = decode(raw)?;
        if segment.is_empty() {
            if i == last {
                break; // a trailing '/': the directory itself
            }
            return Err(refuse(403, "an empty path segment (an absolute path?)"));
        }
        if segment == "." || segment == ".." {
            return Err(refuse(403, "a '.' or '..' segment in the path"));
        }
        if segment.contains(['\\', ':', '\0']) {
            return Err(refuse(403, "a '\\', ':' or NUL in a path segment"));
        }
        file.push(segment);
    }
    let mut found = canonical(&file)?;
    if !found.starts_with(root) {
        return Err(refuse(403, "the path leaves the asset root (a symlink?)"));
    }
    if found.is_dir() {
        found = canonical(&found.join("index.html"))?;
        if !found.starts_with(root) {
            return Err(refuse(403, "the path leaves the asset root (a symlink?)"));
        }
    }
    if !found.is_file() {
        return Err(refuse(404, "not a file"));
    }
    Ok(found)
}

fn canonical(path: &Path) -> Result<PathBuf, Refusal> {
    path.canonicalize().map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => refuse(404, "no such file"),
        std::io::ErrorKind::PermissionDenied => refuse(403, "permission denied"),
        _ => refuse(404, format!("cannot open: {err}")),
    })
}

/// `root` made absolute with symlinks resolved; an error saying why it cannot serve.
pub fn canonical_root(root: &Path) -> Result<PathBuf, String> {
    let found = root
        .canonicalize()
        .map_err(|e| format!("asset_root {}: {e}", root.display()))?;
    if !found.is_dir() {
        return Err(format!("asset_root {} is not a directory", root.display()));
    }
    Ok(found)
}

/// The MIME type of a file, by its extension; `application/octet-stream` when unknown.
/// Module scripts need a JavaScript type, and `.wasm` needs `application/wasm` for
/// streaming compilation.
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" | "cjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "bmp" => "image/bmp",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "ogv" => "video/ogg",
        "ogg" | "oga" => "audio/ogg",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "glb" => "model/gltf-binary",
        "gltf" => "model/gltf+json",
        _ => "application/octet-stream",
    }
}

/// What a `Range` header asks of a file of `size` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// No (usable) range: the whole file, 200.
    Whole,
    /// Bytes `start..start + len`, 206.
    Part { start: u64, len: u64 },
    /// Nothing of the file can satisfy it: 416.
    Unsatisfiable,
}

/// Parses a `Range` header for a file of `size` bytes. Only one `bytes=` range is
/// honoured; several ranges, other units or malformed headers serve the whole file (as
/// the HTTP specification allows).
pub fn parse_range(header: Option<&str>, size: u64) -> Range {
    let Some(spec) = header.map(str::trim).and_then(|h| h.strip_prefix("bytes=")) else {
        return Range::Whole;
    };
    if spec.contains(',') {
        return Range::Whole;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Range::Whole;
    };
    let (a, b) = (a.trim(), b.trim());
    let parse = |s: &str| s.parse::<u64>().ok();
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Range::Whole,
        (true, false) => match parse(b) {
            // The last `n` bytes.
            Some(0) => Range::Unsatisfiable,
            Some(n) => {
                let len = n.min(size);
                if len == 0 {
                    Range::Unsatisfiable
                } else {
                    Range::Part {
                        start: size - len,
                        len,
                    }
                }
            }
            None => Range::Whole,
        },
        (false, _) => {
            let Some(start) = parse(a) else {
                return Range::Whole;
            };
            let end = if b.is_empty() {
                size.saturating_sub(1)
            } else {
                match parse(b) {
                    Some(end) if end >= start => end.min(size.saturating_sub(1)),
                    _ => return Range::Whole,
                }
            };
            if start >= size {
                Range::Unsatisfiable
            } else {
                Range::Part {
                    start,
                    len: end - start + 1,
                }
            }
        }
    }
}

/// An opened file ready to stream: positioned at its first byte to send.
#[derive(Debug)]
pub struct Opened {
    pub file: File,
    pub status: u16,
    pub len: u64,
    pub mime: &'static str,
    pub headers: Vec<(String, String)>,
}

/// Opens `path` for a request with `range` (the `Range` header, if any): the file at the
/// right offset, the status (200, 206) and headers, or a 416 refusal.
pub fn open(path: &Path, range: Option<&str>) -> Result<Opened, Refusal> {
    let mut file = File::open(path).map_err(|e| refuse(404, format!("cannot open: {e}")))?;
    let size = file
        .metadata()
        .map_err(|e| refuse(404, format!("cannot read: {e}")))?
        .len();
    let mime = mime_type(path);
    let mut headers = vec![("Accept-Ranges".to_owned(), "bytes".to_owned())];
    match parse_range(range, size) {
        Range::Whole => Ok(Opened {
            file,
            status: 200,
            len: size,
            mime,
            headers,
        }),
        Range::Part { start, len } => {
            file.seek(SeekFrom::Start(start))
                .map_err(|e| refuse(500, format!("cannot seek: {e}")))?;
            headers.push((
                "Content-Range".to_owned(),
                format!("bytes {start}-{}/{size}", start + len - 1),
            ));
            Ok(Opened {
                file,
                status: 206,
                len,
                mime,
                headers,
            })
        }
        Range::Unsatisfiable => Err(Refusal {
            status: 416,
            message: format!(
                "range {:?} is outside the file's {size} bytes",
                range.unwrap_or("")
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Tree(PathBuf);

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn tree(tag: &str) -> Tree {
        let base =
            std::env::temp_dir().join(format!("auroraview-assets-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("root/sub")).unwrap();
        std::fs::write(base.join("root/index.html"), "<p>index</p>").unwrap();
        std::fs::write(base.join("root/sub/a b.js"), "export {}").unwrap();
        std::fs::write(base.join("root/sub/index.html"), "sub").unwrap();
        std::fs::write(base.join("secret.txt"), "secret").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("secret.txt"), base.join("root/out")).unwrap();
            std::os::unix::fs::symlink(base.join("root/sub/a b.js"), base.join("root/in")).unwrap();
        }
        Tree(base)
    }

    fn status(root: &Path, url: &str) -> u16 {
        match resolve(root, url) {
            Ok(_) => 200,
            Err(r) => r.status,
        }
    }

    #[test]
    fn files_below_the_root_resolve() {
        let t = tree("ok");
        let root = canonical_root(&t.0.join("root")).unwrap();
        let got = |url: &str| resolve(&root, url).unwrap();
        assert_eq!(
            got("auroraview://localhost/index.html"),
            root.join("index.html")
        );
        assert_eq!(got("auroraview://localhost/"), root.join("index.html"));
        assert_eq!(got("auroraview://localhost"), root.join("index.html"));
        assert_eq!(
            got("auroraview://LOCALHOST/sub/"),
            root.join("sub/index.html")
        );
        assert_eq!(
            got("auroraview://localhost/sub"),
            root.join("sub/index.html")
        );
        assert_eq!(
            got("auroraview://localhost/sub/a%20b.js?v=1#x"),
            root.join("sub/a b.js")
        );
        #[cfg(unix)]
        assert_eq!(got("auroraview://localhost/in"), root.join("sub/a b.js"));
    }

    #[test]
    fn leaving_the_root_is_refused() {
        let t = tree("out");
        let root = canonical_root(&t.0.join("root")).unwrap();
        for url in [
            "auroraview://localhost/../secret.txt",
            "auroraview://localhost/sub/../../secret.txt",
            "auroraview://localhost/%2e%2e/secret.txt",
            "auroraview://localhost/%2E%2E/secret.txt",
            "auroraview://localhost/.%2e/secret.txt",
            "auroraview://localhost/..%2fsecret.txt",
            "auroraview://localhost/sub%2f..%2f..%2fsecret.txt",
            "auroraview://localhost/..%5csecret.txt",
            "auroraview://localhost//etc/passwd",
            "auroraview://localhost/%2fetc/passwd",
            "auroraview://localhost/sub//a%20b.js",
            "auroraview://localhost/./index.html",
            "auroraview://localhost/C:/Windows/win.ini",
            "auroraview://localhost/sub\\..\\..\\secret.txt",
            "auroraview://localhost/a%00b",
        ] {
            assert_eq!(status(&root, url), 403, "{url}");
        }
        #[cfg(unix)]
        assert_eq!(status(&root, "auroraview://localhost/out"), 403);
        let abs = t.0.join("secret.txt");
        assert_eq!(
            status(&root, &format!("auroraview://localhost/{}", abs.display())),
            403
        );
    }

    #[test]
    fn missing_and_odd_requests() {
        let t = tree("missing");
        let root = canonical_root(&t.0.join("root")).unwrap();
        assert_eq!(status(&root, "auroraview://localhost/nope.js"), 404);
        assert_eq!(status(&root, "auroraview://localhost/sub/nope/x.js"), 404);
        assert_eq!(status(&root, "auroraview://elsewhere/index.html"), 404);
        assert_eq!(status(&root, "auroraview://localhost/%zz"), 400);
        assert_eq!(status(&root, "auroraview://localhost/%ff"), 404);
        assert_eq!(status(&root, "https://localhost/index.html"), 400);
        assert!(canonical_root(&t.0.join("root/index.html")).is_err());
        assert!(canonical_root(&t.0.join("nowhere")).is_err());
    }

    #[test]
    fn mime_types() {
        for (name, mime) in [
            ("a.mjs", "text/javascript; charset=utf-8"),
            ("a.JS", "text/javascript; charset=utf-8"),
            ("a.wasm", "application/wasm"),
            ("a.json", "application/json"),
            ("a.svg", "image/svg+xml"),
            ("a.woff2", "font/woff2"),
            ("a.mp4", "video/mp4"),
            ("a.html", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("noext", "application/octet-stream"),
        ] {
            assert_eq!(mime_type(Path::new(name)), mime, "{name}");
        }
    }

    #[test]
    fn ranges() {
        use Range::*;
        assert_eq!(parse_range(None, 100), Whole);
        assert_eq!(
            parse_range(Some("bytes=0-9"), 100),
            Part { start: 0, len: 10 }
        );
        assert_eq!(
            parse_range(Some("bytes=90-"), 100),
            Part { start: 90, len: 10 }
        );
        assert_eq!(
            parse_range(Some("bytes=90-500"), 100),
            Part { start: 90, len: 10 }
        );
        assert_eq!(
            parse_range(Some("bytes=-10"), 100),
            Part { start: 90, len: 10 }
        );
        assert_eq!(
            parse_range(Some("bytes=-500"), 100),
            Part { start: 0, len: 100 }
        );
        assert_eq!(parse_range(Some("bytes=100-"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=0-"), 0), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-2"), 100), Whole);
        assert_eq!(parse_range(Some("bytes=0-1,5-6"), 100), Whole);
        assert_eq!(parse_range(Some("items=0-1"), 100), Whole);
        assert_eq!(parse_range(Some("bytes=x-1"), 100), Whole);
    }

    #[test]
    fn open_positions_the_file() {
        use std::io::Read;
        let t = tree("open");
        let path = t.0.join("root/index.html");
        let mut o = open(&path, Some("bytes=3-7")).unwrap();
        assert_eq!((o.status, o.len), (206, 5));
        let mut got = String::new();
        o.file.read_to_string(&mut got).unwrap();
        assert!(got.starts_with("index"));
        assert!(o
            .headers
            .iter()
            .any(|(k, v)| k == "Content-Range" && v == "bytes 3-7/12"));
        let o = open(&path, None).unwrap();
        assert_eq!(
            (o.status, o.len, o.mime),
            (200, 12, "text/html; charset=utf-8")
        );
        assert_eq!(open(&path, Some("bytes=50-")).unwrap_err().status, 416);
    }
}
