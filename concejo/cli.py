"""`concejo`: one subcommand per step (crawl, extract, index, serve), `run` for all of them, and tools.

Command bodies read as fetch -> save; the work lives in concejo.steps and the packages it wires.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from archive import Catalogue, CatalogueError, FileStore, open_catalogue
from concejo import steps
from concejo.config import ConfigError, Settings, load_settings, settings_environ
from concejo.processes import Terminated, raise_on_sigterm
from concejo.sources import load_sources, select_sources
from scheduler import AlreadyRunning, exclusive_run

console = Console(stderr=False, highlight=False)


@contextmanager
def progress_bar(label: str, out: Console | None = None):
    """Yield a (done, total) callback that draws a progress bar while a step works."""
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=out or console, transient=False) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def print_report(report: steps.StepReport, out: Console | None = None) -> None:
    out = out or console
    counts = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in report.counts.items())
    mark = "[red]✗[/red]" if report.failed_sources else "[green]✓[/green]"
    out.print(f"{mark} {report.step} in {report.seconds:.1f} s — {counts}")
    for slug, ledger in report.ledger.items():
        out.print(f"  {slug}: {ledger_line(ledger)}")
    for problem in report.problems[:20]:
        out.print(f"  [yellow]![/yellow] {problem}")
    if len(report.problems) > 20:
        out.print(f"  … and {len(report.problems) - 20} more (see `concejo status`)")


def ledger_line(ledger: dict) -> str:
    """One source's ledger in a line: counts, failures and gaps."""
    failed, gaps = ledger.get("failed") or [], ledger.get("gaps") or []
    line = (f"{ledger.get('new', 0)} nuevos, {ledger.get('changed', 0)} cambiados, "
            f"{ledger.get('unchanged', 0)} sin cambios, {ledger.get('withdrawn', 0)} retirados, "
            f"{len(failed)} fallidos, {len(gaps)} huecos; {ledger.get('requests', 0)} peticiones, "
            f"{ledger.get('pdfs_downloaded', 0)} PDF descargados ({ledger.get('bytes_downloaded', 0)} bytes)")
    return line + (f" — FALLÓ: {ledger['error']}" if ledger.get("error") else "")


def ledger_json(report: steps.StepReport) -> str:
    """A crawl's ledger as one JSON object: {"sources": {slug: {...}}}."""
    return json.dumps({"sources": report.ledger}, ensure_ascii=False)


def _catalogue(settings: Settings) -> Catalogue:
    return open_catalogue(settings.catalogue_url)


# -- commands ----------------------------------------------------------------------------------------

def cmd_replica(settings: Settings, args) -> int:
    from replica.server import run_replica

    run_replica(port=args.port or settings.replica_port, seed=args.seed or settings.replica_seed,
                extra_pdfs_dir=settings.replica_extra_pdfs)
    return 0


def cmd_crawl(settings: Settings, args) -> int:
    if args.portal_url:
        if settings.sources_file is not None:
            raise ConfigError("--portal-url sets the default source's portal; with a sources file "
                              f"({settings.sources_file}) choose sources with --source")
        settings = replace(settings, portal_url=args.portal_url)
    if args.in_process:
        return _crawl_one_source_here(settings, args)
    catalogue = _catalogue(settings)
    sources = select_sources(load_sources(settings), args.source)
    out = Console(stderr=True, highlight=False) if args.json else console  # stdout holds the JSON alone
    with exclusive_run(settings, catalogue):
        out.print(f"Rastreando {', '.join(f'{s.slug} ({s.start_urls[0]})' for s in sources)} "
                  f"{'(barrido completo) ' if args.full else ''}…")
        try:
            report = steps.crawl(settings, catalogue, sources=args.source, full_sweep=args.full)
        except steps.StepFailed as exc:
            if args.json and exc.report is not None:
                print(ledger_json(exc.report))
            raise
    print_report(report, out)
    if args.json:
        print(ledger_json(report))
    return 1 if report.failed_sources or report.counts.get("documents", 0) == 0 else 0


