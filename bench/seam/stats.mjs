// Order statistics and table printing shared by the seam benches (Node and browser).

/** The q-quantile (0..1) of `xs` by the nearest-rank method. */
export function quantile(xs, q) {
  const s = Float64Array.from(xs).sort();
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const median = (xs) => quantile(xs, 0.5);

/** A markdown table from rows of cells. */
export function table(head, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fixed = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
