/** Terminal colours (off when stderr is not a terminal or NO_COLOR is set). Imports nothing, loads instantly. */
const useColor = process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
const paint = (code: string) => (s: string) => (useColor ? `\u001b[${code}m${s}\u001b[0m` : s);
export const red = paint('31');
export const yellow = paint('33');
export const green = paint('32');
export const dim = paint('2');
export const bold = paint('1');
