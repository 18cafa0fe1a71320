"""handouts: printable patient-education handouts about immunotherapy and CAR-T cell therapy.

The command line (``handouts.cli``) is a thin layer over this library; Python callers use the
same functions::

    from handouts import build
    build.build_handouts(["car-t-side-effects"], locale="en", paper="letter")
"""

__version__ = "0.1.0"
