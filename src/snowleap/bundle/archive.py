"""Safe, read-only access to the files of a bundle: a zip (path, bytes or file object) or a folder.

A bundle is untrusted input. Entries that escape the bundle's folder, entries that decompress to
far more than their compressed size, and archives too large to be a model are refused with a
``BundleError`` naming the entry, before anything is decompressed in full.
"""

from __future__ import annotations

import io
import os
import posixpath
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from snowleap.bundle import limits
from snowleap.errors import BundleError

# NOTE: real bundles are kilobytes to tens of megabytes; these bounds only stop hostile input.
# MLeap (Java's zip file system) and the Python writers use deflate; bzip2 and lzma entries are
# refused because zipfile inflates each of their chunks without an output bound, so a lying
# header could make one small read allocate gigabytes.
_COMPRESSIONS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
MAX_ENTRY_BYTES = limits.MAX_FILE_BYTES
MAX_TOTAL_BYTES = limits.MAX_DECOMPRESSED_BYTES
MAX_COMPRESSION_RATIO = 200
# NOTE: the JSON of a hashed text model (2^18 IDF weights or coefficients, mostly zero) is a
# few megabytes that deflate squeezes about 270:1; the ratio only judges entries bigger than any
# such file (2^20 slots: about 30 MB), below that the absolute bounds above suffice.
_RATIO_APPLIES_ABOVE = 32 * 1024 * 1024

BundleSource = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO


class BundleArchive(Protocol):
    """The files of one bundle, addressed by POSIX paths relative to the bundle's root."""

    description: str

    def read(self, path: str) -> bytes: ...

    def exists(self, path: str) -> bool: ...

    def names(self) -> Iterator[str]: ...


def open_archive(source: BundleSource) -> BundleArchive:
    """Open a bundle from a ``.zip`` path, a folder, zip bytes or a binary file object."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return ZipArchive(io.BytesIO(bytes(source)), "bundle bytes")
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            return FolderArchive(path)
        if not path.exists():
            raise BundleError(f"{path}: no such bundle file or folder")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BundleError(f"{path}: cannot read bundle ({exc.strerror})") from None
        return ZipArchive(io.BytesIO(data), str(path))
    if hasattr(source, "read"):
        data = source.read()
        if not isinstance(data, (bytes, bytearray)):
            raise BundleError("bundle file object must be opened in binary mode")
        return ZipArchive(io.BytesIO(bytes(data)), getattr(source, "name", "bundle file object"))
    raise BundleError(
        f"cannot read a bundle from {type(source).__name__}: give a path, bytes or a binary file"
    )


def _normalized(name: str, where: str) -> str:
    """The entry's path inside the bundle; refuses absolute paths and ``..`` escapes."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        raise BundleError(f"{where}: entry {name!r} has an absolute path")
    parts = [p for p in unified.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise BundleError(f"{where}: entry {name!r} escapes the bundle folder")
    return "/".join(parts)


class ZipArchive:
    """A bundle zip held in memory; entries are decompressed on demand with size limits."""

    def __init__(self, stream: BinaryIO, description: str) -> None:
        self.description = description
        try:
            self._zip = zipfile.ZipFile(stream)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            # NOTE: zipfile reports some damaged headers as NotImplementedError (odd versions).
            raise BundleError(f"{description}: not a valid zip archive ({exc})") from None
        entries: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            if not info.filename:
                raise BundleError(f"{description}: an entry has an empty name")
            if info.is_dir():
                _normalized(info.filename, description)
                continue
            path = _normalized(info.filename, description)
            self._check_size(info, path)
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise BundleError(
                    f"{description}: archive unpacks to more than {MAX_TOTAL_BYTES} bytes "
                    "(SNOWLEAP_MAX_DECOMPRESSED_BYTES)"
                )
            entries[path] = info
        self._prefix = _bundle_prefix(entries.keys(), description)
        self._entries = {
            path[len(self._prefix) :]: info
            for path, info in entries.items()
            if path.startswith(self._prefix)
        }

    def _check_size(self, info: zipfile.ZipInfo, path: str) -> None:
        if info.compress_type not in _COMPRESSIONS:
            raise BundleError(
                f"{self.description}: entry {path!r} uses compression method "
                f"{info.compress_type}; only stored and deflate entries are read"
            )
        if info.file_size > MAX_ENTRY_BYTES:
            raise BundleError(
                f"{self.description}: entry {path!r} unpacks to {info.file_size} bytes "
                f"(limit {MAX_ENTRY_BYTES}, SNOWLEAP_MAX_FILE_BYTES)"
            )
        if info.file_size > _RATIO_APPLIES_ABOVE and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise BundleError(
                f"{self.description}: entry {path!r} unpacks to {info.file_size} bytes from "
                f"{info.compress_size} (a zip bomb?)"
            )

    def names(self) -> Iterator[str]:
        return iter(self._entries)

    def exists(self, path: str) -> bool:
        return path in self._entries

    def read(self, path: str) -> bytes:
        info = self._entries.get(path)
        if info is None:
            raise BundleError(f"{self.description}: missing {path}")
        limit = min(info.file_size, MAX_ENTRY_BYTES)
        try:
            with self._zip.open(info) as handle:
                # NOTE: read one byte past the declared size, so an entry whose header
                # understates its size is caught instead of trusted.
                data = handle.read(limit + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
            RuntimeError,
        ) as exc:
            raise BundleError(f"{self.description}: entry {path!r} is corrupt ({exc})") from None
        if len(data) > limit:
            raise BundleError(f"{self.description}: entry {path!r} is larger than its header says")
        return data


def _bundle_prefix(paths: Iterable[str], description: str) -> str:
    """``""`` when ``bundle.json`` is at the top, ``"folder/"`` when the zip wraps one folder."""
    names = list(paths)
    if "bundle.json" in names:
        return ""
    candidates = sorted(
        {n[: -len("bundle.json")] for n in names if posixpath.basename(n) == "bundle.json"},
        key=len,
    )
    if candidates and candidates[0].count("/") == 1:
        return str(candidates[0])
    raise BundleError(f"{description}: no bundle.json at the top of the archive")


class FolderArchive:
    """An unzipped bundle folder; paths are resolved and must stay inside it."""

    def __init__(self, root: Path) -> None:
        self.description = str(root)
        self._root = root.resolve()
        if not (self._root / "bundle.json").is_file():
            raise BundleError(f"{root}: no bundle.json in this folder")

    def _resolve(self, path: str) -> Path:
        target = (self._root / _normalized(path, self.description)).resolve()
        if target != self._root and self._root not in target.parents:
            raise BundleError(f"{self.description}: {path!r} escapes the bundle folder")
        return target

    def names(self) -> Iterator[str]:
        for file in self._root.rglob("*"):
            if file.is_file():
                yield file.relative_to(self._root).as_posix()

    def exists(self, path: str) -> bool:
        return self._resolve(path).is_file()

    def read(self, path: str) -> bytes:
        target = self._resolve(path)
        if not target.is_file():
            raise BundleError(f"{self.description}: missing {path}")
        size = target.stat().st_size
        if size > MAX_ENTRY_BYTES:
            raise BundleError(
                f"{self.description}: {path} is {size} bytes (limit {MAX_ENTRY_BYTES})"
            )
        return target.read_bytes()
