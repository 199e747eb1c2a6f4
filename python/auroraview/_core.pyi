"""Type stubs of the Rust extension ``auroraview._core`` (private: use ``auroraview.utils``)."""

from typing import Any, Callable, Literal, Optional

__version__: str

def current_thread_ident() -> int:
    """The calling thread's OS identity; equals ``threading.get_ident()``."""

class Dispatcher:
    """Runs Python callables on one owner thread on behalf of any thread.

    Waits release the GIL. Wakes are coalesced: the waker runs once per burst of posts.
    """

    def __init__(
        self, owner_ident: int, *, budget: float = 0.004, spin: float = 0.00005
    ) -> None: ...
    @property
    def owner_ident(self) -> int: ...
    def is_owner_thread(self) -> bool: ...
    def set_waker(self, waker: Optional[Callable[[], object]]) -> None:
        """Callable run from any thread, once per burst, to make the owner call ``pump()``."""
    idle_hint: str
    """Appended to timeout errors when the owner never pumped during the wait."""
    budget: float
    """Seconds one ``pump()`` may run tasks before it yields to the host loop."""
    @property
    def pending(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    @property
    def pump_count(self) -> int: ...
    def post(self, func: Callable[[], object]) -> None:
        """Queue ``func()`` for the owner thread. Raises DispatchClosedError after shutdown."""
    def call(
        self,
        func: Callable[[], Any],
        timeout: float,
        recheck: Optional[Callable[[], object]] = None,
    ) -> Any:
        """Run ``func()`` on the owner thread and return its result (inline on the owner).

        ``recheck`` is called every 50 ms while waiting (host re-detection)."""
    def pump(self, budget: Optional[float] = None) -> bool:
        """Owner thread only: run queued tasks within the budget; True if work remains."""
    def run(self, timeout: Optional[float] = None) -> Literal["stopped", "deadline", "closed"]:
        """Owner thread only: serve the queue until ``stop()``, shutdown or the timeout."""
    def stop(self) -> None: ...
    def shutdown(self) -> int:
        """Fail every queued task with DispatchClosedError; returns how many were dropped."""
