//! The background writer: keeps inserting and updating rows while the service runs, so a backup
//! is always taken from a database that is being written to (the case the backup must survive).

use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use rusqlite::params;

use crate::{db, log};

/// Start the writer on its own thread with its own connection.
pub fn start(path: PathBuf, interval: Duration) {
    thread::spawn(move || {
        let conn = match db::open(&path) {
            Ok(c) => c,
            Err(e) => {
                log::error(&format!("background writer could not open the database: {e}"));
                return;
            }
        };
        let mut tick: i64 = 0;
        loop {
            tick += 1;
            let now = chrono::Utc::now().to_rfc3339();
            // Alternate an insert and an update, each its own small transaction, like an
            // application serving users would.
            let result = if tick % 2 == 0 {
                conn.execute(
                    "INSERT INTO enrollments (student_id, course_id, grade, updated_at)
                     SELECT (abs(random()) % (SELECT max(id) FROM students)) + 1,
                            (abs(random()) % (SELECT max(id) FROM courses)) + 1, NULL, ?1",
                    params![now],
                )
            } else {
                conn.execute(
                    "UPDATE students SET updated_at = ?1
                     WHERE id = (abs(random()) % (SELECT max(id) FROM students)) + 1",
                    params![now],
                )
            };
            if let Err(e) = result {
                log::warn(&format!("background write failed (will retry): {e}"));
            }
            thread::sleep(interval);
        }
    });
}
