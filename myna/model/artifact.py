"""A trained model is one file, ``models/<YYYYMMDD-HHMMSS>-<name>.tar.gz``, as in Rasa.

Inside: ``manifest.json`` (always the first member, so reading it decompresses little)
and one folder per trained part: ``nlu/`` is a persisted ``Pipeline`` (later ``core/``).
Writing goes to a temporary file in the output folder that is renamed into place, so a
reader never sees half a model. Serving code: no torch here.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from myna.model.core import CORE_PART, Core, CoreLoadError, load_core
from myna.model.manifest import MANIFEST_FILE, Manifest, ManifestError
from myna.nlu.pipeline import Pipeline

_Part = TypeVar("_Part")
MODEL_SUFFIX = ".tar.gz"
NLU_PART = "nlu"
_STAMP_FORMAT = "%Y%m%d-%H%M%S"
_STAMPED_NAME = re.compile(r"^(\d{8}-\d{6})-")
_ADJECTIVES = ("amber", "brisk", "calm", "deft", "eager", "fuzzy", "gentle", "hazy", "jolly")
_NOUNS = ("badger", "comet", "delta", "ember", "falcon", "grove", "harbor", "lagoon", "meadow")
_TRAIN_HINT = "train one with `myna train` (or `myna train nlu`)"
# What reading a damaged archive raises (truncated gzip: EOFError; bad gzip: OSError).
_ARCHIVE_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error)


class ModelError(Exception):
    """A model that cannot be found or used; the message is one line for the user."""


class InvalidModelNameError(ValueError):
    """A ``--fixed-model-name`` that is not a plain file name."""


class ModelNotFoundError(ModelError):
    pass


class ModelLoadError(ModelError):
    pass


@dataclass(frozen=True, slots=True)
class LoadedModel:
    path: Path
    manifest: Manifest
    nlu: Pipeline | None
    core: Core | None = None


def model_file_name(fixed_model_name: str | None = None) -> str:
    """``<YYYYMMDD-HHMMSS>-<adjective>-<noun>.tar.gz`` (local time), or the fixed name."""
    if fixed_model_name is not None:
        name = fixed_model_name.removesuffix(MODEL_SUFFIX)
        if not name or name in {".", ".."} or "/" in name or os.sep in name:
            message = f"invalid model name {fixed_model_name!r}: give a plain file name"
            raise InvalidModelNameError(message)
        return name + MODEL_SUFFIX
    words = f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_NOUNS)}"
    return f"{time.strftime(_STAMP_FORMAT)}-{words}{MODEL_SUFFIX}"


def write_model(
    out_dir: Path,
    manifest: Manifest,
    part_dirs: Mapping[str, Path],
    fixed_model_name: str | None = None,
) -> Path:
    """Pack the manifest and each part's folder into a new model file in ``out_dir``."""
    if set(part_dirs) != set(manifest.parts):
        raise ValueError(f"parts {sorted(part_dirs)} differ from the manifest's")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / model_file_name(fixed_model_name)
    if fixed_model_name is None and target.exists():  # same second, same words
        stem = target.name.removesuffix(MODEL_SUFFIX)
        target = target.with_name(f"{stem}-{manifest.model_id[:8]}{MODEL_SUFFIX}")
    fd, temporary = tempfile.mkstemp(dir=out_dir, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                _add_bytes(tar, MANIFEST_FILE, manifest.to_json().encode("utf-8"))
                for part, folder in sorted(part_dirs.items()):
                    tar.add(folder, arcname=part, filter=_anonymous)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Members carry no owner of the training machine."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(time.time())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(content))


def resolve_model_path(path: Path) -> Path:
    """A model file as is; for a folder, its newest ``*.tar.gz``."""
    if path.is_file():
        return path
    if not path.is_dir():
        raise ModelNotFoundError(f"no model at '{path}': {_TRAIN_HINT}")
    candidates = [p for p in path.glob(f"*{MODEL_SUFFIX}") if p.is_file()]
    if not candidates:
        raise ModelNotFoundError(f"no trained model (*{MODEL_SUFFIX}) in '{path}': {_TRAIN_HINT}")
    return max(candidates, key=_newness)


def _newness(path: Path) -> tuple[float, float, str]:
    """The time in the name (copies keep it, unlike mtime), then mtime, then the name."""
    mtime = path.stat().st_mtime
    match = _STAMPED_NAME.match(path.name)
    if match is None:
        return mtime, mtime, path.name
    try:
        stamp = time.mktime(time.strptime(match.group(1), _STAMP_FORMAT))
    except ValueError:  # looks like a stamp but is no date, e.g. 20241399-...
        stamp = mtime
    return stamp, mtime, path.name


def read_manifest(path: Path) -> Manifest:
    """The manifest of a model file or of the newest model in a folder, without unpacking."""
    model_file = resolve_model_path(path)
    with _open_archive(model_file) as tar:
        return _read_manifest(tar, model_file)


def load_model(path: Path) -> LoadedModel:
    """Load a model file (or the newest in a folder): manifest, NLU pipeline, policies."""
    model_file = resolve_model_path(path)
    with _open_archive(model_file) as tar:
        manifest = _read_manifest(tar, model_file)
        parts = manifest.parts
        nlu = _load_part(tar, model_file, NLU_PART, Pipeline.load) if NLU_PART in parts else None
        core = _load_part(tar, model_file, CORE_PART, load_core) if CORE_PART in parts else None
    return LoadedModel(model_file, manifest, nlu, core)


@contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    """``tarfile.open`` whose failures, on opening or while reading, become ModelLoadError."""
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            yield tar
    except _ARCHIVE_ERRORS as error:
        raise _damaged(path, error) from None


def _damaged(path: Path, error: BaseException) -> ModelLoadError:
    reason = " ".join(str(error).split()) or type(error).__name__
    return ModelLoadError(f"'{path}' is not a readable model file ({reason}): retrain it")


def _read_manifest(tar: tarfile.TarFile, model_file: Path) -> Manifest:
    member = next((m for m in tar if m.name == MANIFEST_FILE), None)
    extracted = tar.extractfile(member) if member is not None and member.isfile() else None
    if extracted is None:
        raise ModelLoadError(f"'{model_file}' has no {MANIFEST_FILE}: it is not a Myna model")
    try:
        return Manifest.from_json(extracted.read())
    except ManifestError as error:
        raise ModelLoadError(f"'{model_file}': {error}") from None


def _load_part(
    tar: tarfile.TarFile, model_file: Path, part: str, load: Callable[[Path], _Part]
) -> _Part:
    """Unpack one part's folder into a scratch folder and load it from there."""
    with tempfile.TemporaryDirectory(prefix="myna-model-") as scratch:
        try:
            tar.extractall(scratch, members=_part_members(tar, part), filter="data")
        except tarfile.FilterError as error:
            raise ModelLoadError(f"'{model_file}' holds an unsafe path ({error})") from None
        try:
            return load(Path(scratch) / part)
        except (OSError, ValueError, LookupError, TypeError, CoreLoadError) as error:
            reason = " ".join(str(error).replace(scratch, "").split())
            raise ModelLoadError(
                f"'{model_file}': the {part} part cannot be loaded ({reason})"
            ) from None


def extract_part(model_file: Path, part: str, target: Path) -> None:
    """Copy one part's folder out of a model file (to reuse it in a new model)."""
    with _open_archive(model_file) as tar, tempfile.TemporaryDirectory() as scratch:
        tar.extractall(scratch, members=_part_members(tar, part), filter="data")
        shutil.move(Path(scratch) / part, target)


def _part_members(tar: tarfile.TarFile, part: str) -> Iterator[tarfile.TarInfo]:
    prefix = f"{part}/"
    for member in tar:
        if member.name == part or member.name.startswith(prefix):
            yield member
