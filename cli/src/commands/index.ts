import type { Command } from 'commander';

/** Each command lives in its own file and registers itself here. `setExitCode` reports the command's outcome. */
export function registerCommands(program: Command, setExitCode: (code: number) => void): void {
  void program;
  void setExitCode;
}
