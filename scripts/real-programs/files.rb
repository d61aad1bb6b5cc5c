# Run by scripts/real-programs.mjs inside ruby.wasm (@ruby/3.4-wasm-wasi) with
# /work preopened (empty), ARGV ["alpha", "beta gamma"], FOO=bar and two lines
# on stdin. Every line it prints is deterministic; files.expected holds them.
require 'fileutils'
require 'json'

def try
  yield
  'no error'
rescue SystemCallError => e
  "#{e.class}: #{e.message}"
end

puts "ruby #{RUBY_VERSION} on #{RUBY_PLATFORM}"
puts "ARGV=#{ARGV.inspect}"
puts "ENV FOO=#{ENV['FOO'].inspect} NOPE=#{ENV['NOPE'].inspect} keys=#{ENV.keys.sort.inspect}"
now = Time.now
puts "Time.now plausible: #{now.year >= 2025 && now.year < 2100}"
t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
puts "monotonic advances: #{Process.clock_gettime(Process::CLOCK_MONOTONIC) >= t0}"
puts "seeded Random: #{Random.new(42).rand(1_000_000)}"
puts "urandom: #{Random.urandom(32).bytesize} bytes, two draws differ: #{Random.urandom(16) != Random.urandom(16)}"

Dir.chdir('/work')
puts "pwd=#{Dir.pwd}"
File.write('a.txt', "hello\nworld\n")
File.open('a.txt', 'r+') do |f|
  f.seek(6)
  puts "seek 6, read 5: #{f.read(5).inspect}"
  f.seek(0, IO::SEEK_END)
  f.write("end\n")
  puts "pos after append: #{f.pos}"
  f.seek(-4, IO::SEEK_END)
  puts "seek -4 from end: #{f.read.inspect}"
end
File.open('a.txt', 'a') { |f| f.print 'tail' }
puts "content: #{File.read('a.txt').inspect}"
st = File.stat('a.txt')
puts "stat: file?=#{st.file?} directory?=#{st.directory?} size=#{st.size} nlink=#{st.nlink}"
puts "mtime recent: #{(Time.now - File.mtime('a.txt')).abs < 120}"
File.utime(Time.at(1_000_000_000, 123456, :usec), Time.at(1_500_000_000), 'a.txt')
puts "utime: atime=#{File.atime('a.txt').to_i} mtime=#{File.mtime('a.txt').to_i}"
File.truncate('a.txt', 5)
puts "truncate 5: #{File.read('a.txt').inspect}"
File.rename('a.txt', 'b.txt')
puts "rename: a=#{File.exist?('a.txt')} b=#{File.exist?('b.txt')}"

Dir.mkdir('sub')
Dir.mkdir('sub/deep')
File.write('sub/x.rb', '1')
File.write('sub/y.txt', '22')
File.write('sub/deep/z.rb', '333')
puts "glob **/*.rb: #{Dir.glob('**/*.rb').sort.inspect}"
puts "glob sub/*: #{Dir['sub/*'].sort.inspect}"
puts "children: #{Dir.children('sub').sort.inspect}"
puts "entries: #{Dir.entries('sub').sort.inspect}"
puts "each_child count: #{Dir.new('sub').each_child.count}"
puts "find sizes: #{Dir.glob('sub/**/*').select { |p| File.file?(p) }.sort.map { |p| [p, File.size(p)] }.inspect}"

File.symlink('b.txt', 'link')
puts "symlink?=#{File.symlink?('link')} readlink=#{File.readlink('link').inspect} read=#{File.read('link').inspect}"
puts "lstat symlink?=#{File.lstat('link').symlink?} stat file?=#{File.stat('link').file?}"
File.symlink('missing', 'dangling')
puts "dangling: exist?=#{File.exist?('dangling')} symlink?=#{File.symlink?('dangling')}"
puts "realpath: #{File.realpath('link')}"
File.link('b.txt', 'hard')
puts "hard link nlink=#{File.stat('b.txt').nlink}"

puts "read missing: #{try { File.read('nope') }}"
puts "mkdir existing: #{try { Dir.mkdir('sub') }}"
puts "rmdir non-empty: #{try { Dir.rmdir('sub') }}"
puts "O_EXCL existing: #{try { File.open('b.txt', File::CREAT | File::EXCL | File::WRONLY) }}"
puts "open dir for write: #{try { File.open('sub', 'w') }}"
puts "unlink dir: #{try { File.unlink('sub') }}"
puts "file as dir: #{try { File.read('b.txt/x') }}"
puts "outside the preopen: #{try { File.read('/etc/passwd') }}"
puts "dotdot out: #{try { File.read('../etc/passwd') }}"

puts "stdin: #{STDIN.read.inspect}"
FileUtils.mkdir_p('p/q/r')
FileUtils.cp('b.txt', 'p/q/r/copy.txt')
FileUtils.mv('p/q/r/copy.txt', 'p/moved.txt')
puts "fileutils: #{Dir.glob('p/**/*').sort.inspect}"
FileUtils.rm_rf('sub')
puts "rm_rf: sub exists=#{Dir.exist?('sub')}"
File.write('out.json', JSON.generate({ 'argv' => ARGV, 'n' => [1, 2.5, nil] }))
puts "json: #{File.read('out.json')}"
File.unlink('dangling')
puts "left: #{Dir.children('.').sort.inspect}"
$stderr.puts 'a line on stderr'
exit 7
