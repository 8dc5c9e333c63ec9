//! Tests for this area.
