"""Push-style producers (pyoxigraph serializers) turned into chunk iterators, on threads with deep stacks."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator

from kg.store.results import CHUNK_SIZE, ResultFormat, ResultKind

#: Stack for the threads that parse and evaluate queries: deeply nested queries recurse deeply.
QUERY_THREAD_STACK = 256 * 1024 * 1024


class Writer:
    """A binary file-like object that pyoxigraph serializers write into, cut into chunks."""

    def __init__(self, emit: Callable[[bytes], None], chunk_size: int = CHUNK_SIZE) -> None:
        self._emit = emit
        self._buf = bytearray()
        self._chunk_size = chunk_size

    def write(self, data: bytes) -> int:
        self._buf += data
        if len(self._buf) >= self._chunk_size:
            self._emit(bytes(self._buf))
            self._buf.clear()
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes once at the end: hand on what is left."""
        if self._buf:
            self._emit(bytes(self._buf))
            self._buf.clear()



def start_query_thread(target: Callable[[], None], name: str) -> threading.Thread:
    """A daemon thread whose stack is large enough for deeply nested queries."""
    with _STACK_LOCK:
        old = threading.stack_size(QUERY_THREAD_STACK)
        try:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
        finally:
            threading.stack_size(old)
    return thread


_STACK_LOCK = threading.Lock()


def pull(
    produce: Callable[[Callable[[bytes], None], Callable[[ResultKind, ResultFormat], None]], None], name: str
) -> tuple[ResultKind, ResultFormat, Iterator[bytes], Callable[[], None]]:
    """Turn a push-style producer into (kind, format, iterator of chunks, cancel) using a thread.

    Errors raised before the producer starts its output are raised here; later ones are
    raised by the iterator. `cancel` (also run when the iterator ends) stops the producer.
    """
    items: queue.Queue[tuple] = queue.Queue(maxsize=4)
    cancelled = threading.Event()

    class _Cancelled(Exception):
        pass

    def put(item: tuple) -> None:
        while True:
            if cancelled.is_set():
                raise _Cancelled
            with contextlib.suppress(queue.Full):
                items.put(item, timeout=0.2)
                return

    def run() -> None:
        try:
            produce(lambda data: put(("chunk", data)), lambda kind, fmt: put(("start", kind, fmt)))
            put(("end",))
        except _Cancelled:
            pass
        except BaseException as exc:  # handed to the consumer, which raises it
            # pyoxigraph results must be dropped on the thread that made them: cut the
            # traceback, whose frames hold them, before the exception changes threads.
            exc.__traceback__ = None
            with contextlib.suppress(_Cancelled):
                put(("error", exc))

    start_query_thread(run, name)
    first = items.get()
    if first[0] == "error":
        raise first[1]
    assert first[0] == "start", first

    def chunks() -> Iterator[bytes]:
        try:
            while True:
                item = items.get()
                if item[0] == "end":
                    return
                if item[0] == "error":
                    raise item[1]
                yield item[1]
        finally:
            cancelled.set()

    return first[1], first[2], chunks(), cancelled.set
