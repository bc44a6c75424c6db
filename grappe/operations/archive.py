"""The backup archive as a file, without any database: one tar holding the database's dump, the uploaded files under
`media/` and `manifest.json`, which names every other member with its size and sha256.

The manifest is the last member: it is written once every other member is in, so an archive cut short has none
and is refused. Reading checks everything (every name, size and checksum, nothing missing, nothing extra) before
anything is used; `read(path, into=DIR)` writes the members into DIR on the way (one pass over a large archive)
and leaves DIR to be thrown away when a check fails.
"""

import hashlib
import io
import json
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
# The database's dump, by the vendor that made it.
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
# A manifest larger than this is not one of ours (tens of thousands of files make a few MB).
MANIFEST_MAX_BYTES = 64 * 1024 * 1024


class ArchiveError(Exception):
    """The archive cannot be used: the message says why, in one line an operator can act on."""


@dataclass
class Writer:
    """Adds members to a new archive, hashing them as they go in; `close(manifest)` writes the manifest last."""

    path: Path
    members: dict = field(default_factory=dict)

    def __post_init__(self):
        self.tar = tarfile.open(self.path, "w", format=tarfile.PAX_FORMAT)

    def add_file(self, name: str, source: Path) -> None:
        info = tarfile.TarInfo(name)
        stat = source.stat()
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        with source.open("rb") as file:
            hashing = _HashingReader(file)
            self.tar.addfile(info, hashing)
        self.members[name] = {"size": info.size, "sha256": hashing.digest.hexdigest()}

    def close(self, manifest: dict) -> dict:
        manifest = {**manifest, "format_version": FORMAT_VERSION, "members": self.members}
        data = json.dumps(manifest, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
        self.tar.addfile(info, io.BytesIO(data))
        self.tar.close()
        return manifest

    def abort(self) -> None:
        self.tar.close()


def read(path: Path, into: Path | None = None) -> dict:
    """The archive's manifest once every member has been checked; with `into`, the members written under it
    (`into/database.dump`, `into/media/...`). Raises ArchiveError for anything unexpected."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"{path}: no such archive.")
    try:
        with tarfile.open(path, "r:") as tar:
            manifest = _manifest(tar, path)
            expected = manifest["members"]
            seen = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                _check_name(member, expected, path)
                target = into / member.name if into is not None else None
                size, digest = _copy(tar.extractfile(member), target)
                want = expected[member.name]
                if size != want["size"] or digest != want["sha256"]:
                    raise ArchiveError(f"{path}: {member.name} does not match its checksum in the manifest "
                                       "(the archive was altered or damaged).")
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError) as error:
        if isinstance(error, ArchiveError):
            raise
        raise ArchiveError(f"{path}: not a readable archive, truncated or damaged ({error}).") from error
    missing = sorted(set(expected) - seen)
    if missing:
        raise ArchiveError(f"{path}: {len(missing)} member(s) named in the manifest are missing "
                           f"(first: {missing[0]}); the archive is incomplete.")
    return manifest


def _manifest(tar: tarfile.TarFile, path: Path) -> dict:
    try:
        info = tar.getmember(MANIFEST)
    except KeyError:
        raise ArchiveError(f"{path}: no manifest; the archive is truncated or not a Grappe backup.") from None
    if not info.isfile() or info.size > MANIFEST_MAX_BYTES:
        raise ArchiveError(f"{path}: its manifest is not a Grappe backup manifest.")
    try:
        manifest = json.loads(tar.extractfile(info).read())
    except ValueError:
        raise ArchiveError(f"{path}: its manifest is not valid JSON; the archive is damaged.") from None
    if not isinstance(manifest, dict) or "format_version" not in manifest:
        raise ArchiveError(f"{path}: its manifest is not a Grappe backup manifest.")
    if manifest["format_version"] != FORMAT_VERSION:
        raise ArchiveError(f"{path}: unknown archive format version {manifest['format_version']!r} "
                           f"(this Grappe reads version {FORMAT_VERSION}).")
    members = manifest.get("members")
    valid = isinstance(members, dict) and all(
        isinstance(m, dict) and isinstance(m.get("size"), int) and isinstance(m.get("sha256"), str)
        for m in members.values())
    if not valid or not isinstance(manifest.get("migrations"), list) or manifest.get("vendor") not in DUMPS:
        raise ArchiveError(f"{path}: its manifest lacks members, migrations or the database vendor.")
    if DUMPS[manifest["vendor"]] not in members:
        raise ArchiveError(f"{path}: its manifest names no database dump.")
    return manifest


def _check_name(member: tarfile.TarInfo, expected: dict, path: Path) -> None:
    """Only the names the manifest lists, as plain files, inside the archive's own tree (no '..', no link)."""
    parts = PurePosixPath(member.name).parts
    safe = parts and not PurePosixPath(member.name).is_absolute() and ".." not in parts
    if not (member.isfile() and safe and member.name in expected):
        raise ArchiveError(f"{path}: unexpected member {member.name!r} (not in the manifest); "
                           "the archive was altered.")


def _copy(source, target: Path | None) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    out = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = target.open("wb")
    try:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return size, digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """A file object that hashes what tarfile reads from it."""

    def __init__(self, file):
        self.file, self.digest = file, hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.digest.update(data)
        return data

