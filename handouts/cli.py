"""The ``handouts`` command: only Click here. The work is done by the library it calls."""

from __future__ import annotations

import sys

import click

from handouts import __version__
from handouts.kinds import KINDS

EXIT_CODES = """Exit codes: 0 success; 1 a problem with content, a layout, a clinic profile or a build
(the message names the file and line); 2 a usage error (unknown option, missing argument); 3 an
internal error (a bug in handouts: please report it)."""

content_option = click.option("--content", "content", multiple=True, type=click.Path(file_okay=False),
                              help="A folder of your own content modules; same-named modules override bundled ones.")
layouts_option = click.option("--layouts", "layouts", multiple=True, type=click.Path(file_okay=False),
                              help="A folder of your own layouts; same-named layouts override bundled ones.")


class HandoutsGroup(click.Group):
    """Click's group, but an exception that is not ours ends as one line saying it is a bug."""

    def invoke(self, ctx):
        import os

        from handouts.errors import InternalError

        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the one place every other error is caught
            if os.environ.get("HANDOUTS_DEBUG"):
                raise
            raise InternalError(exc, __version__) from None


@click.group(cls=HandoutsGroup, epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
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


@main.command("new")
@click.argument("module")
@click.option("--kind", required=True, type=click.Choice(tuple(KINDS)),
              help="What the handout is: " + "; ".join(f"{name}, {kind.doc}" for name, kind in KINDS.items()) + ".")
@click.option("--content", "content", type=click.Path(file_okay=False), default="content", show_default=True,
              help="Your folder of content modules, to write the new module in.")
def new_command(module, kind, content):
    """Start MODULE in your content folder: a module that builds at once, its text marked REPLACE."""
    from handouts.scaffold import name_problem, new_module

    problem = name_problem(module)
    if problem:
        raise click.BadParameter(f"'{module}': {problem}", param_hint="MODULE")
    made = new_module(module, kind, content)
    click.echo(str(made.module))
    if made.project:
        click.echo(f"wrote {made.project}, so 'handouts build' here builds your modules too", err=True)
    if made.note:
        click.echo(f"note: {made.note}", err=True)
    click.echo(f"next: replace each REPLACE: text in {made.module}, then run 'handouts build {module}'", err=True)


@main.command()
@click.argument("modules", nargs=-1)
@click.option("--locale", "-l", "locales", multiple=True, help="Language, e.g. es (repeat for several; default en).")
@click.option("--paper", "-p", "papers", multiple=True,
              help="a4 or letter (repeat for both; default: the clinic's paper, else a4).")
@click.option("--all", "build_all", is_flag=True,
              help="Every module in every language it has, on every paper, standard and large print.")
@click.option("--large-print", is_flag=True, help="The large-print variant (18 pt and up; cards become alert sheets).")
@click.option("--format", "-f", "formats", default=None, metavar="FORMATS",
              help="pdf, html, or pdf,html: the printable PDF, the accessible HTML twin, or both (default: pdf).")
@click.option("--clinic", "-c", type=click.Path(dir_okay=False), default=None,
              help="A clinic profile (YAML) with your name and phone numbers.")
@click.option("--out", "-o", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder to write the PDFs and manifest.json to (default: build).")
@click.option("--project", "project_file", type=click.Path(dir_okay=False), default=None,
              help="A project file (default: handouts.yaml here, if there is one).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Parallel builds (default: the cores).")
@click.option("--keep-going", "-k", is_flag=True, help="Go on past a failing handout; fail at the end.")
@click.option("--shard", default=None, metavar="I/N", help="Build only the I-th of N equal parts (for CI matrices).")
@click.option("--force", is_flag=True, help="Rebuild handouts that are up to date.")
@click.option("--strict", is_flag=True, help="Fail a handout with any string left in English (missing or fuzzy), "
                                             "or a page rule its layout could not keep.")
@click.option("--product", default=None, metavar="NAME",
              help="A CAR-T product (e.g. yescarta): print its label's weeks near the centre and without driving.")
@content_option
@layouts_option
def build(modules, locales, papers, build_all, large_print, formats, clinic, out_dir, project_file, jobs, keep_going,
          shard, force, strict, product, content, layouts):
    """Build MODULES (default: every module) and print the path of each file written."""
    from handouts.batch import (
        DEFAULT_OUT,
        VARIANTS,
        BatchInterrupted,
        Plan,
        catalogue_items,
        default_jobs,
        parse_formats,
        parse_shard,
        run_batch,
        take_shard,
    )
    from handouts.clinic import load_clinic
    from handouts.project import find_project
    from handouts.registry import Registry

    project = find_project(project_file, everything=build_all)
    clinic = clinic or project.clinic
    profile = load_clinic(clinic) if clinic else None
    content = list(content) or project.content
    layouts = list(layouts) or project.layouts
    registry = Registry.with_extra(content, layouts)
    project.check_names(registry)
    every = build_all or project.locales == ["all"]
    locales = list(locales) or ([] if every else project.locales)
    papers = list(papers) or project.papers or (list(registry.paper_paths()) if build_all else []) or \
        ([profile.paper] if profile and profile.paper else [])
    variants = ["large-print"] if large_print else (project.variants or (list(VARIANTS) if build_all else
                                                                          ["standard"]))
    from handouts.errors import UnknownNameError, UsageProblem

    try:  # the project file's names were checked above: an unknown name now is one typed here
        kinds = parse_formats(formats) if formats is not None else (project.formats or ["pdf"])
        items = catalogue_items(registry, list(modules) or project.modules, locales, papers, every_locale=every,
                                variants=variants, formats=kinds)
        if shard:
            items = take_shard(items, *parse_shard(shard))
        if product:
            from handouts.facts import load_products, product_weeks

            product_weeks(load_products(registry), {"car_t_product": product})
    except UnknownNameError as exc:
        raise UsageProblem(exc.format_message()) from None
    out = out_dir or project.out or DEFAULT_OUT
    plan = Plan(out_dir=str(out), content=tuple(map(str, content)), layouts=tuple(map(str, layouts)),
                clinic=str(clinic) if clinic else None, force=force, strict=strict, product=product)
    try:
        report = run_batch(plan, items, jobs=jobs or project.jobs or default_jobs(), keep_going=keep_going,
                           on_outcome=_progress(len(items)))
    except BatchInterrupted as stop:  # Ctrl-C: what was built is recorded; say so and exit as shells expect
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not turn exit 130 into a traceback
        report = stop.report
    for outcome in report.outcomes:
        for warning in outcome.warnings:
            click.echo(f"warning: {warning}", err=True)
    for outcome in report.failed:
        click.echo(f"error: {outcome.item}: {outcome.error}", err=True)
    if len(items) > 1 or report.failed or report.interrupted:
        click.echo(report.summary(), err=True)
    if report.interrupted:
        click.echo(f"interrupted: {len(items) - len(report.outcomes)} of {len(items)} not built; "
                   "run the same command again to build the rest", err=True)
        sys.exit(130)
    if report.failed or len(report.outcomes) < len(items):
        sys.exit(1)


def _progress(total: int):
    """Show progress: a bar on a terminal, one plain line per handout elsewhere (CI logs)."""
    interactive = sys.stderr.isatty() and total > 1
    bar = click.progressbar(length=total, label="Building", file=sys.stderr) if interactive else None

    def show(outcome, done, total):
        if outcome.status == "built":
            click.echo(outcome.path)
        if bar is not None:
            bar.update(1)
            if done == total:
                bar.render_finish()
        elif total > 1:
            click.echo(f"[{done}/{total}] {outcome.status}: {outcome.item}", err=True)

    return show


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The interface to listen on; every interface (0.0.0.0) needs --allowed-host.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--clinic", "-c", type=click.Path(dir_okay=False), default=None,
              help="A clinic profile (YAML) with your name and phone numbers.")
@click.option("--project", "project_file", type=click.Path(dir_okay=False), default=None,
              help="A project file (default: handouts.yaml here, if there is one): its languages and papers.")
@click.option("--token-file", type=click.Path(dir_okay=False), default=None,
              help="A file whose first line is the access token (else $HANDOUTS_TOKEN; else a new one, "
                   "printed in the address to open).")
@click.option("--allowed-host", "allowed_hosts", multiple=True,
              help="A name or address other computers open the app at (repeat for several).")
@click.option("--forwarded-allow-ips", default="127.0.0.1", show_default=True,
              help="The reverse proxies trusted to say the client's address and scheme.")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              help="Render processes (default: the cores).")
