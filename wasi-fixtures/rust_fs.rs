// rust_fs: std::fs as Rust's std drives WASI (not wasi-libc): path_open with
// the rights std asks for, metadata through path_filestat_get (follow or
// not) and fd_filestat_get, read_link's sized buffer, hard_link with no
// follow flag, remove_dir_all walking with d_type. Failures print the
// io::ErrorKind (std's own errno -> kind table for WASI) and the errno name.
//
// Symlinks: std::os::wasi::fs::symlink_path is unstable in Rust 1.63, so a
// symlink is made through wasi-libc's symlink() (path_symlink), which std
// links anyway; everything else is std.
//
// Also builds natively on Linux (cfg(unix)) against a real /sandbox, to
// cross-check the expectations: only some ErrorKind names differ there.
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

const ROOT: &str = "/sandbox";

fn p(rel: &str) -> String {
    format!("{}/{}", ROOT, rel)
}

#[cfg(target_os = "wasi")]
fn errno_name(code: i32) -> String {
    // WASI preview1 errno numbers (wasi-libc uses the same values).
    let name = match code {
        2 => "EACCES",
        8 => "EBADF",
        20 => "EEXIST",
        28 => "EINVAL",
        31 => "EISDIR",
        32 => "ELOOP",
        37 => "ENAMETOOLONG",
        44 => "ENOENT",
        54 => "ENOTDIR",
        55 => "ENOTEMPTY",
        58 => "ENOTSUP",
        63 => "EPERM",
        75 => "EXDEV",
        76 => "ENOTCAPABLE",
        _ => return format!("errno {}", code),
    };
    name.to_string()
}

#[cfg(not(target_os = "wasi"))]
fn errno_name(code: i32) -> String {
    // Linux errno numbers, for the native cross-check build.
    let name = match code {
        13 => "EACCES",
        9 => "EBADF",
        17 => "EEXIST",
        22 => "EINVAL",
        21 => "EISDIR",
        40 => "ELOOP",
        36 => "ENAMETOOLONG",
        2 => "ENOENT",
        20 => "ENOTDIR",
        39 => "ENOTEMPTY",
        95 => "ENOTSUP",
        1 => "EPERM",
        18 => "EXDEV",
        _ => return format!("errno {}", code),
    };
    name.to_string()
}

fn describe(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => format!("{:?} ({})", e.kind(), errno_name(code)),
        None => format!("{:?} (no errno)", e.kind()),
    }
}

fn res<T>(what: &str, r: io::Result<T>) {
    match r {
        Ok(_) => println!("{}: ok", what),
        Err(e) => println!("{}: {}", what, describe(&e)),
    }
}

fn read(what: &str, rel: &str) {
    match fs::read_to_string(p(rel)) {
        Ok(s) => println!("{}: {:?}", what, s),
        Err(e) => println!("{}: {}", what, describe(&e)),
    }
}

fn kind_of(m: &fs::Metadata) -> &'static str {
    let t = m.file_type();
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

fn meta(rel: &str) {
    match fs::metadata(p(rel)) {
        Ok(m) if m.is_dir() => println!("metadata {}: dir, is_file {}, is_dir {}", rel, m.is_file(), m.is_dir()),
        Ok(m) => println!("metadata {}: {}, len {}, is_file {}, is_dir {}", rel, kind_of(&m), m.len(), m.is_file(), m.is_dir()),
        Err(e) => println!("metadata {}: {}", rel, describe(&e)),
    }
}

fn lmeta(rel: &str) {
    match fs::symlink_metadata(p(rel)) {
        Ok(m) if m.is_dir() => println!("symlink_metadata {}: dir", rel),
        Ok(m) => println!("symlink_metadata {}: {}, len {}", rel, kind_of(&m), m.len()),
        Err(e) => println!("symlink_metadata {}: {}", rel, describe(&e)),
    }
}

fn exists(rel: &str) -> &'static str {
    if Path::new(&p(rel)).exists() {
        "yes"
    } else {
        "no"
    }
}

