/**
 * A string built by concatenation (`a + b`, a template literal, a template's output, path.posix.join) is kept
 * by V8 as a tree of its pieces until something reads it character by character: the path
 * 'compiled/models/bronze/g0/bronze_m00000.sql' out of path.posix.join is ~330 bytes in nine objects, where
 * its characters alone take 64. A compile keeps such strings for its whole run (a node's compiled SQL, its
 * paths, a test's name): ~22 MB of trees where ~5 MB of characters would do, on a 10,000-model project, and
 * every young-generation collection copies each surviving piece on its own.
 *
 * flat() reads one character, which makes V8 flatten the tree in place into one sequence (its pieces become
 * garbage at once); what the string says is unchanged. The copy is one the first JSON.stringify, hash or
 * write of the string would have made anyway.
 */
export function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}
