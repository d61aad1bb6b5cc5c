// Command-line options of the bench's A/B scripts, taken out of their argument
// array so that what is left is the positional arguments (builds to compare).

/** Takes `name VALUE` out of `args` and returns VALUE, or `dflt` when `name` is absent. */
export function takeOption(args, name, dflt) {
  const i = args.indexOf(name);
  return i < 0 ? dflt : args.splice(i, 2)[1];
}

/** Takes the flag `name` out of `args`: whether it was there. */
export function takeFlag(args, name) {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}
