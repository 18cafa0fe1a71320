"""The ``handouts`` command: only Click here. The work is done by the library it calls."""

from __future__ import annotations

import sys

import click

from handouts import __version__

EXIT_CODES = """Exit codes: 0 success; 1 a problem with content, a layout, a clinic profile or a build
(the message names the file and line); 2 a usage error (unknown option, missing argument)."""

content_option = click.option("--content", "content", multiple=True, type=click.Path(file_okay=False),
                              help="A folder of your own content modules; same-named modules override bundled ones.")
layouts_option = click.option("--layouts", "layouts", multiple=True, type=click.Path(file_okay=False),
                              help="A folder of your own layouts; same-named layouts override bundled ones.")


@click.group(epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handouts")
def main():
    """Build printable patient handouts about immunotherapy and CAR-T cell therapy."""


@main.command("list")
@content_option
@layouts_option
def list_command(content, layouts):
    """List the content modules and layouts you can build with."""
    from handouts.listing import describe

    click.echo(describe(content=content, layouts=layouts))


@main.command()
@click.argument("modules", nargs=-1)
@click.option("--locale", "-l", default="en", show_default=True, help="Language of the handout, e.g. en.")
@click.option("--paper", "-p", default=None, help="Paper: a4 or letter (default: the clinic's paper, else a4).")
@click.option("--clinic", "-c", type=click.Path(dir_okay=False), default=None,
              help="A clinic profile (YAML) with your name and phone numbers.")
@click.option("--out", "-o", "out_dir", type=click.Path(file_okay=False), default="build", show_default=True,
              help="Folder to write the PDFs to.")
@content_option
@layouts_option
def build(modules, locale, paper, clinic, out_dir, content, layouts):
    """Build MODULES (default: every module) as PDFs and print each file's path."""
    from handouts.build import build_handouts

    result = build_handouts(modules, locale=locale, paper=paper, clinic=clinic, out_dir=out_dir,
                            content=content, layouts=layouts)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path in result.written:
        click.echo(str(path))


@main.command()
@click.option("--strict", is_flag=True, help="Treat warnings (such as missing translations) as failures.")
@click.option("--clinic", "-c", type=click.Path(dir_okay=False), default=None,
              help="Also check this clinic profile, and lay out the handouts with it.")
@content_option
@layouts_option
def check(strict, clinic, content, layouts):
    """Check every content module and layout; list each problem as file:line: message."""
    from handouts.check import check_all
    from handouts.clinic import load_clinic
    from handouts.registry import Registry

    registry = Registry.with_extra(content, layouts)
    report = check_all(registry, clinic=load_clinic(clinic) if clinic else None)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.failed(strict):
        count = len(report.problems) + (len(report.warnings) if strict else 0)
        click.echo(f"check failed: {count} problem{'s' if count != 1 else ''}", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(report.checked)} handouts checked, no problems")


@main.group()
def i18n():
    """Translation catalogues: extract the English, update each language, show progress."""


@i18n.command()
@content_option
def extract(content):
    """Write messages.pot beside every module from its English text."""
    from handouts.registry import Registry
    from handouts.translations import extract as extract_templates

    for path in extract_templates(Registry.with_extra(content)):
        click.echo(str(path))


@i18n.command()
@click.option("--locale", "-l", "locales", multiple=True, help="Also start a catalogue for this locale.")
@content_option
def update(locales, content):
    """Merge the English into every <locale>.po; changed English is marked fuzzy."""
    from handouts.registry import Registry
    from handouts.translations import update as update_catalogues

    for path in update_catalogues(Registry.with_extra(content), locales=locales):
        click.echo(str(path))


@i18n.command()
@content_option
def status(content):
    """Show, per module and locale, how many strings are translated, fuzzy or missing."""
    from handouts.registry import Registry
    from handouts.translations import status as catalogue_status

    rows = catalogue_status(Registry.with_extra(content))
    click.echo(f"{'module':<28} {'locale':<8} {'translated':>10} {'fuzzy':>6} {'missing':>8} {'done':>7}")
    for row in rows:
        click.echo(f"{row.module:<28} {row.locale:<8} {row.translated:>10} {row.fuzzy:>6} {row.missing:>8} "
                   f"{row.percent:>6.1f}%")
