"""Rendering for the web app, in worker processes: the event loop only waits.

Each worker loads the registry and the clinic profile once. A request's patient details reach a
worker through the pool's pipe, in memory, and leave it as PDF bytes; nothing is written, and an
error that happened after the details were filled in is reported without its message (which may
quote what did not fit).
"""

from __future__ import annotations

import os
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
