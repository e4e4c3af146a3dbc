import { describe, expect, it } from 'vitest';
import { parseJavaVersion } from '../src/index.js';

describe('parseJavaVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', '17.0.15', 17],
    ['openjdk version "21" 2023-09-19', '21', 21],
    ['openjdk version "22-ea" 2024-03-19', '22-ea', 22],
    ['java version "11.0.2" 2019-01-15 LTS', '11.0.2', 11],
    ['java version "1.8.0_292"', '1.8.0_292', 8],
    ['openjdk version "1.7.0_80"', '1.7.0_80', 7],
  ])('reads %s as major %i', (output, version, major) => {
    expect(parseJavaVersion(output)).toEqual({ version, major });
  });

  it('finds the version after JVM notices', () => {
    const output =
      'Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime';
    expect(parseJavaVersion(output)?.major).toBe(17);
  });

  it.each(['', 'bash: java: command not found', 'openjdk version "abc"'])(
    'returns undefined for %j',
    (output) => {
      expect(parseJavaVersion(output)).toBeUndefined();
    },
  );
});
