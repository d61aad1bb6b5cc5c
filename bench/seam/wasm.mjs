// A hand-assembled wasm module (no toolchain): it imports one function
// env.f(params) -> i32 and exports run(n: i32) -> i32, which calls f n times
// with constant arguments and returns the sum of the results. The benches call
// syscall imports from this loop so that each call pays the real wasm-to-JS
// transition, as a guest's calls do. Plain ESM: Node and the browser load it.

const TYPE = { i32: 0x7f, i64: 0x7e };

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(v) {
  let n = BigInt(v);
  const out = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const name = (s) => [...uleb(s.length), ...new TextEncoder().encode(s)];
const section = (id, body) => [id, ...uleb(body.length), ...body];
const vec = (items) => [...uleb(items.length), ...items.flat()];

/**
 * `params`: the import's parameter types ('i32' | 'i64'); `args`: the constant
 * argument passed for each (numbers for i32, bigints for i64).
 */
export function loopModuleBytes(params, args) {
  if (params.length !== args.length) throw new RangeError('one argument per parameter');
  const importType = [0x60, ...vec(params.map((p) => [TYPE[p]])), 1, TYPE.i32];
  const runType = [0x60, 1, TYPE.i32, 1, TYPE.i32];
  const pushArgs = params.flatMap((p, i) => (p === 'i32' ? [0x41, ...sleb(args[i])] : [0x42, ...sleb(args[i])]));
  const code = [
    0x02, 0x40, // block
    0x03, 0x40, //   loop
    0x20, 0, 0x45, 0x0d, 1, // if n == 0 break out
    0x20, 1, ...pushArgs, 0x10, 0, 0x6a, 0x21, 1, // acc += f(args)
    0x20, 0, 0x41, 1, 0x6b, 0x21, 0, // n -= 1
    0x0c, 0, // continue
    0x0b, 0x0b, // end loop, end block
    0x20, 1, // acc
    0x0b,
  ];
  const body = [1, 1, TYPE.i32, ...code]; // one local: acc
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([importType, runType])),
    ...section(2, vec([[...name('env'), ...name('f'), 0x00, 0]])),
    ...section(3, vec([[1]])),
    ...section(7, vec([[...name('run'), 0x00, 1]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

/** Instantiates the loop module around `f` (any import value, e.g. a WebAssembly.Suspending). */
export async function loopInstance(params, args, f) {
  const { instance } = await WebAssembly.instantiate(loopModuleBytes(params, args), { env: { f } });
  return instance.exports.run;
}
