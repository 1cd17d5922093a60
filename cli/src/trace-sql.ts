/**
 * Each statement sent to the warehouse as a debug line: in the log file always, on the terminal with
 * --debug, as in dbt's debug log. The adapter and its connections are patched in place (not wrapped), so
 * the connection objects an adapter receives back are its own.
 */
import type { Adapter, Connection } from '@xform/core';
import { debug } from './logging.js';

export function traceStatements(adapter: Adapter): Adapter {
  const traced = new WeakSet<Connection>();
  const trace = (connection: Connection): Connection => {
    if (traced.has(connection)) return connection;
    traced.add(connection);
    const execute = connection.execute.bind(connection);
    connection.execute = (sql, options) => {
      debug(`SQL${options?.label ? ` (${options.label})` : ''}: ${sql}`);
      return execute(sql, options);
    };
    return connection;
  };
  const acquire = adapter.acquire.bind(adapter);
  adapter.acquire = async () => trace(await acquire());
  const withConnection = adapter.withConnection.bind(adapter);
  adapter.withConnection = (fn) => withConnection((connection) => fn(trace(connection)));
  return adapter;
}
