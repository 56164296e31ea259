"""Clinical reference values the tests are judged by: norms, cut-offs and their sources
(each documented in docs/clinical.md)."""
