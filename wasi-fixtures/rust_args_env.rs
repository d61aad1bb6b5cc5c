// rust_args_env: std::env::args/args_os (args_sizes_get/args_get, read by
// std itself), std::env::var/vars (wasi-libc's environ under std's lock),
// set_var/remove_var, stderr through eprintln!, and std::process::exit(3),
// which flushes std's buffered stdout (even a partial line) before
// proc_exit.
use std::env;
use std::io::{self, Write};

fn main() {
    let args: Vec<String> = env::args().collect();
    println!("args: {}", args.len());
    for (i, a) in args.iter().enumerate() {
        println!("  [{}] {:?} ({} bytes, {} chars)", i, a, a.len(), a.chars().count());
    }
    let os_same = env::args_os().map(|a| a.into_string().unwrap()).eq(args.iter().cloned());
    println!("args_os agrees: {}", if os_same { "yes" } else { "no" });

    let mut vars: Vec<(String, String)> = env::vars().collect();
    vars.sort();
    println!("vars: {}", vars.len());
    for (k, v) in &vars {
        println!("  {}={:?}", k, v);
    }
    for k in ["GREETING", "EMPTY", "EQUALS", "MISSING"] {
        match env::var(k) {
            Ok(v) => println!("var {}: Ok({:?})", k, v),
            Err(e) => println!("var {}: Err({:?})", k, e),
        }
    }
    env::set_var("ADDED", "✓ added");
    env::remove_var("GREETING");
    println!("after set_var/remove_var: ADDED={:?}, GREETING is_err={}", env::var("ADDED").unwrap(), env::var("GREETING").is_err());
    println!("vars now: {}", env::vars().count());

    eprintln!("to stderr: {} arg(s) after argv[0]", args.len() - 1);
    eprint!("stderr without newline");
    io::stdout().flush().unwrap();
    print!("partial line, flushed by process::exit");
    std::process::exit(3);
}
