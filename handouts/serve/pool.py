"""Rendering for the web app, in worker processes: the event loop only waits.

``RenderPool`` keeps one process per worker, each with a pipe of its own and one render at a
time. A worker that dies (killed from outside, out of memory) costs only the render it was
doing, which the app tries once more; one past its deadline is killed and replaced; each is
replaced after ``max_renders`` renders, and what its memory held goes with the process. A shared
task queue (``concurrent.futures``, Pebble) does not allow this: a worker killed there broke the
whole pool (8 requests in flight, 8 answers of 503), or, holding the queue's lock, left every
other worker waiting (Pebble: 8 of 8 requests past their deadline).

Each worker loads the registry and the clinic profile once. A request's patient details reach a
worker through the pool's pipe, in memory, and leave it as PDF bytes; nothing is written, and an
error that happened after the details were filled in is reported without its message (which may
quote what did not fit).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

_state: dict = {}


@dataclass(frozen=True)
class Setup:
    """What every worker needs to know, given once when it starts."""

    content: tuple = ()
    layouts: tuple = ()
    clinic: str | None = None


@dataclass(frozen=True)
class Order:
    """One handout to make. ``patient`` holds details typed by a nurse: never logged or stored."""

    module: str
    locale: str
    paper: str
    variant: str = "standard"
    format: str = "pdf"
    patient: object = None
    product: str = ""       # a CAR-T product whose label weeks the handout prints ("": the clinic's choice)


@dataclass(frozen=True)
class Result:
    """The bytes made, or why not: ``problems`` (a list of field problems, the nurse's to fix),
    ``too_big`` (the details do not fit on the card), or ``error`` (a one-line message about the
    content or layout, the administrator's to fix; never about a patient's details)."""

    data: bytes = b""
    problems: tuple = ()
    too_big: bool = False
    error: str = ""


def start_worker(setup: Setup, parent: int) -> None:
    """The pool's initializer: load what every render needs, and end with the server. Ctrl-C
    (sent to the whole process group) is the server's to handle: it shuts the pool down."""
    import signal

    from handouts.batch import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))   # a crash writes no patient's name to a core file
    from handouts.clinic import load_clinic
    from handouts.registry import Registry

    die_with_parent(parent, direct=True)
    _state["registry"] = Registry.with_extra(setup.content, setup.layouts)
    _state["clinic"] = load_clinic(setup.clinic) if setup.clinic else None


def make(order: Order) -> Result:
    """Render one order; every error becomes a ``Result``, so nothing leaves a worker as a traceback."""
    try:
        return _make(order)
    finally:
        release_memory()


def _make(order: Order) -> Result:
    from handouts.document import prepare
    from handouts.errors import FitError, HandoutsError
    from handouts.patient import PatientProblems, with_patient
    from handouts.render import render

    try:
        handout = prepare(_state["registry"], order.module, locale=order.locale, paper=order.paper,
                          clinic=with_product(_state["clinic"], order.product), variant=order.variant)
    except HandoutsError as error:
        return Result(error=error.format_message())
    try:
        if order.patient:
            handout = with_patient(handout, order.patient)
        return Result(data=render(handout, order.format))
    except PatientProblems as problems:
        return Result(problems=tuple(problems.problems))
    except FitError as error:
        if order.patient:
            return Result(too_big=True)
        return Result(error=error.format_message())
    except HandoutsError as error:
        return Result(error="a handout with a patient's details could not be made" if order.patient
                      else error.format_message())
    except Exception as error:  # noqa: BLE001 - a bug: said by its type and place, never its message
        return Result(error=f"internal error ({type(error).__name__} at {where(error)})")


def with_product(clinic, product: str):
    """The clinic profile (or none) with ``product`` as its CAR-T product, when one is chosen."""
    if not product:
        return clinic
    from dataclasses import replace

    from handouts.clinic import Clinic

    clinic = clinic or Clinic()
    return replace(clinic, settings={**clinic.settings, "car_t_product": product})


def release_memory() -> None:
    """Give the memory a render freed back to the system (glibc's ``malloc_trim``). Without it a
    worker's resident size kept growing with the mix of handouts asked for (+17 % over 400 renders
    in every language, though Python held no more objects); with it, +2 %, for about 2 ms a render.
    Elsewhere than glibc this does nothing."""
    trim = malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def malloc_trim():
    """glibc's ``malloc_trim``, or None where there is none."""
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def where(error: BaseException) -> str:
    frames = error.__traceback__
    while frames is not None and frames.tb_next is not None:
        frames = frames.tb_next
    return f"{os.path.basename(frames.tb_frame.f_code.co_filename)}:{frames.tb_lineno}" if frames else "?"


