// cpp_iostream: C++ iostreams from LLVM's libc++ on wasi-libc. std::cout and
// std::cerr (synchronised with stdio, so their bytes go through wasi-libc's
// FILE buffers), std::endl and flushes, the cerr->cout tie, std::cin read by
// token and by line to EOF, std::ifstream/std::ofstream/std::fstream on the
// preopen /sandbox (truncate, append, seekg/tellg, binary, read+write,
// noreplace), std::getenv, argv, output still buffered at exit, and the exit
// code.
//
// stdout is not a terminal here, so wasi-libc buffers it fully after its
// first write: raw write(2)s to fd 1 show where each flush happened.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <string>
#include <system_error>

static const char* errname(int e) {
    switch (e) {
    case 0: return "no error";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case EISDIR: return "EISDIR";
    case ENOENT: return "ENOENT";
    case ENOTDIR: return "ENOTDIR";
    case EPERM: return "EPERM";
    }
    return "other";
}

static void raw(int fd, const char* text) {
    if (write(fd, text, std::strlen(text)) < 0) std::abort();
}

static std::string shown(const std::string& s) {
    std::string r;
    for (char c : s) r += c == '\n' ? std::string("\\n") : std::string(1, c);
    return r;
}

static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string s;
    char c;
    while (in.get(c)) s += c;
    return s;
}

struct Farewell {
    ~Farewell() { std::cout << " [static destructor ran]"; }
};
static Farewell farewell;

static void at_exit() { std::cout << " [atexit handler ran]"; }