def _crawl_one_source_here(settings: Settings, args) -> int:
    """The crawl's child process: one source, in this process; its report as JSON for the parent."""
    from crawler.run import run_crawl

    sources = select_sources(load_sources(settings), args.source)
    if len(sources) != 1:
        raise ConfigError(f"--in-process crawls one source; name it with --source (configured: "
                          f"{', '.join(s.slug for s in sources)})")
    report = run_crawl(settings, sources[0], full_sweep=args.full)
    if args.json:  # the settings it ran with, so the parent can tell they all arrived
        print(json.dumps({**report.__dict__, "settings": settings_environ(settings)}, ensure_ascii=False))
    else:
        console.print(report.__dict__)
    return 1 if report.problems and not report.pages else 0


def cmd_extract(settings: Settings, args) -> int:
    catalogue = _catalogue(settings)
    with exclusive_run(settings, catalogue), progress_bar("Extrayendo texto") as update:
        report = steps.extract(settings, catalogue, retry_failed=args.retry_failed, progress=update)
    print_report(report)
    if report.counts.get("reextracted"):
        from extract import EXTRACTOR_VERSION

        console.print(f"  {report.counts['reextracted']} documentos extraídos de nuevo porque cambió el extractor "
                      f"(versión {EXTRACTOR_VERSION})")
    return 0


def cmd_index(settings: Settings, args) -> int:
    catalogue = _catalogue(settings)
    with exclusive_run(settings, catalogue), progress_bar(f"Indexando ({settings.engine})") as update:
        report = steps.index(settings, catalogue, rebuild=args.rebuild, progress=update)
    print_report(report)
    return 0


def cmd_serve(settings: Settings, args) -> int:
    """gunicorn (concejo/gunicorn_conf.py): one worker process per core by default, the app preloaded."""
    from concejo import gunicorn_conf
    from concejo.web_server import serve

    host, port = args.host or settings.host, args.port or settings.port
    bind = getattr(args, "bind", None) or f"{host}:{port}"  # `run` has --host/--port; `serve` also --bind
    workers = getattr(args, "workers", None) or gunicorn_conf.workers  # one per core
    console.print(f"Buscador listo en [bold]http://{bind}[/bold] con {workers} procesos (Ctrl-C para detener)")
    return serve(settings, bind=bind, workers=workers)


def replica_is_source(settings: Settings) -> bool:
    """True when the archive's one source is the bundled replica: no sources file, and the default source's
    portal is left at its default or points at the replica's port on this machine."""
    return settings.sources_file is None and settings.portal_url in {
        Settings().portal_url, f"http://127.0.0.1:{settings.replica_port}"}


def cmd_run(settings: Settings, args) -> int:
    """Everything: (the replica when it is the source) -> crawl -> extract -> index -> serve (or exit, --once)."""
    started = time.perf_counter()
    out = Console(stderr=True, highlight=False) if args.json else console  # stdout holds the JSON alone
    out.print("[bold]Concejo Abierto[/bold]: archivo y buscador de sesiones de concejo")
    out.print(f"Datos en {settings.data_dir.resolve()}")
    with _replica_if_source(settings, out) as run_settings:
        catalogue = _catalogue(run_settings)
        with exclusive_run(run_settings, catalogue) as lock:  # never two runs (or a scheduled one) at once
            lock.doing("crawl")
            with out.status("Rastreando las fuentes …"):
                try:
                    crawled = steps.crawl(run_settings, catalogue)
                except steps.StepFailed as exc:
                    if args.json and exc.report is not None:
                        print(ledger_json(exc.report))
                    raise
            print_report(crawled, out)
            lock.doing("extract")
            with progress_bar("Extrayendo texto", out) as update:
                print_report(steps.extract(run_settings, catalogue, progress=update), out)
            lock.doing("index")
            with progress_bar(f"Indexando ({run_settings.engine})", out) as update:
                print_report(steps.index(run_settings, catalogue, progress=update), out)
        print_status(catalogue, out)
        out.print(f"Todo listo en {time.perf_counter() - started:.1f} s.")
        if args.json:
            print(ledger_json(crawled))
        if args.once or args.no_serve:
            return 1 if crawled.failed_sources else 0
        return cmd_serve(run_settings, args)


