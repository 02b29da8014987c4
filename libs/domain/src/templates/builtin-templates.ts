import type { ProcessTemplate } from '../template/process-template.type.js';
import { beschlussvorlageTemplate } from './beschlussvorlage.template.js';
import { digitaleAgendaTemplate } from './digitale-agenda.template.js';
import { kurzverfahrenTemplate } from './kurzverfahren.template.js';

/** Templates shipped with Ratsweg; further versions are stored by administrators. */
export const BUILTIN_TEMPLATES: readonly ProcessTemplate[] = [digitaleAgendaTemplate, beschlussvorlageTemplate, kurzverfahrenTemplate];
