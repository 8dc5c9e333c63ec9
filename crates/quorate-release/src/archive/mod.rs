//! Deterministic archives (being written).
