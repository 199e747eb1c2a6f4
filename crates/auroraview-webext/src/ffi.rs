//! The C functions of WebKitGTK's web-extension API, JavaScriptCore, GObject and GLib that the
//! extension calls. The web process that loads us provides them all, so the library links
//! none of them (symbols resolve when WebKit loads it). Nothing but declarations lives here.

use std::ffi::{c_char, c_void};

pub type GType = usize;
pub const G_TYPE_NONE: GType = 1 << 2;
pub const G_TYPE_STRING: GType = 16 << 2;
pub const G_IO_IN: u32 = 1;
pub const G_IO_OUT: u32 = 4;
pub const G_IO_ERR: u32 = 8;
pub const G_IO_HUP: u32 = 16;

extern "C" {
    pub fn webkit_script_world_get_default() -> *mut c_void;
    pub fn webkit_frame_is_main_frame(frame: *mut c_void) -> i32;
    pub fn webkit_frame_get_js_context(frame: *mut c_void) -> *mut c_void;
    pub fn webkit_frame_get_js_context_for_script_world(
        frame: *mut c_void,
        world: *mut c_void,
    ) -> *mut c_void;
    pub fn webkit_web_page_get_id(page: *mut c_void) -> u64;
    pub fn webkit_web_page_get_main_frame(page: *mut c_void) -> *mut c_void;
    pub fn webkit_web_extension_get_page(extension: *mut c_void, id: u64) -> *mut c_void;

    pub fn jsc_value_new_functionv(
        context: *mut c_void,
        name: *const c_char,
        callback: *const c_void,
        user_data: *mut c_void,
        destroy: *const c_void,
        return_type: GType,
        n_params: u32,
        param_types: *const GType,
    ) -> *mut c_void;
    pub fn jsc_context_set_value(context: *mut c_void, name: *const c_char, value: *mut c_void);
    pub fn jsc_context_evaluate(
        context: *mut c_void,
        code: *const c_char,
        length: isize,
    ) -> *mut c_void;
    pub fn jsc_context_get_exception(context: *mut c_void) -> *mut c_void;
    pub fn jsc_context_clear_exception(context: *mut c_void);

    pub fn g_object_unref(object: *mut c_void);
    pub fn g_signal_connect_data(
        instance: *mut c_void,
        signal: *const c_char,
        handler: *const c_void,
        data: *mut c_void,
        destroy: *const c_void,
        flags: i32,
    ) -> u64;
    pub fn g_unix_fd_add(
        fd: i32,
        condition: u32,
        function: *const c_void,
        data: *mut c_void,
    ) -> u32;
    pub fn g_unix_fd_add_full(
        priority: i32,
        fd: i32,
        condition: u32,
        function: *const c_void,
        data: *mut c_void,
        notify: *const c_void,
    ) -> u32;
    pub fn g_variant_check_format_string(
        value: *mut c_void,
        format: *const c_char,
        copy_only: i32,
    ) -> i32;
    pub fn g_variant_get_child_value(value: *mut c_void, index: usize) -> *mut c_void;
    pub fn g_variant_get_string(value: *mut c_void, length: *mut usize) -> *const c_char;
    pub fn g_variant_unref(value: *mut c_void);
}
