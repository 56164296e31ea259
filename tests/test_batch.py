"""``balance batch``: a two-worker Dask cluster on real videos and generated sessions, a
worker killed mid-run, reruns that do nothing, inputs that fail, the process pool used
when Dask is missing; every result equal to ``analyze`` / ``score`` on the same file."""

import csv
import functools
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from balance.cli import main
from balance.profile import Profile
from balance.protocols import create, reasons
from balance.session.batch import executors, inputs
from balance.session.batch.manifest import MANIFEST, Manifest
from balance.session.batch.run import SKIPPED, run_batch
from balance.session.batch.summary import HEADER, SUMMARY
from balance.session.batch.task import Settings, run_job
from balance.session.recording import Recording
from balance.session.rescore import rescore
from balance.storage.history import History
from balance.storage.session import SessionWriter, new_metadata, read_session
from tests.helpers import assert_one_line_error, balance, person

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata"
CLIPS = [REAL / "videos/pose2sim_demo/balancing_trial/cam01.mp4",  # 100 frames
         REAL / "videos/pose2sim_demo/static_trial/cam01.mp4",     # 11 frames, same name
         REAL / "videos/pose2sim_demo/static_trial/cam02.mp4"]
needs_real = pytest.mark.skipif(not REAL.exists(), reason="../shared/realdata is absent")


@pytest.fixture(autouse=True)
def _own_history(tmp_path, monkeypatch):
    """Each test its own history, so what one stores is not mistaken for another's."""
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path / "data"))


# --- what the workers run in place of run_job (module level: workers import it) ----------

def dies_once_mid_run(marker: str, victim: str, job):
    """Kill this worker process on ``victim``'s first try, once its session is being
    written (mid-video)."""
    if job.path.endswith(victim) and not os.path.exists(marker):
        Path(marker).touch()
        threading.Thread(target=_kill_when_writing, args=(Path(job.out),), daemon=True).start()
    return run_job(job)


def _kill_when_writing(out: Path):
    while not any(p.stat().st_size for p in out.parent.glob(f".{out.stem}.*")):
        time.sleep(0.005)
    os.kill(os.getpid(), signal.SIGKILL)


def always_dies_on(victim: str, job):
    if job.path.endswith(victim):
        os.kill(os.getpid(), signal.SIGKILL)
    return run_job(job)


# --- inputs ------------------------------------------------------------------------------

def record_session(path, seed, lift=(2.0, 4.5)):
    """A single-leg stance recorded as the window records one (result and end included)."""
    synth = person(duration_s=6.0, lift=lift, seed=seed)
    profile = Profile(height_cm=170.0)
    test = create("single-leg-stance", profile, image_size=synth.image_size, fps=synth.fps)
    meta = new_metadata(source="synthetic", fps=synth.fps, image_size=synth.image_size,
                        protocol=test.name, profile=profile.to_dict(), seed=seed)
    rec = Recording(test, SessionWriter(path, meta), to_history=False)
    for i in range(len(synth.t)):
        rec.feed(float(synth.t[i]), synth.image[i], synth.world[i], True)
    rec.stop(reasons.SOURCE_ENDED)
    return path


@pytest.fixture(scope="module")
def cluster():
    """A two-worker local Dask cluster for the module, the one `DaskExecutor` starts; the
    tests reach it by its address, as ``--scheduler`` does."""
    with executors.local_cluster(2) as c:
        yield c.scheduler_address


