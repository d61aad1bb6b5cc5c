// rust_read_dir: fs::read_dir as Rust's std does it on WASI: its own
// fd_readdir loop with a 128-byte buffer that it resumes by cookie when an
// entry is cut off at the end, and doubles when a single entry does not fit;
// "." and ".." are dropped by std. 300 files with names of varying length,
// then a nested walk (DirEntry::file_type from d_type, DirEntry::metadata via
// path_filestat_get on the directory fd), a 200-byte name, and read_dir
// errors. Output is sorted, so the host's order does not matter.
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

const ROOT: &str = "/sandbox";

#[cfg(target_os = "wasi")]
const ERRNOS: [(i32, &str); 2] = [(44, "ENOENT"), (54, "ENOTDIR")];
#[cfg(not(target_os = "wasi"))]
const ERRNOS: [(i32, &str); 2] = [(2, "ENOENT"), (20, "ENOTDIR")];

fn describe(e: &io::Error) -> String {
    let code = e.raw_os_error().unwrap_or(-1);
    let name = ERRNOS.iter().find(|(c, _)| *c == code).map(|(_, n)| n.to_string()).unwrap_or(format!("errno {}", code));
    format!("{:?} ({})", e.kind(), name)
}

/// FNV-1a, 32 bits.
fn fnv(data: &[u8], mut h: u32) -> u32 {
    for &b in data {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn file_name(i: usize) -> String {
    // 8 to 47 bytes: entries end at every offset of the 128-byte buffer.
    format!("f{:03}_{}.txt", i, "abcdefghijklmnopqrstuvwxyz0123456789ABCD".get(..i % 40).unwrap())
}

fn list(dir: &str) -> io::Result<Vec<(String, fs::FileType)>> {
    let mut v = Vec::new();
    for e in fs::read_dir(dir)? {
        let e = e?;
        v.push((e.file_name().into_string().unwrap(), e.file_type()?));
    }
    Ok(v)
}

fn kind(t: &fs::FileType) -> &'static str {
    if t.is_symlink() {
        "symlink"
    } else if t.is_dir() {
        "dir"
    } else if t.is_file() {
        "file"
    } else {
        "other"
    }
}

/// Walks `dir`, collecting "relative/path kind size" lines.
fn walk(base: &Path, rel: &str, out: &mut Vec<String>) -> io::Result<()> {
    let dir = if rel.is_empty() { base.to_path_buf() } else { base.join(rel) };
    for e in fs::read_dir(&dir)? {
        let e = e?;
        let name = e.file_name().into_string().unwrap();
        let path = if rel.is_empty() { name.clone() } else { format!("{}/{}", rel, name) };
        let t = e.file_type()?;
        let m = e.metadata()?;
        if kind(&t) != kind(&m.file_type()) {
            out.push(format!("{}: d_type {} but metadata {}", path, kind(&t), kind(&m.file_type())));
        }
        if t.is_dir() {
            out.push(format!("{}/", path));
            walk(base, &path, out)?;
        } else {
            out.push(format!("{} ({} bytes)", path, m.len()));
        }
    }
    Ok(())
}

fn main() {
    let many = format!("{}/many", ROOT);
    fs::create_dir(&many).unwrap();
    let mut expected = BTreeSet::new();
    let mut bytes = 0;
    for i in 0..300 {
        let name = file_name(i);
        let content = format!("{}\n", i);
        bytes += content.len();
        fs::write(format!("{}/{}", many, name), content).unwrap();
        expected.insert(name);
    }
    println!("created 300 files, {} bytes", bytes);

    for round in 1..=2 {
        let entries = list(&many).unwrap();
        let files = entries.iter().filter(|(_, t)| t.is_file()).count();
        let mut names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        names.sort();
        let total = names.len();
        names.dedup();
        let mut h = 0x811c_9dc5;
        for n in &names {
            h = fnv(n.as_bytes(), h);
            h = fnv(b"\n", h);
        }
        let same = names.iter().copied().eq(expected.iter().map(|s| s.as_str()));
        println!(
            "read_dir round {}: {} entries, {} files, {} distinct, same names as created: {}, checksum {:08x}",
            round,
            total,
            files,
            names.len(),
            if same { "yes" } else { "no" },
            h
        );
    }
    let size: u64 = fs::read_dir(&many).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    println!("sum of DirEntry::metadata().len(): {}", size);

    let tree = format!("{}/tree", ROOT);
    let long = "L".repeat(200);
    for d in ["tree/a/b/c", "tree/empty", "tree/x"] {
        fs::create_dir_all(format!("{}/{}", ROOT, d)).unwrap();
    }
    for (f, text) in [
        ("tree/top.txt", "top\n"),
        ("tree/a/one.txt", "1"),
        ("tree/a/b/two.txt", "22"),
        ("tree/a/b/c/three.txt", "333"),
        ("tree/x/ünïcödé.txt", "ü"),
    ] {
        fs::write(format!("{}/{}", ROOT, f), text).unwrap();
    }
    fs::write(format!("{}/x/{}", tree, long), "long name\n").unwrap();
    let mut out = Vec::new();
    walk(Path::new(&tree), "", &mut out).unwrap();
    out.sort();
    println!("walk of tree ({} entries, seeded ones included):", out.len());
    for line in &out {
        println!("  {}", line.replace(&long, "L*200"));
    }
    let empty = list(&format!("{}/empty", tree)).unwrap();
    println!("tree/empty: {} entries", empty.len());

    match fs::read_dir(format!("{}/tree/top.txt", ROOT)) {
        Ok(_) => println!("read_dir on a file: ok"),
        Err(e) => println!("read_dir on a file: {}", describe(&e)),
    }
    match fs::read_dir(format!("{}/nope", ROOT)) {
        Ok(_) => println!("read_dir on a missing path: ok"),
        Err(e) => println!("read_dir on a missing path: {}", describe(&e)),
    }

    // Cleanup from a list taken first: deleting while reading is left to
    // each host (WASI does not say what cookies mean after a change).
    let names: Vec<String> = list(&many).unwrap().into_iter().map(|(n, _)| n).collect();
    let mut removed = 0;
    for n in &names {
        fs::remove_file(format!("{}/{}", many, n)).unwrap();
        removed += 1;
    }
    fs::remove_dir(&many).unwrap();
    println!("removed {} files and the directory; many exists: {}", removed, Path::new(&many).exists());
    let mut top: Vec<String> = list(ROOT).unwrap().into_iter().map(|(n, t)| format!("{} {}", n, kind(&t))).collect();
    top.sort();
    println!("{}: {}", ROOT, top.join(", "));
}