@content_option
@layouts_option
def serve(host, port, clinic, project_file, token_file, workers, content, layouts, allowed_hosts,
          forwarded_allow_ips):
    """Make handouts in the browser at http://127.0.0.1:8000 (needs: pip install 'handouts[serve]')."""
    from handouts.batch import default_jobs
    from handouts.clinic import load_clinic
    from handouts.project import find_project
    from handouts.serve import check_binding, read_token, require_extra
    from handouts.serve import serve as run

    require_extra()
    project = find_project(project_file)
    clinic = clinic or project.clinic
    profile = load_clinic(clinic) if clinic else None
    token = read_token(token_file)
    check_binding(host, tuple(allowed_hosts))
    from handouts.serve.app import Options
    from handouts.serve.session import make_token

    made = token is None   # Jupyter's way: a fresh token, printed in the address to open
    token = token or make_token()

    locales = () if project.locales == ["all"] else tuple(project.locales or ())
    options = Options(content=tuple(content) or tuple(project.content),
                      layouts=tuple(layouts) or tuple(project.layouts),
                      clinic=str(clinic) if clinic else None, locales=locales, papers=tuple(project.papers or ()),
                      default_paper=(profile.paper if profile and profile.paper else None) or "a4",
                      token=token, host=host, workers=workers or project.jobs or default_jobs(),
                      allowed_hosts=tuple(allowed_hosts))
    shown = host if ":" not in host else f"[{host}]"
    if shown in ("0.0.0.0", "[::]"):
        shown = allowed_hosts[0]
    # the address with a fresh token goes to standard output, never to the log (standard error)
    if made:
        click.echo(f"handouts: open http://{shown}:{port}/?token={token}")
    else:
        click.echo(f"handouts: open http://{shown}:{port}/?token=... (the token from your token file)")
    click.echo("handouts: Ctrl-C stops", err=True)
    run(options, port, forwarded_allow_ips)


