"""The model file: written atomically, found by age, loaded fast, refused clearly when bad."""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from myna import RASA_COMPATIBILITY, __version__
from myna.model.artifact import (
    ModelLoadError,
    ModelNotFoundError,
    load_model,
    model_file_name,
    read_manifest,
    resolve_model_path,
    write_model,
)
from myna.model.manifest import MANIFEST_FILE, Manifest, PartInfo

COMPONENTS = [
    "WhitespaceTokenizer",
    "RegexFeaturizer",
    "KeywordIntentClassifier",
    "RegexEntityExtractor",
    "EntitySynonymMapper",
    "FallbackClassifier",
]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def model_parts(model_file: Path, tmp_path: Path) -> tuple[Manifest, Path]:
    """The manifest and the unpacked ``nlu/`` folder of the trained model."""
    with tarfile.open(model_file) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    return read_manifest(model_file), tmp_path / "unpacked" / "nlu"


def _members(model_file: Path) -> list[str]:
    with tarfile.open(model_file) as tar:
        return tar.getnames()


def test_model_file_is_named_by_time_and_holds_manifest_first_then_nlu(model_file: Path) -> None:
    assert re.fullmatch(r"\d{8}-\d{6}-[a-z]+-[a-z]+\.tar\.gz", model_file.name)
    names = _members(model_file)
    assert names[0] == MANIFEST_FILE
    assert "nlu/pipeline.json" in names
    assert all(name == MANIFEST_FILE or name.split("/")[0] == "nlu" for name in names)
    assert [p.name for p in model_file.parent.iterdir()] == [model_file.name]  # no temp left


def test_manifest_records_versions_hashes_components_and_metrics(model_file: Path) -> None:
    manifest = read_manifest(model_file)
    assert manifest.myna_version == __version__
    assert manifest.rasa_version == RASA_COMPATIBILITY
    assert re.fullmatch(r"[0-9a-f]{32}", manifest.model_id)
    assert manifest.created_at.endswith("+00:00")
    assert manifest.assistant_id == "tiny_bot" and manifest.language == "en"
    assert set(manifest.config_hashes) == {"pipeline", "policies"}
    nlu = manifest.parts["nlu"]
    assert list(nlu.components) == COMPONENTS
    assert re.fullmatch(r"[0-9a-f]{64}", nlu.data_hash)
    assert nlu.metrics["examples"] == 6 and nlu.metrics["intents"] == 3
    assert nlu.metrics["train_seconds"] >= 0
    assert set(manifest.parts) == {"nlu"}


def test_loading_round_trips_and_keeps_the_model_id(model_file: Path) -> None:
    first, second = load_model(model_file), load_model(model_file)
    assert first.manifest == second.manifest == read_manifest(model_file)
    assert first.path == model_file
    assert first.nlu is not None
    result = first.nlu.parse("I want pizza")
    assert result["intent"]["name"] == "order"
    assert [(e["entity"], e["value"]) for e in result["entities"]] == [("food", "pizza")]
    assert Manifest.from_json(first.manifest.to_json()) == first.manifest


def test_fixed_model_name(out_dir: Path, model_parts: tuple[Manifest, Path]) -> None:
    manifest, nlu_dir = model_parts
    for fixed in ("my-model", "my-model.tar.gz"):
        path = write_model(out_dir, manifest, {"nlu": nlu_dir}, fixed)
        assert path == out_dir / "my-model.tar.gz"
    assert load_model(out_dir / "my-model.tar.gz").manifest == manifest
    for bad in ("", "../escape", "a/b"):
        with pytest.raises(ValueError, match="invalid model name"):
            model_file_name(bad)


def test_parts_must_match_the_manifest(out_dir: Path, model_parts: tuple[Manifest, Path]) -> None:
    manifest, nlu_dir = model_parts
    with pytest.raises(ValueError, match="differ"):
        write_model(out_dir, manifest, {"nlu": nlu_dir, "core": nlu_dir})


def test_a_failed_write_leaves_nothing_behind(
    out_dir: Path, model_parts: tuple[Manifest, Path]
) -> None:
    manifest, nlu_dir = model_parts
    with pytest.raises(FileNotFoundError):
        write_model(out_dir, manifest, {"nlu": nlu_dir / "missing"})
    assert list(out_dir.iterdir()) == []


def _touch(folder: Path, name: str, mtime: float) -> Path:
    path = folder / name
    path.write_bytes(b"")
    os.utime(path, (mtime, mtime))
    return path


def test_a_folder_resolves_to_its_newest_model(tmp_path: Path) -> None:
    now = time.time()
    _touch(tmp_path, "20240101-090000-old-model.tar.gz", now)  # newest mtime, old name
    newest = _touch(tmp_path, "20240301-090000-new-model.tar.gz", now - 3600)
    _touch(tmp_path, "20240201-090000-mid-model.tar.gz", now - 60)
    _touch(tmp_path, "notes.txt", now + 10)
    (tmp_path / "20250101-000000-dir.tar.gz").mkdir()
    assert resolve_model_path(tmp_path) == newest
    assert resolve_model_path(newest) == newest