@contextmanager
def _replica_if_source(settings: Settings, out: Console):
    """Serve the replica for the run when it is the configured source; the settings to run with."""
    if not replica_is_source(settings):
        yield settings
        return
    from replica import build_portal
    from replica.server import ReplicaServer

    with out.status("Generando la réplica del portal del concejo …"):
        portal = build_portal(seed=settings.replica_seed, extra_pdfs_dir=settings.replica_extra_pdfs)
    server = ReplicaServer(portal, host="127.0.0.1", port=settings.replica_port)
    server.start()
    try:
        out.print(f"Réplica del portal servida en {server.url}")
        # The replica is this machine's own portal on 127.0.0.1: this source, and only it, allows loopback.
        yield replace(settings, portal_url=server.url, crawl_allow_private_addresses=True)
    finally:
        server.stop()


def status_counts(catalogue: Catalogue) -> dict[str, int]:
    """The catalogue's counts, plus extracted documents whose text an older extractor version made."""
    from extract import EXTRACTOR_VERSION

    return {**catalogue.counts(), "outdated_extractor": catalogue.outdated_extractions(EXTRACTOR_VERSION)}


def print_status(catalogue: Catalogue, out: Console | None = None) -> None:
    counts = status_counts(catalogue)
    table = Table(title="Archivo", show_header=False)
    labels = {
        "sessions": "sesiones", "commissions": "comisiones", "documents": "documentos",
        "files": "archivos guardados", "fetch_failed": "no descargados",
        "listed_not_fetched": "listados sin descargar", "extracted": "documentos extraídos",
        "extraction_failed": "extracción fallida", "pages": "páginas", "indexed": "documentos indexados",
    }
    # Shown only when there are some: both clear after a successful extraction with the current extractor.
    if_any = {"outdated_extractor": "extraídos con un extractor anterior",
              "reextraction_failed": "reextracción fallida (se conserva el texto anterior)"}
    for key, label in labels.items():
        table.add_row(label, str(counts[key]))
    for key, label in if_any.items():
        if counts[key]:
            table.add_row(label, str(counts[key]))
    (out or console).print(table)


def failure_label(row) -> str:
    return "re-extraction failed, earlier text kept" if row["status"] == "extracted" else row["status"]


RUN_OUTCOMES = {"completed": "terminada", "failed": "fallida", "interrupted": "interrumpida",
                "skipped": "omitida: otra ejecución tenía el bloqueo",
                "unfinished": "sin terminar: en curso, o interrumpida si nada tiene el bloqueo"}
RUN_TRIGGERS = {"first": "primera", "schedule": "programada", "missed": "perdida, recuperada al arrancar",
                "retry": "reintento", "once": "schedule --once"}


def run_outcome(run) -> str:
    """Runs recorded before outcomes were: finished means completed. An open run is in progress, or was
    killed: the next command that writes closes it as interrupted (status only reads)."""
    return run["outcome"] or ("unfinished" if run["finished_at"] is None else "completed")


def run_json(run) -> dict:
    """A run as `status --json` shows it; a scheduled one (step "pipeline", and its steps) says what for."""
    return {"id": run["id"], "step": run["step"], "started_at": run["started_at"], "finished_at": run["finished_at"],
            "outcome": run_outcome(run),
            "stats": json.loads(run["stats_json"] or "{}"), "errors": json.loads(run["errors_json"] or "[]"),
            "source": run["source"], "trigger": run["trigger"], "attempt": run["attempt"],
            "full_sweep": bool(run["full_sweep"]) if run["full_sweep"] is not None else None,
            "scheduled_for": run["scheduled_for"], "part_of": run["part_of"]}