@main.command()
@click.argument("kind", required=False)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the schema to this file instead of printing it.")
def schema(kind, output):
    """Print the JSON Schema of one KIND of file (module, layout...) for editors; without KIND, list the kinds."""
    from handouts.jsonschema import FILE_KINDS, schema_text

    if kind is None:
        for name, what in FILE_KINDS.items():
            click.echo(f"{name:<8} {what}")
        return
    if kind not in FILE_KINDS:
        raise click.BadParameter(f"'{kind}' is not one of: {', '.join(FILE_KINDS)}", param_hint="KIND")
    text = schema_text(kind)
    if output:
        from handouts.output import write_output

        write_output(output, text.encode("utf-8"))
        click.echo(output)
    else:
        click.echo(text, nl=False)


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
    from handouts.check import plain_language_table, readability_table

    report = check_all(registry, clinic=load_clinic(clinic) if clinic else None)
    if report.readings:
        click.echo("Readability (the text a patient reads; not labels or the footer)")
        click.echo("\n".join(readability_table(report)))
        click.echo("\nAutomated plain-language checks (English source; six machine checks, not a PEMAT score)")
        click.echo("\n".join(plain_language_table(report)) + "\n")
    for problem in report.problems:
        click.echo(str(problem), err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for note in report.advice:
        click.echo(f"{'error' if strict else 'warning'}: {note}", err=True)
    if report.failed(strict):
        count = len(report.problems) + (len(report.warnings) + len(report.advice) if strict else 0)
        click.echo(f"check failed: {count} problem{'s' if count != 1 else ''}", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(report.checked)} handouts checked, no problems")


@main.command()
@click.argument("target", required=False, default="build", type=click.Path())
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="PDFs checked at once (default: the cores).")
def preflight(target, jobs):
    """Check built PDFs page by page (TARGET: a folder or a PDF; default: build); list each
    problem as file:page: problem, and exit 1 when there is any."""
    import os
    from pathlib import Path

    from handouts.preflight import pdf_files, preflight

    paths = pdf_files(Path(target))
    found = preflight(Path(target), jobs=jobs or os.cpu_count() or 1)
    for finding in found:
        click.echo(str(finding))
    if found:
        failed = len({finding.path for finding in found})
        click.echo(f"preflight: {len(found)} problems in {failed} of {len(paths)} PDFs", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(paths)} PDFs checked, no problems")


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


@main.group()
def manifest():
    """Catalogue manifests: merge the output folders of a sharded build (build --shard I/N)."""


@manifest.command("merge")
@click.argument("out", type=click.Path(file_okay=False))
@click.argument("shard_dirs", metavar="SHARD_DIR...", nargs=-1, required=True, type=click.Path(file_okay=False))
def merge_command(out, shard_dirs):
    """Copy the PDFs of every SHARD_DIR into OUT, each checked against its manifest, and write one manifest.json."""
    from handouts.manifest import merge

    report = merge(out, list(shard_dirs))
    for path in report.written:
        click.echo(str(path))
    click.echo(f"{len(report.written)} handouts from {report.shards} shards, recorded in {report.manifest}", err=True)
