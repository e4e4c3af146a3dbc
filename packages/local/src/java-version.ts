/**
 * Oldest Java major version DynamoDB Local (v3) runs on.
 *
 * @example
 * ```ts
 * console.log(`DynamoDB Local needs Java ${MINIMUM_JAVA_MAJOR} or newer`);
 * ```
 */
export const MINIMUM_JAVA_MAJOR = 17;

/**
 * A Java runtime version as reported by `java -version`.
 *
 * @example
 * ```ts
 * const java: JavaVersion = { version: '1.8.0_292', major: 8 };
 * ```
 */
export interface JavaVersion {
  /** The quoted version string, e.g. `17.0.15` or `1.8.0_292`. */
  readonly version: string;
  /** The feature release: 17 for `17.0.15`, 8 for `1.8.0_292`. */
  readonly major: number;
}

// `java -version` prints e.g. `openjdk version "17.0.15" 2025-04-15` or `java version "1.8.0_292"` on stderr,
// possibly after lines such as `Picked up JAVA_TOOL_OPTIONS: ...`.
const VERSION_PATTERN = /version "([^"]+)"/;

/**
 * Parses the output of `java -version`. Understands the modern scheme (`17.0.15`, `21`, `22-ea`)
 * and the legacy `1.x` scheme used up to Java 8 (`1.8.0_292` is major 8).
 *
 * @returns the version, or `undefined` if the output has no recognisable version.
 * @example
 * ```ts
 * parseJavaVersion('openjdk version "17.0.15" 2025-04-15'); // { version: '17.0.15', major: 17 }
 * parseJavaVersion('java version "1.8.0_292"'); // { version: '1.8.0_292', major: 8 }
 * ```
 */
export const parseJavaVersion = (output: string): JavaVersion | undefined => {
  const version = VERSION_PATTERN.exec(output)?.[1];
  if (version === undefined) return undefined;
  const [first, second] = version.split(/[.\-_+]/);
  const major = first === '1' ? Number(second) : Number(first);
  return Number.isInteger(major) && major > 0 ? { version, major } : undefined;
};
