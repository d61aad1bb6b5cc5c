// cpp_filesystem: std::filesystem from LLVM's libc++ on wasi-libc, on the
// preopen /sandbox. Every call uses the std::error_code overload (the libc++
// build has no exceptions) and prints "what: result" with the error's name,
// value and message when there is one. The values are wasi-libc's errno
// numbers (WASI's), the messages its strerror. Listings are sorted, since the
// order of a directory iterator is unspecified; times are ones we set.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;
using std::cout;

static std::string errname(const std::error_code& ec) {
    struct Known {
        std::errc code;
        const char* name;
    };
    static const Known known[] = {
        {std::errc::no_such_file_or_directory, "ENOENT"},
        {std::errc::file_exists, "EEXIST"},
        {std::errc::not_a_directory, "ENOTDIR"},
        {std::errc::is_a_directory, "EISDIR"},
        {std::errc::directory_not_empty, "ENOTEMPTY"},
        {std::errc::operation_not_permitted, "EPERM"},
        {std::errc::permission_denied, "EACCES"},
        {std::errc::invalid_argument, "EINVAL"},
        {std::errc::too_many_symbolic_link_levels, "ELOOP"},
        {std::errc::cross_device_link, "EXDEV"},
        {std::errc::not_supported, "ENOTSUP"},
        {std::errc::bad_file_descriptor, "EBADF"},
        {std::errc::function_not_supported, "ENOSYS"},
        {std::errc::filename_too_long, "ENAMETOOLONG"},
        {std::errc::io_error, "EIO"},
        {std::errc::device_or_resource_busy, "EBUSY"},
    };
    for (const Known& k : known) {
        if (ec == k.code) return k.name;
    }
#ifdef ENOTCAPABLE
    if (ec.value() == ENOTCAPABLE) return "ENOTCAPABLE";
#endif
    return "errno " + std::to_string(ec.value());
}

static std::string outcome(const std::error_code& ec) {
    if (!ec) return "ok";
    return errname(ec) + " [" + std::to_string(ec.value()) + " " + ec.message() + "]";
}

static void report(const std::string& what, const std::error_code& ec) { cout << what << ": " << outcome(ec) << "\n"; }

static void report(const std::string& what, bool result, const std::error_code& ec) {
    cout << what << ": " << (result ? "true" : "false") << ", " << outcome(ec) << "\n";
}

static void report_count(const std::string& what, std::uintmax_t n, const std::error_code& ec) {
    cout << what << ": ";
    if (n == static_cast<std::uintmax_t>(-1)) cout << "-1";
    else cout << n;
    cout << ", " << outcome(ec) << "\n";
}

static const char* type_name(fs::file_type t) {
    switch (t) {
    case fs::file_type::none: return "none";
    case fs::file_type::not_found: return "not_found";
    case fs::file_type::regular: return "regular";
    case fs::file_type::directory: return "directory";
    case fs::file_type::symlink: return "symlink";
    case fs::file_type::block: return "block";
    case fs::file_type::character: return "character";
    case fs::file_type::fifo: return "fifo";
    case fs::file_type::socket: return "socket";
    case fs::file_type::unknown: return "unknown";
    }
    return "?";
}

static void show_status(const std::string& p) {
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    cout << "status " << p << ": " << type_name(st.type()) << ", " << outcome(ec) << "\n";
}

static void show_symlink_status(const std::string& p) {
    std::error_code ec;
    fs::file_status st = fs::symlink_status(p, ec);
    cout << "symlink_status " << p << ": " << type_name(st.type()) << ", " << outcome(ec) << "\n";
}

static void show_size(const std::string& p) {
    std::error_code ec;
    report_count("file_size " + p, fs::file_size(p, ec), ec);
}

static std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return "<cannot open>";
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

static void show_content(const std::string& p) {
    std::string s = slurp(p);
    std::string shown;
    for (char c : s) {
        if (c == '\n') shown += "\\n";
        else if (c == '\0') shown += "\\0";
        else shown += c;
    }
    cout << p << ": \"" << shown << "\"\n";
}

static void put(const std::string& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) cout << "FAIL writing " << p << "\n";
}