def test_names_without_a_time_compare_by_mtime(tmp_path: Path) -> None:
    stamped = time.mktime(time.strptime("20240301-090000", "%Y%m%d-%H%M%S"))
    _touch(tmp_path, "20240301-090000-stamped.tar.gz", time.time())
    fixed = _touch(tmp_path, "fixed.tar.gz", stamped + 60)
    _touch(tmp_path, "older-fixed.tar.gz", stamped - 60)
    assert resolve_model_path(tmp_path) == fixed


@pytest.mark.parametrize("make", [lambda p: p / "absent", lambda p: p], ids=["missing", "empty"])
def test_no_model_is_a_one_line_error_suggesting_training(
    tmp_path: Path, make: Callable[[Path], Path]
) -> None:
    with pytest.raises(ModelNotFoundError) as caught:
        load_model(make(tmp_path))
    message = str(caught.value)
    assert "\n" not in message and str(tmp_path) in message and "myna train" in message


def _tar(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    return path


def _manifest_bytes(model_file: Path) -> bytes:
    return read_manifest(model_file).to_json().encode()


def _assert_refused(path: Path, *fragments: str) -> None:
    with pytest.raises(ModelLoadError) as caught:
        load_model(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_corrupt_and_truncated_files_are_refused(model_file: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"this is not a model" * 50)
    _assert_refused(garbage, "not a readable model file")
    data = model_file.read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2])
    _assert_refused(truncated, "not a readable model file")
    empty = tmp_path / "empty.tar.gz"
    empty.write_bytes(b"")
    _assert_refused(empty)


def test_a_tar_without_manifest_is_not_a_model(tmp_path: Path) -> None:
    path = _tar(tmp_path / "bare.tar.gz", {"nlu/pipeline.json": b"{}"})
    _assert_refused(path, "has no manifest.json")


def test_a_bad_or_newer_manifest_is_refused(model_file: Path, tmp_path: Path) -> None:
    broken = _tar(tmp_path / "broken.tar.gz", {MANIFEST_FILE: b"{not json"})
    _assert_refused(broken, "manifest.json is unreadable")
    document = json.loads(_manifest_bytes(model_file))
    del document["model_id"]
    incomplete = _tar(
        tmp_path / "incomplete.tar.gz", {MANIFEST_FILE: json.dumps(document).encode()}
    )
    _assert_refused(incomplete, "missing field 'model_id'")
    document = json.loads(_manifest_bytes(model_file)) | {"myna_version": "99.0.0"}
    newer = _tar(tmp_path / "newer.tar.gz", {MANIFEST_FILE: json.dumps(document).encode()})
    _assert_refused(newer, "Myna 99.0.0", "upgrade Myna or retrain")


def test_path_traversal_and_outside_links_are_refused(model_file: Path, tmp_path: Path) -> None:
    manifest = _manifest_bytes(model_file)
    members = {MANIFEST_FILE: manifest, "nlu/../../escaped.txt": b"gotcha"}
    _assert_refused(_tar(tmp_path / "traversal.tar.gz", members), "unsafe path")
    links = {"nlu/pipeline.json": "/etc/passwd"}
    _assert_refused(_tar(tmp_path / "link.tar.gz", {MANIFEST_FILE: manifest}, links), "unsafe path")
    assert not (tmp_path / "escaped.txt").exists()
    assert not (Path(tempfile.gettempdir()) / "escaped.txt").exists()


def test_an_unloadable_pipeline_is_refused(model_file: Path, tmp_path: Path) -> None:
    members = {MANIFEST_FILE: _manifest_bytes(model_file), "nlu/pipeline.json": b'{"format": 9}'}
    _assert_refused(_tar(tmp_path / "old.tar.gz", members), "the nlu part cannot be loaded")


def test_a_model_without_nlu_part_loads_without_pipeline(model_file: Path, out_dir: Path) -> None:
    manifest = read_manifest(model_file)
    other_only = Manifest(**{**_fields(manifest), "parts": {"extra": PartInfo("h", ("X",))}})
    extra_dir = out_dir.parent / "extra"
    extra_dir.mkdir()
    loaded = load_model(write_model(out_dir, other_only, {"extra": extra_dir}))
    assert loaded.nlu is None and loaded.core is None
    assert set(loaded.manifest.parts) == {"extra"}


def test_a_broken_core_part_is_refused(model_file: Path, out_dir: Path) -> None:
    manifest = read_manifest(model_file)
    core_only = Manifest(**{**_fields(manifest), "parts": {"core": PartInfo("h", ("RulePolicy",))}})
    core_dir = out_dir.parent / "core"
    core_dir.mkdir()
    broken = write_model(out_dir, core_only, {"core": core_dir})
    with pytest.raises(ModelLoadError, match="the core part cannot be loaded"):
        load_model(broken)


def _fields(manifest: Manifest) -> dict[str, object]:
    return {name: getattr(manifest, name) for name in Manifest.__dataclass_fields__}
