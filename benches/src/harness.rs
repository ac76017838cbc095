//! Sampling: which cells to run, in which order, and how.
