import type { ModuleMetadata } from '@nestjs/common';

/**
 * What a module's `forRoot({ imports })` takes: the modules that provide the tokens it
 * declares (a lower module asks, a higher one answers; app.module.ts wires them).
 */
export type ModuleImport = NonNullable<ModuleMetadata['imports']>[number];
