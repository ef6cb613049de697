//! The run store: one SQLite file (WAL, versioned migrations). Every step result and event is
//! committed before anything reports it, so a crash or a closed window loses nothing.
