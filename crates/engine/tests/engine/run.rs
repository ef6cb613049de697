//! Tests of `pilot_engine::run`.
