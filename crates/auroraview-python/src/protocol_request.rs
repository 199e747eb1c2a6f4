//! `auroraview._core.ProtocolRequest`: one request for a scheme the application handles
//! (`register_protocol`), answered once by `respond` (bytes or a streamed file). What must
//! not live here: deciding the answer (the Python router's, `auroraview/_protocol.py`).

use auroraview_core::poison::MutexExt;
use auroraview_webview::{
    ProtocolRequest, ProtocolResponder, ProtocolResponse, ResponseBody, SendError,
};
use pyo3::prelude::*;
use std::sync::Mutex;

/// One request to a scheme the application handles (`register_protocol`), handed to
/// Python's router on an `auroraview-protocol` thread. Answer it once with `respond(...)`;
/// one collected unanswered is answered 500.
#[pyclass(frozen, module = "auroraview._core", name = "ProtocolRequest")]
pub(crate) struct PyProtocolRequest {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    responder: Mutex<Option<ProtocolResponder>>,
}

impl PyProtocolRequest {
    pub(crate) fn new(request: ProtocolRequest) -> Self {
        PyProtocolRequest {
            method: request.method,
            url: request.url,
            headers: request.headers,
            body: request.body,
            responder: Mutex::new(Some(request.responder)),
        }
    }

    /// Runs `f` with the responder unless the request was answered; true if it ran.
    pub(crate) fn answer(
        &self,
        f: impl FnOnce(ProtocolResponder) -> Result<(), SendError>,
    ) -> bool {
        let taken = self.responder.lock_unpoisoned().take();
        match taken {
            Some(responder) => {
                let _ = f(responder);
                true
            }
            None => false,
        }
    }
}

#[pymethods]
impl PyProtocolRequest {
    #[getter]
    fn method(&self) -> &str {
        &self.method
    }

    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// The request headers as (name, value) pairs, in order.
    #[getter]
    fn headers(&self) -> Vec<(String, String)> {
        self.headers.clone()
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, pyo3::types::PyBytes> {
        pyo3::types::PyBytes::new(py, &self.body)
    }

    #[getter]
    fn settled(&self) -> bool {
        self.responder.lock_unpoisoned().is_none()
    }

    /// Answers with `status`, `headers` and either `body` (bytes) or the file at `path`
    /// (streamed; opened on this thread; the request's Range header is honoured). False if
    /// the request was answered already.
    #[pyo3(signature = (status, headers, body=None, path=None))]
    fn respond(
        &self,
        py: Python<'_>,
        status: u16,
        headers: Vec<(String, String)>,
        body: Option<&Bound<'_, pyo3::types::PyBytes>>,
        path: Option<std::path::PathBuf>,
    ) -> PyResult<bool> {
        let body = match (body, path) {
            (_, Some(path)) => ResponseBody::File(path),
            (body, None) => {
                ResponseBody::Bytes(body.map(|b| b.as_bytes().to_vec()).unwrap_or_default())
            }
        };
        let response = ProtocolResponse {
            status,
            headers,
            body,
        };
        Ok(py.detach(|| self.answer(|r| r.respond(response))))
    }

    fn __repr__(&self) -> String {
        format!(
            "<auroraview._core.ProtocolRequest {} {:?} settled={}>",
            self.method,
            self.url,
            self.settled()
        )
    }
}
