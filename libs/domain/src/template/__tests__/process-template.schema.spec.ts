import { BUILTIN_TEMPLATES } from '../../templates/builtin-templates.js';
import { validateProcessTemplate } from '../process-template.schema.js';

describe('validateProcessTemplate', () => {
  it.each(BUILTIN_TEMPLATES.map((template) => [template.key, template]))('should accept the shipped template %s', (_key, template) => {
    expect(validateProcessTemplate(template)).toEqual({ ok: true, template });
  });

  it('should list every error with its path', () => {
    const result = validateProcessTemplate({
      key: 'Ungültig!',
      version: 0,
      title: { de: 'T' },
      stages: [
        { key: 'a', type: 'forum', title: { de: 'A', en: 'A' }, outcomes: { completed: { to: 'next' } }, deadline: { offset: 'zwei Wochen' } },
        { key: 'a', type: 'briefing', title: { de: 'B', en: 'B' }, outcomes: { approved: { to: 'stage', stage: 'nope' } } },
        { key: 'c', type: 'volksfest', title: { de: 'C', en: 'C' }, outcomes: {} },
      ],
    });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.errors.map((error) => `${error.path}: ${error.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^key: /),
        expect.stringMatching(/^version: /),
        expect.stringMatching(/^title\.en: /),
        'stages[0].deadline.offset: expected ISO 8601 duration',
        expect.stringMatching(/^stages\[1\]\.outcomes\.approved: a briefing stage allows only: acknowledged/),
        expect.stringMatching(/^stages\[2\]\.type: /),
      ]),
    );
  });

  it('should refuse duplicate stage keys and transitions to unknown stages', () => {
    const result = validateProcessTemplate({
      key: 'x',
      version: 1,
      title: { de: 'X', en: 'X' },
      stages: [
        { key: 'a', type: 'drafting', title: { de: 'A', en: 'A' }, outcomes: { completed: { to: 'stage', stage: 'nope' } } },
        { key: 'a', type: 'drafting', title: { de: 'A', en: 'A' }, outcomes: { completed: { to: 'next' } } },
      ],
    });
    const errors = result.ok ? [] : result.errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'stages[1].key', message: 'duplicate stage key "a"' },
        { path: 'stages[0].outcomes.completed.stage', message: 'unknown stage "nope"' },
        { path: 'stages[1].outcomes.completed', message: 'the last stage has no next stage; use { "to": "end" }' },
      ]),
    );
  });
});