@pytest.fixture
def sessions(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    return [record_session(folder / f"s{i}.balance", seed=i, lift=(1.5 + i, 4.0 + i))
            for i in range(3)]


def jobs_for(paths, out, **settings):
    out.mkdir(exist_ok=True)
    return inputs.plan_jobs(inputs.find_inputs(paths, exclude=out), Settings(**settings), out)


def score_json(path, capsys, protocol="single-leg-stance"):
    assert main(["score", str(path), "--protocol", protocol, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def history_results():
    with History() as h:
        return {Path(s.file).name: s.result for s in h.sessions()}


def same_session(batch_file, single_file):
    """Identical frames and events; metadata equal but for the start time (the source
    path is the one given to both)."""
    a, b = read_session(batch_file), read_session(single_file)
    for name in ("t", "detected", "image", "world"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.events == b.events and a.warnings == b.warnings == []
    assert ({k: v for k, v in a.metadata.items() if k != "start_time"}
            == {k: v for k, v in b.metadata.items() if k != "start_time"})


# --- the cluster -------------------------------------------------------------------------

@needs_real
@pytest.mark.model
def test_two_workers_survive_a_killed_worker_and_equal_one_at_a_time(tmp_path, sessions,
                                                                      pose_model, capsys):
    out = tmp_path / "out"
    jobs = jobs_for([*CLIPS, sessions[0].parent], out, protocol="single-leg-stance",
                    model_path=str(pose_model.path), model_sha256=pose_model.sha256)
    assert len(jobs) == 6 and len({j.out for j in jobs if j.out}) == 3  # two cam01.mp4 apart
    marker = tmp_path / "killed"
    task = functools.partial(dies_once_mid_run, str(marker), "balancing_trial/cam01.mp4")
    with History() as h:
        rows = run_batch(jobs, executors.DaskExecutor(2), Manifest(out), h, task=task)
    assert marker.exists()  # a worker did die, mid-video
    assert [r.status for r in rows] == ["done"] * 6, [r.error for r in rows]
    assert not list(out.glob(".*")), "a killed try left its partial file"
    stored = history_results()
    for i, (clip, row) in enumerate(zip(CLIPS, rows)):
        single = tmp_path / f"single-{i}.balance"
        assert main(["analyze", str(clip), "--out", str(single), "--quiet", "--model",
                     str(pose_model.path), "--protocol", "single-leg-stance"]) == 0
        same_session(row.session, single)
        assert row.frames == len(read_session(single))
        assert row.result == read_session(single).metadata["result"]
        assert stored[Path(row.session).name] == row.result
    capsys.readouterr()
    for path, row in zip(sessions, rows[3:]):
        assert row.result == score_json(path, capsys)
        assert stored[path.name] == row.result
        assert row.frames == 180 and row.detection_rate == 1.0


def test_a_rerun_does_no_work_and_a_new_setting_redoes_it(tmp_path, sessions, cluster):
    out = tmp_path / "out"
    first = run_batch(jobs_for(sessions, out), executors.DaskExecutor(scheduler=cluster),
                      Manifest(out), None)
    assert [r.status for r in first] == ["done"] * 3
    manifest = (out / MANIFEST).read_bytes()

    class Unused:  # a rerun must not even start a cluster
        slots = None

        def __enter__(self):
            raise AssertionError("the rerun started workers")

    again = run_batch(jobs_for(sessions, out), Unused(), Manifest(out), None)
    assert [r.status for r in again] == [SKIPPED] * 3
    assert [r.result for r in again] == [r.result for r in first]
    assert (out / MANIFEST).read_bytes() == manifest
    # moved files are the same inputs; another height is another result
    moved = tmp_path / "moved"
    sessions[0].parent.rename(moved)
    assert [r.status for r in run_batch(jobs_for([moved], out), Unused(), Manifest(out), None)] \
        == [SKIPPED] * 3
    taller = run_batch(jobs_for([moved], out, profile={"height_cm": 190.0}),
                       executors.DaskExecutor(scheduler=cluster), Manifest(out), None)
    assert [r.status for r in taller] == ["done"] * 3
    m0, m1 = (r.result["trials"][0]["metrics"]["path_length_ml"] for r in (first[0], taller[0]))
    assert m1 == pytest.approx(m0 * 190 / 170, rel=1e-5)  # the scale is the height


@pytest.mark.parametrize("where", ["dask", "pool"])
def test_an_input_that_kills_its_worker_twice_is_reported_not_retried(tmp_path, sessions, where,
                                                                      request):
    out = tmp_path / "out"
    # one pool worker: a pool breaks whole, and would charge the input beside it too
    executor = (executors.PoolExecutor(1) if where == "pool"
                else executors.DaskExecutor(scheduler=request.getfixturevalue("cluster")))
    task = functools.partial(always_dies_on, "s1.balance")
    rows = run_batch(jobs_for(sessions, out), executor, Manifest(out), None, task=task)
    assert [r.status for r in rows] == ["done", "failed", "done"]
    assert "worker process died" in rows[1].error
    assert set(Manifest(out).done) == {j.key for j in jobs_for([sessions[0], sessions[2]], out)}


# --- the command -------------------------------------------------------------------------

def test_command_exit_status_summary_and_history(tmp_path, sessions, cluster, capsys):
    out, foreign = tmp_path / "out", sessions[0].parent / "foreign.balance"
    foreign.write_bytes(b"not a session")
    args = ["batch", str(sessions[0].parent), "--out", str(out), "--scheduler", cluster,
            "--quiet"]
    assert main(args) == 1  # one input could not be done
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if line.startswith("error:")] == [
        f"error: {foreign}: {foreign} is not a balance session file"]
    with open(out / SUMMARY, newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == HEADER
    by_name = {Path(r["input"]).name: r for r in table}
    assert by_name["foreign.balance"]["status"] == "failed"
    assert by_name["s0.balance"]["status"] == "done"
    assert by_name["s0.balance"]["frames"] == "180"
    expected = rescore(read_session(sessions[0])).result
    best = expected["summary"]["best_hold_s"]
    assert json.dumps(best, separators=(",", ":")) in by_name["s0.balance"]["result"]
    assert history_results()["s0.balance"] == expected
    for f in (out / SUMMARY, out / MANIFEST):
        assert f.stat().st_mode & 0o077 == 0
    foreign.unlink()  # fixed: the rerun finishes the rest and says all is done
    assert main(args) == 0
    assert "3 of 3 input(s) done (3 earlier), 0 failed" in capsys.readouterr().out
    # re-scored for a taller person: the history takes the new result, not the file's
    assert main([*args, "--height", "190"]) == 0
    path = history_results()["s0.balance"]["trials"][0]["metrics"]["path_length_ml"]
    assert path == pytest.approx(expected["trials"][0]["metrics"]["path_length_ml"] * 190 / 170,
                                 rel=1e-5)


def test_without_dask_the_same_task_runs_in_a_process_pool(tmp_path, sessions, capsys,
                                                          monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    out = tmp_path / "out"
    assert main(["batch", *map(str, sessions), "--out", str(out), "--workers", "2"]) == 0
    captured = capsys.readouterr()
    assert "pip install 'balance[cluster]'" in captured.err
    done = {e["input"]: e for e in json.loads((out / MANIFEST).read_text())["done"].values()}
    assert set(done) == set(map(str, sessions))
    for path in sessions:
        assert done[str(path)]["result"] == score_json(path, capsys)
    assert main(["batch", str(sessions[0]), "--out", str(tmp_path / "other"),
                 "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: --scheduler needs Dask, which is not installed: pip install 'balance[cluster]'")
    assert not (tmp_path / "other").exists()  # refused before anything was written


def test_bad_input_is_one_error_line(tmp_path, capsys):
    def error(*args):
        assert main(["batch", *map(str, args), "--out", str(tmp_path / "o")]) == 2
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ")
        return lines[0]

    pattern = tmp_path / "nothing-*.mp4"
    assert error(pattern) == f"error: {pattern}: no such file or folder, and no file matches it"
    (tmp_path / "empty").mkdir()
    assert error(tmp_path / "empty").startswith("error: no videos, image folders")
    assert not (tmp_path / "o").exists()
    assert_one_line_error(balance("batch", tmp_path, "--workers", "0", "--out", tmp_path / "o"),
                          "must be 1 or more")
