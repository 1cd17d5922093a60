#!/usr/bin/env node
// `pnpm build`, after tsc: compiles dbt's internal macro files once into core/dist/template/prebuilt-macros.json,
// so that no xform process parses them again (see core/src/template/prebuilt.ts).
import { writePrebuiltMacros } from '../dist/template/prebuild.js';

writePrebuiltMacros();
