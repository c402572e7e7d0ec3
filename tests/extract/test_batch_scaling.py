"""extract/batch.py keeps N workers busy: largest files first, a finished worker replaced before its result is
handed over, never more than N processes, every result complete, and a killed or stuck worker still yields its
failure. Behaviour only: the speed is bench/extract_bench.py's to measure.

Some tests swap the batch's worker for `_gated_worker` below (the child imports this module to find it): it
marks its start in a folder, waits there until the test lets it go or kills it, and answers a failure whose
reason is its job's name.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from extract import Extraction, ExtractionFailed, batch, extract_document
from extract.batch import extract_batch

GATE_WAIT_S = 30  # a gated worker gives up after this; the tests never get near it unless what they guard is broken


def _text_pdf(path: Path, pages: int, label: str) -> Path:
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 11)
        canvas.drawString(72, 780, f"CONCEJO MUNICIPAL DE PRUEBA - {label}")
        for line in range(30):
            canvas.drawString(72, 740 - 20 * line, f"Página {number}, renglón {line + 1}: el concejal {label} "
                                                   f"pide la palabra sobre el expediente {number * 100 + line}.")
        canvas.showPage()
    canvas.save()
    return path


def _gated_worker(conn, path: Path, hints: dict | None, ocr: bool, memory_mb: int) -> None:
    """Mark the start (with the pid) in hints["gate"]; wait for '<name>.go' when hints["hold"]; answer; mark it."""
    gate = Path(hints["gate"])
    (gate / f"{path.name}.started").write_text(str(os.getpid()))
    if hints.get("hold"):
        deadline = time.monotonic() + GATE_WAIT_S
        while not (gate / f"{path.name}.go").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    elif hints.get("sleep_s"):
        time.sleep(hints["sleep_s"])
    conn.send(ExtractionFailed("corrupt", path.name))
    conn.close()
    (gate / f"{path.name}.sent").touch()


def _wait_for(path: Path) -> bool:
    deadline = time.monotonic() + GATE_WAIT_S
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _sized(tmp_path: Path, name: str, size: int) -> Path:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n" + b"x" * size)
    return path


def test_jobs_start_largest_file_first(tmp_path):
    """One worker runs the jobs one at a time, so they finish in the order they started."""
    sizes = {"uno": 1, "tres": 3, "seis": 6, "diez": 10}
    jobs = [(name, _text_pdf(tmp_path / f"{name}.pdf", pages, name), None) for name, pages in sizes.items()]
    jobs.insert(2, ("falta", tmp_path / "no-existe.pdf", None))  # a missing file counts as empty: last
    order = [key for key, _ in extract_batch(jobs, workers=1, ocr=False)]
    assert order == ["diez", "seis", "tres", "uno", "falta"]
    assert batch.longest_first(jobs) == [jobs[4], jobs[3], jobs[1], jobs[0], jobs[2]]


def test_two_workers_give_every_document_whole_and_as_extracted_alone(tmp_path):
    paths = {f"doc{i}": _text_pdf(tmp_path / f"doc{i}.pdf", pages, f"DOC{i}")
             for i, pages in enumerate([7, 1, 4, 2, 9, 3, 5, 1])}
    jobs = [(key, path, {"title": key}) for key, path in paths.items()]
    jobs.append(("roto", _sized(tmp_path, "roto.pdf", 50), None))
    results = list(extract_batch(jobs, workers=2, ocr=False))
    assert sorted(key for key, _ in results) == sorted([*paths, "roto"])  # each exactly once
    by_key = dict(results)
    assert isinstance(by_key.pop("roto"), ExtractionFailed)
    for key, result in by_key.items():
        assert isinstance(result, Extraction), (key, result)
        assert result == extract_document(paths[key], ocr=False, hints={"title": key})


def test_the_next_job_starts_before_a_result_is_handed_over(tmp_path, monkeypatch):
    """While the caller stores a result, the freed worker already runs the next job; results that arrive
    together are all handed over."""
    monkeypatch.setattr(batch, "_worker", _gated_worker)
    gate = tmp_path / "gate"
    gate.mkdir()
    jobs = [("a", _sized(tmp_path, "a", 300), {"gate": str(gate)}),
            ("b", _sized(tmp_path, "b", 200), {"gate": str(gate), "hold": True}),
            ("c", _sized(tmp_path, "c", 100), {"gate": str(gate), "hold": True})]
    results = extract_batch(jobs, workers=2, ocr=False)
    try:
        first, _ = next(results)
        assert first == "a"
        # The generator is not advanced: "c" must have been started before "a" was handed over.
        assert _wait_for(gate / "c.started"), "the freed worker stayed idle while the caller held a result"
    finally:
        for name in ("b", "c"):
            (gate / f"{name}.go").touch()
    # Both answer while the caller still holds "a": the batch then finds two results at once and yields both.
    assert _wait_for(gate / "b.sent") and _wait_for(gate / "c.sent")
    assert sorted(key for key, _ in results) == ["b", "c"]


def test_never_more_than_n_worker_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "_worker", _gated_worker)
    gate = tmp_path / "gate"
    gate.mkdir()
    running_at_start: list[int] = []
    real_start = batch._start

    def counting_start(*args, **kwargs):
        running_at_start.append(len(multiprocessing.active_children()))
        return real_start(*args, **kwargs)

    monkeypatch.setattr(batch, "_start", counting_start)
    jobs = [(f"j{i}", _sized(tmp_path, f"j{i}", 100 + i), {"gate": str(gate), "sleep_s": 0.3}) for i in range(7)]
    results = list(extract_batch(jobs, workers=2, ocr=False))
    assert sorted(key for key, _ in results) == sorted(key for key, _, _ in jobs)
    assert len(running_at_start) == 7
    assert max(running_at_start) == 1  # one other worker at most when a worker starts: never three at once
    assert multiprocessing.active_children() == []


def test_a_killed_worker_and_a_stuck_one_still_yield_their_failures(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "_worker", _gated_worker)
    gate = tmp_path / "gate"
    gate.mkdir()
    jobs = [("muerto", _sized(tmp_path, "muerto", 400), {"gate": str(gate), "hold": True}),
            ("colgado", _sized(tmp_path, "colgado", 300), {"gate": str(gate), "hold": True}),
            *[(f"ok{i}", _sized(tmp_path, f"ok{i}", 10 + i), {"gate": str(gate)}) for i in range(3)]]

    def kill_the_first() -> None:
        if _wait_for(gate / "muerto.started"):
            os.kill(int((gate / "muerto.started").read_text()), signal.SIGKILL)

    killer = threading.Thread(target=kill_the_first)
    killer.start()
    try:
        results = dict(extract_batch(jobs, workers=2, timeout_s=3, ocr=False))
    finally:
        killer.join()
        for name in ("muerto", "colgado"):
            (gate / f"{name}.go").touch()
    assert sorted(results) == sorted(key for key, _, _ in jobs)
    assert results["muerto"].code == "crashed"
    assert results["colgado"].code == "timeout"
    assert all(str(results[f"ok{i}"]) == f"ok{i}" for i in range(3))  # the others ran to their end
    assert multiprocessing.active_children() == []


def test_a_caller_that_stops_early_leaves_no_worker_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "_worker", _gated_worker)
    gate = tmp_path / "gate"
    gate.mkdir()
    jobs = [("rapido", _sized(tmp_path, "rapido", 200), {"gate": str(gate)}),
            *[(f"espera{i}", _sized(tmp_path, f"espera{i}", 100), {"gate": str(gate), "hold": True})
              for i in range(3)]]
    results = extract_batch(jobs, workers=2, ocr=False)
    assert next(results)[0] == "rapido"
    results.close()
    assert multiprocessing.active_children() == []


def test_a_child_does_not_import_again_what_the_main_script_imports(tmp_path):
    """multiprocessing runs the main script again in each child: what it imports is imported once, in the
    forkserver (the `concejo` script imports the whole CLI)."""
    log = tmp_path / "imports.log"
    (tmp_path / "contador.py").write_text(f"import os\nwith open({str(log)!r}, 'a') as f:\n    f.write(f'{{os.getpid()}}\\n')\n")
    (tmp_path / "principal.py").write_text(
        "import sys\nfrom pathlib import Path\n\nimport contador  # noqa: F401\nfrom extract.batch import extract_batch\n\n"
        "if __name__ == '__main__':\n"
        "    jobs = [(str(i), Path(sys.argv[1]), None) for i in range(4)]\n"
        "    print(sum(1 for _ in extract_batch(jobs, workers=2, ocr=False)))\n")
    pdf = _text_pdf(tmp_path / "uno.pdf", 1, "UNO")
    done = subprocess.run([sys.executable, "principal.py", str(pdf)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "4"
    assert len(log.read_text().split()) == 2  # the parent and the forkserver, none of the four children