def schedules_json(settings: Settings, catalogue: Catalogue) -> dict[str, dict]:
    """Each configured source's schedule, next fire times, last completed crawl and whether it is stale (no
    completed crawl in more than twice its schedule's interval)."""
    from concejo.schedules import STALE_INTERVALS, load_schedules, parse_time

    now = datetime.now(UTC)
    shown = {}
    for slug, schedule in load_schedules(settings).items():
        last = catalogue.last_completed_crawl(slug)
        interval = schedule.interval(now)
        shown[slug] = {
            "schedule": schedule.schedule, "full_sweep": schedule.full_sweep, "timezone": schedule.timezone.key,
            "next_run": _iso(schedule.next_run(now)), "next_full_sweep": _iso(schedule.next_run(now, full_sweep=True)),
            "interval_seconds": int(interval.total_seconds()), "last_completed": last,
            "stale_after_seconds": int(STALE_INTERVALS * interval.total_seconds()),
            "stale": schedule.stale(parse_time(last) if last else None, now),
        }
    return shown


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def schedule_line(slug: str, shown: dict) -> str:
    """A source's schedule in a line of `concejo status`, flagged when stale."""
    line = (f"[bold]{slug}[/bold]: calendario {shown['schedule']!r}, barrido completo {shown['full_sweep']!r} "
            f"({shown['timezone']}); próxima ejecución {shown['next_run']}")
    if not shown["stale"]:
        return f"{line}; último rastreo completo {shown['last_completed']}"
    since = f"desde {shown['last_completed']}" if shown["last_completed"] else ": ningún rastreo completo todavía"
    return (f"{line}; [red]SIN ACTUALIZAR[/red] {since} (más del doble de su intervalo, "
            f"{shown['interval_seconds']} s)")


def cmd_status(settings: Settings, args) -> int:
    catalogue = _catalogue(settings)
    if args.json:
        from extract import EXTRACTOR_VERSION

        print(json.dumps({"extractor_version": EXTRACTOR_VERSION, "counts": status_counts(catalogue), "failures": [
            {"document": r["key"], "status": r["status"], "reason": r["status_reason"],
             "earlier_text_kept": r["status"] == "extracted"} for r in catalogue.failures()
        ], "runs": [run_json(run) for run in catalogue.last_runs(6)], "sources": catalogue.latest_ledgers(),
            "schedules": schedules_json(settings, catalogue)}, ensure_ascii=False, indent=2))
        return 0
    print_status(catalogue)
    for slug, shown in schedules_json(settings, catalogue).items():
        console.print(schedule_line(slug, shown))
    for slug, last in catalogue.latest_ledgers().items():
        ledger = last["ledger"]
        console.print(f"[bold]{slug}[/bold] (último rastreo {last['at']}): {ledger_line(ledger)}")
        for failure in (ledger.get("failed") or [])[:20]:
            console.print(f"  [yellow]![/yellow] {failure.get('url')}: {failure.get('reason')}")
        for gap in (ledger.get("gaps") or [])[:20]:
            console.print(f"  [yellow]hueco[/yellow] {gap_text(gap)}")
    for row in catalogue.failures():
        console.print(f"[yellow]![/yellow] {row['key']} ({failure_label(row)}): {row['status_reason']}")
    for run in catalogue.last_runs(6):
        console.print(f"  {run['started_at']} {run_label(run)} ({RUN_OUTCOMES[run_outcome(run)]}): "
                      f"{run['stats_json'] or ''}")
    return 0


