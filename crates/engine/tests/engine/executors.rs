//! Tests of `pilot_engine::executors`.
