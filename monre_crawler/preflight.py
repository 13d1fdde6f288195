"""Before crawling: is there room to write the archive?

A full disk (or a quota, or a file size limit) found halfway through a crawl costs the run; found before it,
it costs one clear line. :func:`check_room` asks the file system for ``needed`` bytes in the archive's
folder: the free space it reports, then a real reservation (``posix_fallocate`` of a scratch file, removed
at once), which fails as a write would (ENOSPC, EDQUOT, EFBIG, EROFS) without writing the data.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .schema import StoreError

NO_ROOM = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
           errno.EFBIG: "a file size limit is reached (the disk is full for this process)",
           errno.EROFS: "the file system is read-only"}


def check_room(path: str, needed: int) -> None:
    """Raise StoreError when the folder of ``path`` cannot take ``needed`` more bytes."""
    if needed <= 0:
        return
    folder = Path(path).parent
    if not folder.is_dir():
        return  # Store.open creates it, or says why it cannot
    try:
        st = os.statvfs(folder)
    except OSError:
        st = None
    if st is not None and st.f_bavail * st.f_frsize < needed:
        raise StoreError(f"cannot write the archive {path}: the disk is full "
                         f"({st.f_bavail * st.f_frsize // 1024} KiB free, the crawl wants {needed // 1024} KiB; "
                         "see SQLITE_MIN_FREE_BYTES)")
    probe = folder / f".{Path(path).name}.room-check-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise StoreError(f"cannot write in {folder}: {NO_ROOM.get(exc.errno, exc.strerror or exc)}") from exc
    try:
        _reserve(fd, needed)
    except OSError as exc:
        why = NO_ROOM.get(exc.errno, exc.strerror or str(exc))
        raise StoreError(f"cannot write the archive {path}: {why} "
                         f"(could not reserve {needed // 1024} KiB; see SQLITE_MIN_FREE_BYTES)") from exc
    finally:
        os.close(fd)
        try:
            probe.unlink()
        except OSError:
            pass


def _reserve(fd: int, size: int) -> None:
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
            raise
        chunk = b"\0" * 65536  # a file system without fallocate: write it
        for _ in range(0, size, len(chunk)):
            os.write(fd, chunk)
        os.fsync(fd)
