//! Helpers shared by the engine tests.