def thumbnail(module: str, locale: str, width: int = 240) -> bytes:
    """A PNG of the first page of the A4 PDF, ``width`` pixels wide, drawn by PDFium."""
    import io

    import pypdfium2

    result = make(Order(module, locale, "a4"))
    if not result.data:
        return b""
    document = pypdfium2.PdfDocument(result.data)
    try:
        page = document[0]
        image = page.render(scale=width / page.get_width()).to_pil()
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
    finally:
        document.close()


class WorkerDied(Exception):
    """The worker ended during the call (killed, out of memory): the call may be tried again."""


class PastDeadline(Exception):
    """The call took longer than its deadline: its worker was killed and replaced."""


def serve_orders(channel, setup: Setup, parent: int) -> None:
    """A worker's life: set up, then answer each ``(function, args)`` on its pipe with
    ``(True, result)`` or ``(False, exception)``, until the pipe closes."""
    start_worker(setup, parent)
    while True:
        try:
            function, args = channel.recv()
        except (EOFError, OSError):
            return
        try:
            answer = (True, function(*args))
        except Exception as error:  # noqa: BLE001 - sent back to be raised in the app
            answer = (False, error)
        channel.send(answer)


class Worker:
    """One worker process and its end of the pipe."""

    def __init__(self, context, setup: Setup, parent: int):
        self.channel, theirs = context.Pipe()
        self.process = context.Process(target=serve_orders, args=(theirs, setup, parent), daemon=True,
                                       name="handouts-render")
        self.process.start()
        theirs.close()
        self.renders = 0

    def call(self, function, args: tuple):
        """Send one call and wait for its answer (in a thread: this blocks)."""
        try:
            self.channel.send((function, args))
            ok, value = self.channel.recv()
        except (EOFError, OSError) as error:
            raise WorkerDied from error
        if not ok:
            raise value
        return value

    def end(self) -> None:
        """Kill the process at once (it may be stuck), and reap it."""
        self.channel.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class RenderPool:
    """``size`` workers, each replaced when it dies, overruns or has made ``max_renders``."""

    def __init__(self, size: int, setup: Setup, max_renders: int):
        self.size, self.setup, self.max_renders = size, setup, max_renders
        self.context = multiprocessing.get_context("spawn")
        self.parent = os.getpid()
        self.idle: asyncio.Queue | None = None
        self.workers: list[Worker] = []
        self.waiters = ThreadPoolExecutor(size, thread_name_prefix="handouts-wait")

    def start(self) -> None:
        """Start the workers (from the event loop's thread: the kernel ends a worker when the
        thread that started it ends)."""
        self.idle = asyncio.Queue()
        for _ in range(self.size):
            self.idle.put_nowait(self._new())

    def _new(self) -> Worker:
        worker = Worker(self.context, self.setup, self.parent)
        self.workers.append(worker)
        return worker

    def _replace(self, worker: Worker) -> None:
        worker.end()
        if worker in self.workers:
            self.workers.remove(worker)
            self.idle.put_nowait(self._new())

    async def run(self, function, args: tuple, deadline: float, queue_deadline: float):
        """``function(*args)`` in the next free worker. Raises ``PastDeadline`` (no worker free in
        ``queue_deadline`` seconds, or the call took longer than ``deadline``) or ``WorkerDied``."""
        try:
            worker = await asyncio.wait_for(self.idle.get(), queue_deadline)
        except asyncio.TimeoutError:
            raise PastDeadline("no worker was free") from None
        loop = asyncio.get_running_loop()
        try:
            result = await asyncio.wait_for(loop.run_in_executor(self.waiters, worker.call, function, args),
                                            deadline)
        except asyncio.TimeoutError:
            self._replace(worker)
            raise PastDeadline(f"longer than {deadline:.0f} s") from None
        except WorkerDied:
            self._replace(worker)
            raise
        except asyncio.CancelledError:
            # the client went away: the call may still be running, and its answer must not be
            # read as the next call's, so this worker goes
            self._replace(worker)
            raise
        except Exception:
            self._give_back(worker)   # the function raised, in a worker that is fine
            raise
        self._give_back(worker)
        return result

    def _give_back(self, worker: Worker) -> None:
        worker.renders += 1
        if worker.renders >= self.max_renders:
            self._replace(worker)
        else:
            self.idle.put_nowait(worker)

    def stop(self) -> None:
        for worker in self.workers:
            worker.end()
        self.workers = []
        self.waiters.shutdown(wait=False, cancel_futures=True)