def run_label(run) -> str:
    """'crawl', or for a scheduled run 'pipeline quito (reintento, barrido completo, intento 2)'."""
    if not run["trigger"]:
        return run["step"]
    why = [RUN_TRIGGERS.get(run["trigger"], run["trigger"])]
    why += ["barrido completo"] if run["full_sweep"] else []
    why += [f"intento {run['attempt']}"] if (run["attempt"] or 1) > 1 else []
    return f"{run['step']} {run['source']} ({', '.join(why)})"


def gap_text(gap: dict) -> str:
    """A gap as the catalogue reports it, in a line: its description when it has one, else its fields."""
    return str(gap.get("description") or gap.get("message") or ", ".join(f"{k}: {v}" for k, v in gap.items()))


def cmd_verify(settings: Settings, args) -> int:
    """Re-hash every archived file, quarantine the damaged ones, and fetch again the documents they were."""
    from archive.verify import still_lost, verify_archive

    catalogue = _catalogue(settings)
    store = FileStore(settings.files_dir)
    with exclusive_run(settings, catalogue):
        check = verify_archive(store, catalogue)
        console.print(f"Archivos comprobados: {check.checked}")
        for sha256, where in check.quarantined.items():
            console.print(f"  [yellow]![/yellow] {sha256} dañado (su contenido no coincide con su hash): "
                          f"apartado en {where}")
        for sha256 in check.missing:
            console.print(f"  [yellow]![/yellow] {sha256} falta en el archivo")
        if not check.lost:
            console.print("[green]✓[/green] Todos los archivos coinciden con su hash.")
            return 0
        for doc in check.documents:
            console.print(f"  documento {doc['key']} se había quedado sin su archivo actual")
        if not check.documents:
            console.print("Ninguno era el archivo actual de un documento: no hay nada que descargar.")
            return 0
        if args.no_refetch:
            console.print("No se descargó nada (--no-refetch): ejecute `concejo verify` o `concejo crawl` "
                          "para recuperar esos documentos.")
            return 1
        portals = ", ".join(source.start_urls[0] for source in load_sources(settings))
        console.print(f"Descargando de nuevo desde {portals} (rastreo completo) …")
        try:
            print_report(steps.crawl(settings, catalogue))
        except steps.StepFailed as exc:
            console.print(f"[red]No se pudo volver a descargar:[/red] {exc}\nLos archivos dañados quedan en "
                          "cuarentena; ejecute `concejo verify` de nuevo cuando el portal responda.")
            return 1
        lost = still_lost(store, check)
        restored = len(check.documents) - len(lost)
        console.print(f"[green]✓[/green] {restored} de {len(check.documents)} documentos recuperados.")
        for doc in lost:
            console.print(f"  [yellow]![/yellow] {doc['key']} sigue sin su archivo: el portal ya no lo publica "
                          f"igual en {', '.join(doc['urls']) or 'ningún enlace conocido'}")
        return 1 if lost else 0


def cmd_inspect(settings: Settings, args) -> int:
    from extract.inspect import inspect_file

    result = inspect_file(Path(args.path))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 1 if result.get("failure") else 0


def cmd_schedule(settings: Settings, args) -> int:
    """Run each source on its schedule until SIGTERM or Ctrl-C: the run under way is interrupted as `run`'s
    would be (recorded, resumable) and the stop is clean, so the exit code is 0. With --once, each source
    once: 1 if one of them did not complete."""
    from scheduler import run_scheduler

    stop_once_on_signal()
    try:
        outcomes = run_scheduler(settings, once=args.once)
    except KeyboardInterrupt as stop:  # processes.Terminated (SIGTERM) too
        console.print(f"Programador detenido ({stop or 'Ctrl-C'}).")
        return 0
    return 1 if any(outcome != "completed" for outcome in outcomes) else 0  # --once: every source completed?