// One line per entry of a listing, sorted: "name kind" (kind from the
// entry's cached symlink_status, so a symlink shows as one).
static void list(const std::string& title, std::vector<std::string> lines) {
    std::sort(lines.begin(), lines.end());
    cout << title << " (" << lines.size() << "):";
    for (const std::string& l : lines) cout << " " << l;
    cout << "\n";
}

static std::string entry_kind(const fs::directory_entry& e) {
    std::error_code ec;
    fs::file_type t = e.symlink_status(ec).type();
    if (ec) return outcome(ec);
    std::string k = type_name(t);
    if (t == fs::file_type::symlink) {
        fs::file_type target = e.status(ec).type();
        k += "->";
        k += ec ? errname(ec) : type_name(target);
    }
    return k;
}

static void list_dir(const std::string& p) {
    std::error_code ec;
    std::vector<std::string> lines;
    fs::directory_iterator it(p, ec);
    if (ec) {
        report("directory_iterator " + p, ec);
        return;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        lines.push_back(it->path().filename().string() + "(" + entry_kind(*it) + ")");
        if (ec) break;
    }
    if (ec) report("directory_iterator " + p + " increment", ec);
    list("directory_iterator " + p, lines);
}

static void list_recursive(const std::string& p, fs::directory_options opts, const std::string& how) {
    std::error_code ec;
    std::vector<std::string> lines;
    fs::recursive_directory_iterator it(p, opts, ec);
    if (ec) {
        report("recursive_directory_iterator " + p, ec);
        return;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::string rel = it->path().lexically_relative(p).generic_string();
        lines.push_back(rel + "@" + std::to_string(it.depth()) + "(" + entry_kind(*it) + ")");
        if (ec) break;
    }
    if (ec) report("recursive_directory_iterator " + p + " increment", ec);
    list("recursive_directory_iterator " + how + " " + p, lines);
}

// Nanoseconds since the Unix epoch <-> file_time_type, through the system clock.
static fs::file_time_type at_ns(long long ns) {
    std::chrono::sys_time<std::chrono::nanoseconds> sys{std::chrono::nanoseconds(ns)};
    return std::chrono::file_clock::from_sys(sys);
}
static long long ns_of(fs::file_time_type t) {
    auto sys = std::chrono::file_clock::to_sys(t);
    return std::chrono::duration_cast<std::chrono::nanoseconds>(sys.time_since_epoch()).count();
}

