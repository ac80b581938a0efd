import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { CONFIG_REFERENCE, CONFIG_TYPES, renderConfigReference } from '../../scripts/config-reference.ts';

describe('docs/configuration.md', () => {
  test('is what helpers/config/gate-config.ts generates (run `npm run docs:config` after changing the config types)', () => {
    expect(fs.readFileSync(CONFIG_REFERENCE, 'utf8')).toBe(renderConfigReference());
  });

  test('a key added to the types shows up, with its doc comment, so the reference cannot drift', () => {
    const source = fs
      .readFileSync(CONFIG_TYPES, 'utf8')
      .replace(
        '  /** Schema the gate inspects. */\n  readonly schema: string;',
        '  /** Schema the gate inspects. */\n  readonly schema: string;\n  /** A new setting. */\n  readonly newSetting?: number;',
      );
    expect(renderConfigReference(source)).toContain('| `newSetting` | `number` | no | A new setting. |');
  });
});