/// symlink(2) from the C library Rust's std links with (wasi-libc on WASI).
fn symlink(target: &str, link: &str) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::raw::{c_char, c_int};
    extern "C" {
        fn symlink(target: *const c_char, linkpath: *const c_char) -> c_int;
    }
    let t = CString::new(target).unwrap();
    let l = CString::new(link).unwrap();
    if unsafe { symlink(t.as_ptr(), l.as_ptr()) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

fn main() {
    println!("-- directories");
    res("create_dir_all a/b/c", fs::create_dir_all(p("a/b/c")));
    res("create_dir_all a/b/c again", fs::create_dir_all(p("a/b/c")));
    res("create_dir a (exists)", fs::create_dir(p("a")));
    res("create_dir missing/x", fs::create_dir(p("missing/x")));
    res("create_dir over a file", fs::create_dir(p("seed.txt")));
    res("create_dir under a file", fs::create_dir(p("seed.txt/x")));
    res("create_dir_all through a file", fs::create_dir_all(p("seed.txt/x/y")));
    meta("a/b");

    println!("-- write, read, append");
    res("write a/b/c/file.txt", fs::write(p("a/b/c/file.txt"), "hello\n"));
    read("read_to_string", "a/b/c/file.txt");
    let appended = OpenOptions::new().append(true).open(p("a/b/c/file.txt")).and_then(|mut f| f.write_all(b"world\n"));
    res("append world", appended);
    read("read_to_string", "a/b/c/file.txt");
    for line in ["one\n", "two\n"] {
        let r = OpenOptions::new().create(true).append(true).open(p("a/log.txt")).and_then(|mut f| f.write_all(line.as_bytes()));
        res("append+create a/log.txt", r);
    }
    read("a/log.txt", "a/log.txt");
    read("seed.txt", "seed.txt");
    res("write seed.txt (truncates)", fs::write(p("seed.txt"), "replaced\n"));
    read("seed.txt", "seed.txt");
    match fs::read(p("dir/inner.txt")) {
        Ok(b) => println!("fs::read dir/inner.txt: {} bytes", b.len()),
        Err(e) => println!("fs::read dir/inner.txt: {}", describe(&e)),
    }
    let mut f = File::open(p("a/b/c/file.txt")).unwrap();
    let m = f.metadata().unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    println!("File::metadata of an open file: {}, len {}, read {} bytes", kind_of(&m), m.len(), s.len());
    drop(f);

    println!("-- metadata");
    meta("a/b/c/file.txt");
    meta("a/b");
    meta("missing");
    meta("a/missing/deeper");
    meta("seed.txt/x");
    println!("exists a/b/c/file.txt: {}, a/b/c/nope: {}", exists("a/b/c/file.txt"), exists("a/b/c/nope"));

    println!("-- rename");
    res("rename a/b/c/file.txt -> a/renamed.txt", fs::rename(p("a/b/c/file.txt"), p("a/renamed.txt")));
    println!("exists old: {}, new: {}", exists("a/b/c/file.txt"), exists("a/renamed.txt"));
    res("rename a/log.txt onto existing a/renamed.txt", fs::rename(p("a/log.txt"), p("a/renamed.txt")));
    read("a/renamed.txt", "a/renamed.txt");
    res("rename missing", fs::rename(p("nope"), p("nope2")));
    res("rename a/b -> a/bb", fs::rename(p("a/b"), p("a/bb")));
    meta("a/bb/c");
    res("rename a file onto a dir", fs::rename(p("a/renamed.txt"), p("a/bb")));
    res("rename a dir onto a file", fs::rename(p("a/bb"), p("a/renamed.txt")));
    res("rename a dir onto a nonempty dir", fs::rename(p("a/bb/c"), p("dir")));

    println!("-- hard links");
    res("hard_link a/renamed.txt -> a/hard.txt", fs::hard_link(p("a/renamed.txt"), p("a/hard.txt")));
    read("a/hard.txt", "a/hard.txt");
    let r = OpenOptions::new().append(true).open(p("a/hard.txt")).and_then(|mut f| f.write_all(b"three\n"));
    res("append via a/hard.txt", r);
    read("a/renamed.txt", "a/renamed.txt");
    res("hard_link onto an existing name", fs::hard_link(p("a/renamed.txt"), p("seed.txt")));
    res("hard_link a missing file", fs::hard_link(p("nope"), p("a/nope-link")));
    res("hard_link a directory", fs::hard_link(p("dir"), p("a/dir-link")));

    println!("-- symlinks");
    res("symlink a/sym -> renamed.txt", symlink("renamed.txt", &p("a/sym")));
    res("symlink over an existing name", symlink("x", &p("a/hard.txt")));
    match fs::read_link(p("a/sym")) {
        Ok(t) => println!("read_link a/sym: {:?}", t),
        Err(e) => println!("read_link a/sym: {}", describe(&e)),
    }
    lmeta("a/sym");
    meta("a/sym");
    read("read through a/sym", "a/sym");
    res("read_link a regular file", fs::read_link(p("a/renamed.txt")));
    res("read_link missing", fs::read_link(p("a/nope")));
    res("symlink a/dangling -> nowhere", symlink("nowhere", &p("a/dangling")));
    meta("a/dangling");
    lmeta("a/dangling");
    println!("exists a/dangling: {}", exists("a/dangling"));
    res("symlink a/up -> ../dir", symlink("../dir", &p("a/up")));
    read("read through a/up/inner.txt", "a/up/inner.txt");
    meta("a/up");
    lmeta("a/up");
    res("remove_file a/sym", fs::remove_file(p("a/sym")));
    lmeta("a/sym");
    read("a/renamed.txt after removing the link", "a/renamed.txt");

    println!("-- errors");
    res("File::open missing", File::open(p("missing.txt")));
    res("create_new on an existing file", OpenOptions::new().write(true).create_new(true).open(p("seed.txt")));
    res("create_new on a new file", OpenOptions::new().write(true).create_new(true).open(p("new.txt")));
    res("create_new on it again", OpenOptions::new().write(true).create_new(true).open(p("new.txt")));
    res("File::create in a missing dir", File::create(p("missing/f.txt")));
    res("File::open through a file", File::open(p("seed.txt/x")));
    res("File::create on a directory", File::create(p("dir")));
    res("read_to_string of a directory", fs::read_to_string(p("dir")));
    let w = File::open(p("seed.txt")).and_then(|mut f| f.write(b"x"));
    res("write to a file opened read-only", w);
    res("remove_file on a directory", fs::remove_file(p("dir")));
    res("remove_file missing", fs::remove_file(p("missing.txt")));
    res("remove_dir on a file", fs::remove_dir(p("seed.txt")));
    res("remove_dir on a nonempty dir", fs::remove_dir(p("dir")));
    res("remove_dir missing", fs::remove_dir(p("missing")));
    res("open ../ out of the sandbox", File::open(p("../etc/passwd")));

    println!("-- remove");
    res("remove_file new.txt", fs::remove_file(p("new.txt")));
    for f in ["a/renamed.txt", "a/hard.txt", "a/dangling", "a/up"] {
        res(&format!("remove_file {}", f), fs::remove_file(p(f)));
    }
    res("remove_dir a/bb/c", fs::remove_dir(p("a/bb/c")));
    res("remove_dir a/bb", fs::remove_dir(p("a/bb")));
    res("remove_dir a", fs::remove_dir(p("a")));
    println!("exists a: {}", exists("a"));
    // remove_dir_all deletes entries while it is still reading the directory
    // (fd_readdir with cookies, 128-byte buffer). WASI leaves cookies after a
    // change unspecified and wasmtime's are indexes into a fresh listing, so
    // every directory here is small enough for one fd_readdir call. The
    // symlink to a directory must be unlinked, not walked into (d_type).
    res("create_dir_all t/d", fs::create_dir_all(p("t/d")));
    res("write t/x", fs::write(p("t/x"), "x"));
    res("write t/d/y", fs::write(p("t/d/y"), "y"));
    res("symlink t/l -> ../dir", symlink("../dir", &p("t/l")));
    res("remove_dir_all t", fs::remove_dir_all(p("t")));
    println!("exists t: {}, dir/inner.txt: {}", exists("t"), exists("dir/inner.txt"));
    res("remove_dir_all t again", fs::remove_dir_all(p("t")));
    res("remove_dir_all on a file", fs::remove_dir_all(p("seed.txt")));
    res("create_dir_all out/sub", fs::create_dir_all(p("out/sub")));
    res("write out/sub/result.txt", fs::write(p("out/sub/result.txt"), "written by rust_fs\n"));

    let mut names: Vec<String> = fs::read_dir(ROOT)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            let k = if t.is_dir() { "/" } else { "" };
            format!("{}{}", e.file_name().to_string_lossy(), k)
        })
        .collect();
    names.sort();
    println!("{}: {}", ROOT, names.join(" "));
}