int main() {
    std::error_code ec;
    const std::string S = "/sandbox";

    cout << "-- status\n";
    report("exists /sandbox", fs::exists(S, ec), ec);
    report("is_directory /sandbox/tree", fs::is_directory(S + "/tree", ec), ec);
    report("is_regular_file /sandbox/tree/a.txt", fs::is_regular_file(S + "/tree/a.txt", ec), ec);
    show_status(S + "/tree");
    show_status(S + "/tree/a.txt");
    show_status(S + "/missing");
    show_status(S + "/tree/a.txt/below");
    show_status(S + "/missing/deeper");
    report("exists /sandbox/missing", fs::exists(S + "/missing", ec), ec);
    show_size(S + "/tree/a.txt");
    show_size(S + "/tree/b.txt");
    show_size(S + "/tree/empty.txt");
    show_size(S + "/tree");
    show_size(S + "/missing");
    report("is_empty tree/emptydir", fs::is_empty(S + "/tree/emptydir", ec), ec);
    report("is_empty tree", fs::is_empty(S + "/tree", ec), ec);
    report("is_empty tree/empty.txt", fs::is_empty(S + "/tree/empty.txt", ec), ec);
    report("is_empty tree/a.txt", fs::is_empty(S + "/tree/a.txt", ec), ec);

    cout << "-- create_directories\n";
    report("create_directories made/x/y", fs::create_directories(S + "/made/x/y", ec), ec);
    report("create_directories made/x/y again", fs::create_directories(S + "/made/x/y", ec), ec);
    report("create_directory made (exists)", fs::create_directory(S + "/made", ec), ec);
    report("create_directory made/x/y/../z", fs::create_directory(S + "/made/x/y/../z", ec), ec);
    report("is_directory made/x/z", fs::is_directory(S + "/made/x/z", ec), ec);
    report("create_directory over a file", fs::create_directory(S + "/tree/a.txt", ec), ec);
    report("create_directory under a missing dir", fs::create_directory(S + "/nope/x", ec), ec);
    report("create_directories through a file", fs::create_directories(S + "/tree/a.txt/sub/x", ec), ec);
    report("create_directories made/trailing/", fs::create_directories(S + "/made/trailing/", ec), ec);
    report("is_directory made/trailing", fs::is_directory(S + "/made/trailing", ec), ec);

    cout << "-- symlinks and hard links\n";
    fs::create_symlink("a.txt", S + "/tree/link_a", ec);
    report("create_symlink tree/link_a -> a.txt", ec);
    fs::create_directory_symlink("sub", S + "/tree/link_sub", ec);
    report("create_directory_symlink tree/link_sub -> sub", ec);
    fs::create_symlink("nowhere", S + "/tree/dangling", ec);
    report("create_symlink tree/dangling -> nowhere", ec);
    fs::create_symlink("b.txt", S + "/tree/link_a", ec);
    report("create_symlink onto an existing name", ec);
    cout << "read_symlink tree/link_a: " << fs::read_symlink(S + "/tree/link_a", ec) << ", " << outcome(ec) << "\n";
    cout << "read_symlink tree/link_sub: " << fs::read_symlink(S + "/tree/link_sub", ec) << ", " << outcome(ec) << "\n";
    cout << "read_symlink tree/a.txt: " << fs::read_symlink(S + "/tree/a.txt", ec) << ", " << outcome(ec) << "\n";
    cout << "read_symlink missing: " << fs::read_symlink(S + "/missing", ec) << ", " << outcome(ec) << "\n";
    show_symlink_status(S + "/tree/link_a");
    show_status(S + "/tree/link_a");
    show_symlink_status(S + "/tree/link_sub");
    show_status(S + "/tree/link_sub");
    show_symlink_status(S + "/tree/dangling");
    show_status(S + "/tree/dangling");
    report("exists tree/dangling", fs::exists(S + "/tree/dangling", ec), ec);
    show_size(S + "/tree/link_a");
    show_size(S + "/tree/link_sub/c.txt");
    show_content(S + "/tree/link_sub/deeper/d.txt");

    report_count("hard_link_count tree/a.txt", fs::hard_link_count(S + "/tree/a.txt", ec), ec);
    fs::create_hard_link(S + "/tree/a.txt", S + "/hard.txt", ec);
    report("create_hard_link hard.txt -> tree/a.txt", ec);
    report_count("hard_link_count tree/a.txt", fs::hard_link_count(S + "/tree/a.txt", ec), ec);
    report_count("hard_link_count hard.txt", fs::hard_link_count(S + "/hard.txt", ec), ec);
    report_count("hard_link_count tree/link_a (follows)", fs::hard_link_count(S + "/tree/link_a", ec), ec);
    report_count("hard_link_count missing", fs::hard_link_count(S + "/missing", ec), ec);
    report("equivalent tree/a.txt hard.txt", fs::equivalent(S + "/tree/a.txt", S + "/hard.txt", ec), ec);
    report("equivalent tree/a.txt tree/link_a", fs::equivalent(S + "/tree/a.txt", S + "/tree/link_a", ec), ec);
    report("equivalent tree/a.txt tree/b.txt", fs::equivalent(S + "/tree/a.txt", S + "/tree/b.txt", ec), ec);
    report("equivalent tree/link_sub tree/sub", fs::equivalent(S + "/tree/link_sub", S + "/tree/sub", ec), ec);
    fs::create_hard_link(S + "/tree/b.txt", S + "/hard.txt", ec);
    report("create_hard_link onto an existing name", ec);
    fs::create_hard_link(S + "/tree/sub", S + "/hard_dir", ec);
    report("create_hard_link of a directory", ec);
    fs::create_hard_link(S + "/missing", S + "/hard2.txt", ec);
    report("create_hard_link of a missing file", ec);
    {
        std::ofstream app(S + "/hard.txt", std::ios::app);
        app << "appended via hard.txt\n";
    }
    show_content(S + "/tree/a.txt");
    fs::create_symlink("loop2", S + "/loop1", ec);
    fs::create_symlink("loop1", S + "/loop2", ec);
    show_status(S + "/loop1");
    show_symlink_status(S + "/loop1");
    report("exists loop1", fs::exists(S + "/loop1", ec), ec);

    cout << "-- directory_iterator\n";
    list_dir(S + "/tree");
    list_dir(S + "/tree/emptydir");
    list_dir(S + "/tree/link_sub");
    list_dir(S + "/missing");
    list_dir(S + "/tree/a.txt");
    list_recursive(S + "/tree", fs::directory_options::none, "(default)");
    list_recursive(S + "/tree", fs::directory_options::follow_directory_symlink, "(follow)");
    list_recursive(S + "/missing", fs::directory_options::none, "(default)");

    cout << "-- current_path\n";
    cout << "current_path: " << fs::current_path(ec) << ", " << outcome(ec) << "\n";
    fs::current_path(S + "/tree", ec);
    report("current_path /sandbox/tree", ec);
    cout << "current_path: " << fs::current_path(ec) << ", " << outcome(ec) << "\n";
    show_size("sub/c.txt");
    show_status("link_sub/deeper");
    cout << "absolute x: " << fs::absolute("x", ec) << ", " << outcome(ec) << "\n";
    cout << "canonical sub/deeper/../c.txt: " << fs::canonical("sub/deeper/../c.txt", ec) << ", " << outcome(ec) << "\n";
    cout << "canonical link_sub/deeper: " << fs::canonical("link_sub/deeper", ec) << ", " << outcome(ec) << "\n";
    cout << "canonical link_a: " << fs::canonical("link_a", ec) << ", " << outcome(ec) << "\n";
    cout << "canonical dangling: " << fs::canonical("dangling", ec) << ", " << outcome(ec) << "\n";
    fs::current_path(S + "/tree/a.txt", ec);
    report("current_path tree/a.txt", ec);
    fs::current_path(S + "/missing", ec);
    report("current_path missing", ec);
    fs::current_path(S, ec);
    report("current_path /sandbox", ec);
    list_dir(".");

    cout << "-- copy_file\n";
    report("copy_file tree/b.txt -> copy.txt", fs::copy_file(S + "/tree/b.txt", S + "/copy.txt", ec), ec);
    show_content(S + "/copy.txt");
    report("copy_file onto an existing file", fs::copy_file(S + "/tree/sub/c.txt", S + "/copy.txt", ec), ec);
    report("copy_file skip_existing",
           fs::copy_file(S + "/tree/sub/c.txt", S + "/copy.txt", fs::copy_options::skip_existing, ec), ec);
    show_content(S + "/copy.txt");
    // Copying over an existing file makes libc++ call fchmod(), which
    // wasi-libc does not implement (ENOSYS, without asking the host): that
    // is what a C++ program gets on any preview1 host with this libc.
    report("copy_file overwrite_existing",
           fs::copy_file(S + "/tree/sub/c.txt", S + "/copy.txt", fs::copy_options::overwrite_existing, ec), ec);
    show_content(S + "/copy.txt");
    report("copy_file a file onto itself", fs::copy_file(S + "/copy.txt", S + "/copy.txt", fs::copy_options::overwrite_existing, ec), ec);
    report("copy_file missing", fs::copy_file(S + "/missing", S + "/copy2.txt", ec), ec);
    report("copy_file a directory", fs::copy_file(S + "/tree/sub", S + "/copy2.txt", ec), ec);
    report("copy_file onto a directory", fs::copy_file(S + "/copy.txt", S + "/tree/sub", ec), ec);
    report("copy_file into a missing directory", fs::copy_file(S + "/copy.txt", S + "/nope/copy.txt", ec), ec);
    report("copy_file an empty file", fs::copy_file(S + "/tree/empty.txt", S + "/copy_empty.txt", ec), ec);
    show_size(S + "/copy_empty.txt");
    report("exists copy2.txt", fs::exists(S + "/copy2.txt", ec), ec);

    cout << "-- last_write_time\n";
    const long long t1 = 1600000000123456789LL;  // 2020-09-13T12:26:40.123456789Z
    const long long t2 = 946684800000000001LL;   // 2000-01-01T00:00:00.000000001Z
    fs::last_write_time(S + "/copy.txt", at_ns(t1), ec);
    report("last_write_time copy.txt := 1600000000.123456789", ec);
    cout << "last_write_time copy.txt: " << ns_of(fs::last_write_time(S + "/copy.txt", ec)) << ", " << outcome(ec) << "\n";
    fs::last_write_time(S + "/tree/sub", at_ns(t2), ec);
    report("last_write_time tree/sub := 946684800.000000001", ec);
    cout << "last_write_time tree/sub: " << ns_of(fs::last_write_time(S + "/tree/sub", ec)) << ", " << outcome(ec) << "\n";
    fs::last_write_time(S + "/tree/link_a", at_ns(t2), ec);
    report("last_write_time tree/link_a (follows) := 946684800.000000001", ec);
    cout << "last_write_time tree/a.txt: " << ns_of(fs::last_write_time(S + "/tree/a.txt", ec)) << ", " << outcome(ec) << "\n";
    fs::last_write_time(S + "/missing", at_ns(t1), ec);
    report("last_write_time missing := ...", ec);
    {
        fs::file_time_type t = fs::last_write_time(S + "/missing", ec);
        cout << "last_write_time missing: " << (t == fs::file_time_type::min() ? "min" : "other") << ", " << outcome(ec) << "\n";
    }
    {
        std::ofstream app(S + "/copy.txt", std::ios::app);
        app << "more\n";
    }
    report("copy.txt newer after a write", fs::last_write_time(S + "/copy.txt", ec) > at_ns(t1), ec);
    // update_existing copies only when the source is newer.
    fs::last_write_time(S + "/tree/b.txt", at_ns(t2), ec);
    report("copy_file update_existing (source older)",
           fs::copy_file(S + "/tree/b.txt", S + "/copy.txt", fs::copy_options::update_existing, ec), ec);
    fs::last_write_time(S + "/copy.txt", at_ns(t2 - 1), ec);
    report("copy_file update_existing (source 1 ns newer)",
           fs::copy_file(S + "/tree/b.txt", S + "/copy.txt", fs::copy_options::update_existing, ec), ec);
    show_content(S + "/copy.txt");

    cout << "-- resize_file\n";
    put(S + "/sized.bin", "0123456789");
    fs::resize_file(S + "/sized.bin", 4, ec);
    report("resize_file sized.bin 4", ec);
    show_content(S + "/sized.bin");
    fs::resize_file(S + "/sized.bin", 8, ec);
    report("resize_file sized.bin 8", ec);
    show_size(S + "/sized.bin");
    show_content(S + "/sized.bin");
    fs::resize_file(S + "/sized.bin", 0, ec);
    report("resize_file sized.bin 0", ec);
    show_size(S + "/sized.bin");
    fs::resize_file(S + "/missing", 4, ec);
    report("resize_file missing", ec);
    fs::resize_file(S + "/tree/sub", 4, ec);
    report("resize_file a directory", ec);

    cout << "-- rename\n";
    fs::rename(S + "/copy.txt", S + "/renamed.txt", ec);
    report("rename copy.txt -> renamed.txt", ec);
    report("exists copy.txt", fs::exists(S + "/copy.txt", ec), ec);
    show_content(S + "/renamed.txt");
    fs::rename(S + "/renamed.txt", S + "/old.txt", ec);
    report("rename renamed.txt onto existing old.txt", ec);
    show_content(S + "/old.txt");
    report("exists renamed.txt", fs::exists(S + "/renamed.txt", ec), ec);
    fs::rename(S + "/made", S + "/made2", ec);
    report("rename made -> made2", ec);
    report("is_directory made2/x/y", fs::is_directory(S + "/made2/x/y", ec), ec);
    fs::rename(S + "/made2/x/z", S + "/made2/trailing", ec);
    report("rename a dir onto an empty dir", ec);
    fs::rename(S + "/missing", S + "/x", ec);
    report("rename missing", ec);
    fs::rename(S + "/old.txt", S + "/made2", ec);
    report("rename a file onto a directory", ec);
    fs::rename(S + "/made2", S + "/old.txt", ec);
    report("rename a directory onto a file", ec);
    fs::rename(S + "/made2", S + "/tree", ec);
    report("rename a directory onto a nonempty one", ec);
    fs::rename(S + "/made2", S + "/made2/x/inside", ec);
    report("rename a directory into itself", ec);
    fs::rename(S + "/tree/link_a", S + "/link_moved", ec);
    report("rename a symlink", ec);
    cout << "read_symlink link_moved: " << fs::read_symlink(S + "/link_moved", ec) << ", " << outcome(ec) << "\n";
    show_status(S + "/link_moved");

    cout << "-- outside the sandbox\n";
    fs::create_directory(S + "/../escape", ec);
    report("create_directory /sandbox/../escape", ec);
    show_status(S + "/tree/../../etc");
    show_status(S + "/..");
    fs::create_symlink("../../outside", S + "/esc", ec);
    report("create_symlink esc -> ../../outside", ec);
    show_symlink_status(S + "/esc");
    show_status(S + "/esc");
    cout << "read_symlink esc: " << fs::read_symlink(S + "/esc", ec) << ", " << outcome(ec) << "\n";
    fs::create_symlink("/etc/passwd", S + "/abs", ec);
    report("create_symlink abs -> /etc/passwd", ec);
    show_symlink_status(S + "/abs");
    show_status("/etc/passwd");
    fs::current_path(S + "/tree", ec);
    fs::create_directory("../../escape", ec);
    report("create_directory ../../escape from /sandbox/tree", ec);
    list_dir("..");
    fs::current_path(S, ec);
    report_count("remove_all /sandbox/../x", fs::remove_all(S + "/../x", ec), ec);

    cout << "-- remove\n";
    report("remove hard.txt", fs::remove(S + "/hard.txt", ec), ec);
    report("remove hard.txt again", fs::remove(S + "/hard.txt", ec), ec);
    report_count("hard_link_count tree/a.txt", fs::hard_link_count(S + "/tree/a.txt", ec), ec);
    report("remove tree/emptydir", fs::remove(S + "/tree/emptydir", ec), ec);
    report("remove tree (not empty)", fs::remove(S + "/tree", ec), ec);
    report("remove tree/link_sub (a link to a dir)", fs::remove(S + "/tree/link_sub", ec), ec);
    report("is_directory tree/sub", fs::is_directory(S + "/tree/sub", ec), ec);
    report("remove tree/dangling", fs::remove(S + "/tree/dangling", ec), ec);
    report("remove tree/a.txt/x", fs::remove(S + "/tree/a.txt/x", ec), ec);
    report_count("remove_all a file (sized.bin)", fs::remove_all(S + "/sized.bin", ec), ec);
    report_count("remove_all a symlink (link_moved)", fs::remove_all(S + "/link_moved", ec), ec);
    report("exists tree/a.txt", fs::exists(S + "/tree/a.txt", ec), ec);
    report_count("remove_all missing", fs::remove_all(S + "/missing", ec), ec);
    report_count("remove_all made2", fs::remove_all(S + "/made2", ec), ec);
    fs::create_directory_symlink("sub", S + "/tree/link_sub", ec);
    report_count("remove_all tree", fs::remove_all(S + "/tree", ec), ec);
    report("exists tree", fs::exists(S + "/tree", ec), ec);
    report_count("remove_all tree again", fs::remove_all(S + "/tree", ec), ec);
    for (const char* name : {"/loop1", "/loop2", "/esc", "/abs", "/copy_empty.txt"}) fs::remove(S + name, ec);
    fs::create_directories(S + "/out/sub", ec);
    put(S + "/out/sub/result.txt", "written by cpp_filesystem\n");
    list_recursive(S, fs::directory_options::none, "(default)");
    return 0;
}
