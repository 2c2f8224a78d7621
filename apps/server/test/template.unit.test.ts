import { describe, expect, it } from 'vitest';
import { fillTemplate, variableValue } from '../src/agents/template.js';

describe('template variables come from own properties only', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])(
    '{{%s}} with no variables renders as a missing variable, not Object.prototype',
    (name) => {
      expect(variableValue({}, name)).toBeUndefined();
      expect(fillTemplate(`Hi {{${name}}}!`, {})).toBe('Hi !');
    },
  );

  it('a variable actually given, even one named like a prototype member, is used', () => {
    const values = JSON.parse('{"constructor":"Sam","__proto__":"x"}') as Record<string, string>;
    expect(fillTemplate('Hi {{constructor}} {{__proto__}}', values)).toBe('Hi Sam x');
  });
});
