import { spawnSync } from 'node:child_process';
import { JavaNotFoundError, JavaTooOldError } from './errors.js';
import { type JavaVersion, MINIMUM_JAVA_MAJOR, parseJavaVersion } from './java-version.js';

/**
 * Options of {@link checkJava}.
 *
 * @example
 * ```ts
 * checkJava({ javaCommand: '/usr/lib/jvm/java-17-openjdk-amd64/bin/java', minimumMajor: 17 });
 * ```
 */
export interface CheckJavaOptions {
  /** Java executable to check. Default `java` (looked up on `PATH`). */
  readonly javaCommand?: string;
  /** Oldest acceptable major version. Default {@link MINIMUM_JAVA_MAJOR} (17). */
  readonly minimumMajor?: number;
}

/**
 * Runs `java -version` and checks the runtime is recent enough for DynamoDB Local.
 *
 * @returns the version found.
 * @throws {@link JavaNotFoundError} if Java cannot be run or reports no version.
 * @throws {@link JavaTooOldError} if its major version is below `minimumMajor`.
 * @example
 * ```ts
 * const { major } = checkJava(); // throws unless Java 17+ is on the PATH
 * ```
 */
export const checkJava = (options: CheckJavaOptions = {}): JavaVersion => {
  const command = options.javaCommand ?? 'java';
  const minimumMajor = options.minimumMajor ?? MINIMUM_JAVA_MAJOR;
  const result = spawnSync(command, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error !== undefined) {
    throw new JavaNotFoundError({ command, reason: result.error.message }, { cause: result.error });
  }
  const found = parseJavaVersion(`${result.stderr}\n${result.stdout}`);
  if (found === undefined) {
    const reason = `exit code ${result.status}, no version in its output`;
    throw new JavaNotFoundError({ command, reason });
  }
  if (found.major < minimumMajor) {
    throw new JavaTooOldError({ foundVersion: found.version, foundMajor: found.major, minimumMajor });
  }
  return found;
};
