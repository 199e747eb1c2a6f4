//! Browser profiles on the UI thread: one web context per distinct data directory, made on
//! first use and kept for the life of the process (each keeps one WebKit network process and
//! its registered schemes), and the platform's default one. Incognito WebViews get an
//! ephemeral context of their own from wry, dropped with them.
//!
//! What must not live here: scheme registration (`scheme.rs`), platform calls other than
//! through `crate::platform`.

use crate::platform;
use crate::spec::WebViewSpec;
use auroraview_core::poison::MutexExt;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;

/// Where the default profile keeps its data, if the application said so before the first
/// WebView of the process (see [`crate::set_default_data_directory`]).
static DEFAULT_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);
/// The default profile's context exists: its directory can no longer change.
static DEFAULT_MADE: Mutex<bool> = Mutex::new(false);

/// Sets the default profile's directory; false (nothing changed) once the default profile
/// exists, unless `dir` is the one it has.
pub fn set_default_data_directory(dir: PathBuf) -> bool {
    let made = DEFAULT_MADE.lock_unpoisoned();
    let mut current = DEFAULT_DIR.lock_unpoisoned();
    if *made {
        return current.as_ref() == Some(&dir);
    }
    *current = Some(dir);
    true
}

fn default_dir() -> Option<PathBuf> {
    DEFAULT_DIR.lock_unpoisoned().clone()
}

/// The contexts WebViews are built with, by data directory (`None`: the default one).
pub(crate) struct Profiles {
    /// Made with the first WebView of the default profile.
    default: Option<Option<wry::WebContext>>,
    by_dir: HashMap<PathBuf, wry::WebContext>,
    /// Profiles whose context has had a WebView built with it, so the schemes registered on
    /// the process's contexts are registered on it too.
    adopted: HashSet<Option<PathBuf>>,
}

impl Profiles {
    pub(crate) fn new() -> Self {
        Profiles {
            default: None,
            by_dir: HashMap::new(),
            adopted: HashSet::new(),
        }
    }

    /// The context a WebView of `spec` is built with; `None` for an incognito one (wry
    /// makes it an ephemeral context) or where the platform needs none set.
    pub(crate) fn context_for(&mut self, spec: &WebViewSpec) -> Option<&mut wry::WebContext> {
        if spec.incognito {
            return None;
        }
        let dir = spec
            .data_directory
            .clone()
            .filter(|dir| Some(dir) != default_dir().as_ref());
        match &dir {
            None => self.default_context(),
            Some(dir) => Some(
                self.by_dir
                    .entry(dir.clone())
                    .or_insert_with(|| wry::WebContext::new(Some(dir.clone()))),
            ),
        }
    }

    /// The default profile's context (made now if it does not exist yet).
    pub(crate) fn default_context(&mut self) -> Option<&mut wry::WebContext> {
        self.default
            .get_or_insert_with(|| {
                *DEFAULT_MADE.lock_unpoisoned() = true;
                match default_dir() {
                    Some(dir) => Some(wry::WebContext::new(Some(dir))),
                    None => platform::web_context(),
                }
            })
            .as_mut()
    }

    /// The default profile has had a WebView built with it (a spare one, say).
    #[cfg(target_os = "linux")]
    pub(crate) fn mark_default_adopted(&mut self) {
        self.adopted.insert(None);
    }

    /// True once a WebView of `spec`'s (shared) profile has been built.
    pub(crate) fn is_adopted(&self, spec: &WebViewSpec) -> bool {
        !spec.incognito && self.adopted.contains(&key(spec))
    }

    pub(crate) fn mark_adopted(&mut self, spec: &WebViewSpec) {
        if !spec.incognito {
            self.adopted.insert(key(spec));
        }
    }
}

/// A profile's key: its directory, `None` for the default one (whatever its directory).
pub(crate) fn key(spec: &WebViewSpec) -> Option<PathBuf> {
    spec.data_directory
        .clone()
        .filter(|dir| Some(dir) != default_dir().as_ref())
}
