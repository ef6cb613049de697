//! The demo's SQLite database: a few thousand rows in the tables of a student-management app,
//! so a backup has something real to copy and count.

use std::path::Path;

use rusqlite::Connection;

use super::DemoError;

pub(super) fn write_database(path: &Path) -> Result<(), DemoError> {
    let fail = |source| DemoError::Data { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|source| DemoError::Io { path: dir.to_path_buf(), source })?;
    }
    let mut conn = Connection::open(path).map_err(fail)?;
    let tx = conn.transaction().map_err(fail)?;
    tx.execute_batch(
        "CREATE TABLE students (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE);
         CREATE TABLE courses (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, title TEXT NOT NULL);
         CREATE TABLE enrollments (student_id INTEGER NOT NULL REFERENCES students(id),
                                   course_id INTEGER NOT NULL REFERENCES courses(id),
                                   grade TEXT, PRIMARY KEY (student_id, course_id));",
    )
    .map_err(fail)?;
    const FIRST: [&str; 8] =
        ["Ada", "Grace", "Alan", "Katherine", "Edsger", "Barbara", "Donald", "Frances"];
    const LAST: [&str; 8] =
        ["Lovelace", "Hopper", "Turing", "Johnson", "Dijkstra", "Liskov", "Knuth", "Allen"];
    for i in 0..2400_i64 {
        let name = format!("{} {}", FIRST[(i % 8) as usize], LAST[((i / 8) % 8) as usize]);
        tx.execute(
            "INSERT INTO students (id, name, email) VALUES (?1, ?2, ?3)",
            rusqlite::params![i + 1, name, format!("student{}@example.edu", i + 1)],
        )
        .map_err(fail)?;
    }
    for c in 0..40_i64 {
        tx.execute(
            "INSERT INTO courses (id, code, title) VALUES (?1, ?2, ?3)",
            rusqlite::params![
                c + 1,
                format!("CS{}", 101 + c),
                format!("Computer Science {}", 101 + c)
            ],
        )
        .map_err(fail)?;
    }
    const GRADES: [&str; 5] = ["A", "B", "C", "D", "F"];
    for i in 0..2400_i64 {
        for k in 0..3_i64 {
            let course = (i * 7 + k * 13) % 40 + 1;
            tx.execute(
                "INSERT OR IGNORE INTO enrollments (student_id, course_id, grade) VALUES (?1, ?2, ?3)",
                rusqlite::params![i + 1, course, GRADES[((i + k) % 5) as usize]],
            )
            .map_err(fail)?;
        }
    }
    tx.commit().map_err(fail)
}
