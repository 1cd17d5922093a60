/** Reading a flag's value from the raw command line, for the short cuts that run before commander is loaded. */

/** The value of `flag` (or one of its spellings) in `argv`, as `--flag value` or `--flag=value`; the last one wins. */
export function flagValue(argv: readonly string[], ...flags: string[]): string | undefined {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    for (const flag of flags) {
      if (arg === flag) value = argv[i + 1];
      else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
    }
  });
  return value;
}
