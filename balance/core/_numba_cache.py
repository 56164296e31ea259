"""Imported first by ``balance.core``: numba's ``cache=True`` picks its folder when a
kernel is decorated, so ``balance.paths.use_numba_cache`` must run before any kernel
module loads."""

from balance.paths import use_numba_cache

use_numba_cache()