def stop_once_on_signal() -> None:
    """The first SIGTERM or SIGINT stops the process (KeyboardInterrupt where it is); later ones are ignored,
    so the stop's own cleanup (stopping the crawl's child, recording the run) is not cut short."""
    def handler(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise Terminated(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


COMMANDS: dict[str, tuple[Callable, str]] = {
    "run": (cmd_run, "todo en uno: réplica, rastreo, extracción, índice y buscador en 127.0.0.1:5000"),
    "replica": (cmd_replica, "sirve la réplica del portal del concejo"),
    "crawl": (cmd_crawl, "rastrea las fuentes (los portales de los concejos) y archiva los documentos"),
    "extract": (cmd_extract, "extrae el texto de los documentos archivados"),
    "index": (cmd_index, "indexa los documentos extraídos"),
    "serve": (cmd_serve, "sirve el buscador"),
    "status": (cmd_status, "resume el archivo y sus fallos"),
    "verify": (cmd_verify, "comprueba el hash de cada archivo, aparta los dañados y los descarga de nuevo"),
    "inspect": (cmd_inspect, "muestra en JSON lo que la extracción obtiene de un PDF"),
    "schedule": (cmd_schedule, "ejecuta rastreo → extracción → índice de cada fuente según su calendario"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="concejo", description="Concejo Abierto: archivo y buscador de sesiones.")
    parser.add_argument("--config", type=Path, help="archivo TOML de configuración (o CONCEJO_CONFIG)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        if name in {"run", "serve"}:
            p.add_argument("--host")
            p.add_argument("--port", type=int)
        if name == "serve":
            p.add_argument("--bind", metavar="HOST:PORT", help="dirección de escucha (por omisión --host:--port, "
                           "es decir CONCEJO_HOST:CONCEJO_PORT, 127.0.0.1:5000)")
            p.add_argument("--workers", type=int, metavar="N", help="procesos que atienden (por omisión, uno por núcleo)")
        if name == "run":
            p.add_argument("--no-serve", action="store_true", help="termina tras indexar, sin servir")
            p.add_argument("--once", action="store_true", help="una sola pasada (rastreo, extracción, índice) y termina")
            p.add_argument("--json", action="store_true", help="al final, el balance del rastreo por fuente en JSON")
        if name == "replica":
            p.add_argument("--port", type=int)
            p.add_argument("--seed", type=int)
        if name == "crawl":
            p.add_argument("--source", action="append", metavar="SLUG",
                           help="rastrea solo esta fuente (se puede repetir); por omisión, todas")
            p.add_argument("--full", action="store_true",
                           help="barrido completo: sin caché HTTP ni peticiones condicionales")
            p.add_argument("--json", action="store_true",
                           help="imprime el balance del rastreo por fuente como un objeto JSON")
            p.add_argument("--portal-url", help="el portal de la fuente por omisión (sin archivo de fuentes)")
            p.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
        if name == "extract":
            p.add_argument("--retry-failed", action="store_true")
        if name == "index":
            p.add_argument("--rebuild", action="store_true", help="reconstruye el índice sin dejar de servir")
        if name == "status":
            p.add_argument("--json", action="store_true")
        if name == "verify":
            p.add_argument("--no-refetch", action="store_true", help="solo comprueba y aparta, sin descargar")
        if name == "inspect":
            p.add_argument("path")
        if name == "schedule":
            p.add_argument("--once", action="store_true", help="una sola pasada y termina")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    raise_on_sigterm()  # so locks are released, runs recorded as interrupted and children stopped
    try:
        settings = load_settings(config_file=args.config)
        handler, _ = COMMANDS[args.command]
        return handler(settings, args)
    except (ConfigError, CatalogueError, steps.StepFailed, AlreadyRunning) as exc:
        # With --json, stdout holds the JSON object alone (a failed crawl has printed its ledger there).
        out = Console(stderr=True, highlight=False) if getattr(args, "json", False) else console
        out.print(f"[red]Error:[/red] {exc}")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the engine's own errors carry the next step in their message
        from search_app.backends import SearchEngineUnavailable

        if isinstance(exc, SearchEngineUnavailable):
            console.print(f"[red]Error:[/red] {exc}")
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
