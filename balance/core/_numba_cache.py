"""Imported by every kernel module before its kernels: numba's ``cache=True`` picks its
folder when a kernel is decorated, so ``balance.paths.use_numba_cache`` must run first."""

from balance.paths import use_numba_cache

use_numba_cache()
