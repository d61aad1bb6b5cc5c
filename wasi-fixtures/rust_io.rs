// rust_io: std::io on WASI: stdin read to the end (fd_read until 0) and
// echoed upper-cased; Seek on a File (fd_seek with every whence, negative
// results, past the end); set_len (fd_filestat_set_size, which must not move
// the offset); sync_all/sync_data (fd_sync/fd_datasync); a read-write file
// through BufReader/BufWriter; writing to a read-only File.
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

const ROOT: &str = "/sandbox";
#[cfg(target_os = "wasi")]
const EBADF: i32 = 8;
#[cfg(not(target_os = "wasi"))]
const EBADF: i32 = 9;

fn show(label: &str, f: &File) {
    let len = f.metadata().map(|m| m.len()).unwrap();
    let mut g = f;
    let pos = g.stream_position().unwrap();
    println!("{}: len {}, position {}", label, len, pos);
}

fn contents(path: &str) -> String {
    let b = fs::read(path).unwrap();
    b.iter()
        .map(|&c| if c == 0 { "\\0".to_string() } else { (c as char).to_string() })
        .collect()
}

fn main() {
    let mut input = Vec::new();
    let n = io::stdin().read_to_end(&mut input).unwrap();
    let text = String::from_utf8(input).unwrap();
    println!("stdin: {} bytes, {} lines", n, text.lines().count());
    let mut out = io::stdout().lock();
    out.write_all(text.to_uppercase().as_bytes()).unwrap();
    out.write_all(b"\n-- end of stdin\n").unwrap();
    drop(out);

    let path = format!("{}/seek.bin", ROOT);
    let mut f = OpenOptions::new().read(true).write(true).create(true).open(&path).unwrap();
    f.write_all(b"0123456789").unwrap();
    show("after writing 10 bytes", &f);
    let mut buf = [0u8; 3];
    println!("seek End(-3) -> {}", f.seek(SeekFrom::End(-3)).unwrap());
    f.read_exact(&mut buf).unwrap();
    println!("read 3: {}", String::from_utf8_lossy(&buf));
    println!("seek Start(2) -> {}", f.seek(SeekFrom::Start(2)).unwrap());
    let mut two = [0u8; 2];
    f.read_exact(&mut two).unwrap();
    println!("read 2: {}", String::from_utf8_lossy(&two));
    println!("seek Current(-1) -> {}", f.seek(SeekFrom::Current(-1)).unwrap());
    println!("seek Current(2) -> {}", f.seek(SeekFrom::Current(2)).unwrap());
    println!("stream_position: {}", f.stream_position().unwrap());
    match f.seek(SeekFrom::Current(-100)) {
        Ok(p) => println!("seek Current(-100) -> {}", p),
        Err(e) => println!("seek Current(-100): {:?}", e.kind()),
    }
    match f.seek(SeekFrom::End(-11)) {
        Ok(p) => println!("seek End(-11) -> {}", p),
        Err(e) => println!("seek End(-11): {:?}", e.kind()),
    }
    println!("position after the failed seeks: {}", f.stream_position().unwrap());
    let mut rest = String::new();
    f.read_to_string(&mut rest).unwrap();
    println!("read_to_string from there: {:?}", rest);
    println!("read at the end: {} bytes", f.read(&mut buf).unwrap());
    println!("seek End(5) -> {}", f.seek(SeekFrom::End(5)).unwrap());
    f.write_all(b"X").unwrap();
    show("after writing X 5 bytes past the end", &f);
    println!("content: {}", contents(&path));

    f.set_len(4).unwrap();
    show("after set_len(4)", &f);
    println!("content: {}", contents(&path));
    f.set_len(8).unwrap();
    show("after set_len(8)", &f);
    println!("content: {}", contents(&path));
    f.write_all(b"Y").unwrap();
    show("after writing Y at the unchanged position", &f);
    println!("content: {}", contents(&path));
    f.sync_all().unwrap();
    println!("sync_all: ok");
    f.sync_data().unwrap();
    println!("sync_data: ok");
    f.set_len(0).unwrap();
    f.rewind().unwrap();
    f.write_all(b"final\n").unwrap();
    show("after set_len(0), rewind, write", &f);
    drop(f);

    let lines_path = format!("{}/lines.txt", ROOT);
    {
        let mut w = BufWriter::new(File::create(&lines_path).unwrap());
        for i in 1..=1000 {
            writeln!(w, "line {} {}", i, "=".repeat(i % 17)).unwrap();
        }
        w.flush().unwrap();
    }
    let r = BufReader::with_capacity(64, File::open(&lines_path).unwrap());
    let mut count = 0;
    let mut total = 0;
    let mut last = String::new();
    for line in r.lines() {
        let line = line.unwrap();
        count += 1;
        total += line.len() + 1;
        last = line;
    }
    println!("BufWriter wrote, BufReader(64) read {} lines, {} bytes, last {:?}", count, total, last);
    println!("metadata len: {}", fs::metadata(&lines_path).unwrap().len());
    fs::remove_file(&lines_path).unwrap();

    let mut ro = File::open(format!("{}/readonly.txt", ROOT)).unwrap();
    match ro.write(b"nope") {
        Ok(n) => println!("write to a read-only File: wrote {}", n),
        Err(e) => println!("write to a read-only File: {:?}, EBADF: {}", e.kind(), e.raw_os_error() == Some(EBADF)),
    }
    let mut s = String::new();
    ro.read_to_string(&mut s).unwrap();
    println!("readonly.txt still: {:?}", s);
    eprintln!("rust_io done");
}
