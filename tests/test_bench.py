"""The pipeline benchmark: it times the pipeline and the baselines with the collector settings
``enrich run`` uses (or Python's defaults on request) and leaves the process's collector as it
found it."""

from __future__ import annotations

import gc
import json

import pytest

from enrich.bench.runner import main


@pytest.mark.parametrize(("flags", "gc_mode"), [([], "tuned"), (["--default-gc"], "default")])
def test_bench_reports_and_restores_the_collector(capsys: pytest.CaptureFixture[str], flags: list[str],
                                                  gc_mode: str) -> None:
    before = gc.get_threshold()
    gc.unfreeze()
    assert main(["--families", "topics", "-n", "40", "--repeat", "1", "--baseline", "--no-pin",
                 "--json", *flags]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["gc"].startswith(gc_mode)
    assert out["pipeline"]["per_family"]["topics"]["posts_per_second"] > 0
    assert out["baselines"]["topics"]["ratio"] > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
