//! Tests of `pilot_engine::report`.
