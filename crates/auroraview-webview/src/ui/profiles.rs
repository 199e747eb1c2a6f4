//! Browser profiles on the UI thread: one web context per distinct data directory, made on
//! first use and kept for the life of the process (each keeps one WebKit network process and
//! its registered schemes), and the platform's default one. Incognito WebViews get an
//! ephemeral context of their own from wry, dropped with them.
//!
//! What must not live here: scheme registration (`scheme.rs`), platform calls other than
//! through `crate::platform`.

use crate::platform;
use crate::spec::WebViewSpec;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// The contexts WebViews are built with, by data directory (`None`: the default one).
pub(crate) struct Profiles {
    default: Option<wry::WebContext>,
    by_dir: HashMap<PathBuf, wry::WebContext>,
    /// Profiles whose context has had a WebView built with it, so the schemes registered on
    /// the process's contexts are registered on it too.
    adopted: HashSet<Option<PathBuf>>,
}

impl Profiles {
    pub(crate) fn new() -> Self {
        Profiles {
            default: platform::web_context(),
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
        match &spec.data_directory {
            None => self.default.as_mut(),
            Some(dir) => Some(
                self.by_dir
                    .entry(dir.clone())
                    .or_insert_with(|| wry::WebContext::new(Some(dir.clone()))),
            ),
        }
    }

    /// True once a WebView of `spec`'s (shared) profile has been built.
    pub(crate) fn is_adopted(&self, spec: &WebViewSpec) -> bool {
        !spec.incognito && self.adopted.contains(&spec.data_directory)
    }

    pub(crate) fn mark_adopted(&mut self, spec: &WebViewSpec) {
        if !spec.incognito {
            self.adopted.insert(spec.data_directory.clone());
        }
    }
}
