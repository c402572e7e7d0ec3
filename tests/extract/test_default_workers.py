"""Extraction workers default to the cores this process may run on (its CPU set in a container or a systemd
unit), as `concejo serve`'s web workers do, not to the machine's cores."""

from __future__ import annotations

import multiprocessing
import os
from types import SimpleNamespace

import pytest

from concejo import config
from concejo.config import load_settings, usable_cores
from extract import batch
from extract.errors import ExtractionFailed


@pytest.fixture()
def one_of_eight_cores(monkeypatch):
    """A process allowed on one core of a machine of eight."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)


def test_the_settings_default_is_the_process_cores(one_of_eight_cores, tmp_path):
    assert usable_cores() == 1
    assert load_settings(environ={}, data_dir=tmp_path).extract_workers == 1
    assert config.Settings().extract_workers == 1


def test_a_batch_without_a_worker_count_runs_one_child_per_core_of_the_process(one_of_eight_cores, monkeypatch):
    live, peak = [0], [0]

    def start(context, job, **kwargs):  # a child that has already answered
        receiver, sender = multiprocessing.Pipe(duplex=False)
        sender.send(None)
        live[0] += 1
        peak[0] = max(peak[0], live[0])
        return SimpleNamespace(key=job[0], path=job[1], conn=receiver, deadline=float("inf"),
                               process=SimpleNamespace(join=lambda: None, kill=lambda: None))

    def receive(item, memory_mb):
        live[0] -= 1
        return ExtractionFailed("crashed", "not extracted")

    monkeypatch.setattr(batch, "_start", start)
    monkeypatch.setattr(batch, "_receive", receive)
    monkeypatch.setattr(batch, "_context", lambda: None)
    jobs = [(f"doc{n}", f"/nowhere/doc{n}.pdf", None) for n in range(4)]
    assert sorted(key for key, _ in batch.extract_batch(jobs, ocr=False)) == ["doc0", "doc1", "doc2", "doc3"]
    assert peak == [1]
