import { describe, expect, it } from 'vitest';
import { fileLockHolder } from './duckdb-adapter.js';

const locked = (program: string) =>
  `IO Error: Could not set lock on file "/p/target/x.duckdb": Conflicting lock is held in ${program} (PID 9016). See also https://duckdb.org/docs/stable/connect/concurrency`;

describe('fileLockHolder', () => {
  it('names the pid of the process holding the file, and the program when it is not xform (node)', () => {
    expect(fileLockHolder(locked('/usr/bin/node'))).toEqual({ holder: '(pid 9016)' });
    expect(fileLockHolder(locked('/usr/local/bin/duckdb'))).toEqual({ holder: '(pid 9016)', who: 'another program (/usr/local/bin/duckdb)' });
    expect(fileLockHolder('IO Error: Could not set lock on file "/p/x.duckdb": Resource temporarily unavailable')).toEqual({ holder: '(its process is not known)' });
  });

  it('leaves other errors alone (a directory as path is not a lock)', () => {
    expect(fileLockHolder('IO Error: Could not open file "/p/target": Is a directory')).toBeUndefined();
  });
});
