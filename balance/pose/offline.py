"""Keep MediaPipe's native library off the network.

mediapipe 1.x's ``libmediapipe.so`` sends usage logs ("clearcut") to
``https://play.googleapis.com/log`` while a task runs (upstream
google-ai-edge/mediapipe#6291). Nothing in the library switches that off: ``BaseOptions``
and its C struct have no such field, the library reads no environment variable for it, and
the open-source build's logger is a dummy while the PyPI build's is not.

The library makes its sockets with raw system calls but finds the server's address with
libc's ``getaddrinfo``, imported through its global offset table (GOT). Pointing that one
GOT slot at a function that always fails means the logger never learns an address: no DNS
query, no connection. Only this library's lookups are affected; the rest of the process
(the explicit model download included) resolves names as usual.

This works on Linux with glibc (x86_64 and aarch64 ELF); elsewhere ``block_usage_logging``
returns False and the README says what is then sent.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys
import threading

EAI_FAIL = -4  # glibc: "non-recoverable failure in name resolution"
_SHT_RELA, _SHT_DYNSYM = 4, 11

_lock = threading.Lock()
_blocked = False
refused_hosts: list[str] = []  # what the library tried to look up, for tests and --verbose

_GETADDRINFO = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
                                ctypes.c_void_p, ctypes.c_void_p)


@_GETADDRINFO
def _refuse(node, service, hints, res):
    if len(refused_hosts) < 100:
        refused_hosts.append((node or b"").decode(errors="replace"))
    return EAI_FAIL


def block_usage_logging() -> bool:
    """Make libmediapipe's own name lookups fail; True when they now do.

    Idempotent and cheap after the first call; call it before creating a landmarker.
    """
    global _blocked
    with _lock:
        if not _blocked and sys.platform.startswith("linux"):
            _blocked = _patch_lookup()
        return _blocked


def _patch_lookup() -> bool:
    from mediapipe.tasks.python.core import mediapipe_c_bindings

    lib = mediapipe_c_bindings.load_raw_library()
    try:
        slots, anchor = _got_slots(lib._name, b"getaddrinfo", b"MpErrorFree")
    except (OSError, ValueError, struct.error):
        return False
    base = ctypes.c_size_t.from_address(lib._handle).value  # glibc link_map.l_addr
    if anchor is None or base + anchor != ctypes.cast(lib.MpErrorFree, ctypes.c_void_p).value:
        return False  # not the layout we understand: leave the library alone
    target = ctypes.cast(_refuse, ctypes.c_void_p).value
    try:
        for offset in slots:
            _write_pointer(base + offset, target)
    except OSError:
        return False
    return bool(slots)


def _got_slots(path: str, name: bytes, anchor_name: bytes) -> tuple[list[int], int | None]:
    """GOT offsets relocated against ``name``, and ``anchor_name``'s address, in ``path``."""
    with open(path, "rb") as fh:
        ident = fh.read(64)
        if ident[:4] != b"\x7fELF" or ident[4] != 2 or ident[5] != 1:
            raise ValueError("not a little-endian 64-bit ELF file")
        shoff, = struct.unpack_from("<Q", ident, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", ident, 0x3A)
        fh.seek(shoff)
        table = fh.read(shentsize * shnum)
        sections = [struct.unpack_from("<IIQQQQIIQQ", table, i * shentsize) for i in range(shnum)]

        def read(index):
            sec = sections[index]
            fh.seek(sec[4])
            return fh.read(sec[5])

        dynsym_index = next(i for i, s in enumerate(sections) if s[1] == _SHT_DYNSYM)
        symbols, strings = read(dynsym_index), read(sections[dynsym_index][6])

        def symbol(k):
            st_name, _, _, _, st_value, _ = struct.unpack_from("<IBBHQQ", symbols, 24 * k)
            return strings[st_name:strings.index(b"\0", st_name)], st_value

        anchor = next((value for k in range(len(symbols) // 24)
                       for sym, value in [symbol(k)] if sym == anchor_name and value), None)
        slots = []
        for i, sec in enumerate(sections):
            if sec[1] != _SHT_RELA or sec[6] != dynsym_index:
                continue
            relocs = read(i)
            for r_offset, r_info, _ in struct.iter_unpack("<QQq", relocs):
                if r_info >> 32 and symbol(r_info >> 32)[0] == name:
                    slots.append(r_offset)
    return slots, anchor


def _write_pointer(address: int, value: int) -> None:
    """Store ``value`` at ``address``, lifting a read-only (RELRO) page's protection briefly."""
    page = address & ~(os.sysconf("SC_PAGE_SIZE") - 1)
    writable = _is_writable(address)
    if not writable:
        _mprotect(page, 3)  # PROT_READ | PROT_WRITE
    ctypes.c_void_p.from_address(address).value = value
    if not writable:
        _mprotect(page, 1)  # back to PROT_READ


def _is_writable(address: int) -> bool:
    with open("/proc/self/maps") as fh:
        for line in fh:
            span, perms = line.split()[:2]
            lo, hi = (int(x, 16) for x in span.split("-"))
            if lo <= address < hi:
                return perms[1] == "w"
    return False


def _mprotect(page: int, prot: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    if libc.mprotect(page, os.sysconf("SC_PAGE_SIZE"), prot) != 0:
        raise OSError(ctypes.get_errno(), "mprotect failed")
