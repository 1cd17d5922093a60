/**
 * `--vars '{...}'`: a YAML (or JSON, which is YAML) mapping given on the command line.
 */
import { DiagnosticBag, XformError } from '../errors.js';
import { isPlainObject, parseYaml } from './yaml-doc.js';

const ORIGIN = '--vars';

/**
 * Parses the text of `--vars`. Empty text gives `{}`. Anything but a mapping, or invalid YAML, is an
 * XformError (XFORM_VARS_INVALID) with the column of the problem.
 */
export function parseVarsArg(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const bag = new DiagnosticBag();
  const src = parseYaml(text, ORIGIN, bag, 'XFORM_VARS_INVALID');
  const first = bag.errors[0];
  if (!src || first) {
    throw new XformError('XFORM_VARS_INVALID', first?.message ?? `invalid ${ORIGIN}`, {
      location: first?.location,
      hint: `--vars takes a YAML or JSON mapping, e.g. --vars '{"start_date": "2024-01-01"}'`,
    });
  }
  if (!isPlainObject(src.value)) {
    throw new XformError('XFORM_VARS_INVALID', `${ORIGIN} must be a mapping of names to values`, {
      location: { file: ORIGIN, line: 1, column: 1 },
      hint: `e.g. --vars '{"start_date": "2024-01-01"}' or --vars 'start_date: 2024-01-01'`,
    });
  }
  return src.value;
}

/**
 * Another command-line YAML mapping (`run-operation --args`, `--warn-error-options`): as parseVarsArg, with
 * `flag` named in messages and XFORM_BAD_ARGUMENT as the code.
 */
export function parseMappingArg(text: string, flag: string, example: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const bag = new DiagnosticBag();
  const src = parseYaml(text, flag, bag, 'XFORM_BAD_ARGUMENT');
  const first = bag.errors[0];
  if (!src || first || !isPlainObject(src.value)) {
    throw new XformError('XFORM_BAD_ARGUMENT', first?.message ?? `${flag} must be a YAML or JSON mapping`, {
      location: first?.location,
      hint: `e.g. ${flag} '${example}'`,
    });
  }
  return src.value;
}
