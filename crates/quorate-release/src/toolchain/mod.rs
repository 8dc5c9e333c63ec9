//! Go toolchains (being written).