int main(int argc, char** argv) {
    // -- argv and the environment
    std::cout << "argc " << argc << "\n";  // the first write: stdout is found not to be a tty
    for (int i = 0; i < argc; i++) std::cout << "argv[" << i << "] = [" << argv[i] << "]\n";
    for (const char* name : {"GREETING", "EMPTY", "WITH_EQUALS", "UNICODE", "MISSING"}) {
        const char* v = std::getenv(name);
        std::cout << "getenv " << name << ": " << (v ? "[" + std::string(v) + "]" : std::string("null")) << "\n";
    }

    // -- buffering and flushes, made visible by raw writes to fd 1 and 2
    std::cout << std::flush;
    std::cout << "buffered line 1\n";
    raw(1, "raw write 1 (before buffered line 1)\n");
    std::cout.flush();
    std::cout << "buffered line 2, flushed by cerr's tie to cout\n";
    std::cerr << "cerr line 1\n";
    raw(1, "raw write 2\n");
    std::cout << "line 3 with std::endl" << std::endl;
    raw(1, "raw write 3\n");
    std::cout << "mixed: cout, ";
    std::printf("printf, ");
    std::fputs("fputs, ", stdout);
    std::cout << "cout again\n" << std::flush;
    std::cerr << "cerr is unitbuf: ";
    raw(2, "[raw write to fd 2] ");
    std::cerr << "after it\n";
    std::clog << "clog line\n";
    std::cout << "numbers: " << 42 << ' ' << -7 << ' ' << 3.25 << ' ' << std::hex << 255 << std::dec << ' '
              << std::setw(6) << std::setfill('0') << 42 << std::setfill(' ') << ' ' << std::fixed << std::setprecision(3)
              << 2.0 / 3.0 << ' ' << std::boolalpha << true << "\n";
    std::cout << "unicode: héllo wörld, 日本語, 🎉\n";

    // -- stdin: three numbers, then lines to EOF
    int a = 0, b = 0, c = 0;
    std::cout << "reading stdin\n";
    raw(1, "raw write 4 (the next 3 lines were still buffered)\n");  // cin's tie flushes cout on the first read
    std::cin >> a >> b >> c;
    std::cout << "numbers read: " << a << " + " << b << " + " << c << " = " << a + b + c << ", good " << std::cin.good()
              << "\n";
    std::cin.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    std::string line;
    int n = 0;
    while (std::getline(std::cin, line)) {
        n++;
        std::cout << "line " << n << " (" << line.size() << " bytes): [" << line << "]" << (std::cin.eof() ? " at EOF" : "")
                  << "\n";
    }
    std::cout << "lines: " << n << ", eof " << std::cin.eof() << ", fail " << std::cin.fail() << "\n";
    std::cin.clear();
    std::cout << "getline after EOF: " << (std::getline(std::cin, line) ? "read" : "nothing") << ", eof "
              << std::cin.eof() << "\n";

    // -- files
    const std::string S = "/sandbox/";
    {
        std::ofstream out(S + "out.txt");
        std::cout << "ofstream out.txt: is_open " << out.is_open() << "\n";
        out << "first line\n" << 42 << ' ' << 2.5 << "\n";
    }
    std::cout << "out.txt: \"" << shown(slurp(S + "out.txt")) << "\"\n";
    {
        std::ofstream app(S + "out.txt", std::ios::app);
        app << "appended\n";
        app.seekp(0);
        app << "still appended at the end\n";
    }
    std::cout << "out.txt: \"" << shown(slurp(S + "out.txt")) << "\"\n";
    {
        std::ifstream in(S + "out.txt");
        std::string l;
        int k = 0;
        while (std::getline(in, l)) std::cout << "ifstream line " << ++k << ": [" << l << "]\n";
    }
    {
        std::ifstream in(S + "out.txt", std::ios::binary);
        in.seekg(0, std::ios::end);
        std::cout << "tellg at end: " << in.tellg() << "\n";
        in.seekg(11);
        char two[3] = {0, 0, 0};
        in.read(two, 2);
        std::cout << "seekg(11), read 2: [" << two << "], tellg " << in.tellg() << "\n";
        in.seekg(-9, std::ios::end);
        std::string rest;
        std::getline(in, rest);
        std::cout << "seekg(-9, end), getline: [" << rest << "], tellg " << in.tellg() << "\n";
        in.seekg(-3, std::ios::cur);
        std::getline(in, rest);
        std::cout << "seekg(-3, cur), getline: [" << rest << "]\n";
        in.seekg(1000);
        std::cout << "seekg(1000): good " << in.good() << ", tellg " << in.tellg() << "\n";
        char ch;
        bool got = static_cast<bool>(in.get(ch));
        std::cout << "get past the end: " << (got ? "a byte" : "nothing") << ", eof " << in.eof() << "\n";
    }
    {
        std::ofstream bin(S + "bytes.bin", std::ios::binary);
        for (int i = 0; i < 256; i++) bin.put(static_cast<char>(i));
        bin.write("\r\n\0end", 6);
    }
    {
        std::ifstream bin(S + "bytes.bin", std::ios::binary);
        std::string s = slurp(S + "bytes.bin");
        bool ok = s.size() == 262;
        for (int i = 0; ok && i < 256; i++) ok = static_cast<unsigned char>(s[i]) == i;
        ok = ok && s.compare(256, 6, std::string("\r\n\0end", 6)) == 0;
        bin.seekg(200);
        std::cout << "bytes.bin: " << s.size() << " bytes, round trip " << (ok ? "ok" : "BAD") << ", byte at 200: "
                  << bin.get() << "\n";
    }
    {
        std::fstream rw(S + "rw.txt", std::ios::in | std::ios::out | std::ios::trunc);
        rw << "hello world\n";
        rw.seekg(6);
        std::string word;
        rw >> word;
        rw.seekp(0);
        rw << "HELLO";
        rw.seekg(0);
        std::string all;
        std::getline(rw, all);
        std::cout << "fstream in|out: read [" << word << "], then [" << all << "]\n";
    }
    std::cout << "seed.txt before: \"" << shown(slurp(S + "seed.txt")) << "\"\n";
    {
        std::ofstream t(S + "seed.txt");
        t << "replaced\n";
    }
    std::cout << "seed.txt after ofstream: \"" << shown(slurp(S + "seed.txt")) << "\"\n";
    {
        errno = 0;
        std::ofstream x(S + "seed.txt", std::ios::out | std::ios::noreplace);
        std::cout << "ofstream noreplace on an existing file: is_open " << x.is_open() << ", " << errname(errno) << "\n";
    }
    {
        std::ofstream x(S + "fresh.txt", std::ios::out | std::ios::noreplace);
        x << "fresh\n";
        std::cout << "ofstream noreplace on a new file: is_open " << x.is_open() << "\n";
    }
    {
        errno = 0;
        std::ifstream x(S + "missing.txt");
        std::cout << "ifstream missing.txt: is_open " << x.is_open() << ", " << errname(errno) << "\n";
    }
    {
        errno = 0;
        std::ofstream x(S + "nodir/x.txt");
        std::cout << "ofstream nodir/x.txt: is_open " << x.is_open() << ", " << errname(errno) << "\n";
    }
    {
        errno = 0;
        std::ofstream x(S + "dir");
        std::cout << "ofstream on a directory: is_open " << x.is_open() << ", " << errname(errno) << "\n";
    }
    {
        std::ifstream x(S + "dir");
        std::string l;
        bool got = static_cast<bool>(std::getline(x, l));
        std::cout << "ifstream on a directory: is_open " << x.is_open() << ", getline " << (got ? "read" : "failed") << "\n";
    }
    {
        errno = 0;
        std::ofstream x(S + "seed.txt/below");
        std::cout << "ofstream seed.txt/below: is_open " << x.is_open() << ", " << errname(errno) << "\n";
    }

    // -- exit: text still in the buffers is written, atexit handlers and
    // static destructors run first.
    std::atexit(at_exit);
    std::cerr << "stderr without a newline";
    std::cout << "unflushed at exit, no newline";
    std::exit(7);
}
