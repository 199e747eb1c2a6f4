//! A WebKitGTK web extension for the `engine_paths` probe: a path from the page straight to
//! a socket, with no hop through the UI process's main thread.
//!
//! Loaded into the web process by `engine_paths` (it points the web context's extensions
//! directory at a copy of this library). It connects to the Unix socket named by
//! `AURORAVIEW_PROBE_SOCK` (the web process inherits the UI process's environment), gives each
//! page a `__avx_send(text)` that writes `text` and a newline to it, and, for each line that
//! comes back, calls the page's `__answer(line)` on the web process's main thread.
//!
//! A measurement tool only: no authentication, one page, no error reporting. It says what the
//! engine would allow if the bridge owned its transport; it is not that transport.

#[cfg(target_os = "linux")]
mod linux {
    use std::cell::RefCell;
    use std::ffi::{c_char, c_void, CStr, CString};
    use std::io::{Read as _, Write as _};
    use std::os::fd::AsRawFd as _;
    use std::os::unix::net::UnixStream;

    type GType = usize;
    const G_TYPE_NONE: GType = 1 << 2;
    const G_TYPE_STRING: GType = 16 << 2;
    const G_IO_IN: u32 = 1;

    extern "C" {
        fn webkit_script_world_get_default() -> *mut c_void;
        fn webkit_frame_get_js_context_for_script_world(
            frame: *mut c_void,
            world: *mut c_void,
        ) -> *mut c_void;
        fn jsc_value_new_functionv(
            context: *mut c_void,
            name: *const c_char,
            callback: *const c_void,
            user_data: *mut c_void,
            destroy: *const c_void,
            return_type: GType,
            n_params: u32,
            param_types: *const GType,
        ) -> *mut c_void;
        fn jsc_value_new_string(context: *mut c_void, text: *const c_char) -> *mut c_void;
        fn jsc_value_function_callv(
            function: *mut c_void,
            n: u32,
            params: *const *mut c_void,
        ) -> *mut c_void;
        fn jsc_context_set_value(context: *mut c_void, name: *const c_char, value: *mut c_void);
        fn jsc_context_get_value(context: *mut c_void, name: *const c_char) -> *mut c_void;
        fn g_object_ref(p: *mut c_void) -> *mut c_void;
        fn g_object_unref(p: *mut c_void);
        fn g_signal_connect_data(
            instance: *mut c_void,
            signal: *const c_char,
            handler: *const c_void,
            data: *mut c_void,
            destroy: *const c_void,
            flags: i32,
        ) -> u64;
        fn g_unix_fd_add(
            fd: i32,
            condition: u32,
            function: *const c_void,
            data: *mut c_void,
        ) -> u32;
    }

    /// The web process's main thread is the only one that touches this.
    struct State {
        socket: UnixStream,
        context: *mut c_void,
        pending: Vec<u8>,
    }

    thread_local! {
        static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
    }

    unsafe extern "C" fn send(text: *const c_char, _data: *mut c_void) {
        // SAFETY: JSC passes the page's argument converted to a C string.
        let text = unsafe { CStr::from_ptr(text) }.to_bytes();
        STATE.with_borrow_mut(|state| {
            if let Some(state) = state {
                let mut line = Vec::with_capacity(text.len() + 1);
                line.extend_from_slice(text);
                line.push(b'\n');
                let _ = state.socket.write_all(&line);
            }
        });
    }

    unsafe extern "C" fn readable(_fd: i32, _condition: u32, _data: *mut c_void) -> i32 {
        STATE.with_borrow_mut(|state| {
            let Some(state) = state else { return 0 };
            let mut buf = [0u8; 65536];
            let n = match state.socket.read(&mut buf) {
                Ok(0) | Err(_) => return 0,
                Ok(n) => n,
            };
            state.pending.extend_from_slice(&buf[..n]);
            let name = c"__answer";
            while let Some(end) = state.pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = state.pending.drain(..=end).take(end).collect();
                let Ok(line) = CString::new(line) else {
                    continue;
                };
                // SAFETY: the context was referenced when the page's window was cleared.
                unsafe {
                    let function = jsc_context_get_value(state.context, name.as_ptr());
                    let arg = jsc_value_new_string(state.context, line.as_ptr());
                    let result = jsc_value_function_callv(function, 1, &arg);
                    for value in [result, arg, function] {
                        if !value.is_null() {
                            g_object_unref(value);
                        }
                    }
                }
            }
            1
        })
    }

    unsafe extern "C" fn window_cleared(
        world: *mut c_void,
        _page: *mut c_void,
        frame: *mut c_void,
        _data: *mut c_void,
    ) {
        // SAFETY: the signal's world and frame are live for the call.
        unsafe {
            let context = webkit_frame_get_js_context_for_script_world(frame, world);
            let params = [G_TYPE_STRING];
            let name = c"__avx_send";
            let function = jsc_value_new_functionv(
                context,
                name.as_ptr(),
                send as *const c_void,
                std::ptr::null_mut(),
                std::ptr::null(),
                G_TYPE_NONE,
                1,
                params.as_ptr(),
            );
            jsc_context_set_value(context, name.as_ptr(), function);
            g_object_unref(function);
            STATE.with_borrow_mut(|state| {
                if let Some(state) = state {
                    if !state.context.is_null() {
                        g_object_unref(state.context);
                    }
                    state.context = g_object_ref(context);
                }
            });
            g_object_unref(context);
        }
    }

    /// WebKit's entry point for a web extension.
    #[no_mangle]
    pub extern "C" fn webkit_web_extension_initialize(_extension: *mut c_void) {
        let Some(path) = std::env::var_os("AURORAVIEW_PROBE_SOCK") else {
            return;
        };
        let Ok(socket) = UnixStream::connect(path) else {
            return;
        };
        let fd = socket.as_raw_fd();
        STATE.with_borrow_mut(|state| {
            *state = Some(State {
                socket,
                context: std::ptr::null_mut(),
                pending: Vec::new(),
            });
        });
        let signal = c"window-object-cleared";
        // SAFETY: the default world lives as long as the web process.
        unsafe {
            g_signal_connect_data(
                webkit_script_world_get_default(),
                signal.as_ptr(),
                window_cleared as *const c_void,
                std::ptr::null_mut(),
                std::ptr::null(),
                0,
            );
            g_unix_fd_add(fd, G_IO_IN, readable as *const c_void, std::ptr::null_mut());
        }
    }
}
