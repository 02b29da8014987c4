import type { ProcessTemplate } from '../template/process-template.type.js';
import { kurzverfahrenTemplate } from './kurzverfahren.template.js';

/** Templates shipped with Ratsweg; further versions are stored by administrators. */
export const BUILTIN_TEMPLATES: readonly ProcessTemplate[] = [kurzverfahrenTemplate];
