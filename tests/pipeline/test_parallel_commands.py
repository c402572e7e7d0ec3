"""Commands started at the same time on one archive: one works, the others say why they did not."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from concejo.config import child_environ
from search_app import create_app

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_three_parallel_index_rebuilds_leave_one_whole_index(pipeline, pipeline_snapshot, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(pipeline_snapshot, data_dir, symlinks=True)
    env = child_environ(replace(pipeline.settings, data_dir=data_dir))
    processes = [subprocess.Popen([sys.executable, "-m", "concejo", "index", "--rebuild"], cwd=PROJECT_ROOT,
                                  env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for _ in range(3)]
    outputs = [p.communicate(timeout=300)[0] for p in processes]

    for process, output in zip(processes, outputs, strict=True):
        assert "Traceback" not in output, output
        assert process.returncode in (0, 2), output
        if process.returncode == 2:
            assert "another pipeline run holds" in output
    assert 0 in [p.returncode for p in processes]

    status = subprocess.run([sys.executable, "-m", "concejo", "status", "--json"], cwd=PROJECT_ROOT, env=env,
                            text=True, capture_output=True, timeout=60, check=True)
    counts = json.loads(status.stdout)["counts"]
    client = create_app({"TESTING": True}, settings=replace(pipeline.settings, data_dir=data_dir)).test_client()
    everything = client.get("/api/v1/search", query_string={"q": "", "documento": ""}).get_json()
    assert counts["indexed"] == counts["extracted"]
    assert everything["total"] == counts["extracted"]
