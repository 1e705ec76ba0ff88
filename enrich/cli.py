"""Command line: ``enrich run | text | attributes | serve | bench``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from . import __version__


def _families(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def _add_family_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--families", metavar="A,B,C",
                   help="families to run (default: every default family); see `enrich attributes`")
    p.add_argument("--resolve", action="append", default=[], metavar="HOST:PORT:ADDR",
                   help="links: pin HOST:PORT to ADDR (curl-style; repeatable; for tests and benchmarks)")
    p.add_argument("--allow-address", action="append", default=[], metavar="CIDR",
                   help="links: allow fetching from this address range (repeatable; for tests)")
    p.add_argument("--connect-to", action="append", default=[], metavar="HOST:PORT:ADDR:PORT",
                   help="links: connect to ADDR:PORT for HOST:PORT (curl-style; repeatable)")
    p.add_argument("--links", choices=["off", "cache", "live"],
                   help="links mode: off, cache (default: no network) or live (fetch uncached links)")


def _family_options(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    opts: dict[str, dict[str, Any]] = {}
    links: dict[str, Any] = {}
    if args.resolve:
        links["resolve"] = args.resolve
    if args.allow_address:
        links["allow"] = args.allow_address
    if args.connect_to:
        links["connect_to"] = args.connect_to
    if args.links:
        links["mode"] = args.links
    if links:
        opts["links"] = links
    return opts


def cmd_run(args: argparse.Namespace) -> int:
    from .batch.run import run_files, run_job_cli
    from .errors import PipelineError
    from .registry import get_family

    families = _families(args.families)
    try:  # before any worker starts: a typo is a usage error, not a broken pool
        for name in families or ():
            get_family(name)
    except PipelineError as exc:
        print(f"enrich run: {exc.code} {exc.message}", file=sys.stderr)
        return 2
    if args.workers < 1 or args.batch_size < 1 or (args.shard_lines is not None and args.shard_lines < 1):
        print("enrich run: --workers, --batch-size and --shard-lines must be at least 1", file=sys.stderr)
        return 2
    if args.out_dir is None:
        if args.scheduler or args.shard_lines is not None or args.no_resume:
            print("enrich run: --scheduler, --shard-lines and --no-resume need --out-dir DIR",
                  file=sys.stderr)
            return 2
        try:
            return run_files(
                inputs=args.inputs or ["-"], output=args.output, families=families,
                dead_letter=args.dead_letter, fmt=args.format, batch_size=args.batch_size,
                progress=args.progress, options=_family_options(args), workers=args.workers,
                gc_tuning=True,
            )
        except BrokenPipeError:
            raise
        except OSError as exc:  # the output cannot be written: an I/O failure, not a data problem
            print(f"enrich run: {exc}", file=sys.stderr)
            return 1
    if args.output != "-" or (args.dead_letter and args.dead_letter != "dead"):
        print("enrich run: with --out-dir the output goes to DIR/out (and DIR/dead with "
              "--dead-letter dead); drop -o", file=sys.stderr)
        return 2
    return run_job_cli(
        args.out_dir, args.inputs, families, dead_letter=bool(args.dead_letter),
        fmt=args.format, batch_size=args.batch_size, progress=args.progress, options=_family_options(args),
        workers=args.workers, scheduler=args.scheduler, shard_lines=args.shard_lines,
        resume=not args.no_resume,
    )


def cmd_text(args: argparse.Namespace) -> int:
    from .enricher import Enricher

    text = " ".join(args.text) if args.text else sys.stdin.read()
    with Enricher(families=_families(args.families), options=_family_options(args)) as enricher:
        out = enricher.enrich({"text": text})
    body = out.get("enrichment", out) if not args.full else out
    sys.stdout.buffer.write(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
    return 0 if "enrichment" in out else 1


def cmd_attributes(args: argparse.Namespace) -> int:
    from .registry import catalogue, family_docs

    cat = catalogue()
    if args.format == "md":
        data = cat.markdown(family_docs()).encode()
    elif args.format == "schema":
        data = orjson.dumps(cat.json_schema(), option=orjson.OPT_INDENT_2) + b"\n"
    else:
        data = orjson.dumps([a.to_dict() for a in cat], option=orjson.OPT_INDENT_2) + b"\n"
    if args.output and args.output != "-":
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .service.cli import main as serve_main

    return serve_main(args)


def _modules(package: str) -> list[str]:
    import importlib
    import pkgutil

    pkg = importlib.import_module(package)
    return sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))


def cmd_tool(args: argparse.Namespace) -> int:
    """``enrich evaluate NAME ...`` / ``enrich train NAME ...``: run that module's command."""
    import importlib

    package = f"enrich.{args.command}"
    names = _modules(package)
    if args.tool not in names:
        print(f"enrich {args.command}: unknown {args.tool!r}; one of: {', '.join(names)}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"{package}.{args.tool}")
    rc = module.main(args.tool_args)
    return int(rc or 0)


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench.runner import main as bench_main

    return bench_main(args.bench_args)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="enrich", description="Enrich short posts with documented attributes.")
    ap.add_argument("--version", action="version", version=f"enrich {__version__}")
    ap.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = ap.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="enrich files or stdin to JSONL",
                         description="Enrich JSONL/JSON/CSV/tweets.js/text files (gzip or not) to JSONL. "
                                     "Every input record yields an output record or an error record.")
    run.add_argument("inputs", nargs="*", help="input files or folders; '-' (default) is stdin")
    run.add_argument("-o", "--output", default="-", help="output JSONL ('.gz' compresses; '-' stdout)")
    run.add_argument("--dead-letter", metavar="PATH",
                     help="write error records here instead of inline in the output")
    run.add_argument("--format", default="auto",
                     choices=["auto", "jsonl", "json", "csv", "tweets_js", "text"])
    run.add_argument("--batch-size", type=int, default=256)
    run.add_argument("--workers", type=int, default=1, metavar="N",
                     help="worker processes, each loading the pipeline once (default 1: this process); "
                          "with --scheduler: workers of a `local` Dask cluster")
    job = run.add_argument_group("sharded, resumable jobs")
    job.add_argument("--out-dir", metavar="DIR",
                     help="run as a job in DIR: the input cut into shards, each written atomically with a "
                          "manifest; running again resumes (see docs/batch.md)")
    job.add_argument("--shard-lines", type=int, metavar="N",
                     help="records per shard of a JSONL/text file (default 50000; other formats and "
                          "gzip files are one shard per file)")
    job.add_argument("--no-resume", action="store_true",
                     help="refuse to continue a job already in DIR (the default resumes it)")
    job.add_argument("--scheduler", metavar="tcp://HOST:PORT|local",
                     help="run the shards on a Dask cluster (`local` starts a LocalCluster of --workers)")
    prog = run.add_mutually_exclusive_group()
    prog.add_argument("--progress", dest="progress", action="store_true", default=None,
                      help="force a progress bar (default: when stderr is a terminal)")
    prog.add_argument("--no-progress", dest="progress", action="store_false")
    _add_family_options(run)
    run.set_defaults(func=cmd_run)

    text = sub.add_parser("text", help="enrich one post given on the command line")
    text.add_argument("text", nargs="*", help="the post (default: read stdin)")
    text.add_argument("--full", action="store_true", help="print the whole record, not just enrichment")
    _add_family_options(text)
    text.set_defaults(func=cmd_text)

    attrs = sub.add_parser("attributes", help="print the attribute catalogue")
    attrs.add_argument("--format", choices=["json", "md", "schema"], default="json")
    attrs.add_argument("-o", "--output", help="write to a file instead of stdout")
    attrs.set_defaults(func=cmd_attributes)

    serve = sub.add_parser("serve", help="run the HTTP service")
    try:
        from .service.cli import add_arguments
    except ImportError:  # the service package is optional in minimal installs
        pass
    else:
        add_arguments(serve)
    serve.set_defaults(func=cmd_serve)

    for name, what in (("evaluate", "score a model or heuristic on the development data (docs/accuracy.md)"),
                       ("train", "rebuild a shipped model from the development data (models/)")):
        tool = sub.add_parser(name, help=what, description=f"{what}. NAME is a module of enrich.{name}; "
                              "the remaining arguments go to it (try NAME --help).")
        tool.add_argument("tool", metavar="NAME", help=", ".join(_modules(f"enrich.{name}")))
        tool.add_argument("tool_args", nargs=argparse.REMAINDER)
        tool.set_defaults(func=cmd_tool)

    bench = sub.add_parser("bench", help="benchmark (same as python -m enrich.bench)", add_help=False)
    bench.add_argument("bench_args", nargs=argparse.REMAINDER)
    bench.set_defaults(func=cmd_bench)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # `enrich run ... | head` is normal use
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
